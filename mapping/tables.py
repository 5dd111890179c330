"""Read tables → canonical keys and values.

``map_tables`` works on the grid of each ``ReadTable`` generically:

- a grid column's *header path* is the text of the header cells covering it,
  top to bottom (a merged header cell covers several columns), its *leaf* the
  innermost one;
- a grid row's *label path* is the text of the label cells covering it, left
  to right (a merged label cell such as 三、本年度办理结果 or （三）不予公开
  covers several rows), its *leaf* the innermost one.

Leaves are matched onto the keys of ``models.schema`` (``mapping.labels``).

Each table is assigned a section from its labels (section 二 proactive,
section 三 applications, section 四 appeals); a table flagged
``continues_previous``, or a table without recognisable labels right after a
section 三 part with the same column count, continues the previous part.

Section 二 is read row by row, whether printed as one table with its
第二十条 title rows inside or as several small tables: a 信息内容 header row
sets the column keys for the rows below it.

Section 三 may be split over several parts (page breaks). A part without a
header inherits the previous part's column keys (a repeated header is
recognised and skipped); a row broken by the page break (8.属于行政查询事 /
项) is joined back.

Confidence of a field = OCR confidence of its cell × label certainty, where
label certainty is the lower of the row and column match scores / 100
(0.5 for a row key inferred from its position). Review is set, with a
reason, for: OCR confidence below ``min_value_confidence``; a value that is
not a clean number (``mapping.values``); a weak or ambiguous label match; a
key inferred from position; a row broken across pages with values on both
sides; a key found twice with different values; a field confidence below
``min_field_confidence``.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional


from models.schema import (
    APPEAL_COLUMNS,
    APPEAL_GROUPS,
    APPLICATION_COLUMNS,
    APPLICATION_HEADER_WORDS,
    APPLICATION_ROWS,
    PROACTIVE_COLUMNS,
    PROACTIVE_HEADER_WORDS,
    PROACTIVE_ROWS,
    Label,
    application_rows,
    is_amount,
    proactive_key_templates,
    signed,
)

from .columns import count_value, order_columns, sums_hold
from .grid import Grid, blank, has_text, is_label
from .labels import LabelMatch, LabelMatcher, clean_label, normalize
from .settings import MappingSettings
from .types import Mapping, MappedValue, ReadCell, ReadLine, ReadTable, TableInfo
from .values import is_clean_number, is_mark, is_value_text, parse_value

__all__ = ["map_tables", "classify_table"]

_HEADER = "_header"
_PARENT = "_parent"
#: Section 三 header keys that identify a header row without doubt (总计 and
#: 其他 are also row labels, so they do not).
_UNAMBIGUOUS_APP_HEADERS = frozenset(
    {"natural_person", "commercial", "research", "social_welfare", "legal_services", _HEADER}
)
_TITLE = re.compile(r"第.{0,3}条第?([一二三四五六七八九十\d]{1,3})项")
_CN_DIGITS = {ch: str(i) for i, ch in enumerate("一二三四五六七八九十", start=1)}
#: Label certainty of a key inferred from its position (no usable label).
_INFERRED_CERTAINTY = 0.5


# ------------------------------------------------------------------ vocabulary


@dataclass(frozen=True)
class _Vocab:
    pro_rows: LabelMatcher
    pro_cols: LabelMatcher
    app_rows: LabelMatcher
    app_cols: LabelMatcher
    appeal_groups: LabelMatcher
    appeal_cols: LabelMatcher


@lru_cache(maxsize=8)
def _vocab(settings: MappingSettings) -> _Vocab:
    def rows(specs):
        return [(r.key, lab) for r in specs for lab in r.labels]

    groups = []
    for g, labels in APPEAL_GROUPS.items():
        groups.append((g, Label(labels[-1])))
        groups += [(_PARENT, Label(p)) for p in labels[:-1]]
    return _Vocab(
        pro_rows=LabelMatcher(rows(PROACTIVE_ROWS), settings),
        pro_cols=LabelMatcher(
            rows(PROACTIVE_COLUMNS) + [(_HEADER, Label(w)) for w in PROACTIVE_HEADER_WORDS],
            settings,
        ),
        app_rows=LabelMatcher(rows(APPLICATION_ROWS), settings),
        app_cols=LabelMatcher(
            rows(APPLICATION_COLUMNS) + [(_HEADER, Label(w)) for w in APPLICATION_HEADER_WORDS],
            settings,
        ),
        appeal_groups=LabelMatcher(groups, settings),
        appeal_cols=LabelMatcher(rows(APPEAL_COLUMNS), settings),
    )


# ------------------------------------------------------------------ matches


@dataclass(frozen=True)
class _Keyed:
    """A label resolved to a key, with what the field needs from it."""

    key: str
    certainty: float
    reasons: tuple[str, ...]
    printed: str
    template: Optional[str] = None


def _keyed(m: LabelMatch, settings: MappingSettings, what: str) -> Optional[_Keyed]:
    if m.key is None:
        return None
    return _Keyed(m.key, m.certainty, m.reasons(settings, what), m.printed, m.template)


_Placed = tuple[ReadCell, int]  # a cell and the page it is on


class _Collector:
    """Collects fields, keeping the more certain of a key found twice."""

    def __init__(self, settings: MappingSettings):
        self.settings = settings
        self.values: dict[str, MappedValue] = {}
        self.warnings: list[str] = []
        self._keys_of_cell: dict[tuple[int, tuple[int, ...]], set[str]] = {}

    def emit(
        self,
        key: str,
        cells: Sequence[_Placed],
        row: _Keyed,
        col: _Keyed,
        row_label: str,
        extra: Sequence[str] = (),
    ) -> None:
        (cell, page), pick_reasons = _pick(cells)
        kind = "amount" if is_amount(key) else "signed" if signed(key) else "count"
        parsed = parse_value(cell.text, kind)
        s = self.settings
        certainty = min(row.certainty, col.certainty)
        confidence = max(0.0, min(1.0, float(cell.confidence) * certainty))
        reasons: list[str] = list(extra) + list(pick_reasons)
        if cell.confidence < s.min_value_confidence:
            reasons.append(f"low OCR confidence {cell.confidence:.2f}")
        numbers = [line.text for line in cell.lines if is_clean_number(line.text)]
        if len(numbers) > 1:  # apart by a wide gap or on lines of their own: two cells' values
            reasons.append(f"several numbers apart in one cell: {numbers} (a line between them may be missing)")
        reasons += parsed.reasons
        reasons += [r for r in row.reasons + col.reasons if r not in reasons]
        if confidence < s.min_field_confidence and not reasons:
            reasons.append(f"low confidence {confidence:.2f}")
        mv = MappedValue(
            key=key,
            value=parsed.value,
            raw=cell.text,
            confidence=round(confidence, 4),
            page=page,
            bbox=tuple(int(v) for v in cell.bbox),
            label=f"{row_label} / {col.printed}",
            review=bool(reasons or parsed.doubtful),
            reasons=tuple(reasons),
            match_score=round(100.0 * certainty, 2),
        )
        self._keys_of_cell.setdefault((page, mv.bbox), set()).add(key)
        self._put(mv)

    def flag_shared_cells(self) -> None:
        """Mark for review every value read from a cell that holds several fields.

        A printed cell holds one number; one cell under two value columns is
        two cells joined by a ruling line the layout did not find, and its
        text ("1613") is two numbers run together.
        """
        for (page, bbox), keys in self._keys_of_cell.items():
            if len(keys) < 2:
                continue
            reason = f"one cell holds {len(keys)} fields (a line between them may be missing)"
            for key in keys:
                mv = self.values.get(key)
                if mv is not None and mv.page == page and mv.bbox == bbox and reason not in mv.reasons:
                    self.values[key] = MappedValue(**{**mv.__dict__, "review": True,
                                                      "reasons": mv.reasons + (reason,)})

    def _put(self, mv: MappedValue) -> None:
        old = self.values.get(mv.key)
        if old is None:
            self.values[mv.key] = mv
            return
        keep, drop = (mv, old) if mv.confidence > old.confidence else (old, mv)
        if old.value != mv.value:
            reason = (
                f"found twice: {old.raw!r} (page {old.page}) and {mv.raw!r} (page {mv.page}); "
                f"kept the more certain"
            )
            keep = MappedValue(**{**keep.__dict__, "review": True, "reasons": keep.reasons + (reason,)})
        self.values[mv.key] = keep
        self.warnings.append(f"{mv.key} found twice (pages {old.page} and {mv.page})")


def _pick(cells: Sequence[_Placed]) -> tuple[_Placed, tuple[str, ...]]:
    """The one cell of a key when several cells hold it (a header over two
    grid columns, a row broken across pages): the filled one, or the most
    confident filled one, flagged when their texts differ."""
    if len(cells) == 1:
        return cells[0], ()
    filled = [c for c in cells if not blank(c[0])]
    if not filled:
        return cells[0], ()
    best = max(filled, key=lambda c: c[0].confidence)
    texts = {re.sub(r"\s+", "", c[0].text) for c in filled}
    if len(texts) > 1:
        return best, (f"several cells under one label: {sorted(texts)}",)
    return best, ()


# ------------------------------------------------------------------ sections


def classify_table(table: ReadTable, settings: Optional[MappingSettings] = None) -> Optional[str]:
    """"proactive", "applications", "appeals" or None, from the table's labels.

    Each distinct label cell votes for the sections whose vocabulary it
    matches with at least ``label_review_score``; a 第二十条 title counts for
    section 二. The section with most votes wins (None without any vote).
    """
    s = MappingSettings.resolve(settings)
    v = _vocab(s)
    texts = [c.text for c in table.cells if is_label(c)]
    if not texts:
        return None
    votes = Counter()
    strong = s.label_review_score
    for name, matchers in (
        ("proactive", (v.pro_rows, v.pro_cols)),
        ("applications", (v.app_rows, v.app_cols)),
        ("appeals", (v.appeal_groups, v.appeal_cols)),
    ):
        for m in matchers:
            votes[name] += sum(1 for x in m.match_many(texts) if x.key and x.score >= strong)
    votes["proactive"] += sum(2 for t in texts if _TITLE.search(normalize(t)) or "第二十条" in normalize(t))
    best = max(("proactive", "applications", "appeals"), key=lambda k: votes[k])
    return best if votes[best] > 0 else None


def _vote(templates: Sequence[Optional[str]]) -> Optional[str]:
    c = Counter(t for t in templates if t)
    if not c:
        return None
    ranked = c.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


# ------------------------------------------------------------------ section 二


@dataclass
class _ProRow:
    label: Optional[ReadCell]
    match: Optional[LabelMatch]
    values: dict[str, list[_Placed]]  # column key → cells
    columns: dict[str, _Keyed]
    page: int
    table: int
    key: Optional[_Keyed] = None


@dataclass
class _ProState:
    columns: dict[int, _Keyed] = field(default_factory=dict)  # grid col → column key
    rows: list[_ProRow] = field(default_factory=list)
    votes: dict[int, list[Optional[str]]] = field(default_factory=dict)  # table → votes


def _read_proactive(grid: Grid, ti: int, st: _ProState, v: _Vocab, s: MappingSettings) -> None:
    votes = st.votes.setdefault(ti, [])
    all_cols = list(range(grid.n_cols))
    for r in range(grid.n_rows):
        texts = [c for c in grid.across(r, all_cols) if has_text(c)]
        if not texts:
            continue
        first = texts[0]
        norm = normalize(first.text)
        if len(texts) == 1 and (_TITLE.search(norm) or "第二十条" in norm):
            st.columns = {}
            continue
        m0 = v.pro_cols.match(first.text)
        others = [c for c in texts[1:] if c.col > first.col]
        header_like = others and all(is_label(c) for c in others)
        if m0.key == _HEADER or (header_like and not is_value_text(first.text)
                                 and v.pro_rows.match(first.text).key is None):
            st.columns = {}
            for c, m in zip(others, v.pro_cols.match_many([c.text for c in others])):
                k = _keyed(m, s, "column")
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
        values: dict[str, list[_Placed]] = {}
        columns: dict[str, _Keyed] = {}
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


def _emit_proactive(st: _ProState, out: _Collector, s: MappingSettings) -> None:
    order = [r.key for r in PROACTIVE_ROWS]
    keyed = [(_keyed(r.match, s, "row") if r.match else None) for r in st.rows]
    if s.infer_keys_from_position:
        keyed = _infer(keyed, [r.match for r in st.rows], order, "row")
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


# ------------------------------------------------------------------ section 三


@dataclass
class _AppRow:
    labels: list[ReadCell]  # label cells with text, outer → inner
    values: dict[str, list[_Placed]]
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
class _AppPart:
    table: int
    page: int
    n_cols: int
    columns: dict[int, _Keyed]
    rows: list[_AppRow]
    has_header: bool


def _app_header(grid: Grid, v: _Vocab, s: MappingSettings) -> tuple[int, dict[int, _Keyed]]:
    """(rows the header takes, grid col → column key) of a section 三 part."""
    label_cells = [c for c in grid.table.cells if is_label(c)]
    if not label_cells:
        return 0, {}
    matches = v.app_cols.match_many([c.text for c in label_cells])
    sure = [
        c for c, m in zip(label_cells, matches)
        if m.key in _UNAMBIGUOUS_APP_HEADERS and m.score >= s.label_review_score
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
    columns: dict[int, _Keyed] = {}
    for gc in range(grid.n_cols):
        path = [grid.above(c, end) for c in grid.down(gc, range(end))]
        path = [c for c in path if has_text(c)]
        if not path:
            continue
        k = _keyed(v.app_cols.match(path[-1].text), s, "column")
        if k is not None and not k.key.startswith("_"):
            columns[gc] = k
    return end, columns


def _body_start(grid: Grid, v: _Vocab, s: MappingSettings, after: int = -1) -> Optional[int]:
    """The first row below row `after` of a section 三 part that starts a
    label of the matrix's rows."""
    cells = [c for c in grid.table.cells if is_label(c) and c.row > after]
    rows = [c.row for c, m in zip(cells, v.app_rows.match_many([c.text for c in cells]))
            if m.key is not None and m.score >= s.label_review_score]
    return min(rows) if rows else None


