"""Assemble the output ``Report`` from the mapping stage's result."""
from __future__ import annotations

from collections.abc import Iterable, Mapping as AbcMapping, Sequence
from typing import Optional

from .checks import keys_to_review, run_checks
from .document import Check, FieldValue, Meta, PageInfo, Report, Source, Templates
from .readings import Mapping, MappedValue
from .schema import TEMPLATES, key_order

__all__ = ["build_report", "error_report", "field_value"]


def field_value(mv: MappedValue, extra_reasons: Sequence[str] = (),
                read_by: str = "ocr") -> FieldValue:
    """One ``MappedValue`` as an output ``FieldValue``.

    ``extra_reasons`` (e.g. failed rules) are appended and set ``review``.
    The confidence is clamped to [0, 1]. ``read_by`` is how its page was read.
    """
    reasons = list(mv.reasons) + [r for r in extra_reasons if r not in mv.reasons]
    return FieldValue(
        value=mv.value,
        raw=mv.raw,
        confidence=min(1.0, max(0.0, float(mv.confidence))),
        page=mv.page,
        bbox=tuple(int(v) for v in mv.bbox),
        label=mv.label,
        review=bool(mv.review or extra_reasons),
        reasons=reasons,
        read_by=read_by,
    )


def _templates(mapping: Mapping) -> Templates:
    def pick(name: str) -> Optional[str]:
        t = mapping.templates.get(name)
        return t if t in TEMPLATES else None

    return Templates(proactive=pick("proactive"), applications=pick("applications"))


def build_report(
    source: Source,
    pages: Sequence[PageInfo],
    mapping: Mapping,
    warnings: Iterable[str] = (),
    timing: Optional[AbcMapping[str, float]] = None,
) -> Report:
    """The output document for one report.

    Converts every ``MappedValue`` to a ``FieldValue`` (fields in document
    order), runs the consistency rules on the values as read, and sets
    ``review`` with a reason (``"consistency rule <rule> failed: <detail>"``)
    on the extracted fields a failed rule reads that no passing rule confirms
    (:func:`models.checks.keys_to_review`). Values are never changed by
    a failed rule. Each field's ``read_by`` is its page's. ``meta`` gets the agency, year and per-section template
    from ``mapping``; ``warnings`` are appended to the mapping's own.
    """
    templates = _templates(mapping)
    values = {k: mv.value for k, mv in mapping.values.items()}
    checks: list[Check] = run_checks(values, templates)
    flagged = keys_to_review(checks, values)
    read_by = {p.number: p.read_by for p in pages}
    fields = {
        k: field_value(mapping.values[k], flagged.get(k, ()), read_by.get(mapping.values[k].page, "ocr"))
        for k in sorted(mapping.values, key=lambda k: (key_order(k), k))
    }
    return Report(
        source=source,
        pages=list(pages),
        meta=Meta(agency=mapping.agency, year=mapping.year, template=templates),
        fields=fields,
        checks=checks,
        warnings=list(mapping.warnings) + list(warnings),
        timing=dict(timing or {}),
    )


def error_report(
    source: Source,
    error: str,
    pages: Sequence[PageInfo] = (),
    warnings: Iterable[str] = (),
    timing: Optional[AbcMapping[str, float]] = None,
) -> Report:
    """The output of a file that could not be read: ``error`` set, no fields."""
    return Report(
        source=source,
        pages=list(pages),
        error=error,
        warnings=list(warnings),
        timing=dict(timing or {}),
    )
