"""Chaining line pieces (``layout.lines.join_collinear``) across crossing lines.

A gap of a chain that holds a crossing line is bridged only when the chain
shows that it is a line: a piece that comes up to a crossing (a broken line
keeps its crossings), or a piece long enough to be a line on its own (a
frame broken by a gap that happened to fall on a crossing). Strokes of text
lined up down a column are short and float between the borders: dropped.
Drawn on masks at 200 dpi, as the page masks of ``layout.lines`` are.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout import LayoutSettings  # noqa: E402
from layout.lines import join_collinear  # noqa: E402
from layout.settings import mm_to_px  # noqa: E402

DPI = 200.0
LINES = LayoutSettings().lines


def _px(mm: float) -> int:
    return round(mm_to_px(mm, DPI))


def _masks(runs_mm: list[tuple[float, float]], crossing_mm: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Pieces of one vertical line at x = 20 mm (0.3 mm thick), and crossing
    horizontal lines across the page at the given heights (mm)."""
    size = _px(80)
    pieces, crossings = np.zeros((size, size), np.uint8), np.zeros((size, size), np.uint8)
    x = _px(20)
    for y0, y1 in runs_mm:
        pieces[_px(y0):_px(y1), x:x + 2] = 255
    for y in crossing_mm:
        crossings[_px(y):_px(y) + 2, :] = 255
    return pieces, crossings


def _segments(pieces: np.ndarray, crossings: np.ndarray) -> np.ndarray:
    segments, _ = join_collinear(pieces, pieces.copy(), DPI, LINES, vertical=True, crossings=crossings)
    return segments


def test_a_frame_broken_on_its_crossing_is_one_line():
    # 3.5 mm gap centred on the crossing at 20 mm; neither end meets a crossing
    pieces, crossings = _masks([(6.0, 18.25), (21.75, 44.0)], [20.0])
    segments = _segments(pieces, crossings)
    assert len(segments) == 1
    _, y0, _, y1 = segments[0]
    assert abs(y0 - _px(6.0)) <= 1 and abs(y1 - _px(44.0)) <= 1


def test_text_strokes_lined_up_across_borders_are_no_line():
    # 4 mm strokes, one per 6 mm row, keeping 1 mm off the borders between rows
    strokes = [(y + 1.0, y + 5.0) for y in np.arange(6.0, 42.0, 6.0)]
    borders = [y for y in np.arange(6.0, 48.0, 6.0)]
    pieces, crossings = _masks(strokes, borders)
    assert len(_segments(pieces, crossings)) == 0
    # the same strokes with no borders between them would pass for a broken line
    assert len(_segments(pieces, np.zeros_like(crossings))) == 1
