"""Drawing primitives: fonts, wrapped text, ruled tables with merged cells.

All drawing happens at RENDER_DPI on a white 8-bit grayscale canvas; the
scanner simulation (scan.py) resamples to the sample's dpi afterwards.
Lengths in the API are millimetres (mm) or points (pt) unless a name ends
in `_px`, which means pixels at RENDER_DPI.
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from typing import Literal, Optional

from PIL import Image, ImageDraw, ImageFont

RENDER_DPI = 300
MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
LINE_SPACING = 1.35          # line pitch as a multiple of the font size
CELL_PAD_MM = 1.0            # inner cell padding, each side
INK = 0                      # text colour (grey level)

#: font name -> (file, face index). Only CJK fonts from apt packages, see setup.sh.
FONT_FILES: dict[str, tuple[str, int]] = {
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "serif_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "sans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "ukai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    "wqy": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    "zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
}


def mm_to_px(mm: float, dpi: int = RENDER_DPI) -> int:
    """Millimetres to whole pixels at `dpi`."""
    return int(round(mm * dpi / MM_PER_INCH))


def pt_to_px(pt: float, dpi: int = RENDER_DPI) -> int:
    """Typographic points to whole pixels at `dpi`."""
    return int(round(pt * dpi / PT_PER_INCH))


@functools.lru_cache(maxsize=64)
def font(name: str, size_pt: float) -> ImageFont.FreeTypeFont:
    """A CJK font from FONT_FILES at `size_pt` points (rendered at RENDER_DPI)."""
    path, index = FONT_FILES[name]
    return ImageFont.truetype(path, pt_to_px(size_pt), index=index)


def wrap(text: str, fnt: ImageFont.FreeTypeFont, width_px: int) -> list[str]:
    """Greedy per-character wrap (CJK style) of `text` into lines ≤ width_px.

    Explicit '\\n' in `text` always breaks.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and fnt.getlength(line + ch) > width_px:
                lines.append(line)
                line = ch.lstrip() if ch == " " else ch
            else:
                line += ch
        lines.append(line)
    return lines


# ---- tables -----------------------------------------------------------------
@dataclass
class Cell:
    """One (possibly merged) table cell. row/col are grid indices."""
    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    align: Literal["center", "left"] = "center"
    valign: Literal["center", "top"] = "center"
    vertical: bool = False      # one character per line (narrow header columns)
    key: Optional[str] = None   # canonical key for value cells (documentation only)


@dataclass
class Table:
    """A ruled table: column widths in mm, a grid of merged cells."""
    col_widths_mm: list[float]
    n_rows: int
    cells: list[Cell] = field(default_factory=list)
    header_rows: int = 0            # rows to repeat after a page break (if asked)
    row_keys: dict[int, str] = field(default_factory=dict)  # grid row -> row name

    def add(self, row: int, col: int, text: str = "", **kw) -> Cell:
        """Append a cell and return it."""
        c = Cell(row, col, text, **kw)
        self.cells.append(c)
        return c


@dataclass
class TableStyle:
    """How a table is drawn. Widths in pt, sizes in pt."""
    font: str = "serif"
    size_pt: float = 10.5
    inner_pt: float = 0.5           # inner ruling width
    outer_pt: float = 1.5           # outer frame width
    min_row_mm: float = 7.0         # minimum row height
    line_grey: int = 0              # 0 = black ruling; >0 = faded lines
    gap_prob: float = 0.0           # probability that a ruling segment has a gap
    gap_mm: tuple[float, float] = (0.8, 3.0)


@dataclass
class RenderedTable:
    """A drawn table: its image and the y (px) of every row boundary."""
    image: Image.Image
    row_y: list[int]                # len n_rows + 1, px from the table top
    text_spans: list[tuple[int, int, int]]  # (row, y0, y1) of every text line
    table: Table


def _cell_lines(cell: Cell, fnt: ImageFont.FreeTypeFont, width_px: int) -> list[str]:
    """Lines of a cell's text after wrapping (or one char per line if vertical)."""
    if not cell.text:
        return []
    if cell.vertical:
        return [ch for ch in cell.text if ch not in " \n"]
    return wrap(cell.text, fnt, width_px)


def _draw_rule(draw: ImageDraw.ImageDraw, x0: int, y0: int, x1: int, y1: int,
               style: TableStyle, rng: random.Random) -> None:
    """Draw an axis-aligned ruling rectangle [x0,x1)×[y0,y1) with optional gaps."""
    horizontal = (x1 - x0) >= (y1 - y0)
    length = (x1 - x0) if horizontal else (y1 - y0)
    pos = 0
    while pos < length:
        seg = length - pos
        if style.gap_prob > 0 and rng.random() < style.gap_prob:
            seg = min(seg, rng.randint(mm_to_px(4), mm_to_px(25)))
        grey = style.line_grey
        if grey:
            grey = max(0, min(200, grey + rng.randint(-40, 40)))
        if horizontal:
            draw.rectangle([x0 + pos, y0, x0 + pos + seg - 1, y1 - 1], fill=grey)
        else:
            draw.rectangle([x0, y0 + pos, x1 - 1, y0 + pos + seg - 1], fill=grey)
        pos += seg
        if pos < length and style.gap_prob > 0:
            pos += mm_to_px(rng.uniform(*style.gap_mm))


