"""Slot access to one ``ReadTable``: which cell covers a grid slot, and
which of a cell's text lines belong to one grid row."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Optional

import numpy as np

from .labels import normalize
from .types import ReadCell, ReadLine, ReadTable
from .values import is_value_text

__all__ = ["Grid", "has_text", "is_label", "blank"]


class Grid:
    """Slot → cell lookup of one ``ReadTable`` (merged cells fill all their slots)."""

    def __init__(self, table: ReadTable):
        self.table = table
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
        edges = self.table.row_edges
        if len(edges) == self.n_rows + 1:
            return int(edges[r]), int(edges[r + 1])
        for c in self.table.cells:
            if c.row == r and c.row_span == 1:
                return int(c.bbox[1]), int(c.bbox[3])
        return None

    def in_row(self, cell: ReadCell, r: int) -> Optional[ReadCell]:
        """What of ``cell`` belongs to grid row ``r``.

        A cell one row high is itself. A cell over several rows is, when its
        text lines sit in at least two of those rows, the lines whose middle
        lies in row ``r`` (None when none does): a value cell or an innermost
        label over two rows that each hold a text is two cells whose
        separating line the layout did not find. Otherwise it is itself in
        its first row and None in the others (a merged cell's text belongs to
        it once).
        """
        if cell.row_span <= 1:
            return cell
        by_row: dict[int, list[ReadLine]] = {}
        for line in cell.lines:
            middle = 0.5 * (line.bbox[1] + line.bbox[3])
            for rr in range(cell.row, cell.row + cell.row_span):
                band = self.row_band(rr)
                if band is not None and band[0] <= middle < band[1]:
                    by_row.setdefault(rr, []).append(line)
                    break
        if len(by_row) < 2:
            return cell if r == cell.row else None
        lines = by_row.get(r)
        band = self.row_band(r)
        if not lines or band is None:
            return None
        return ReadCell(r, cell.col, 1, cell.col_span, (cell.bbox[0], band[0], cell.bbox[2], band[1]),
                        "".join(line.text for line in lines), min(line.confidence for line in lines),
                        tuple(lines))

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
