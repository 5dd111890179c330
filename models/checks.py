"""Consistency rules (勾稽关系) of report-schema.md.

Rules and their names in ``checks[].rule``:

1. ``applications.balance.<column>``: new + carried_over == total + carried_forward
2. ``applications.row_sum.<row>``: the six applicant columns add up to total
3. ``applications.results_sum.<column>``: total == sum of the result rows
4. ``appeals.sum.<group>``: upheld + corrected + other + pending == total

Blank (null) and absent cells are left out of a sum; a rule whose cells are
all blank is ``not_applicable``. A failed rule never changes a value: it is a
finding, and ``keys_to_review`` says which fields it marks for review.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Optional, Union

from .document import Check, Templates
from .schema import (
    APPEAL_GROUPS,
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    application_rows,
    result_rows,
)

__all__ = ["run_checks", "keys_to_review", "failed_reason"]

Number = Union[int, float]

#: Two sums closer than this are equal (amounts are not summed, but a count
#: read as 3.0 must equal 3).
_TOLERANCE = 1e-6


def _fmt(v: Optional[Number]) -> str:
    if v is None:
        return "null"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _sum_rule(
    rule: str,
    values: Mapping[str, Optional[Number]],
    lhs: Sequence[str],
    rhs: Sequence[str],
) -> Check:
    """``sum(lhs) == sum(rhs)`` with nulls left out; all null: not applicable."""
    keys = list(lhs) + list(rhs)
    got = [values.get(k) for k in keys]
    if all(v is None for v in got):
        return Check(rule=rule, status="not_applicable", keys=keys, detail="all cells blank")
    left = sum(v for v in (values.get(k) for k in lhs) if v is not None)
    right = sum(v for v in (values.get(k) for k in rhs) if v is not None)
    ok = abs(left - right) <= _TOLERANCE
    detail = "{} {} {}".format(
        " + ".join(_fmt(values.get(k)) for k in lhs),
        "==" if ok else "!=",
        " + ".join(_fmt(values.get(k)) for k in rhs),
    )
    return Check(rule=rule, status="passed" if ok else "failed", keys=keys, detail=detail)


def _template_of(templates: Union[Templates, Mapping[str, Optional[str]], None], name: str):
    if templates is None:
        return None
    if isinstance(templates, Templates):
        return getattr(templates, name)
    return templates.get(name)


def run_checks(
    values: Mapping[str, Optional[Number]],
    templates: Union[Templates, Mapping[str, Optional[str]], None] = None,
) -> list[Check]:
    """Evaluate every consistency rule on a report's values.

    Parameters
    ----------
    values : key -> value (int, float or None for a blank cell). Keys not
        present count as blank.
    templates : ``Templates`` or ``{"applications": "2019" | "2021" | None}``.
        The section 三 template selects the rows (2019 ``other`` vs the three
        2021 ``other_*`` rows). When it is None the rows of both templates are
        used; rows that the report does not have are blank there and drop out
        of the sums.

    Returns
    -------
    list of ``Check`` in a fixed order: balance per column, row_sum per row,
    results_sum per column, appeals sum per group. Each check lists the keys
    it read and a ``detail`` such as ``"0 + 0 != 1 + 0"``.
    """
    t_app = _template_of(templates, "applications")
    rows = application_rows(t_app)
    if t_app is None:
        # undetermined: only rows the report actually has
        rows = [r for r in rows if any(f"applications.{r}.{c.key}" in values for c in APPLICATION_COLUMNS)]
    results = [r for r in result_rows(t_app) if r in rows or t_app is not None]
    columns = [c.key for c in APPLICATION_COLUMNS]
    out: list[Check] = []

    def a(row: str, col: str) -> str:
        return f"applications.{row}.{col}"

    for c in columns:
        out.append(
            _sum_rule(
                f"applications.balance.{c}",
                values,
                [a("new", c), a("carried_over", c)],
                [a("total", c), a("carried_forward", c)],
            )
        )
    for r in rows:
        out.append(
            _sum_rule(
                f"applications.row_sum.{r}",
                values,
                [a(r, c) for c in APPLICANT_COLUMNS],
                [a(r, "total")],
            )
        )
    for c in columns:
        out.append(
            _sum_rule(
                f"applications.results_sum.{c}",
                values,
                [a(r, c) for r in results],
                [a("total", c)],
            )
        )
    for g in APPEAL_GROUPS:
        p = f"appeals.{g}."
        out.append(
            _sum_rule(
                f"appeals.sum.{g}",
                values,
                [p + "upheld", p + "corrected", p + "other", p + "pending"],
                [p + "total"],
            )
        )
    return out


def failed_reason(check: Check) -> str:
    """The review reason a failed check writes on its fields."""
    return f"consistency rule {check.rule} failed: {check.detail}"


def keys_to_review(checks: Iterable[Check],
                   values: Optional[Mapping[str, Optional[Number]]] = None,
                   settled: Iterable[str] = ()) -> dict[str, list[str]]:
    """Keys marked for review by failed rules -> the reasons (one per rule).

    Every key a failed rule reads is marked, blank cells included: a blank
    that should have held a number is as likely the culprit as a wrong one.

    With `values` (the values the rules were run on), a key that another,
    passing rule confirms — every cell of that rule read as a number — is
    not marked by a failed rule: a wrong value there would need a second
    error that cancels it in the passing sum. A failed rule whose every key
    is so confirmed (two errors that cancel in one row, a cell the report
    lacks) marks them all.

    `settled` keys were decided by a person (``fields[key].corrected``):
    they are never marked, and they confirm like a passing rule does, so a
    failed rule marks only its unsettled keys (none when all are settled).
    """
    checks = list(checks)
    settled = set(settled)
    confirmed: set[str] = set(settled)
    if values is not None:
        for ch in checks:
            if ch.status == "passed" and all(values.get(k) is not None for k in ch.keys):
                confirmed.update(ch.keys)
    out: dict[str, list[str]] = {}
    for ch in checks:
        if ch.status != "failed":
            continue
        doubtful = [k for k in ch.keys if k not in confirmed] or list(ch.keys)
        for k in (k for k in doubtful if k not in settled):
            out.setdefault(k, []).append(failed_reason(ch))
    return out
