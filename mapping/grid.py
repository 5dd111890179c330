"""Slot access to one ``ReadTable``: which cell covers a grid slot, and
which of a cell's text lines belong to one grid row."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Optional

import numpy as np

from .labels import normalize
from .types import ReadCell, ReadLine, ReadTable
from .values import is_clean_number, is_mark, is_value_text

__all__ = ["Grid", "has_text", "is_label", "blank", "from_lines"]


class Grid:
    """Slot → cell lookup of one ``ReadTable`` (merged cells fill all their slots)."""

    def __init__(self, table: ReadTable, speck_height_share: float = 0.0):
        """`speck_height_share`: ``MappingSettings.speck_height_share`` (0: no
        piece read as nothing is taken for a speck)."""
        self.table = table
        self.speck_height_share = speck_height_share
        self.n_rows, self.n_cols = table.n_rows, table.n_cols
        self.slot = np.full((max(self.n_rows, 0), max(self.n_cols, 0)), -1, dtype=np.int32)
        for i, c in enumerate(table.cells):
            self.slot[c.row : c.row + max(c.row_span, 1), c.col : c.col + max(c.col_span, 1)] = i

    def at(self, r: int, c: int) -> Optional[ReadCell]:
        """The cell covering slot (r, c); None for no cell, also off the grid (the
        columns of a header read in an earlier, wider table part)."""
        if not (0 <= r < self.n_rows and 0 <= c < self.n_cols):
            return None
        i = int(self.slot[r, c])
        return self.table.cells[i] if i >= 0 else None

    def across(self, r: int, cols: Sequence[int]) -> list[ReadCell]:
        """Distinct cells covering row ``r`` over ``cols``, left to right."""
        out: list[ReadCell] = []
        seen: set[int] = set()
        for c in cols:
            if not (0 <= r < self.n_rows and 0 <= c < self.n_cols):
                continue
            i = int(self.slot[r, c])
            if i >= 0 and i not in seen:
                seen.add(i)
                out.append(self.table.cells[i])
        return out

    def row_band(self, r: int) -> Optional[tuple[int, int]]:
        """(y0, y1) px of grid row ``r``: from the table's row edges, else from a
        one-row cell in it; None when neither tells."""
        return self._band(r, self.table.row_edges, self.n_rows, 1)

    def col_band(self, c: int) -> Optional[tuple[int, int]]:
        """(x0, x1) px of grid column ``c``, like :meth:`row_band`."""
        return self._band(c, self.table.col_edges, self.n_cols, 0)

    def _band(self, i: int, edges: Sequence[int], n: int, axis: int) -> Optional[tuple[int, int]]:
        if len(edges) == n + 1:
            return int(edges[i]), int(edges[i + 1])
        for c in self.table.cells:
            start, span = (c.row, c.row_span) if axis else (c.col, c.col_span)
            if start == i and span == 1:
                return int(c.bbox[axis]), int(c.bbox[axis + 2])
        return None

    def above(self, cell: ReadCell, r: int) -> ReadCell:
        """``cell`` cut to the rows above row ``r``: its text lines whose middle
        lies above that row (the cell itself when it ends above ``r``, or has
        no line positions)."""
        band = self.row_band(r) if r < self.n_rows else None
        if cell.row + cell.row_span <= r or band is None or not cell.lines:
            return cell
        lines = [line for line in cell.lines if 0.5 * (line.bbox[1] + line.bbox[3]) < band[0]]
        return from_lines(cell.row, cell.col, r - cell.row, cell.col_span,
                          (cell.bbox[0], cell.bbox[1], cell.bbox[2], band[0]), lines)

    def in_row(self, cell: ReadCell, r: int) -> Optional[ReadCell]:
        """What of ``cell`` belongs to grid row ``r`` (see :meth:`in_slot`; the
        cell's columns are kept together: a label's text is one)."""
        return self._part(cell, r, cell.col, by_cols=False)

    def spread_over_rows(self, cell: ReadCell) -> bool:
        """Whether ``cell``'s text lines sit in two or more of its rows (cells
        whose separating row line the layout did not find, see :meth:`in_slot`)."""
        if cell.row_span <= 1 or not cell.lines:
            return False
        bands = [self.row_band(r) for r in range(cell.row, cell.row + cell.row_span)]
        if None in bands:
            return False
        return len({r for r in _band_of_lines(cell.lines, bands, axis=1) if r is not None}) >= 2

    def in_slot(self, cell: ReadCell, r: int, c: int) -> Optional[ReadCell]:
        """What of ``cell`` belongs to grid slot (r, c).

        A one-slot cell is itself. A merged cell whose text lines (pieces of
        lines, ``layout.types.Cell.text_lines``) sit in at least two of its
        slots is cells whose separating lines the layout did not find: the
        slot holds the lines whose middle lies in it (None when none does).
        Otherwise the cell is itself in the row its text is printed in (its
        first row when that is not known) and None in its other rows (a
        merged cell's text belongs to it once); every column it covers gets
        it (``mapping.collect.Collector.flag_shared_cells`` marks that).
        """
        return self._part(cell, r, c, by_cols=True)

    def _part(self, cell: ReadCell, r: int, c: int, by_cols: bool) -> Optional[ReadCell]:
        if cell.row_span <= 1 and (cell.col_span <= 1 or not by_cols):
            return _without_marks(cell, self.speck_height_share) if by_cols else cell
        rows = range(cell.row, cell.row + cell.row_span)
        cols = range(cell.col, cell.col + cell.col_span) if by_cols else range(cell.col, cell.col + 1)
        row_bands = [self.row_band(rr) for rr in rows]
        col_bands = [self.col_band(cc) for cc in cols] if by_cols else [(cell.bbox[0], cell.bbox[2])]
        if None in row_bands or None in col_bands:
            return cell if r == cell.row else None
        by_slot: dict[tuple[int, int], list[ReadLine]] = {}
        for line, ri, ci in zip(cell.lines, _band_of_lines(cell.lines, row_bands, axis=1),
                                _band_of_lines(cell.lines, col_bands, axis=0)):
            if ri is not None and ci is not None:
                by_slot.setdefault((rows[ri], cols[ci]), []).append(line)
        if len(by_slot) < 2:
            # one text: it belongs to the row it is printed in (the first row
            # when the lines' places are not known)
            home = next(iter(by_slot))[0] if by_slot else cell.row
            return cell if r == home else None
        key = (r, c if by_cols else cell.col)
        lines = by_slot.get(key)
        if not lines:
            return None
        (y0, y1) = row_bands[r - cell.row]
        (x0, x1) = col_bands[key[1] - cols[0]]
        part = from_lines(r, key[1], 1, 1 if by_cols else cell.col_span, (int(x0), y0, int(x1), y1), lines)
        return _without_marks(part, self.speck_height_share) if by_cols else part


    def row_values(self, r: int, columns: dict[int, str],
                   skip: Callable[[ReadCell], bool]) -> dict[str, list[ReadCell]]:
        """The cells of grid row ``r`` under each column key: each grid
        column's part of its cell (:meth:`in_slot`), a cell once per key.
        ``columns`` maps grid columns to keys; cells for which ``skip`` is
        True (the row's labels) are left out."""
        out: dict[str, list[ReadCell]] = {}
        for gc, key in columns.items():
            cell = self.at(r, gc)
            if cell is None or skip(cell):
                continue
            part = self.in_slot(cell, r, gc)
            if part is not None and part not in out.setdefault(key, []):
                out[key].append(part)
        return out

    def down(self, c: int, rows: Sequence[int]) -> list[ReadCell]:
        """Distinct cells covering column ``c`` over ``rows``, top to bottom."""
        out: list[ReadCell] = []
        seen: set[int] = set()
        for r in rows:
            i = int(self.slot[r, c])
            if i >= 0 and i not in seen:
                seen.add(i)
                out.append(self.table.cells[i])
        return out


def has_text(cell: Optional[ReadCell]) -> bool:
    return cell is not None and bool(normalize(cell.text))


def is_label(cell: ReadCell) -> bool:
    return has_text(cell) and not is_value_text(cell.text)


def blank(cell: ReadCell) -> bool:
    return not re.sub(r"\s+", "", cell.text or "")


def _band_of_lines(lines: Sequence[ReadLine], bands: Sequence[tuple[int, int]], axis: int) -> list[Optional[int]]:
    """Index of the band (y0, y1 for axis 1, x0, x1 for axis 0) that holds each
    line's middle; None for a line in none of them."""
    out: list[Optional[int]] = []
    for line in lines:
        mid = 0.5 * (line.bbox[axis] + line.bbox[axis + 2])
        out.append(next((i for i, (a, b) in enumerate(bands) if a <= mid < b), None))
    return out


def from_lines(row: int, col: int, row_span: int, col_span: int, bbox: tuple[int, int, int, int],
               lines: Sequence[ReadLine]) -> ReadCell:
    """A cell of `lines` (some of a merged cell's): their texts joined, the
    lowest confidence (1.0, blank, without a line)."""
    return ReadCell(row, col, row_span, col_span, bbox, "".join(line.text for line in lines),
                    min((line.confidence for line in lines), default=1.0), tuple(lines))


def _without_marks(cell: ReadCell, speck_height_share: float) -> ReadCell:
    """A value cell without the pieces that are mere marks (``|``, ``.!.``, or
    a piece read as nothing and lower than `speck_height_share` of the number)
    when exactly one of its pieces is a clean number: a piece stands apart
    from the others by a wide gap (``layout``'s ``text_piece_gap_mm``), so it
    is no part of that number, and a cell holds one number; the mark is what
    a line remnant or a speck reads as."""
    if len(cell.lines) < 2:
        return cell
    numbers = [line for line in cell.lines if is_clean_number(line.text)]
    if len(numbers) != 1:
        return cell
    speck = speck_height_share * (numbers[0].bbox[3] - numbers[0].bbox[1])

    def is_speck(line: ReadLine) -> bool:
        return not line.text.strip() and line.bbox[3] - line.bbox[1] < speck

    if not all(line in numbers or is_mark(line.text) or is_speck(line) for line in cell.lines):
        return cell
    return from_lines(cell.row, cell.col, cell.row_span, cell.col_span, cell.bbox, numbers)
