"""Line pieces chained across crossing lines, and line ends trimmed at them
(``layout.lines.join_collinear``, ``layout.lines.trim_overshoots``).

A gap of a chain that holds a crossing line is bridged only when the chain
shows that it is a line: a piece that comes up to a crossing (a broken line
keeps its crossings), or a piece long enough to be a line on its own (a
frame broken by a gap that happened to fall on a crossing). Strokes of text
lined up down a column are short and float between the borders: dropped.
A line end that passed its last crossing and runs on into a cell is cut
back to it; an end at a frame that a gap keeps a few mm off is kept.
Drawn on masks at 200 dpi, as the page masks of ``layout.lines`` are.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout import LayoutSettings  # noqa: E402
from layout.lines import join_collinear, trim_overshoots  # noqa: E402
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


def _box_mm(x0: float, y0: float, x1: float, y1: float) -> list[int]:
    return [_px(x0), _px(y0), _px(x1), _px(y1)]


def test_an_end_at_a_frame_broken_at_the_corner_is_kept():
    # a row line from the left frame (x 10 mm) across two column lines (30, 60 mm)
    # to the right frame (90 mm); the left frame stops 3 mm short of it (a gap)
    row = np.array([_box_mm(10, 50, 90, 50.3)])
    columns = np.array([_box_mm(10, 0, 10.3, 47), _box_mm(30, 0, 30.3, 70),
                        _box_mm(60, 0, 60.3, 70), _box_mm(90, 0, 90.3, 70)])
    kept = trim_overshoots(row, columns, DPI, LINES, vertical=False)
    assert abs(kept[0, 0] - _px(10)) <= 1 and abs(kept[0, 2] - _px(90)) <= 1


def test_a_line_chained_on_into_text_past_the_frame_is_cut_back():
    row = np.array([_box_mm(10, 50, 99, 50.3)])  # 9 mm on past the right frame
    columns = np.array([_box_mm(10, 0, 10.3, 70), _box_mm(30, 0, 30.3, 70), _box_mm(90, 0, 90.3, 70)])
    kept = trim_overshoots(row, columns, DPI, LINES, vertical=False)
    assert abs(kept[0, 2] - _px(90.3)) <= 2 and abs(kept[0, 0] - _px(10)) <= 1


def test_a_frame_running_on_past_its_lost_crossings_stays():
    # a frame line crossed by one row line (20 mm) runs on 25 mm below it,
    # where the table's bottom line was lost: a line, not a character;
    # a short overshoot past the same crossing is cut back to it
    rows = np.array([_box_mm(10, 20, 90, 20.3)])
    column = np.array([[_px(10), _px(6), _px(10) + 2, _px(45)], [_px(50), _px(6), _px(50) + 2, _px(26)]])
    kept = trim_overshoots(column, rows, DPI, LINES, vertical=True)
    assert abs(kept[0, 3] - _px(45)) <= 1 and abs(kept[0, 1] - _px(6)) <= 1
    assert abs(kept[1, 3] - _px(20.3)) <= 2
