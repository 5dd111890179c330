"""Canonical keys of sections 二/三/四 per template, and the consistency rules.

Everything here follows /work/shared/spec/report-schema.md. The generator uses
it to build truth files and the tests use it to check them.
"""
from __future__ import annotations

from typing import Literal, Mapping, Optional

Template = Literal["2019", "2021"]
Value = Optional[float]  # int, float or None

# ---- section 二 -------------------------------------------------------------
#: (row key, columns) per template, in printed order.
PROACTIVE_ROWS: dict[str, list[tuple[str, list[str]]]] = {
    "2021": [
        ("rules", ["issued", "abolished", "in_force"]),
        ("normative_docs", ["issued", "abolished", "in_force"]),
        ("licensing", ["decisions"]),
        ("penalty", ["decisions"]),
        ("coercion", ["decisions"]),
        ("fees", ["amount_wan_yuan"]),
    ],
    "2019": [
        ("rules", ["new_made", "new_published", "total_published"]),
        ("normative_docs", ["new_made", "new_published", "total_published"]),
        ("licensing", ["prev_year_items", "change", "decisions"]),
        ("other_services", ["prev_year_items", "change", "decisions"]),
        ("penalty", ["prev_year_items", "change", "decisions"]),
        ("coercion", ["prev_year_items", "change", "decisions"]),
        ("fees", ["prev_year_items", "change"]),
        ("procurement", ["items", "amount_wan_yuan"]),
    ],
}

# ---- section 三 -------------------------------------------------------------
APPLICANT_COLUMNS = ["natural_person", "commercial", "research",
                     "social_welfare", "legal_services", "other_org"]
APPLICATION_COLUMNS = APPLICANT_COLUMNS + ["total"]

_RESULT_ROWS_COMMON = [
    "disclosed", "partially_disclosed",
    "withheld_state_secret", "withheld_prohibited_by_law",
    "withheld_security_stability", "withheld_third_party",
    "withheld_internal_affairs", "withheld_process_info",
    "withheld_enforcement_files", "withheld_query_items",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "not_processed_petition", "not_processed_duplicate",
    "not_processed_publication", "not_processed_excessive",
    "not_processed_confirmation",
]
#: result rows (the rows that add up to `total`), per template.
RESULT_ROWS: dict[str, list[str]] = {
    "2019": _RESULT_ROWS_COMMON + ["other"],
    "2021": _RESULT_ROWS_COMMON + ["other_overdue_correction",
                                   "other_overdue_fee", "other_other"],
}
#: every row of the matrix, in printed order.
APPLICATION_ROWS: dict[str, list[str]] = {
    t: ["new", "carried_over"] + rows + ["total", "carried_forward"]
    for t, rows in RESULT_ROWS.items()
}

# ---- section 四 -------------------------------------------------------------
APPEAL_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
APPEAL_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]


def proactive_keys(template: Template) -> list[str]:
    """All `proactive.*` keys of a template, in printed order."""
    return [f"proactive.{r}.{c}" for r, cols in PROACTIVE_ROWS[template] for c in cols]


def application_keys(template: Template) -> list[str]:
    """All `applications.*` keys of a template, row-major in printed order."""
    return [f"applications.{r}.{c}" for r in APPLICATION_ROWS[template]
            for c in APPLICATION_COLUMNS]


def appeal_keys() -> list[str]:
    """All `appeals.*` keys (same in both templates)."""
    return [f"appeals.{g}.{c}" for g in APPEAL_GROUPS for c in APPEAL_COLUMNS]


def expected_keys(proactive: Template, applications: Template) -> list[str]:
    """Every key a report with these per-table templates must have."""
    return proactive_keys(proactive) + application_keys(applications) + appeal_keys()


# ---- rules ------------------------------------------------------------------
def _sum(values: list[Value]) -> Optional[float]:
    """Sum ignoring nulls; None if all are null."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _rule(terms_left: list[Value], terms_right: list[Value]) -> str:
    """'passed', 'failed' or 'not_applicable' for sum(left) == sum(right)."""
    if all(v is None for v in terms_left + terms_right):
        return "not_applicable"
    return "passed" if (_sum(terms_left) or 0) == (_sum(terms_right) or 0) else "failed"


def check_rules(fields: Mapping[str, Value], applications: Template) -> dict[str, str]:
    """Evaluate rules 1–4 of the spec on a flat key→value mapping.

    Returns rule name → status. Null cells are left out of sums; a rule whose
    cells are all null is 'not_applicable'.
    """
    f = lambda k: fields.get(k)  # noqa: E731
    out: dict[str, str] = {}
    for c in APPLICATION_COLUMNS:
        out[f"applications.balance.{c}"] = _rule(
            [f(f"applications.new.{c}"), f(f"applications.carried_over.{c}")],
            [f(f"applications.total.{c}"), f(f"applications.carried_forward.{c}")])
    for r in APPLICATION_ROWS[applications]:
        out[f"applications.row_sum.{r}"] = _rule(
            [f(f"applications.{r}.{c}") for c in APPLICANT_COLUMNS],
            [f(f"applications.{r}.total")])
    for c in APPLICATION_COLUMNS:
        out[f"applications.results_sum.{c}"] = _rule(
            [f(f"applications.total.{c}")],
            [f(f"applications.{r}.{c}") for r in RESULT_ROWS[applications]])
    for g in APPEAL_GROUPS:
        out[f"appeals.sum.{g}"] = _rule(
            [f(f"appeals.{g}.{c}") for c in APPEAL_COLUMNS[:4]],
            [f(f"appeals.{g}.total")])
    return out


def failed_rules(fields: Mapping[str, Value], applications: Template) -> list[str]:
    """Names of the rules that fail, sorted."""
    return sorted(k for k, v in check_rules(fields, applications).items() if v == "failed")
