"""Ground-truth value sets: all-zero, seed copies, and random consistent ones."""
from __future__ import annotations

import random

from .keys import (APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANT_COLUMNS, APPLICATION_COLUMNS,
                   PROACTIVE_ROWS, RESULT_ROWS, Template, Value, application_keys,
                   appeal_keys, proactive_keys)

FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def zeros(proactive: Template, applications: Template) -> dict[str, Value]:
    """Every key of the templates set to 0."""
    keys = proactive_keys(proactive) + application_keys(applications) + appeal_keys()
    return {k: 0 for k in keys}


def random_proactive(rng: random.Random, template: Template) -> dict[str, Value]:
    """Plausible section 二 numbers (counts; 万元 amounts with 2–3 decimals)."""
    out: dict[str, Value] = {}
    for row, cols in PROACTIVE_ROWS[template]:
        for col in cols:
            key = f"proactive.{row}.{col}"
            if col == "amount_wan_yuan":
                out[key] = round(rng.uniform(0, 900), rng.choice([2, 3]))
            elif col == "change":
                out[key] = rng.randint(-15, 20)
            elif row in ("licensing", "penalty") or col in ("prev_year_items", "decisions"):
                out[key] = rng.choice([0, rng.randint(1, 40), rng.randint(50, 950)])
            else:
                out[key] = rng.choice([0, 0, rng.randint(1, 12)])
    if template == "2019":      # 处理决定数量 consistent with 上一年 + 增/减 where it reads so
        for row in ("licensing", "other_services", "penalty", "coercion"):
            prev = out[f"proactive.{row}.prev_year_items"]
            ch = max(-int(prev), int(out[f"proactive.{row}.change"]))
            out[f"proactive.{row}.change"] = ch
            out[f"proactive.{row}.decisions"] = prev + ch
    return out


def random_applications(rng: random.Random, template: Template,
                        busy: float = 0.3, scale: int = 6) -> dict[str, Value]:
    """A section 三 matrix that satisfies rules 1–3.

    `busy`: probability that a result cell is non-zero; `scale`: max count.
    """
    rows = RESULT_ROWS[template]
    out: dict[str, Value] = {}
    weight = {"natural_person": 1.0, "commercial": 0.5, "research": 0.1,
              "social_welfare": 0.15, "legal_services": 0.3, "other_org": 0.2}
    for col in APPLICANT_COLUMNS:
        tot = 0
        for r in rows:
            v = rng.randint(1, scale) if rng.random() < busy * weight[col] * (
                2.5 if r in ("disclosed", "partially_disclosed", "unavailable_not_held") else 1) else 0
            out[f"applications.{r}.{col}"] = v
            tot += v
        fwd = rng.choice([0, 0, 0, 1, 2]) if col == "natural_person" else rng.choice([0, 0, 0, 0, 1])
        prev = rng.randint(0, min(tot + fwd, 3))
        out[f"applications.total.{col}"] = tot
        out[f"applications.carried_forward.{col}"] = fwd
        out[f"applications.carried_over.{col}"] = prev
        out[f"applications.new.{col}"] = tot + fwd - prev
    for r in ["new", "carried_over"] + rows + ["total", "carried_forward"]:
        out[f"applications.{r}.total"] = sum(out[f"applications.{r}.{c}"]
                                             for c in APPLICANT_COLUMNS)
    assert set(out) == set(application_keys(template))
    return out


def random_appeals(rng: random.Random, busy: float = 0.5) -> dict[str, Value]:
    """Section 四 with upheld+corrected+other+pending == total per group."""
    out: dict[str, Value] = {}
    for g in APPEAL_GROUPS:
        parts = [rng.randint(0, 3) if rng.random() < busy else 0 for _ in range(4)]
        for col, v in zip(APPEAL_COLUMNS[:4], parts):
            out[f"appeals.{g}.{col}"] = v
        out[f"appeals.{g}.total"] = sum(parts)
    return out


def blank(fields: dict[str, Value], keys: list[str]) -> None:
    """Set `keys` to null (printed blank) in place."""
    for k in keys:
        fields[k] = None


def app_keys_where(template: Template, rows: list[str] | None = None,
                   cols: list[str] | None = None) -> list[str]:
    """applications.* keys restricted to rows and/or columns."""
    from .keys import APPLICATION_ROWS
    return [f"applications.{r}.{c}" for r in (rows or APPLICATION_ROWS[template])
            for c in (cols or APPLICATION_COLUMNS)]


def fullwidth(value: Value) -> str:
    """A number printed with full-width digits (１２, ０)."""
    return fmt(value).translate(FULLWIDTH)


def fmt(value: Value) -> str:
    """Default printed form of a value: '' for null, '534.865', '-10'."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6g}"
    return str(int(value))
