"""Plain data handed from the OCR stage to the rest of the pipeline."""
from __future__ import annotations

from dataclasses import dataclass

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Recognition:
    """Text recognised in one crop; ``confidence`` in [0, 1] (0 when no text)."""

    text: str
    confidence: float


@dataclass(frozen=True)
class TextLine:
    """A detected and recognised line of free text on a page.

    bbox : (x0, y0, x1, y1) px in the page image it was read from.
    """

    bbox: Box
    text: str
    confidence: float