def _template_columns(grid: Grid, end: int, columns: dict[int, _Keyed], v: _Vocab,
                      s: MappingSettings) -> tuple[int, dict[int, _Keyed]]:
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
        if order.confirmed:
            out[c] = _Keyed(key, 1.0, (), printed[key])
        else:
            out[c] = _Keyed(key, _INFERRED_CERTAINTY,
                            (f"column header not read; key {key} from the template's column order",),
                            printed[key])
    return start, out


def _inherit(prev: _AppPart, n_cols: int) -> dict[int, _Keyed]:
    """Column keys of a headerless part from the previous part (right-aligned)."""
    shift = n_cols - prev.n_cols
    return {c + shift: k for c, k in prev.columns.items() if 0 <= c + shift < n_cols}


def _read_applications(
    grid: Grid, ti: int, prev: Optional[_AppPart], v: _Vocab, s: MappingSettings, out: _Collector
) -> Optional[_AppPart]:
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
    first_value = min(columns)
    label_cols = list(range(first_value))
    rows: list[_AppRow] = []
    for r in range(end, grid.n_rows):
        labels = [c for c in grid.across(r, label_cols) if is_label(c)]
        if labels and labels[-1].row_span > 1 and labels[-1].col + labels[-1].col_span == first_value:
            leaf = grid.in_row(labels[-1], r)  # the innermost label over rows of their own
            labels = labels[:-1] + ([leaf] if leaf is not None and is_label(leaf) else [])
        values: dict[str, list[_Placed]] = {}
        page = grid.table.page
        for gc, k in columns.items():
            cell = grid.at(r, gc)
            if cell is None or cell.col < first_value:
                continue
            cell = grid.in_slot(cell, r, gc)
            if cell is None:
                continue
            if (cell, page) not in values.setdefault(k.key, []):
                values[k.key].append((cell, page))
        if not labels and all(blank(c) for cs in values.values() for c, _ in cs):
            continue
        rows.append(_AppRow(labels, values, grid.table.page))
    return _AppPart(ti, grid.table.page, grid.n_cols, columns, rows, has_header)


