"""Section 三 (收到和处理政府信息公开申请情况): the matrix, over one or more
table parts (see ``mapping.tables``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from models.schema import APPLICATION_COLUMNS, application_rows

from .collect import (
    UNAMBIGUOUS_APP_HEADERS,
    Collector,
    Keyed,
    Placed,
    Vocab,
    confirm_by_order,
    infer_from_position,
    order_keyed,
    to_keyed,
    vote,
)
from .columns import order_columns
from .grid import Grid, blank, has_text, is_label
from .labels import clean_label, normalize
from .settings import MappingSettings
from .types import ReadCell

__all__ = ["AppPart", "read_applications", "emit_applications"]


@dataclass
class _AppRow:
    labels: list[ReadCell]  # label cells with text, outer → inner
    values: dict[str, list[Placed]]
    page: int
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column → reasons

    @property
    def leaf(self) -> str:
        for c in reversed(self.labels):
            if normalize(c.text):
                return c.text
        return ""

    @property
    def printed(self) -> str:
        return " ".join(clean_label(c.text) for c in self.labels)

    @property
    def joined_leaf(self) -> str:
        """The innermost label cells of this row alone (row span 1), joined.

        A stray vertical stroke can split one leaf label over two grid
        cells ("（六）其" | "他处理"); joined, they read as the label again.
        """
        tail: list[str] = []
        for c in reversed(self.labels):
            if c.row_span != 1:
                break
            tail.insert(0, c.text)
        return "".join(tail)


@dataclass
class AppPart:
    table: int
    page: int
    n_cols: int
    columns: dict[int, Keyed]
    rows: list[_AppRow]
    has_header: bool


def _app_header(grid: Grid, v: Vocab, s: MappingSettings) -> tuple[int, dict[int, Keyed]]:
    """(rows the header takes, grid col → column key) of a section 三 part."""
    label_cells = [c for c in grid.table.cells if is_label(c)]
    if not label_cells:
        return 0, {}
    matches = v.app_cols.match_many([c.text for c in label_cells])
    sure = [
        c for c, m in zip(label_cells, matches)
        if m.key in UNAMBIGUOUS_APP_HEADERS and m.score >= s.label_review_score
    ]
    if not sure:
        return 0, {}
    last = max(c.row for c in sure)
    end = max(c.row + c.row_span for c in grid.table.cells if c.row <= last)
    body = _body_start(grid, v, s, after=last)
    if body is not None and body < end:
        # a header cell reaching into the body is a missed line under it: the
        # header ends where the rows' labels start, the cell's text above that
        end = body
    columns: dict[int, Keyed] = {}
    for gc in range(grid.n_cols):
        path = [grid.above(c, end) for c in grid.down(gc, range(end))]
        path = [c for c in path if has_text(c)]
        if not path:
            continue
        k = to_keyed(v.app_cols.match(path[-1].text), s, "column")
        if k is not None and not k.key.startswith("_"):
            columns[gc] = k
    return end, columns


def _body_start(grid: Grid, v: Vocab, s: MappingSettings, after: int = -1) -> Optional[int]:
    """The first row below row `after` of a section 三 part that starts a
    label of the matrix's rows."""
    # a label cell merged over rows whose lines sit in rows of their own (a
    # missed row line) holds the labels of those rows: each is matched alone,
    # and with the rest of its row (a label split over two label columns)
    parts = [p for c in grid.table.cells if is_label(c)
             for p in (grid.in_row(c, r) for r in range(c.row, c.row + c.row_span))
             if p is not None and p.row > after and is_label(p)]
    by_row: dict[int, list[ReadCell]] = {}
    for p in sorted(parts, key=lambda p: p.bbox[0]):
        by_row.setdefault(p.row, []).append(p)
    texts = [(p.row, p.text) for p in parts] + [(r, "".join(p.text for p in ps)) for r, ps in by_row.items()]
    # a weak match starts the body too when no other row label comes near it
    rows = [r for (r, _), m in zip(texts, v.app_rows.match_many([t for _, t in texts]))
            if m.key is not None and (m.score >= s.label_review_score or m.margin >= s.ambiguity_margin)]
    return min(rows) if rows else None


