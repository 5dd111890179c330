"""Tables of a page, tables continued across pages, and free-text regions.

:func:`analyse_page` runs binarize → lines → grids → cells on one upright
page and keeps the intermediates (for ``--debug-dir``); :func:`find_tables`
returns only the tables. :func:`link_continuations` marks, over a sequence of
pages, the first table of a page that continues the last table of the
previous page; :func:`continues` is the pairwise test for streaming use.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .binarize import ink_masks
from .cells import build_table
from .grid import GridSpec, find_grids
from .lines import Lines, detect_lines
from .rectify import line_pieces_hough, rectifying_homography, warp_page
from .settings import ContinuationSettings, LayoutSettings, RectifySettings, RegionSettings, mm_to_px
from .types import Box, Page, Table

__all__ = [
    "PageLayout",
    "analyse_page",
    "find_tables",
    "continues",
    "columns_match",
    "link_continuations",
    "adopt_columns",
    "text_regions",
]


@dataclass(frozen=True)
class PageLayout:
    """Everything the layout stage found on one page.

    mask : (H, W) uint8 ndarray — ink mask, 255 = ink.
    lines : Lines — ruling segments and masks; None once dropped (:meth:`slim`).
    grids : list of GridSpec — one per table, same order as `tables`.
    tables : list of Table — top to bottom.
    """

    page: Page
    mask: np.ndarray = field(repr=False)
    lines: Lines | None = field(repr=False)
    grids: tuple[GridSpec, ...] = field(repr=False)
    tables: tuple[Table, ...]

    def slim(self) -> "PageLayout":
        """The layout without the line masks (a dozen page-sized arrays, ~100 MB at
        300 dpi), which only the debug images draw: what a caller keeps while
        the page is read."""
        return dataclasses.replace(self, lines=None)


def analyse_page(page: Page, settings: LayoutSettings) -> PageLayout:
    """Binarize, detect lines, build grids and cells of an upright page.

    A page whose ruling lines are not parallel (a warped scan) is rectified
    first (:mod:`layout.rectify`); ``PageLayout.page`` is then the rectified
    page, with its ``homography``, and every box refers to it.

    Lines are found on the ink mask plus the long runs of faint ink (faded
    lines, see :func:`layout.binarize.ink_masks`); cell text on the ink mask.

    Parameters
    ----------
    page : Page
        Upright, deskewed page (see :func:`layout.orient.orient_page`).
    settings : LayoutSettings

    Returns
    -------
    PageLayout
    """
    ink = ink_masks(page.image, page.dpi, settings.binarize)
    lines = detect_lines(ink, page.dpi, settings.lines)
    homography = _warp_of(lines, page, settings.rectify)
    if homography is not None:
        page = dataclasses.replace(page, image=warp_page(page.image, homography),
                                   homography=tuple(tuple(float(v) for v in row) for row in homography))
        ink = ink_masks(page.image, page.dpi, settings.binarize)
        lines = detect_lines(ink, page.dpi, settings.lines)
    mask = ink.ink
    grids = tuple(find_grids(lines, page.dpi, settings.grid))
    remnants = (lines.h_pieces, lines.v_pieces)
    tables = tuple(build_table(mask, g, page.number, page.dpi, settings.grid, remnants) for g in grids)
    return PageLayout(page, mask, lines, grids, tables)


def _warp_of(lines: Lines, page: Page, settings: RectifySettings) -> np.ndarray | None:
    """The rectifying homography of a page whose lines are not parallel, else None."""
    if not settings.enabled:
        return None
    h_seg = line_pieces_hough(lines.h_pieces, page.dpi, settings, vertical=False)
    v_seg = line_pieces_hough(lines.v_pieces, page.dpi, settings, vertical=True)
    return rectifying_homography(h_seg, v_seg, (page.height, page.width), page.dpi, settings)


def find_tables(page: Page, settings: LayoutSettings) -> list[Table]:
    """The ruled tables of an upright page, top to bottom.

    ``continues_previous`` is False here; see :func:`link_continuations`.
    """
    return list(analyse_page(page, settings).tables)


def _relative_edges(table: Table) -> np.ndarray:
    edges = np.asarray(table.col_edges, np.float64)
    return (edges - edges[0]) / max(edges[-1] - edges[0], 1.0)


def continues(previous: Table, previous_page_height: int, table: Table, page_height: int,
              settings: ContinuationSettings) -> bool:
    """Whether `table` (first on its page) continues `previous` (last on the page before).

    True when `previous` ends in the bottom ``edge_fraction`` of its page,
    `table` starts in the top ``edge_fraction`` of its page, and their column
    edges match within ``column_tolerance`` of the table width (or, with
    ``accept_same_column_count``, their column counts are equal).

    Parameters
    ----------
    previous, table : Table
    previous_page_height, page_height : int
        Page heights in px of the two tables' pages.
    settings : ContinuationSettings

    Returns
    -------
    bool
    """
    if previous.bbox[3] < previous_page_height * (1.0 - settings.edge_fraction):
        return False
    if table.bbox[1] > page_height * settings.edge_fraction:
        return False
    if settings.accept_same_column_count and previous.n_cols == table.n_cols:
        return True
    return columns_match(previous, table, settings.column_tolerance)


def columns_match(a: Table, b: Table, tolerance: float) -> bool:
    """Whether two tables share their column structure.

    The widths must agree within `tolerance` · width, and every column edge
    of the table with fewer columns must lie within `tolerance` · width of an
    edge of the other (edges relative to the table's left side), so a
    continuation lacking a label split still matches.
    """
    wa, wb = a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0]
    if abs(wa - wb) > tolerance * max(wa, wb, 1):
        return False
    ea, eb = _relative_edges(a), _relative_edges(b)
    few, many = (ea, eb) if ea.size <= eb.size else (eb, ea)
    return bool(np.abs(few[:, None] - many[None, :]).min(axis=1).max() <= tolerance)


def adopt_columns(table: Table, reference: Table, tolerance: float) -> Table:
    """Split `table`'s grid at the column edges it lacks but `reference` has.

    A part of a table continued across a page break may lack a column edge
    because on that page every cell spans it (a label merged over two label
    columns). The edges of `reference` (another part of the same table)
    that lie farther than `tolerance` · width from every edge of `table`
    (positions relative to the table's left side and width) are inserted;
    no line is drawn there, so every cell crossing one gets one more column
    of span. Cell boxes and text stay as they are.

    Parameters
    ----------
    table, reference : Table
    tolerance : float
        Fraction of the table width within which two edges are the same.

    Returns
    -------
    Table
        `table` itself when nothing is missing or the columns do not match
        (see :func:`columns_match`).
    """
    if reference.n_cols <= table.n_cols or not columns_match(table, reference, tolerance):
        return table
    own, ref = _relative_edges(table), _relative_edges(reference)
    missing = ref[np.abs(ref[:, None] - own[None, :]).min(axis=1) > tolerance]
    if missing.size == 0:
        return table
    x0, x1 = table.col_edges[0], table.col_edges[-1]
    added = np.round(x0 + missing * (x1 - x0)).astype(np.int64)
    edges = np.unique(np.r_[np.asarray(table.col_edges, np.int64), added])
    old = np.asarray(table.col_edges, np.int64)
    new_index = np.searchsorted(edges, old)  # old edge i is new edge new_index[i]
    cells = tuple(dataclasses.replace(
        c, col=int(new_index[c.col]), col_span=int(new_index[c.col + c.col_span] - new_index[c.col]))
        for c in table.cells)
    return dataclasses.replace(table, col_edges=tuple(int(v) for v in edges), cells=cells)


def link_continuations(tables_by_page: Sequence[Sequence[Table]], page_heights: Sequence[int],
                       settings: ContinuationSettings) -> list[list[Table]]:
    """Mark tables that continue the last table of the previous page.

    Parameters
    ----------
    tables_by_page : sequence of sequences of Table
        Per page (in order), its tables top to bottom.
    page_heights : sequence of int
        Height in px of each page.
    settings : ContinuationSettings

    Returns
    -------
    list of lists of Table
        The same tables; the first table of a page gets
        ``continues_previous=True`` when :func:`continues` holds for it and
        the last table of the previous page. With ``share_columns``, the
        parts of one continued table then take each other's column edges
        (:func:`adopt_columns`), so all parts have the same columns.
    """
    if len(tables_by_page) != len(page_heights):
        raise ValueError(f"got {len(tables_by_page)} pages of tables but {len(page_heights)} heights")
    out: list[list[Table]] = []
    for i, tables in enumerate(tables_by_page):
        tables = sorted(tables, key=lambda t: t.bbox[1])
        prev = sorted(tables_by_page[i - 1], key=lambda t: t.bbox[1]) if i else []
        if tables and prev and continues(prev[-1], page_heights[i - 1], tables[0], page_heights[i], settings):
            tables[0] = dataclasses.replace(tables[0], continues_previous=True)
        out.append(list(tables))
    if settings.share_columns:
        tol = settings.column_tolerance
        links = [i for i in range(1, len(out)) if out[i] and out[i][0].continues_previous and out[i - 1]]
        for i in links:  # forward: each part takes the edges of the part before it
            out[i][0] = adopt_columns(out[i][0], out[i - 1][-1], tol)
        for i in reversed(links):  # backward: ... and of the part after it
            out[i - 1][-1] = adopt_columns(out[i - 1][-1], out[i][0], tol)
    return out


def text_regions(mask: np.ndarray, tables: Sequence[Table], dpi: float,
                 settings: RegionSettings) -> list[Box]:
    """Boxes of the free text outside tables (title, headings, paragraphs).

    The table boxes (plus ``table_margin_mm``) are blanked from the ink mask;
    ink rows closer than ``join_gap_mm`` form one region, trimmed to its ink.

    Parameters
    ----------
    mask : (H, W) uint8 ndarray
        Page ink mask, 255 = ink, at `dpi`.
    tables : sequence of Table
    dpi : float
    settings : RegionSettings

    Returns
    -------
    list of Box
        ``(x0, y0, x1, y1)`` px, top to bottom.
    """
    ink = mask > 0
    margin = round(mm_to_px(settings.table_margin_mm, dpi))
    for t in tables:
        x0, y0, x1, y1 = t.bbox
        ink[max(0, y0 - margin):y1 + margin, max(0, x0 - margin):x1 + margin] = False
    rows = np.r_[0, ink.any(axis=1).astype(np.int8), 0]
    d = np.diff(rows)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    if starts.size == 0:
        return []
    gap = mm_to_px(settings.join_gap_mm, dpi)
    split = np.r_[True, starts[1:] - ends[:-1] >= gap]
    first = np.nonzero(split)[0]
    last = np.r_[first[1:] - 1, len(starts) - 1]
    min_size = mm_to_px(settings.min_region_mm, dpi)
    boxes: list[Box] = []
    for a, b in zip(starts[first], ends[last]):
        xs = np.nonzero(ink[a:b].any(axis=0))[0]
        if b - a < min_size or xs[-1] + 1 - xs[0] < min_size:
            continue
        boxes.append((int(xs[0]), int(a), int(xs[-1]) + 1, int(b)))
    return boxes
