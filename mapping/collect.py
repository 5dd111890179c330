"""What the section readers share: the label vocabulary, a label resolved to
a key (``Keyed``), the collector of fields (confidence, review reasons, a key
found twice, one cell under several keys), template votes and keys inferred
from their position."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
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
    is_amount,
    signed,
)

from .grid import blank
from .labels import LabelMatch, LabelMatcher
from .settings import MappingSettings
from .types import MappedValue, ReadCell
from .values import is_clean_number, parse_value

__all__ = [
    "HEADER", "PARENT", "TITLE", "INFERRED_CERTAINTY", "UNAMBIGUOUS_APP_HEADERS", "Vocab", "vocab_for",
    "Keyed", "to_keyed", "order_keyed", "Placed", "Collector", "pick", "vote", "infer_from_position",
    "confirm_by_order",
]


#: Keys of header words (信息内容, 申请人情况 …) and of parent group labels (行政诉讼).
HEADER = "_header"
PARENT = "_parent"
#: Section 三 header keys that identify a header row without doubt (总计 and
#: 其他 are also row labels, so they do not).
UNAMBIGUOUS_APP_HEADERS = frozenset(
    {"natural_person", "commercial", "research", "social_welfare", "legal_services", HEADER}
)
#: A 第二十条第（X）项 title row of section 二.
TITLE = re.compile(r"第.{0,3}条第?([一二三四五六七八九十\d]{1,3})项")
#: Label certainty of a key inferred from its position (no usable label).
INFERRED_CERTAINTY = 0.5


@dataclass(frozen=True)
class Vocab:
    pro_rows: LabelMatcher
    pro_cols: LabelMatcher
    app_rows: LabelMatcher
    app_cols: LabelMatcher
    appeal_groups: LabelMatcher
    appeal_cols: LabelMatcher


@lru_cache(maxsize=8)
def vocab_for(settings: MappingSettings) -> Vocab:
    def rows(specs):
        return [(r.key, lab) for r in specs for lab in r.labels]

    groups = []
    for g, labels in APPEAL_GROUPS.items():
        groups.append((g, Label(labels[-1])))
        groups += [(PARENT, Label(p)) for p in labels[:-1]]
    return Vocab(
        pro_rows=LabelMatcher(rows(PROACTIVE_ROWS), settings),
        pro_cols=LabelMatcher(
            rows(PROACTIVE_COLUMNS) + [(HEADER, Label(w)) for w in PROACTIVE_HEADER_WORDS],
            settings,
        ),
        app_rows=LabelMatcher(rows(APPLICATION_ROWS), settings),
        app_cols=LabelMatcher(
            rows(APPLICATION_COLUMNS) + [(HEADER, Label(w)) for w in APPLICATION_HEADER_WORDS],
            settings,
        ),
        appeal_groups=LabelMatcher(groups, settings),
        appeal_cols=LabelMatcher(rows(APPEAL_COLUMNS), settings),
    )


@dataclass(frozen=True)
class Keyed:
    """A label resolved to a key, with what the field needs from it.

    ``read`` is True when the key comes from the printed label itself, False
    when it was given by the template's order (an unread label).
    """

    key: str
    certainty: float
    reasons: tuple[str, ...]
    printed: str
    template: Optional[str] = None
    read: bool = True


def order_keyed(key: str, full_key: str, printed: str, confirmed: bool) -> Keyed:
    """`key` given by the template's column order (``mapping.columns``):
    certain when the order was confirmed, else inferred and marked for
    review. `full_key` names the column in the reason."""
    if confirmed:
        return Keyed(key, 1.0, (), printed, read=False)
    return Keyed(key, INFERRED_CERTAINTY,
                 (f"column header not read; key {full_key} from the template's column order",), printed,
                 read=False)


def to_keyed(m: LabelMatch, settings: MappingSettings, what: str) -> Optional[Keyed]:
    if m.key is None:
        return None
    return Keyed(m.key, m.certainty, m.reasons(settings, what), m.printed, m.template)


Placed = tuple[ReadCell, int]  # a cell and the page it is on


class Collector:
    """Collects fields, keeping the more certain of a key found twice."""

    def __init__(self, settings: MappingSettings):
        self.settings = settings
        self.values: dict[str, MappedValue] = {}
        self.warnings: list[str] = []
        self._keys_of_cell: dict[tuple[int, tuple[int, ...]], set[str]] = {}

    def emit(
        self,
        key: str,
        cells: Sequence[Placed],
        row: Keyed,
        col: Keyed,
        row_label: str,
        extra: Sequence[str] = (),
    ) -> None:
        (cell, page), pick_reasons = pick(cells)
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


def pick(cells: Sequence[Placed]) -> tuple[Placed, tuple[str, ...]]:
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


def vote(templates: Sequence[Optional[str]]) -> Optional[str]:
    c = Counter(t for t in templates if t)
    if not c:
        return None
    ranked = c.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def infer_from_position(
    keyed: list[Optional[Keyed]],
    matches: Sequence[Optional[LabelMatch]],
    order: Sequence[str],
    what: str,
    allowed: Optional[Sequence[Optional[tuple[frozenset[str], str]]]] = None,
) -> list[Optional[Keyed]]:
    """Give an unmatched row the one key that fits between its matched neighbours.

    Without other evidence a row needs a matched neighbour on both sides, and
    the gap between them must hold this one unmatched row and one unused key.
    ``allowed[i]``, when given, is the keys row ``i`` can have and why
    (section 二: the columns of its sub-table tell its 第二十条 item): the row
    takes the one unused allowed key in order with its matched neighbours,
    also past the first or last of them. Inferred keys are marked for review,
    except where the evidence allows one key only (a sub-table of one row,
    政府集中采购): that key is sure.
    """
    out = list(keyed)
    used = {k.key for k in keyed if k}
    pos = {k: i for i, k in enumerate(order)}
    for i, k in enumerate(keyed):
        if k is not None:
            continue
        before = next((out[j] for j in range(i - 1, -1, -1) if out[j]), None)
        after = next((keyed[j] for j in range(i + 1, len(keyed)) if keyed[j]), None)
        if (before and before.key not in pos) or (after and after.key not in pos):
            continue
        lo = pos[before.key] + 1 if before else 0
        hi = pos[after.key] if after else len(order)
        evidence = allowed[i] if allowed is not None else None
        if evidence is None:
            if before is None or after is None:
                continue
            # the gap must hold exactly this one unmatched row
            nxt = next(j for j in range(i + 1, len(keyed)) if keyed[j])
            if any(keyed[j] is None and out[j] is None for j in range(i + 1, nxt)):
                continue
        fits = [x for x in order[lo:hi] if x not in used and (evidence is None or x in evidence[0])]
        if len(fits) != 1:
            continue
        m = matches[i]
        printed = m.printed if m is not None else ""
        if evidence is not None and len(evidence[0]) == 1:
            # the evidence allows this one key and no other (a sub-table of one row)
            out[i] = Keyed(fits[0], 1.0, (), printed or fits[0], read=False)
            used.add(fits[0])
            continue
        best = f" (best {m.score:.0f})" if m is not None else ""
        why = (f"key inferred from {evidence[1]}" if evidence is not None else
               f"key inferred from its position between {before.key} and {after.key}")
        out[i] = Keyed(fits[0], INFERRED_CERTAINTY, (f"{what} label {printed!r} not recognised{best}; {why}",),
                       printed or fits[0], read=False)
        used.add(fits[0])
    return out


def confirm_by_order(keyed: Sequence[Optional[Keyed]], order: Sequence[str]) -> list[Optional[Keyed]]:
    """Weak label matches made sure by where they stand in the template's order.

    The templates fix the order of rows (columns). A label matched weakly or
    ambiguously (one garbled character: 尚未甫结, 专下年度继续办理) to key
    ``order[j]`` is sure when the row before it is matched to ``order[j - 1]``
    (or it is the first row and ``j`` the first key) and the row after it to
    ``order[j + 1]`` (or it is the last row and the last key): its neighbours
    leave it no other place. Its review reasons are dropped and its certainty
    is 1. A row out of order, doubled or next to a missing or unread row
    stays as it was (a doubt). Neighbours count as matched only by their own
    labels: run this before keys are inferred from position.

    Parameters
    ----------
    keyed : the key of each row (column) in reading order, None where no label
        matched; keys not read from their label (``Keyed.read`` False) neither
        are confirmed nor confirm their neighbours.
    order : the template's keys in order.
    """
    pos = {k: j for j, k in enumerate(order)}
    at = [pos.get(k.key) if k is not None and k.read else None for k in keyed]
    out = list(keyed)
    last_row, last_key = len(keyed) - 1, len(order) - 1
    for i, k in enumerate(keyed):
        j = at[i]
        if j is None or not k.reasons:  # j is None for no key or one not read
            continue
        before = (i == 0 and j == 0) or (i > 0 and at[i - 1] is not None and at[i - 1] == j - 1)
        after = ((i == last_row and j == last_key)
                 or (i < last_row and at[i + 1] is not None and at[i + 1] == j + 1))
        if before and after:
            out[i] = Keyed(k.key, 1.0, (), k.printed, k.template)
    return out