def _merge_split_rows(parts: list[_AppPart], v: _Vocab, s: MappingSettings) -> list[_AppRow]:
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


def _join_rows(a: _AppRow, b: _AppRow, v: _Vocab, s: MappingSettings) -> Optional[_AppRow]:
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
    values: dict[str, list[_Placed]] = {}
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


def _infer(
    keyed: list[Optional[_Keyed]],
    matches: Sequence[Optional[LabelMatch]],
    order: Sequence[str],
    what: str,
) -> list[Optional[_Keyed]]:
    """Give an unmatched row the one key that fits between its matched neighbours."""
    out = list(keyed)
    used = {k.key for k in keyed if k}
    pos = {k: i for i, k in enumerate(order)}
    for i, k in enumerate(keyed):
        if k is not None:
            continue
        before = next((out[j] for j in range(i - 1, -1, -1) if out[j]), None)
        after = next((keyed[j] for j in range(i + 1, len(keyed)) if keyed[j]), None)
        if before is None or after is None or before.key not in pos or after.key not in pos:
            continue
        # the gap must hold exactly this one unmatched row
        gap_rows = [j for j in range(i + 1, len(keyed)) if keyed[j] is None and out[j] is None]
        nxt = next(j for j in range(i + 1, len(keyed)) if keyed[j])
        if any(j < nxt for j in gap_rows):
            continue
        between = [x for x in order[pos[before.key] + 1 : pos[after.key]] if x not in used]
        if len(between) != 1:
            continue
        m = matches[i]
        printed = m.printed if m is not None else ""
        best = f" (best {m.score:.0f})" if m is not None else ""
        out[i] = _Keyed(
            between[0],
            _INFERRED_CERTAINTY,
            (f"{what} label {printed!r} not recognised{best}; key inferred from its position "
             f"between {before.key} and {after.key}",),
            printed or between[0],
        )
        used.add(between[0])
    return out


