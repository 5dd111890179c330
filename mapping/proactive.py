"""Section 二 (主动公开): read row by row, a 信息内容 header row setting the
column keys of the rows below it (see ``mapping.tables``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from models.schema import PROACTIVE_COLUMNS, PROACTIVE_ROWS, proactive_key_templates

from .collect import (
    HEADER,
    INFERRED_CERTAINTY,
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
        m0 = v.pro_cols.match(first.text)
        others = [c for c in texts[1:] if c.col > first.col]
        header_like = others and all(is_label(c) for c in others)
        if m0.key == HEADER or (header_like and not is_value_text(first.text)
                                 and v.pro_rows.match(first.text).key is None):
            st.columns = {}
            for c, m in zip(others, v.pro_cols.match_many([c.text for c in others])):
                k = to_keyed(m, s, "column")
                if k is None or k.key.startswith("_"):
                    continue
                votes.append(k.template)
                for gc in range(c.col, c.col + c.col_span):
                    st.columns[gc] = k
            continue
        if not st.columns:
            continue  # data before any header: nothing tells the columns
        label_cell = first if is_label(first) else None
        label = grid.in_row(label_cell, r) if label_cell is not None else None  # labels over rows
        if label is not None and not is_label(label):
            label = None
        match = v.pro_rows.match(label.text) if label else None
        values: dict[str, list[Placed]] = {}
        columns: dict[str, Keyed] = {}
        page = grid.table.page
        for gc, k in st.columns.items():
            cell = grid.at(r, gc)
            if cell is None or cell is label_cell or (label_cell and cell.col < label_cell.col):
                continue
            cell = grid.in_slot(cell, r, gc)
            if cell is None:
                continue
            if (cell, page) not in values.setdefault(k.key, []):
                values[k.key].append((cell, page))
            columns[k.key] = k
        if label is None and all(blank(c) for cs in values.values() for c, _ in cs):
            continue
        if match is not None and match.key:
            votes.append(match.template)
        st.rows.append(_ProRow(label, match, values, columns, grid.table.page, ti))


def emit_proactive(st: ProState, out: Collector, s: MappingSettings) -> None:
    order = [r.key for r in PROACTIVE_ROWS]
    keyed = [(to_keyed(r.match, s, "row") if r.match else None) for r in st.rows]
    if s.infer_keys_from_position:
        keyed = infer_from_position(keyed, [r.match for r in st.rows], order, "row")
        keyed = _infer_from_columns(st.rows, keyed, order)
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


def _items_of(columns: dict[str, Keyed]) -> set[str]:
    """The 第二十条 items whose sub-table has all these columns (PROACTIVE_COLUMNS)."""
    items: Optional[set[str]] = None
    for key, col in columns.items():
        allowed = {i for spec in PROACTIVE_COLUMNS if spec.key == key
                   and (col.template is None or col.template in spec.templates) for i in spec.items}
        items = allowed if items is None else items & allowed
    return items or set()


def _infer_from_columns(rows: list[_ProRow], keyed: list[Optional[Keyed]],
                        order: list[str]) -> list[Optional[Keyed]]:
    """Give an unmatched labelled row the one row key its sub-table allows.

    The header row above it names the columns (采购项目数量, 采购总金额), and
    those tell the 第二十条 item of its sub-table; among that item's rows, the
    row takes the one that is neither matched elsewhere nor out of order with
    its matched neighbours — when exactly one is left. The key is inferred, so
    its values are marked for review.
    """
    out = list(keyed)
    pos = {k: i for i, k in enumerate(order)}
    item_of = {r.key: r.item for r in PROACTIVE_ROWS}
    for i, (row, k) in enumerate(zip(rows, keyed)):
        if k is not None or row.label is None or not row.columns:
            continue
        used = {x.key for x in out if x}
        before = next((out[j].key for j in range(i - 1, -1, -1) if out[j]), None)
        after = next((out[j].key for j in range(i + 1, len(out)) if out[j]), None)
        items = _items_of(row.columns)
        fits = [key for key in order if item_of[key] in items and key not in used
                and (before is None or pos[key] > pos.get(before, -1))
                and (after is None or pos[key] < pos.get(after, len(order)))]
        if len(fits) != 1:
            continue
        printed = clean_label(row.label.text)
        out[i] = Keyed(fits[0], INFERRED_CERTAINTY,
                       (f"row label {printed!r} not recognised; key inferred from its sub-table's "
                        f"columns ({', '.join(sorted(row.columns))})",), printed or fits[0])
    return out
