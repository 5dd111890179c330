"""Value columns of a table from the template's column order.

Both templates print the section 三 matrix with the same value columns in
the same order (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他,
总计; ``models.schema.APPLICATION_COLUMNS``), and the section 四 table with
the same fifteen (行政复议, 行政诉讼 未经复议直接起诉, 复议后起诉, each
结果维持, 结果纠正, 其他结果, 尚未审结, 总计). When a damaged header leaves
some of those columns without a readable header cell, the columns that hold
numbers in the body still tell which is which, by their order: that is the
template's shape taken as evidence, and it is only taken when

- the body holds exactly as many number columns, side by side at the right
  of the table, as the template has value columns;
- no header that was read contradicts the order (unless the row sums
  below confirm it: a header cell merged over two columns reads wrong);
- the order is confirmed, by ``min_confirming`` headers read in their place
  or by body rows whose columns add up to their 总计 column (勾稽关系); an
  unconfirmed order is still used, with every inferred column marked for
  review.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .grid import Grid
from .values import is_value_text, parse_value

__all__ = ["ColumnOrder", "count_value", "number_columns", "order_columns", "sums_hold"]


@dataclass(frozen=True)
class ColumnOrder:
    """What the template's order says of a table's value columns.

    keys : grid column → template key, for every number column.
    confirmed : True when headers read in place or the row sums confirm it.
    sums_hold : True when the row sums confirm it (strong enough to overrule
        a header read that contradicts it: a merged header cell).
    conflicts : grid columns whose header read names another key.
    """

    keys: dict[int, str]
    confirmed: bool
    sums_hold: bool
    conflicts: tuple[int, ...] = ()


def number_columns(grid: Grid, rows: Sequence[int], min_share: float) -> list[int]:
    """The run of grid columns, ending at the table's right edge, whose cells
    in `rows` hold numbers in at least `min_share` of the rows that hold any.

    A cell counts for its own column only (one column wide, starting in the
    row), so merged header or label cells do not.
    """
    counts = [0] * grid.n_cols
    used = 0
    for r in rows:
        seen = False
        for c in range(grid.n_cols):
            cell = grid.at(r, c)
            if cell is not None and cell.row == r and cell.col == c and cell.col_span == 1 \
                    and is_value_text(cell.text):
                counts[c] += 1
                seen = True
        used += seen
    if not used:
        return []
    run: list[int] = []
    for c in range(grid.n_cols - 1, -1, -1):
        if counts[c] < min_share * used:
            break
        run.insert(0, c)
    return run


def count_value(text: str) -> int | None:
    """The count a cell text reads as, None unless it is a clean integer."""
    parsed = parse_value(text, "count")
    return parsed.value if not parsed.doubtful and isinstance(parsed.value, int) else None


def sums_hold(rows: Sequence[Sequence[int | None]], groups: Sequence[Sequence[int]], min_rows: int) -> bool:
    """Whether, in at least `min_rows` (row, group) pairs with a non-zero
    total, the group's first values add up to its last one, and more often
    than they do not.

    rows : each row's values in template column order (None: unreadable).
    groups : positions of columns that add up (the last is the sum).
    """
    held = failed = 0
    for values in rows:
        for group in groups:
            got = [values[i] for i in group]
            if any(x is None for x in got) or got[-1] == 0:
                continue
            if sum(got[:-1]) == got[-1]:
                held += 1
            else:
                failed += 1
    return held >= min_rows and held > failed


def _row_values(grid: Grid, r: int, columns: Sequence[int]) -> list[int | None]:
    values: list[int | None] = []
    for c in columns:
        cell = grid.at(r, c)
        values.append(count_value(cell.text) if cell is not None and cell.row == r else None)
    return values


def order_columns(grid: Grid, rows: Sequence[int], read: dict[int, str], template: Sequence[str],
                  sum_groups: Sequence[Sequence[int]], min_share: float, min_confirming: int,
                  min_sum_rows: int) -> ColumnOrder | None:
    """Template keys for a table's number columns, or None when the order does not apply.

    Parameters
    ----------
    grid : the table part.
    rows : its body rows (below the header).
    read : grid column → key of the value columns whose header was read.
    template : the template's value column keys, left to right.
    sum_groups : positions in `template` of columns that add up: in each
        group the last is the sum of the others.
    min_share, min_confirming, min_sum_rows : see the module docstring
        (``MappingSettings.template_columns_*``).
    """
    columns = number_columns(grid, rows, min_share)
    if len(columns) != len(template):
        return None
    keys = dict(zip(columns, template))
    conflicts = tuple(c for c, k in read.items() if c in keys and keys[c] != k)
    agree = sum(1 for c, k in read.items() if keys.get(c) == k)
    sums = sums_hold([_row_values(grid, r, columns) for r in rows], sum_groups, min_sum_rows)
    return ColumnOrder(keys, sums or agree >= min_confirming, sums, conflicts)
