"""Output document, canonical schema and consistency checks of govreport."""
from __future__ import annotations

from .build import build_report, error_report
from .checks import keys_to_review, run_checks
from .document import Check, FieldValue, Meta, PageInfo, Report, Source, Templates
from .readings import Mapping, MappedValue, TableInfo
from .schema import keys_for

__all__ = [
    "Check",
    "FieldValue",
    "Mapping",
    "MappedValue",
    "Meta",
    "PageInfo",
    "Report",
    "Source",
    "TableInfo",
    "Templates",
    "build_report",
    "error_report",
    "keys_for",
    "keys_to_review",
    "run_checks",
]
