"""Section 二 (主动公开): read row by row, a 信息内容 header row setting the
column keys of the rows below it (see ``mapping.tables``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from models.schema import PROACTIVE_COLUMNS, PROACTIVE_ROWS, proactive_key_templates

from .collect import (
    HEADER,
    TITLE,
    Collector,
    Keyed,
    Placed,
    Vocab,
    infer_from_position,
    to_keyed,
)
from .grid import Grid, blank, has_text, is_label
from .labels import LabelMatch, clean_label, normalize
from .settings import MappingSettings
from .types import ReadCell
from .values import is_value_text

__all__ = ["ProState", "read_proactive", "emit_proactive"]


@dataclass
class _ProRow:
    label: Optional[ReadCell]
    match: Optional[LabelMatch]
    values: dict[str, list[Placed]]  # column key → cells
    columns: dict[str, Keyed]
    page: int
    table: int
    key: Optional[Keyed] = None


@dataclass
class ProState:
    columns: dict[int, Keyed] = field(default_factory=dict)  # grid col → column key
    rows: list[_ProRow] = field(default_factory=list)
    votes: dict[int, list[Optional[str]]] = field(default_factory=dict)  # table → votes


def read_proactive(grid: Grid, ti: int, st: ProState, v: Vocab, s: MappingSettings) -> None:
    votes = st.votes.setdefault(ti, [])
    all_cols = list(range(grid.n_cols))
    for r in range(grid.n_rows):
        texts = [c for c in grid.across(r, all_cols) if has_text(c)]
        if not texts:
            continue
        first = texts[0]
        norm = normalize(first.text)
        if len(texts) == 1 and (TITLE.search(norm) or "第二十条" in norm):
            st.columns = {}
            continue
        # a header read by its slots: the 信息内容 corner merged with the row
        # below it, or with the column headers beside it (lines not found)
        own = _slot_parts(grid, first, r)
        head = own[0][0] if own else first
        beside = [c for c in texts[1:] if c.col > first.col]
        m0 = v.pro_cols.match(head.text)
        header_like = bool(own[1:] or beside) and all(is_label(c) for c in [p for p, _ in own[1:]] + beside)
        others = own[1:] + _header_parts(grid, r, beside)
        if m0.key == HEADER or (header_like and not is_value_text(head.text)
                                 and v.pro_rows.match(head.text).key is None):
            st.columns = {}
            for (c, cols), m in zip(others, v.pro_cols.match_many([c.text for c, _ in others])):
                k = to_keyed(m, s, "column")
                if k is None or k.key.startswith("_"):
                    continue
                votes.append(k.template)
                for gc in cols:
                    st.columns[gc] = k
            continue
        if not st.columns:
            continue  # data before any header: nothing tells the columns
        label_cell = first if is_label(first) else None
        label = grid.in_row(label_cell, r) if label_cell is not None else None  # labels over rows
        # the label and values in one cell (the lines between them not found):
        # the label is its first slot's part, the values its other slots' parts
        joined = _label_part(grid, label_cell, r) if label_cell is not None else None
        if joined is not None:
            label = joined
        if label is not None and not is_label(label):
            label = None
        match = v.pro_rows.match(label.text) if label else None
        page = grid.table.page
        cells = grid.row_values(r, {gc: k.key for gc, k in st.columns.items()
                                    if joined is None or gc > joined.col},
                                lambda c: (c is label_cell and joined is None)
                                or (label_cell is not None and c.col < label_cell.col))
        values: dict[str, list[Placed]] = {key: [(c, page) for c in cs] for key, cs in cells.items()}
        columns = {k.key: k for k in st.columns.values() if k.key in values}
        if label is None and all(blank(c) for cs in values.values() for c, _ in cs):
            continue
        if match is not None and match.key:
            votes.append(match.template)
        st.rows.append(_ProRow(label, match, values, columns, grid.table.page, ti))


def _slot_parts(grid: Grid, cell: ReadCell, r: int) -> list[tuple[ReadCell, list[int]]]:
    """The parts of `cell` in row `r` that hold text, left to right, each with
    the grid columns it covers: one part (the cell itself) when its text sits
    in one slot or runs over them, one per slot when its pieces sit apart
    (the lines between them not found, :meth:`Grid.in_slot`)."""
    parts: dict[int, tuple[ReadCell, list[int]]] = {}
    for gc in range(cell.col, cell.col + cell.col_span):
        part = grid.in_slot(cell, r, gc)
        if part is not None and has_text(part):
            parts.setdefault(id(part), (part, []))[1].append(gc)
    return list(parts.values())


def _label_part(grid: Grid, cell: ReadCell, r: int) -> Optional[ReadCell]:
    """The label of a row whose label and values came in one merged cell:
    the leftmost labelled part when the cell comes apart into its slots
    (:func:`_slot_parts`), the parts right of it its values; None when it
    does not (one label merged over columns)."""
    parts = _slot_parts(grid, cell, r)
    if len(parts) < 2:
        return None
    return next((p for p, _ in parts if is_label(p)), None)


def _header_parts(grid: Grid, r: int, cells: list[ReadCell]) -> list[tuple[ReadCell, list[int]]]:
    """The column headers of row `r`, each with the grid columns it names: a
    header cell whose labels sit apart in its slots (``上一年项目数量`` and
    ``本年增/减`` in one cell) is one header per slot that holds a label; a
    header merged over columns names them all."""
    return [part for cell in cells for part in _slot_parts(grid, cell, r)]


def emit_proactive(st: ProState, out: Collector, s: MappingSettings) -> None:
    order = [r.key for r in PROACTIVE_ROWS]
    keyed = [(to_keyed(r.match, s, "row") if r.match else None) for r in st.rows]
    if s.infer_keys_from_position:
        keyed = infer_from_position(keyed, [r.match for r in st.rows], order, "row",
                                    [_allowed_by_columns(r) for r in st.rows])
    for row, k in zip(st.rows, keyed):
        if k is None:
            printed = clean_label(row.label.text) if row.label else ""
            out.warnings.append(
                f"section 二 row {printed!r} (page {row.page}) not recognised; its values are left out"
            )
            continue
        for col, cells in row.values.items():
            key = f"proactive.{k.key}.{col}"
            if not proactive_key_templates(k.key, col):
                out.warnings.append(f"{key} is not a key of either template; left out")
                continue
            out.emit(key, cells, k, row.columns[col], k.printed)


def _allowed_by_columns(row: _ProRow) -> Optional[tuple[frozenset[str], str]]:
    """The row keys a labelled row's sub-table allows, from the columns its
    header row named (采购项目数量 and 采购总金额 exist only for 政府集中采购),
    and why; None without a label or columns."""
    if row.label is None or not row.columns:
        return None
    items = _items_of(row.columns)
    keys = frozenset(r.key for r in PROACTIVE_ROWS if r.item in items)
    return keys, f"its sub-table's columns ({', '.join(sorted(row.columns))})"


def _items_of(columns: dict[str, Keyed]) -> set[str]:
    """The 第二十条 items whose sub-table has all these columns (PROACTIVE_COLUMNS)."""
    items: Optional[set[str]] = None
    for key, col in columns.items():
        allowed = {i for spec in PROACTIVE_COLUMNS if spec.key == key
                   and (col.template is None or col.template in spec.templates) for i in spec.items}
        items = allowed if items is None else items & allowed
    return items or set()