def _emit_applications(
    parts: list[_AppPart], v: _Vocab, s: MappingSettings, out: _Collector
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
    keyed = [_keyed(m, s, "row") if m else None for m in matches]
    template = _vote([k.template for k in keyed if k])
    if s.infer_keys_from_position:
        keyed = _infer(keyed, matches, application_rows(template), "row")
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


# ------------------------------------------------------------------ section 四


def _mostly_values(cells: Sequence[ReadCell]) -> bool:
    """No label among `cells`, or at least half of those with text are numbers."""
    texts = [c for c in cells if has_text(c)]
    values = sum(1 for c in texts if not is_label(c))
    return values == len(texts) or 2 * values >= len(texts)


def _read_appeals(grid: Grid, ti: int, v: _Vocab, s: MappingSettings, out: _Collector) -> None:
    all_cols = list(range(grid.n_cols))
    # The header ends at the first row of numbers; one number misread as a
    # mark ("。丨2") leaves that row mostly numbers still.
    end = next((r for r in range(grid.n_rows) if _mostly_values(grid.across(r, all_cols))), grid.n_rows)
    if end == 0 or end == grid.n_rows:
        out.warnings.append(f"section 四 table {ti} (page {grid.table.page}): no header or no value row")
        return
    value_rows = [r for r in range(end, grid.n_rows)]
    vr = next(
        (r for r in value_rows if any(not blank(c) for c in grid.across(r, all_cols))), value_rows[0]
    )
    seen_litigation: Counter = Counter()
    keyed: dict[int, tuple[_Keyed, _Keyed, tuple[str, ...], str]] = {}  # gc → group, column, reasons, label
    for gc in all_cols:
        path = [c for c in grid.down(gc, range(end)) if has_text(c)]
        if len(path) < 2:
            continue
        col = _keyed(v.appeal_cols.match(path[-1].text), s, "column")
        if col is None:
            continue
        groups = [(_keyed(m, s, "group"), c) for m, c in
                  zip(v.appeal_groups.match_many([c.text for c in path[:-1]]), path[:-1])]
        groups = [(g, c) for g, c in groups if g is not None]
        specific = [g for g, _ in groups if g.key != _PARENT]
        extra: tuple[str, ...] = ()
        if specific:
            group = specific[-1]
        elif groups:  # only 行政诉讼: the first run is 直接起诉, the second 复议后起诉
            n = seen_litigation[col.key]
            name = ("litigation_direct", "litigation_after_review")[min(n, 1)]
            group = _Keyed(name, groups[0][0].certainty * 0.5, (), groups[0][0].printed)
            extra = (f"appeal group of column {path[-1].text!r} inferred from its position",)
        else:
            continue
        if group.key.startswith("litigation"):
            seen_litigation[col.key] += 1
        keyed[gc] = (group, col, extra, " ".join(clean_label(c.text) for c in path[:-1]))
    placed: list[tuple[ReadCell, tuple[_Keyed, _Keyed, tuple[str, ...], str]]] = []
    if s.template_columns:
        keyed = _appeal_template_columns(grid, vr, keyed, s)
        if len(keyed) < len(APPEAL_GROUPS) * len(APPEAL_COLUMNS):
            placed = _appeal_pieces_in_order(grid, vr, keyed, s)
    if not placed:
        for gc, k in keyed.items():
            cell = grid.at(vr, gc)
            if cell is not None:
                placed.append((cell, k))
    for cell, (group, col, extra, row_label) in placed:
        out.emit(f"appeals.{group.key}.{col.key}", [(cell, grid.table.page)], group, col, row_label,
                 extra)


def _appeal_template(confirmed: bool) -> list[tuple[str, _Keyed, _Keyed, tuple[str, ...], str]]:
    """The fifteen section 四 columns in template order: (key, group, column,
    reasons, label), with the certainty an order confirmed (or not) gives."""
    out = []
    for g, group_labels in APPEAL_GROUPS.items():
        group_label = " ".join(group_labels)
        for c in APPEAL_COLUMNS:
            key = f"{g}.{c.key}"
            certainty, reasons = (1.0, ()) if confirmed else (
                _INFERRED_CERTAINTY, (f"column header not read; key {key} from the template's column order",))
            out.append((key, _Keyed(g, certainty, reasons, group_label),
                        _Keyed(c.key, certainty, (), c.labels[0].text), (), group_label))
    return out


def _appeal_pieces_in_order(grid: Grid, vr: int, keyed: dict, s: MappingSettings) -> list:
    """Section 四 values read number by number when the grid lost columns.

    A missed vertical line leaves one cell over two or three value columns,
    its numbers apart in it (text pieces, ``ReadCell.lines``). When the value
    row holds exactly the template's fifteen numbers, left to right, they are
    its fifteen columns in order: confirmed when the groups add up to their
    总计 (or by ``template_columns_min_confirming`` headers read above the
    piece they name), else used and marked for review.
    """
    pieces: list[ReadCell] = []
    band = grid.row_band(vr)
    for cell in grid.across(vr, range(grid.n_cols)):
        lines = cell.lines or ((ReadLine(cell.bbox, cell.text, cell.confidence),) if cell.text else ())
        for line in lines:
            middle = 0.5 * (line.bbox[1] + line.bbox[3])
            if (band is not None and not band[0] <= middle < band[1]) or is_mark(line.text):
                continue
            pieces.append(ReadCell(vr, cell.col, 1, 1, line.bbox, line.text, line.confidence, (line,)))
    template = _appeal_template(True)
    if len(pieces) != len(template) or not all(is_value_text(p.text) for p in pieces):
        return []
    pieces.sort(key=lambda p: p.bbox[0] + p.bbox[2])
    n = len(APPEAL_COLUMNS)
    sums = sums_hold([[count_value(p.text) for p in pieces]],
                     [range(i, i + n) for i in range(0, len(pieces), n)], s.template_columns_min_sum_rows)
    agree = 0
    for piece, (key, *_) in zip(pieces, template):
        middle = 0.5 * (piece.bbox[0] + piece.bbox[2])
        for gc, (g, c, _, _) in keyed.items():
            band_x = grid.col_band(gc)
            if band_x is not None and band_x[0] <= middle < band_x[1]:
                agree += f"{g.key}.{c.key}" == key
    confirmed = sums or agree >= s.template_columns_min_confirming
    return [(p, tuple(rest)) for p, (_, *rest) in zip(pieces, _appeal_template(confirmed))]


def _appeal_template_columns(grid: Grid, vr: int, keyed: dict, s: MappingSettings) -> dict:
    """Section 四 columns whose header was not read, keyed from the template's
    order of its fifteen columns (``mapping.columns``)."""
    template = [key for key, *_ in _appeal_template(True)]
    n = len(APPEAL_COLUMNS)
    order = order_columns(
        grid, [vr], {gc: f"{g.key}.{c.key}" for gc, (g, c, _, _) in keyed.items()},
        template, [range(i, i + n) for i in range(0, len(template), n)],
        s.template_columns_min_share, s.template_columns_min_confirming, s.template_columns_min_sum_rows,
    )
    if order is None or (order.conflicts and not order.sums_hold):
        return keyed
    out = {gc: k for gc, k in keyed.items() if gc in order.keys and gc not in order.conflicts}
    by_key = {key: rest for key, *rest in _appeal_template(order.confirmed)}
    for gc, key in order.keys.items():
        if gc not in out:
            out[gc] = tuple(by_key[key])
    return out


# ------------------------------------------------------------------ entry point


def map_tables(tables: Sequence[ReadTable], settings: Optional[MappingSettings] = None) -> Mapping:
    """Map a report's tables (in reading order across pages) onto canonical keys.

    Parameters
    ----------
    tables : every ``ReadTable`` of the report, in reading order.
    settings : ``MappingSettings`` (None: defaults).

    Returns
    -------
    Mapping with ``values`` (key → MappedValue), ``templates``
    (``{"proactive": ..., "applications": ...}`` for the sections whose
    template the labels tell), ``warnings`` and per-table ``tables`` info.
    Agency and year are not set here (see ``mapping.map_report``).
    """
    s = MappingSettings.resolve(settings)
    v = _vocab(s)
    out = _Collector(s)
    pro = _ProState()
    parts: list[_AppPart] = []
    infos: list[TableInfo] = []
    prev_section: Optional[str] = None
    prev_table: Optional[ReadTable] = None
    for ti, table in enumerate(tables):
        grid = Grid(table)
        section = classify_table(table, s)
        continued = False
        if table.continues_previous and prev_section and (section in (None, prev_section)):
            section, continued = prev_section, True
        elif (section is None and prev_section == "applications" and prev_table is not None
              and table.n_cols == prev_table.n_cols):
            section, continued = "applications", True
        template = None
        if section == "proactive":
            _read_proactive(grid, ti, pro, v, s)
            template = _vote(pro.votes.get(ti, []))
        elif section == "applications":
            part = _read_applications(grid, ti, parts[-1] if parts else None, v, s, out)
            if part is not None:
                parts.append(part)
                continued = continued or (len(parts) > 1 and not part.has_header)
        elif section == "appeals":
            _read_appeals(grid, ti, v, s, out)
        else:
            out.warnings.append(f"table {ti} (page {table.page}) is not a table of the report; skipped")
        infos.append(TableInfo(ti, table.page, section, template, continued))
        prev_section, prev_table = section, table

    templates: dict[str, str] = {}
    _emit_proactive(pro, out, s)
    pro_template = _vote([t for vs in pro.votes.values() for t in vs])
    if pro_template:
        templates["proactive"] = pro_template
    elif pro.rows:
        out.warnings.append("section 二: the labels do not tell the template")
    if parts:
        app_template = _emit_applications(parts, v, s, out)
        if app_template:
            templates["applications"] = app_template
            infos = [
                TableInfo(i.index, i.page, i.section, app_template, i.continued)
                if i.section == "applications" else i
                for i in infos
            ]
        else:
            out.warnings.append("section 三: the labels do not tell the template")
    out.flag_shared_cells()
    return Mapping(values=out.values, templates=templates, warnings=tuple(out.warnings),
                   tables=tuple(infos))
