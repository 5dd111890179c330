"""Synthetic scanned pages with known tables, for the layout tests.

Pages are drawn with OpenCV at a chosen dpi: a title, paragraphs of fake
CJK-like characters (random strokes in a square box), and ruled tables whose
grid, merged cells and filled cells are known exactly. Degradations: skew,
quarter turns, broken lines, noise, a red seal.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

MM_PER_INCH = 25.4


def px(mm: float, dpi: float) -> int:
    return int(round(mm * dpi / MM_PER_INCH))


@dataclass
class TableSpec:
    """A table to draw: sizes in mm, merges as (row, col, row_span, col_span)."""

    left_mm: float
    top_mm: float
    col_widths_mm: list[float]
    row_heights_mm: list[float]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    filled: set[tuple[int, int]] = field(default_factory=set)  # top-left slots with text
    lines_per_cell: dict[tuple[int, int], int] = field(default_factory=dict)
    dashes: set[tuple[int, int]] = field(default_factory=set)  # cells holding only "—"

    @property
    def n_rows(self) -> int:
        return len(self.row_heights_mm)

    @property
    def n_cols(self) -> int:
        return len(self.col_widths_mm)

    def edges_mm(self) -> tuple[np.ndarray, np.ndarray]:
        rows = self.top_mm + np.r_[0, np.cumsum(self.row_heights_mm)]
        cols = self.left_mm + np.r_[0, np.cumsum(self.col_widths_mm)]
        return rows, cols

    def cells(self) -> set[tuple[int, int, int, int]]:
        """All cells (row, col, row_span, col_span), merged ones included."""
        covered = set()
        out = set()
        for r, c, rs, cs in self.merges:
            out.add((r, c, rs, cs))
            covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                if (r, c) not in covered:
                    out.add((r, c, 1, 1))
        return out


def draw_char(img: np.ndarray, x: int, y: int, size: int, rng: np.random.Generator, thick: int) -> None:
    """A fake CJK character: a few strokes inside a size×size box at (x, y)."""
    for _ in range(rng.integers(3, 7)):
        if rng.random() < 0.5:
            yy = y + int(rng.integers(1, size - 1))
            x0 = x + int(rng.integers(0, size // 3))
            x1 = x + size - int(rng.integers(0, size // 3))
            cv2.line(img, (x0, yy), (x1, yy), (0, 0, 0), thick)
        else:
            xx = x + int(rng.integers(1, size - 1))
            y0 = y + int(rng.integers(0, size // 3))
            y1 = y + size - int(rng.integers(0, size // 3))
            cv2.line(img, (xx, y0), (xx, y1), (0, 0, 0), thick)


def draw_text_line(img: np.ndarray, x: int, y: int, n_chars: int, dpi: float,
                   rng: np.random.Generator, char_mm: float = 3.7) -> int:
    """Draw `n_chars` fake characters starting at (x, y); returns the end x."""
    size = px(char_mm, dpi)
    step = size + max(1, px(0.4, dpi))
    thick = max(1, px(0.3, dpi))
    for i in range(n_chars):
        draw_char(img, x + i * step, y, size, rng, thick)
    return x + n_chars * step


def draw_table(img: np.ndarray, spec: TableSpec, dpi: float, rng: np.random.Generator,
               line_mm: float = 0.3, gaps: int = 0) -> None:
    """Draw the ruling lines of `spec` (none inside merged cells) and its cell text.

    `gaps` random gaps of ~1.5 mm are cut into every line (broken/faded lines).
    """
    rows_mm, cols_mm = spec.edges_mm()
    rows = [px(v, dpi) for v in rows_mm]
    cols = [px(v, dpi) for v in cols_mm]
    thick = max(1, px(line_mm, dpi))
    owner = {}
    for r, c, rs, cs in spec.cells():
        for i in range(rs):
            for j in range(cs):
                owner[(r + i, c + j)] = (r, c)
    ink = (0, 0, 0)
    gap_px = px(1.5, dpi)
    segs = []
    for i in range(spec.n_rows + 1):  # horizontal segments
        for j in range(spec.n_cols):
            inner = 0 < i < spec.n_rows and owner[(i - 1, j)] == owner[(i, j)]
            if not inner:
                segs.append(((cols[j], rows[i]), (cols[j + 1], rows[i])))
    for j in range(spec.n_cols + 1):
        for i in range(spec.n_rows):
            inner = 0 < j < spec.n_cols and owner[(i, j - 1)] == owner[(i, j)]
            if not inner:
                segs.append(((cols[j], rows[i]), (cols[j], rows[i + 1])))
    for a, b in segs:
        cv2.line(img, a, b, ink, thick)
    if gaps:
        for a, b in segs:
            length = max(abs(b[0] - a[0]), abs(b[1] - a[1]))
            for _ in range(gaps):
                t = rng.uniform(0.25, 0.75)
                cx, cy = int(a[0] + t * (b[0] - a[0])), int(a[1] + t * (b[1] - a[1]))
                if length > 3 * gap_px:
                    cv2.rectangle(img, (cx - gap_px // 2, cy - gap_px // 2),
                                  (cx + gap_px // 2, cy + gap_px // 2), (255, 255, 255), -1)
    for r, c, rs, cs in spec.cells():
        if (r, c) not in spec.filled and (r, c) not in spec.dashes:
            continue
        x0, x1 = cols[c], cols[c + cs]
        y0, y1 = rows[r], rows[r + rs]
        if (r, c) in spec.dashes:
            ym = (y0 + y1) // 2
            cv2.line(img, ((x0 + x1) // 2 - px(1.8, dpi), ym), ((x0 + x1) // 2 + px(1.8, dpi), ym), ink,
                     max(1, px(0.3, dpi)))
            continue
        n_lines = spec.lines_per_cell.get((r, c), 1)
        char = px(3.2, dpi)
        lead = px(5.0, dpi)
        total = char + (n_lines - 1) * lead
        ytop = (y0 + y1) // 2 - total // 2
        n_chars = max(1, min(6, int((x1 - x0 - px(3, dpi)) / (char + px(0.4, dpi)))))
        for k in range(n_lines):
            draw_text_line(img, x0 + px(1.5, dpi), ytop + k * lead, n_chars, dpi, rng, char_mm=3.2)


def section3_spec(top_mm: float = 55.0, n_data_rows: int = 20) -> TableSpec:
    """A section 三-like matrix: 3 label columns + 7 value columns, merged header."""
    cols = [22.0, 22.0, 30.0] + [14.0] * 7
    rows = [8.0, 8.0, 12.0] + [7.5] * n_data_rows
    merges = [
        (0, 0, 3, 3),   # 申请人情况 corner label block
        (0, 3, 1, 7),   # 申请人情况
        (1, 3, 2, 1),   # 自然人
        (1, 4, 1, 5),   # 法人或其他组织
        (1, 9, 2, 1),   # 总计
        (3, 0, 1, 3),   # 一、本年新收
        (4, 0, 1, 3),   # 二、上年结转
        (5, 0, 8, 1),   # 三、本年度办理结果 (rows 5..12)
        (5, 1, 1, 2),   # （一）予以公开
        (6, 1, 1, 2),   # （二）部分公开
        (7, 1, 6, 1),   # （三）不予公开 1..6
    ]
    filled = {(0, 0), (0, 3), (1, 3), (1, 4), (1, 9), (3, 0), (4, 0), (5, 0), (5, 1), (6, 1), (7, 1)}
    filled |= {(r, 2) for r in range(7, 13)}
    filled |= {(r, 9) for r in range(3, 3 + n_data_rows)}  # totals filled
    filled |= {(3, c) for c in range(3, 9)}
    filled |= {(r, 1) for r in range(13, 3 + n_data_rows)}
    filled |= {(r, 0) for r in range(13, 3 + n_data_rows)}
    lines = {(5, 0): 3, (7, 1): 2, (0, 0): 2}
    return TableSpec(12.0, top_mm, cols, rows, merges, filled, lines, dashes={(4, 3), (4, 4)})


def page_image(dpi: float, tables: list[TableSpec], seed: int = 0, title: bool = True,
               paragraphs: int = 3, gaps: int = 0, line_mm: float = 0.3) -> np.ndarray:
    """An A4 page (BGR uint8) with a title, paragraphs and the given tables."""
    rng = np.random.default_rng(seed)
    h, w = px(297, dpi), px(210, dpi)
    img = np.full((h, w, 3), 255, np.uint8)
    y = px(15, dpi)
    if title:
        draw_text_line(img, px(40, dpi), y, 14, dpi, rng, char_mm=6.0)
        y += px(12, dpi)
    for _ in range(paragraphs):
        draw_text_line(img, px(20, dpi), y, 40, dpi, rng)
        y += px(6.5, dpi)
    for t in tables:
        draw_table(img, t, dpi, rng, line_mm=line_mm, gaps=gaps)
    return img


def skew(img: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate content by `degrees` (OpenCV convention, counter-clockwise positive)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def add_noise(img: np.ndarray, seed: int = 1, sigma: float = 12.0, salt: float = 0.002) -> np.ndarray:
    """Gaussian noise plus dark salt specks."""
    rng = np.random.default_rng(seed)
    out = img.astype(np.float32) + rng.normal(0, sigma, img.shape[:2])[..., None]
    specks = rng.random(img.shape[:2]) < salt
    out[specks] = 40
    return np.clip(out, 0, 255).astype(np.uint8)


def add_seal(img: np.ndarray, centre: tuple[int, int], radius: int) -> np.ndarray:
    """A red seal (ring, disc and bars) printed over the image like real ink (multiplied)."""
    seal = np.full_like(img, 255)
    red = (40, 40, 220)
    cv2.circle(seal, centre, radius, red, max(2, radius // 12))
    cv2.circle(seal, centre, radius // 3, red, -1)
    for k in range(-2, 3):
        y = centre[1] + k * radius // 4
        cv2.line(seal, (centre[0] - radius // 2, y), (centre[0] + radius // 2, y), red, max(2, radius // 25))
    cv2.line(seal, (centre[0] - radius, centre[1]), (centre[0] + radius, centre[1]), red, max(2, radius // 25))
    return (img.astype(np.uint16) * seal // 255).astype(np.uint8)


def test_spec_cells_cover_the_grid() -> None:
    spec = section3_spec()
    area = sum(rs * cs for _, _, rs, cs in spec.cells())
    assert area == spec.n_rows * spec.n_cols
