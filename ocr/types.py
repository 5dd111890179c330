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


@dataclass(frozen=True)
class Direction:
    """Text direction of one line crop: ``angle`` 0 or 180 degrees, with the
    classifier's probability for it in [0, 1] (0 for an empty crop)."""

    angle: int
    confidence: float


@dataclass(frozen=True)
class OrientationVote:
    """Majority vote of line directions on one page.

    upside_down : True when the confident 180° votes outweigh the confident 0°
        votes (by summed probability) and there are at least ``cls_min_votes``
        of them; the page should then be turned 180°.
    confidence : share of the confident probability mass on the winning side,
        in [0.5, 1]; 0 when no line voted.
    votes_0, votes_180 : lines that voted (probability >= ``cls_thresh``).
    """

    upside_down: bool
    confidence: float
    votes_0: int
    votes_180: int


@dataclass(frozen=True)
class DetectedBox:
    """A text line found by the detector, not yet recognised.

    bbox : (x0, y0, x1, y1) px in the image it was detected in.
    score : mean detector probability inside the box, in [0, 1].
    """

    bbox: Box
    score: float