def _template_columns(grid: Grid, end: int, columns: dict[int, Keyed], v: Vocab,
                      s: MappingSettings) -> tuple[int, dict[int, Keyed]]:
    """(header rows, column keys) of a part with the columns whose header was
    not read keyed from the template's order (``mapping.columns``)."""
    start = end if columns else _body_start(grid, v, s)
    if start is None:
        return end, columns
    order = order_columns(
        grid, range(start, grid.n_rows), {c: k.key for c, k in columns.items()},
        [c.key for c in APPLICATION_COLUMNS], [range(len(APPLICATION_COLUMNS))],
        s.template_columns_min_share,
        s.template_columns_min_confirming, s.template_columns_min_sum_rows,
    )
    if order is None or (order.conflicts and not order.sums_hold):
        return end, columns
    if all(c in columns and columns[c].key == k for c, k in order.keys.items()):
        return end, columns
    printed = {c.key: c.labels[0].text for c in APPLICATION_COLUMNS}
    first = min(order.keys)
    out = {c: k for c, k in columns.items() if c >= first}
    for c, key in order.keys.items():
        if c in out and out[c].key == key:
            continue
        out[c] = order_keyed(key, key, printed[key], order.confirmed)
    return start, out


def _confirm_columns(columns: dict[int, Keyed]) -> dict[int, Keyed]:
    """Column keys with weak header matches made sure by the template's column
    order (``confirm_by_order``); neighbours are adjacent grid columns."""
    cols = sorted(columns)
    order = [c.key for c in APPLICATION_COLUMNS]
    out = dict(columns)
    # runs of adjacent grid columns: a gap (a label or unread column) breaks the order
    start = 0
    for end in range(1, len(cols) + 1):
        if end == len(cols) or cols[end] != cols[end - 1] + 1:
            run = cols[start:end]
            for c, k in zip(run, confirm_by_order([columns[c] for c in run], order)):
                out[c] = k
            start = end
    return out


def _inherit(prev: AppPart, n_cols: int) -> dict[int, Keyed]:
    """Column keys of a headerless part from the previous part (right-aligned)."""
    shift = n_cols - prev.n_cols
    return {c + shift: k for c, k in prev.columns.items() if 0 <= c + shift < n_cols}


def read_applications(
    grid: Grid, ti: int, prev: Optional[AppPart], v: Vocab, s: MappingSettings, out: Collector
) -> Optional[AppPart]:
    end, columns = _app_header(grid, v, s)
    if s.template_columns and (prev is None or columns):
        end, columns = _template_columns(grid, end, columns, v, s)
    has_header = bool(columns)
    if not columns:
        if prev is None:
            out.warnings.append(
                f"section 三 table {ti} (page {grid.table.page}) has no recognisable header; left out"
            )
            return None
        columns = _inherit(prev, grid.n_cols)
        if not columns:  # too few columns to hold any of the previous part's
            out.warnings.append(
                f"section 三 table {ti} (page {grid.table.page}) has no recognisable header and "
                f"no column of the part before it ({prev.n_cols} columns, this {grid.n_cols}); "
                f"left out"
            )
            return None
        if not any(has_text(c) and not is_label(c)
                   for gc in columns for c in grid.down(gc, range(grid.n_rows))):
            # a stray fragment (label cells only) must not pass its columns on
            out.warnings.append(
                f"section 三 table {ti} (page {grid.table.page}) has no header and no number "
                f"under the columns of the part before it; left out"
            )
            return None
        if grid.n_cols != prev.n_cols:
            out.warnings.append(
                f"section 三 table {ti} (page {grid.table.page}) continues a part with "
                f"{prev.n_cols} columns with {grid.n_cols}; columns aligned on the right"
            )
    if s.confirm_labels_by_order and has_header:
        columns = _confirm_columns(columns)
    first_value = min(columns)
    label_cols = list(range(first_value))
    rows: list[_AppRow] = []
    for r in range(end, grid.n_rows):
        labels = [c for c in grid.across(r, label_cols) if is_label(c)]
        # an outer label cell holding the labels of rows of their own (a missed
        # row line) gives each row its own; one text over rows stays whole
        outer = labels[:-1]
        parts = [grid.in_row(c, r) if grid.spread_over_rows(c) else c for c in outer]
        labels = [p for p in parts if p is not None and is_label(p)] + labels[-1:]
        if labels and labels[-1].row_span > 1 and labels[-1].col + labels[-1].col_span == first_value:
            leaf = grid.in_row(labels[-1], r)  # the innermost label over rows of their own
            labels = labels[:-1] + ([leaf] if leaf is not None and is_label(leaf) else [])
        page = grid.table.page
        # a label cell reaching into the value columns (the column line after
        # the labels missed) gives the numbers apart from its label there
        cells = grid.row_values(r, {gc: k.key for gc, k in columns.items()},
                                lambda c: c.col + c.col_span <= first_value)
        cells = {key: [p for p in ps if p.col >= first_value or not is_label(p)] for key, ps in cells.items()}
        values: dict[str, list[Placed]] = {key: [(c, page) for c in cs] for key, cs in cells.items()}
        if not labels and all(blank(c) for cs in values.values() for c, _ in cs):
            continue
        rows.append(_AppRow(labels, values, grid.table.page))
    return AppPart(ti, grid.table.page, grid.n_cols, columns, rows, has_header)


