"""Plain data handed from the layout stage to the rest of the pipeline.

Coordinates are integer pixels ``(x0, y0, x1, y1)`` (x1/y1 exclusive) in the
page image *as the pipeline works on it*: turned upright and deskewed, at the
page's own ``dpi``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .text_layer import TextLayer

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Page:
    """One page image, upright and deskewed.

    image : (H, W, 3) uint8 BGR at ``dpi``.
    rotation : clockwise quarter turn applied to the source image, in degrees
        (0, 90, 180 or 270).
    skew_degrees : the deskew angle applied after the quarter turn.
    homography : row-major 3×3 matrix that rectified the deskewed page (its
        ruling lines were not parallel), mapping deskewed px to page px;
        None when the page needed none.
    text_layer : the characters and vector ruling of a PDF page
        (:class:`layout.text_layer.TextLayer`, px in `image`), None for an
        image file or when not read (``RasterSettings.read_text_layer``).
    """

    number: int  # 1-based page number in the source document
    image: np.ndarray = field(repr=False)
    dpi: float
    rotation: int = 0
    skew_degrees: float = 0.0
    homography: tuple[tuple[float, float, float], ...] | None = None
    text_layer: "TextLayer | None" = field(default=None, repr=False)

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@dataclass(frozen=True)
class Cell:
    """One (possibly merged) cell of a ruled table.

    ``row``/``col`` index the top-left grid slot; spans count grid slots.
    ``bbox`` is the cell's area between its ruling lines; ``ink_bbox`` the
    tight box around the ink inside it (None when the cell is empty);
    ``text_lines`` the boxes of the separate text lines inside it, top to
    bottom, a line cut left to right where its ink leaves a wide gap
    (``GridSettings.text_piece_gap_mm``; empty tuple when the cell is empty).
    """

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: Box
    ink_bbox: Box | None
    text_lines: tuple[Box, ...] = ()

    @property
    def empty(self) -> bool:
        return self.ink_bbox is None


@dataclass(frozen=True)
class Table:
    """A ruled table found on one page.

    row_edges : (n_rows + 1,) y positions in px of the grid's horizontal lines.
    col_edges : (n_cols + 1,) x positions in px of the grid's vertical lines.
    continues_previous : True when this table is the continuation, across a
        page break, of the last table on the previous page (same column
        structure, previous one ends at the page bottom, this one starts at
        the top).
    """

    page: int
    bbox: Box
    row_edges: tuple[int, ...]
    col_edges: tuple[int, ...]
    cells: tuple[Cell, ...]
    continues_previous: bool = False

    @property
    def n_rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1
