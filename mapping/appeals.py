"""Section 四 (行政复议、行政诉讼): fifteen columns under a three-row header,
one value row (see ``mapping.tables``)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Optional

from models.schema import APPEAL_COLUMNS, APPEAL_GROUPS

from .collect import PARENT, Collector, Keyed, Vocab, order_keyed, to_keyed
from .columns import count_value, order_columns, sums_hold
from .grid import Grid, blank, from_lines, has_text, is_label
from .labels import clean_label
from .settings import MappingSettings
from .types import ReadCell, ReadLine
from .values import is_mark, is_value_text

__all__ = ["read_appeals"]


def _mostly_values(cells: Sequence[ReadCell]) -> bool:
    """No label among `cells`, or at least half of those with text are numbers."""
    texts = [c for c in cells if has_text(c)]
    values = sum(1 for c in texts if not is_label(c))
    return values == len(texts) or 2 * values >= len(texts)


def read_appeals(grid: Grid, ti: int, v: Vocab, s: MappingSettings, out: Collector) -> None:
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
    keyed: dict[int, tuple[Keyed, Keyed, tuple[str, ...], str]] = {}  # gc → group, column, reasons, label
    stacks: dict[int, Optional[list[list[ReadLine]]]] = {}  # id(header cell) → its labels side by side
    for gc in all_cols:
        cells = [c for c in grid.down(gc, range(end)) if has_text(c)]
        for c in cells:
            if id(c) not in stacks:
                stacks[id(c)] = _side_by_side(c, v)
        path = [_label_above(grid, c, gc, stacks[id(c)]) for c in cells]
        if len(path) < 2:
            continue
        col = to_keyed(v.appeal_cols.match(path[-1].text), s, "column")
        if col is None:
            continue
        groups = [(to_keyed(m, s, "group"), c) for m, c in
                  zip(v.appeal_groups.match_many([c.text for c in path[:-1]]), path[:-1])]
        groups = [(g, c) for g, c in groups if g is not None]
        specific = [g for g, _ in groups if g.key != PARENT]
        extra: tuple[str, ...] = ()
        if specific:
            group = specific[-1]
        elif groups:  # only 行政诉讼: the first run is 直接起诉, the second 复议后起诉
            n = seen_litigation[col.key]
            name = ("litigation_direct", "litigation_after_review")[min(n, 1)]
            group = Keyed(name, groups[0][0].certainty * 0.5, (), groups[0][0].printed)
            extra = (f"appeal group of column {path[-1].text!r} inferred from its position",)
        else:
            continue
        if group.key.startswith("litigation"):
            seen_litigation[col.key] += 1
        keyed[gc] = (group, col, extra, " ".join(clean_label(c.text) for c in path[:-1]))
    placed: list[tuple[ReadCell, tuple[Keyed, Keyed, tuple[str, ...], str]]] = []
    if s.template_columns:
        keyed = _appeal_template_columns(grid, vr, keyed, s)
        if len(keyed) < len(APPEAL_GROUPS) * len(APPEAL_COLUMNS):
            placed = _appeal_pieces_in_order(grid, vr, keyed, s)
    if not placed:
        for gc, k in keyed.items():
            cell = grid.at(vr, gc)
            # a header leaf joined with the value under it (a missed line): the
            # value is the text in the value row's slot
            cell = grid.in_slot(cell, vr, gc) if cell is not None and cell.row < vr else cell
            if cell is not None:
                placed.append((cell, k))
    for cell, (group, col, extra, row_label) in placed:
        out.emit(f"appeals.{group.key}.{col.key}", [(cell, grid.table.page)], group, col, row_label,
                 extra)


def _side_by_side(cell: ReadCell, v: Vocab) -> Optional[list[list[ReadLine]]]:
    """The labels standing side by side in a header cell over several columns.

    A header cell whose labels stand side by side in it, each naming a
    different group or column (``未经复议直接起诉`` and ``复议后起诉`` in one
    cell over ten columns; the stacked characters of ``结果纠正`` beside
    those of ``其他结果``), is header cells joined by a missed vertical line.
    Returns its labels' lines, left to right, each label top to bottom; None
    when the cell is one header.
    """
    if cell.col_span < 2 or len(cell.lines) < 2:
        return None
    stacks: list[list[ReadLine]] = []  # lines overlapping left to right: one label
    for line in sorted((l for l in cell.lines if not is_value_text(l.text) and not is_mark(l.text)),
                       key=lambda l: l.bbox[0]):
        if stacks and line.bbox[0] < max(l.bbox[2] for l in stacks[-1]):
            stacks[-1].append(line)
        else:
            stacks.append([line])
    if len(stacks) < 2:
        return None
    stacks = [sorted(stack, key=lambda l: l.bbox[1]) for stack in stacks]
    texts = ["".join(l.text for l in stack) for stack in stacks]
    for matcher in (v.appeal_groups, v.appeal_cols):
        keys = [m.key for m in matcher.match_many(texts)]
        if None not in keys and len(set(keys)) == len(keys):
            return stacks
    return None


def _label_above(grid: Grid, cell: ReadCell, gc: int, stacks: Optional[list[list[ReadLine]]]) -> ReadCell:
    """What of a header cell names column `gc`: the label of `stacks`
    (:func:`_side_by_side`) nearest above it, or the whole cell."""
    band = grid.col_band(gc)
    if stacks is None or band is None:
        return cell
    middle = 0.5 * (band[0] + band[1])
    nearest = min(stacks, key=lambda stack: max(min(l.bbox[0] for l in stack) - middle, 0.0,
                                                middle - max(l.bbox[2] for l in stack)))
    return from_lines(cell.row, gc, cell.row_span, 1, (band[0], cell.bbox[1], band[1], cell.bbox[3]), nearest)


def _appeal_template(confirmed: bool) -> list[tuple[str, Keyed, Keyed, tuple[str, ...], str]]:
    """The fifteen section 四 columns in template order: (key, group, column,
    reasons, label), with the certainty an order confirmed (or not) gives."""
    out = []
    for g, group_labels in APPEAL_GROUPS.items():
        group_label = " ".join(group_labels)
        for c in APPEAL_COLUMNS:
            key = f"{g}.{c.key}"
            group = order_keyed(g, key, group_label, confirmed)
            out.append((key, group, Keyed(c.key, group.certainty, (), c.labels[0].text), (), group_label))
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
            pieces.append(from_lines(vr, cell.col, 1, 1, line.bbox, [line]))
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
