"""Page flow: paragraphs and tables placed on A4 pages at RENDER_DPI, with
table page breaks (between rows, header rows repeated, or inside a row)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal, Optional

from PIL import Image, ImageDraw

from .render import (RenderedTable, Table, TableStyle, mm_to_px, pt_to_px, render_table,
                     text_block)

A4_MM = (210.0, 297.0)
MARGIN_MM = {"top": 30.0, "bottom": 27.0, "left": 27.0, "right": 27.0}
TEXT_WIDTH_MM = A4_MM[0] - MARGIN_MM["left"] - MARGIN_MM["right"]   # 156 mm
KEEP_WITH_NEXT_MM = 35.0   # a heading needs this much room below it on its page

Split = Literal["keep", "rows", "repeat_header", "mid_row"]


@dataclass
class Para:
    """A paragraph (sizes in pt, spacing in mm)."""
    text: str
    font: str
    size_pt: float
    align: Literal["left", "center"] = "left"
    indent_chars: float = 2.0
    space_before_mm: float = 0.0
    space_after_mm: float = 1.5
    heading: bool = False            # kept with the next block


@dataclass
class TableBlock:
    """A table with its page-break behaviour; `cut_row` names the row cut in
    'mid_row' mode (row key from Table.row_keys)."""
    table: Table
    style: TableStyle
    name: str
    split: Split = "rows"
    cut_row: Optional[str] = None
    space_after_mm: float = 3.0


@dataclass
class PageBreak:
    """Force a new page."""


Block = Para | TableBlock | PageBreak


@dataclass
class Placement:
    """Where a table (part) landed: page index, bbox px at RENDER_DPI, rows."""
    name: str
    page: int
    bbox: tuple[int, int, int, int]
    rows: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Flow:
    """Result of laying out a document."""
    pages: list[Image.Image]
    placements: list[Placement]


class _Cursor:
    """Pages and the current y (px at RENDER_DPI)."""

    def __init__(self) -> None:
        self.w, self.h = mm_to_px(A4_MM[0]), mm_to_px(A4_MM[1])
        self.left = mm_to_px(MARGIN_MM["left"])
        self.top = mm_to_px(MARGIN_MM["top"])
        self.bottom = self.h - mm_to_px(MARGIN_MM["bottom"])
        self.width = mm_to_px(TEXT_WIDTH_MM)
        self.pages: list[Image.Image] = []
        self.y = 0
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(Image.new("L", (self.w, self.h), 255))
        self.y = self.top

    @property
    def room(self) -> int:
        return self.bottom - self.y

    def paste(self, img: Image.Image, x: Optional[int] = None) -> tuple[int, int, int, int]:
        x = self.left + (self.width - img.width) // 2 if x is None else x
        self.pages[-1].paste(img, (x, self.y))
        box = (x, self.y, x + img.width, self.y + img.height)
        self.y += img.height
        return box


def layout(blocks: list[Block], rng: random.Random) -> Flow:
    """Place `blocks` top to bottom on as many A4 pages as needed."""
    cur = _Cursor()
    placements: list[Placement] = []
    tables = {i: render_table(b.table, b.style, rng) for i, b in enumerate(blocks)
              if isinstance(b, TableBlock)}
    for i, b in enumerate(blocks):
        if isinstance(b, PageBreak):
            cur.new_page()
        elif isinstance(b, Para):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            keep = mm_to_px(KEEP_WITH_NEXT_MM)
            if isinstance(nxt, TableBlock) and nxt.split == "keep":
                keep = tables[i + 1].image.height
            _place_para(cur, b, nxt, keep)
        else:
            placements += _place_table(cur, b, tables[i])
            cur.y += mm_to_px(b.space_after_mm)
    return Flow(cur.pages, placements)


def _place_para(cur: _Cursor, p: Para, nxt: Optional[Block], keep_px: int) -> None:
    """Paste a paragraph, splitting between lines at the page bottom; a heading
    moves to a new page unless `keep_px` of the next block fits below it."""
    img, pitch = text_block(p.text, p.font, p.size_pt, cur.width, p.indent_chars, p.align)
    if cur.y > cur.top:
        cur.y += mm_to_px(p.space_before_mm)
    if p.heading and cur.room < img.height + keep_px and not isinstance(nxt, PageBreak):
        cur.new_page()
    top = 0
    while top < img.height:
        fit = max(0, cur.room // pitch) * pitch
        if fit == 0:
            cur.new_page()
            continue
        part = img.crop((0, top, img.width, min(img.height, top + fit)))
        cur.paste(part, cur.left)
        top += part.height
    cur.y += mm_to_px(p.space_after_mm)


def _safe(rt: RenderedTable, y: int) -> bool:
    """True if no text line of the table crosses the horizontal line y."""
    return all(not (y0 < y < y1) for _, y0, y1 in rt.text_spans)


ROW_OVERLAP_PX = 8   # a row belongs to a fragment if more than this of it is in it


def _rows_between(rt: RenderedTable, y0: int, y1: int) -> list[str]:
    """Row keys whose rows (partly) lie in table y range [y0, y1)."""
    return [k for r, k in sorted(rt.table.row_keys.items())
            if min(rt.row_y[r + 1], y1) - max(rt.row_y[r], y0) > ROW_OVERLAP_PX]


def mid_row_cut(rt: RenderedTable, row_key: str) -> int:
    """y (px, table coordinates) between the first and second text line of the
    row `row_key` (its label must be top-aligned and at least 2 lines)."""
    r = next(r for r, k in rt.table.row_keys.items() if k == row_key)
    firsts = sorted(y1 for row, y0, y1 in rt.text_spans if row == r)
    return firsts[0] + 1


def _place_table(cur: _Cursor, b: TableBlock, rt: RenderedTable) -> list[Placement]:
    """Paste a rendered table, breaking it across pages as b.split says."""
    img, row_y = rt.image, rt.row_y
    out: list[Placement] = []
    rule = max(1, pt_to_px(b.style.inner_pt))
    if b.split == "keep" and img.height > cur.room:
        cur.new_page()
    start = 0                       # table y of the part still to place
    continued = False
    while True:
        header = None
        if continued and b.split == "repeat_header" and b.table.header_rows:
            header = img.crop((0, 0, img.width, row_y[b.table.header_rows]))
        head_h = header.height if header is not None else 0
        if img.height - start + head_h <= cur.room or b.split == "keep":
            if header is not None:
                cur.paste(header)
            box = cur.paste(img.crop((0, start, img.width, img.height)))
            out.append(Placement(b.name, len(cur.pages) - 1, box,
                                 _rows_between(rt, start, img.height),
                                 "header rows repeated" if header is not None else ""))
            return out
        limit = start + cur.room - head_h
        cut, mid = None, False
        if b.split == "mid_row" and b.cut_row:
            y = mid_row_cut(rt, b.cut_row)
            if start < y <= limit:
                cut, mid = y, True
        if cut is None:
            cands = [y for y in row_y[1:] if start + rule < y <= limit - rule and _safe(rt, y)
                     and (b.table.header_rows == 0 or y > row_y[b.table.header_rows])]
            cut = max(cands) + rule // 2 + 1 if cands else None
        if cut is None:             # not even one row fits: next page
            if cur.y == cur.top:
                raise ValueError(f"table {b.name} row taller than a page")
            cur.new_page()
            continue
        part = img.crop((0, start, img.width, cut)).copy()
        if mid:                     # Word draws the border at a page cut inside a row
            ImageDraw.Draw(part).rectangle([0, part.height - rule, part.width, part.height], fill=0)
        if header is not None:
            cur.paste(header)
        box = cur.paste(part)
        out.append(Placement(b.name, len(cur.pages) - 1, box, _rows_between(rt, start, cut),
                             ("row cut mid-label: " + b.cut_row) if mid else ""))
        cur.new_page()
        start = cut if mid else cut - rule - 1
        if mid:                     # continuation fragment gets a top border
            rest = img.crop((0, start, img.width, img.height)).copy()
            ImageDraw.Draw(rest).rectangle([0, 0, rest.width, rule], fill=0)
            img = img.copy()
            img.paste(rest, (0, start))
        continued = True