def render_table(table: Table, style: TableStyle, rng: random.Random) -> RenderedTable:
    """Lay out and draw `table` (row heights from wrapped text) at RENDER_DPI."""
    fnt = font(style.font, style.size_pt)
    pad = mm_to_px(CELL_PAD_MM)
    line_h = int(pt_to_px(style.size_pt) * LINE_SPACING)
    col_x = [0]
    for w in table.col_widths_mm:
        col_x.append(col_x[-1] + mm_to_px(w))
    lines = {id(c): _cell_lines(c, fnt, col_x[c.col + c.colspan] - col_x[c.col] - 2 * pad)
             for c in table.cells}
    need = {id(c): len(lines[id(c)]) * line_h + 2 * pad for c in table.cells}
    heights = [mm_to_px(style.min_row_mm)] * table.n_rows
    for c in table.cells:
        if c.rowspan == 1:
            heights[c.row] = max(heights[c.row], need[id(c)])
    for c in sorted(table.cells, key=lambda c: c.rowspan):
        if c.rowspan > 1:
            have = sum(heights[c.row:c.row + c.rowspan])
            if need[id(c)] > have:
                heights[c.row + c.rowspan - 1] += need[id(c)] - have
    outer = max(1, pt_to_px(style.outer_pt))
    inner = max(1, pt_to_px(style.inner_pt))
    row_y = [outer // 2]
    for h in heights:
        row_y.append(row_y[-1] + h)
    width = col_x[-1] + outer
    img = Image.new("L", (width, row_y[-1] + outer), 255)
    draw = ImageDraw.Draw(img)
    ox = outer // 2
    spans: list[tuple[int, int, int]] = []
    for c in table.cells:
        x0, x1 = ox + col_x[c.col], ox + col_x[c.col + c.colspan]
        y0, y1 = row_y[c.row], row_y[c.row + c.rowspan]
        for (ax, ay, bx, by, is_outer) in (
                (x0, y0, x1, y0, c.row == 0), (x0, y1, x1, y1, c.row + c.rowspan == table.n_rows),
                (x0, y0, x0, y1, c.col == 0), (x1, y0, x1, y1, c.col + c.colspan == len(col_x) - 1)):
            w = outer if is_outer else inner
            _draw_rule(draw, ax - w // 2, ay - w // 2, bx + (w - w // 2), by + (w - w // 2), style, rng)
        text = lines[id(c)]
        block = len(text) * line_h
        ty = y0 + pad if c.valign == "top" else (y0 + y1 - block) // 2
        for i, ln in enumerate(text):
            cy = ty + i * line_h + line_h // 2
            if c.align == "left":
                draw.text((x0 + pad + mm_to_px(0.5), cy), ln, font=fnt, fill=INK, anchor="lm")
            else:
                draw.text(((x0 + x1) // 2, cy), ln, font=fnt, fill=INK, anchor="mm")
            # owner row of this text line, for safe page cuts
            row = c.row
            while row + 1 < c.row + c.rowspan and row_y[row + 1] <= cy:
                row += 1
            spans.append((row, cy - line_h // 2, cy + line_h // 2))
    return RenderedTable(img, row_y, spans, table)


def text_block(text: str, fnt_name: str, size_pt: float, width_px: int,
               indent_chars: float = 2.0, align: Literal["left", "center"] = "left",
               spacing: float = 1.6) -> tuple[Image.Image, int]:
    """A paragraph as an image `width_px` wide: first-line indent in characters,
    line pitch `spacing`×size. Returns (image, line pitch in px)."""
    fnt = font(fnt_name, size_pt)
    size_px = pt_to_px(size_pt)
    indent = int(indent_chars * size_px)
    first = wrap(text, fnt, width_px - indent)[:1] if text else [""]
    rest_text = text[len(first[0]):] if text else ""
    rest = wrap(rest_text, fnt, width_px) if rest_text else []
    lines = first + rest
    pitch = int(size_px * spacing)
    img = Image.new("L", (width_px, pitch * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, ln in enumerate(lines):
        cy = i * pitch + pitch // 2
        if align == "center":
            draw.text((width_px // 2, cy), ln, font=fnt, fill=INK, anchor="mm")
        else:
            x = indent if i == 0 else 0
            draw.text((x, cy), ln, font=fnt, fill=INK, anchor="lm")
    return img, pitch
