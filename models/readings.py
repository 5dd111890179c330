"""What the mapping stage hands to this one: canonical keys with values and provenance.

``mapping`` produces these (``mapping.map_report``); ``models.build_report``
turns them into the output document. They are defined here, on the
receiving side, so the data flows one way (layout/ocr → mapping → models)
and the schema layer does not depend on how values were read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MappedValue", "TableInfo", "Mapping"]

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class MappedValue:
    """One canonical key's value with its provenance.

    value : int or float for a number, None for a blank or a dash cell.
    raw : the OCR text of the cell as read ("" for a blank cell).
    label : the printed row / column labels the key was matched from.
    review : True when a person should look; ``reasons`` says why.
    """

    key: str
    value: int | float | None
    raw: str
    confidence: float
    page: int
    bbox: Box
    label: str
    review: bool = False
    reasons: tuple[str, ...] = ()
    match_score: float = 100.0


@dataclass(frozen=True)
class TableInfo:
    """What mapping made of one ``ReadTable`` (for debugging and reports).

    index : position of the table in the input sequence.
    section : "proactive", "applications", "appeals" or None (not recognised).
    template : "2019" / "2021" decided from this table's labels, None if they
        do not tell.
    continued : True when the table was taken as the continuation of the
        previous part of the same section.
    """

    index: int
    page: int
    section: str | None
    template: str | None = None
    continued: bool = False


@dataclass(frozen=True)
class Mapping:
    """Everything mapping extracted from one report."""

    values: dict[str, MappedValue]
    templates: dict[str, str]  # {"proactive": "2021", "applications": "2019", ...}
    agency: str | None = None
    year: int | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    tables: tuple[TableInfo, ...] = field(default_factory=tuple)
