"""Plain data into and out of the mapping stage.

The pipeline builds ``ReadTable``s from layout ``Table``s and the OCR text of
their cells; mapping turns them into canonical keys and values, the
``Mapping`` of ``MappedValue``s that ``models`` defines (``models.readings``)
and builds the output document from.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.readings import Mapping, MappedValue, TableInfo

__all__ = ["Box", "ReadLine", "ReadCell", "ReadTable", "PageText", "Mapping", "MappedValue", "TableInfo"]

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
