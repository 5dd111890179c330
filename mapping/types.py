"""Plain data into and out of the mapping stage.

The pipeline builds ``ReadTable``s from layout ``Table``s and the OCR text of
their cells; mapping turns them into canonical keys and values.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class ReadLine:
    """One recognised text line of a cell: its box (px, page image), text and
    OCR confidence."""

    bbox: Box
    text: str
    confidence: float


@dataclass(frozen=True)
class ReadCell:
    """A table cell with its recognised text.

    ``text`` is "" for a cell the layout stage found empty (no ink); then
    ``confidence`` is 1.0 (an empty cell is certain to be blank).
    ``bbox`` is px in page ``ReadTable.page``'s image. ``lines`` are the
    cell's text lines top to bottom (``text`` is their texts joined); mapping
    uses their positions when a cell covers several rows that each need a
    text of their own (a ruling line the layout did not find).
    """

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: Box
    text: str
    confidence: float
    lines: tuple[ReadLine, ...] = ()


@dataclass(frozen=True)
class ReadTable:
    """One ruled table part with text; see ``layout.types.Table``."""

    page: int
    bbox: Box
    n_rows: int
    n_cols: int
    cells: tuple[ReadCell, ...]
    continues_previous: bool = False
    row_edges: tuple[int, ...] = ()  # y of the grid's rows, px (n_rows + 1; () = unknown)
    col_edges: tuple[int, ...] = ()  # x of the grid's columns, px (n_cols + 1; () = unknown)


@dataclass(frozen=True)
class PageText:
    """Free text lines of a page (outside tables), in reading order."""

    page: int
    lines: tuple[tuple[Box, str, float], ...]  # (bbox, text, confidence)


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
