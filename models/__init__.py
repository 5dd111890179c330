"""Output document, canonical schema and consistency checks of govreport."""
from __future__ import annotations

from .build import build_report, error_report
from .checks import failed_reason, keys_to_review, run_checks
from .document import Check, Correction, FieldValue, Meta, PageInfo, Report, Source, TableGrid, Templates
from .readings import Mapping, MappedValue, TableInfo
from .schema import keys_for

__all__ = [
    "Check",
    "Correction",
    "FieldValue",
    "Mapping",
    "MappedValue",
    "Meta",
    "PageInfo",
    "Report",
    "Source",
    "TableGrid",
    "TableInfo",
    "Templates",
    "build_report",
    "error_report",
    "failed_reason",
    "keys_for",
    "keys_to_review",
    "run_checks",
]
