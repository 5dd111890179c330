"""Debug overlays of the layout stage (``--debug-dir``).

Boxes are drawn with layoutparser's ``draw_box`` (``Rectangle``/``TextBlock``
in a ``Layout``); labels are written with OpenCV (``show_element_id`` needs an
old Pillow font call).

Overlays per page, written as ``page-NNN-<name>.png``:

- ``lines``: horizontal (red) and vertical (blue) ruling segments;
- ``grid``: row/column edges of each table (green) and its box;
- ``cells``: every cell; merged cells orange and labelled ``r,c rs×cs``,
  empty cells gray, ordinary cells green;
- ``text``: text-line boxes inside cells (magenta) and free-text regions
  outside tables (cyan).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import layoutparser as lp
import numpy as np
from PIL import Image

from .tables import PageLayout
from .types import Box

__all__ = ["draw_boxes", "lines_overlay", "grid_overlay", "cells_overlay", "text_overlay",
           "write_debug_images"]

_FONT = cv2.FONT_HERSHEY_SIMPLEX


def _layout(boxes: Sequence[Box], kind: str) -> lp.Layout:
    return lp.Layout([lp.TextBlock(lp.Rectangle(*map(float, b)), type=kind, id=i)
                      for i, b in enumerate(boxes)])


def draw_boxes(image: np.ndarray, groups: Sequence[tuple[Sequence[Box], str, int]]) -> np.ndarray:
    """Draw groups of boxes on a copy of a BGR image with ``lp.draw_box``.

    Parameters
    ----------
    image : (H, W, 3) uint8 ndarray
        BGR.
    groups : sequence of (boxes, colour, width)
        Boxes ``(x0, y0, x1, y1)`` px, a colour name or ``#rrggbb``, a line width px.

    Returns
    -------
    (H, W, 3) uint8 ndarray
        BGR overlay.
    """
    canvas = Image.fromarray(np.ascontiguousarray(image[:, :, ::-1]))
    for boxes, colour, width in groups:
        if len(boxes):
            canvas = lp.draw_box(canvas, _layout(boxes, colour), box_width=width,
                                 box_color=colour, box_alpha=0.0)
    return np.ascontiguousarray(np.asarray(canvas.convert("RGB"))[:, :, ::-1])


def _label(image: np.ndarray, text: str, x: int, y: int, scale: float, colour: tuple[int, int, int]) -> None:
    cv2.putText(image, text, (x, y), _FONT, scale, (255, 255, 255), 3, cv2.LINE_AA)
    cv2.putText(image, text, (x, y), _FONT, scale, colour, 1, cv2.LINE_AA)


def _faded(image: np.ndarray) -> np.ndarray:
    return cv2.addWeighted(image, 0.45, np.full_like(image, 255), 0.55, 0)


def lines_overlay(layout: PageLayout) -> np.ndarray:
    """Ruling segments: horizontal red, vertical blue."""
    w = max(2, round(layout.page.dpi / 100))
    h = [tuple(map(int, b)) for b in layout.lines.horizontal]
    v = [tuple(map(int, b)) for b in layout.lines.vertical]
    return draw_boxes(_faded(layout.page.image), [(h, "red", w), (v, "blue", w)])


def grid_overlay(layout: PageLayout) -> np.ndarray:
    """Grid edges of each table (green) and table boxes (purple) with n_rows×n_cols."""
    out = _faded(layout.page.image)
    w = max(1, round(layout.page.dpi / 150))
    groups = []
    for t in layout.tables:
        x0, y0, x1, y1 = t.bbox
        edges = [(x0, y, x1, y + 1) for y in t.row_edges] + [(x, y0, x + 1, y1) for x in t.col_edges]
        groups.append((edges, "green", w))
        groups.append(([t.bbox], "purple", 3 * w))
    out = draw_boxes(out, groups)
    for i, t in enumerate(layout.tables):
        _label(out, f"table {i}: {t.n_rows}x{t.n_cols}{' (cont.)' if t.continues_previous else ''}",
               t.bbox[0], max(15, t.bbox[1] - 8), layout.page.dpi / 250, (128, 0, 128))
    return out


def cells_overlay(layout: PageLayout) -> np.ndarray:
    """Cells: merged orange (labelled r,c rs×cs), empty gray, others green."""
    out = _faded(layout.page.image)
    cells = [c for t in layout.tables for c in t.cells]
    inset = max(2, round(layout.page.dpi / 100))

    def shrink(b: Box) -> Box:
        return (b[0] + inset, b[1] + inset, b[2] - inset, b[3] - inset)

    merged = [shrink(c.bbox) for c in cells if c.row_span > 1 or c.col_span > 1]
    empty = [shrink(c.bbox) for c in cells if c.empty and c.row_span == c.col_span == 1]
    plain = [shrink(c.bbox) for c in cells if not c.empty and c.row_span == c.col_span == 1]
    w = max(2, round(layout.page.dpi / 100))
    out = draw_boxes(out, [(plain, "green", w), (empty, "gray", w), (merged, "orange", w)])
    scale = layout.page.dpi / 500
    for c in cells:
        text = f"{c.row},{c.col}" + (f" {c.row_span}x{c.col_span}" if c.row_span > 1 or c.col_span > 1 else "")
        colour = (0, 120, 255) if c.row_span > 1 or c.col_span > 1 else (0, 128, 0)
        _label(out, text, c.bbox[0] + 2 * inset, c.bbox[3] - 2 * inset, scale, colour)
    return out


def text_overlay(layout: PageLayout, regions: Sequence[Box] = ()) -> np.ndarray:
    """Text-line boxes inside cells (magenta) and free-text regions (cyan)."""
    lines = [b for t in layout.tables for c in t.cells for b in c.text_lines]
    w = max(1, round(layout.page.dpi / 150))
    return draw_boxes(_faded(layout.page.image), [(lines, "magenta", w), (list(regions), "cyan", 2 * w)])


def write_debug_images(layout: PageLayout, directory: str | Path, regions: Sequence[Box] = (),
                       prefix: str = "") -> list[Path]:
    """Write the four overlays of a page as PNG files.

    Parameters
    ----------
    layout : PageLayout
        From :func:`layout.tables.analyse_page`.
    directory : str or Path
        Created if missing.
    regions : sequence of Box
        Free-text regions to draw on the ``text`` overlay.
    prefix : str
        Prepended to the file names (e.g. the report name).

    Returns
    -------
    list of Path
        The files written.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    stem = f"{prefix}page-{layout.page.number:03d}"
    out = []
    for name, img in (("lines", lines_overlay(layout)), ("grid", grid_overlay(layout)),
                      ("cells", cells_overlay(layout)), ("text", text_overlay(layout, regions))):
        path = d / f"{stem}-{name}.png"
        cv2.imwrite(str(path), img)
        out.append(path)
    return out
