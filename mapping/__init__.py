"""Mapping stage: read tables and title text → canonical keys, values, meta."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Optional

from .labels import LabelMatch, LabelMatcher, normalize
from .meta import TitleMeta, extract_meta, has_title
from .settings import MappingSettings
from .tables import classify_table, map_tables
from .types import Mapping, MappedValue, PageText, ReadCell, ReadLine, ReadTable, TableInfo
from .values import ParsedValue, parse_value

__all__ = [
    "LabelMatch",
    "LabelMatcher",
    "Mapping",
    "MappedValue",
    "MappingSettings",
    "PageText",
    "ParsedValue",
    "ReadCell",
    "ReadLine",
    "ReadTable",
    "TableInfo",
    "TitleMeta",
    "classify_table",
    "extract_meta",
    "has_title",
    "map_report",
    "map_tables",
    "normalize",
    "parse_value",
]


def map_report(
    tables: Sequence[ReadTable],
    pages: Sequence[PageText] = (),
    settings: Optional[MappingSettings] = None,
) -> Mapping:
    """``map_tables`` plus agency and year from the title text of ``pages``."""
    s = MappingSettings.resolve(settings)
    mapped = map_tables(tables, s)
    meta = extract_meta(pages, s)
    return replace(mapped, agency=meta.agency, year=meta.year,
                   warnings=mapped.warnings + meta.warnings)