def _merge_split_rows(parts: list[AppPart], v: Vocab, s: MappingSettings) -> list[_AppRow]:
    """All rows of section 三 in order, rows broken by a page break joined."""
    rows: list[_AppRow] = []
    for i, part in enumerate(parts):
        body = list(part.rows)
        if i and rows and body and s.merge_split_rows:
            a, b = rows[-1], body[0]
            joined = _join_rows(a, b, v, s)
            if joined is not None:
                rows[-1] = joined
                body = body[1:]
        rows += body
    return rows


def _join_rows(a: _AppRow, b: _AppRow, v: Vocab, s: MappingSettings) -> Optional[_AppRow]:
    la, lb = a.leaf, b.leaf
    if la and lb:
        sa, sb, sj = (m.score for m in v.app_rows.match_many([la, lb, la + lb]))
        if not (sj >= s.label_cutoff and sj > max(sa, sb) and min(sa, sb) < s.label_review_score):
            return None
    elif not (la or lb):
        return None
    # join: labels of a, with b's leaf appended to a's leaf cell text
    if la and lb:
        leaf_a = a.labels[-1]
        merged_leaf = ReadCell(
            leaf_a.row, leaf_a.col, leaf_a.row_span, leaf_a.col_span, leaf_a.bbox,
            leaf_a.text + b.labels[-1].text, min(leaf_a.confidence, b.labels[-1].confidence),
        )
        labels = a.labels[:-1] + [merged_leaf]
    else:
        labels = a.labels or b.labels
    values: dict[str, list[Placed]] = {}
    extra = {c: a.extra.get(c, ()) + b.extra.get(c, ()) for c in {*a.extra, *b.extra}}
    for col in list(dict.fromkeys(list(a.values) + list(b.values))):
        ca, cb = a.values.get(col, []), b.values.get(col, [])
        fa = [c for c in ca if not blank(c[0])]
        fb = [c for c in cb if not blank(c[0])]
        if fa and fb:
            extra[col] = extra.get(col, ()) + (
                f"row split across pages has values on both sides: "
                f"{fa[0][0].text!r} (page {fa[0][1]}) / {fb[0][0].text!r} (page {fb[0][1]})",
            )
            values[col] = fa + fb
        else:
            values[col] = fa or fb or ca or cb
    return _AppRow(labels, values, a.page, extra)


def emit_applications(
    parts: list[AppPart], v: Vocab, s: MappingSettings, out: Collector
) -> Optional[str]:
    rows = _merge_split_rows(parts, v, s)
    matches = v.app_rows.match_many([r.leaf for r in rows])
    # A weak leaf may be half of a label split over two cells: try the joined
    # leaf cells and keep whichever matches better (still weak → review).
    weak = [i for i, (r, m) in enumerate(zip(rows, matches))
            if r.leaf and (m.key is None or m.score < s.label_review_score)
            and r.joined_leaf not in ("", r.leaf)]
    for i, m in zip(weak, v.app_rows.match_many([rows[i].joined_leaf for i in weak])):
        if m.score > matches[i].score:
            matches[i] = m
    matches = [m if r.leaf else None for r, m in zip(rows, matches)]
    keyed = [to_keyed(m, s, "row") if m else None for m in matches]
    template = vote([k.template for k in keyed if k])
    if s.confirm_labels_by_order and template is not None:
        keyed = confirm_by_order(keyed, application_rows(template))
    if s.infer_keys_from_position:
        keyed = infer_from_position(keyed, matches, application_rows(template), "row")
    col_keys = {k.key: k for p in parts for k in p.columns.values()}
    for row, k in zip(rows, keyed):
        if k is None:
            if any(not blank(c) for cs in row.values.values() for c, _ in cs):
                out.warnings.append(
                    f"section 三 row {row.printed!r} (page {row.page}) not recognised; "
                    f"its values are left out"
                )
            continue
        printed = row.printed or k.printed
        for col, cells in row.values.items():
            out.emit(f"applications.{k.key}.{col}", cells, k, col_keys[col], printed,
                     row.extra.get(col, ()))
    return template
