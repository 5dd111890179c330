"""Warped pages: a homography from the ruling lines makes them parallel again.

A page lifted off the glass or photographed at an angle keeps its lines
straight but not parallel: the horizontal rules of a table meet in a
vanishing point, and so do the vertical ones, and no rotation levels them
all. Long straight line pieces are found (``cv2.HoughLinesP`` on the
line-piece masks of :mod:`layout.lines`, which hold thin ink runs along one
direction); when their slants differ across the page by more than
``min_spread_degrees``, the two vanishing points are estimated by least
squares, the vanishing line they span is sent back to infinity (projective
part) and the two line directions are mapped onto the image axes (affine
part), then the result is scaled and centred to the page size.
"""
from __future__ import annotations

import cv2
import numpy as np

from .settings import RectifySettings, mm_to_px

__all__ = ["line_pieces_hough", "vanishing_point", "rectifying_homography", "warp_page"]


def line_pieces_hough(mask: np.ndarray, dpi: float, settings: RectifySettings,
                      vertical: bool) -> np.ndarray:
    """Long straight pieces of one direction, with exact end points.

    Parameters
    ----------
    mask : (H, W) uint8 ndarray
        Line pieces of that direction (255 = ink), px at `dpi`.
    dpi : float
    settings : RectifySettings
        Uses ``min_length_mm``, ``max_gap_mm``, ``max_slant_degrees``.
    vertical : bool

    Returns
    -------
    (n, 4) float64 ndarray
        ``(x0, y0, x1, y1)`` end points in px at `dpi`, slant within
        ``max_slant_degrees`` of the direction. The search runs on the mask
        reduced to ``analysis_dpi`` (its cost grows with the pixel count).
    """
    scale = min(1.0, settings.analysis_dpi / dpi)
    if scale < 1.0:
        h, w = mask.shape
        mask = cv2.resize(mask, (max(1, round(w * scale)), max(1, round(h * scale))),
                          interpolation=cv2.INTER_AREA)
        mask = cv2.threshold(mask, 0, 255, cv2.THRESH_BINARY)[1]
    small_dpi = dpi * scale
    length = mm_to_px(settings.min_length_mm, small_dpi)
    found = cv2.HoughLinesP(mask, 1, np.radians(settings.angle_step_degrees),
                            threshold=max(10, round(length * settings.min_votes)),
                            minLineLength=length, maxLineGap=mm_to_px(settings.max_gap_mm, small_dpi))
    if found is None:
        return np.zeros((0, 4))
    seg = found.reshape(-1, 4).astype(np.float64) / scale
    dx, dy = seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]
    along, across = (np.abs(dy), np.abs(dx)) if vertical else (np.abs(dx), np.abs(dy))
    ok = across <= along * np.tan(np.radians(settings.max_slant_degrees))
    return seg[ok]


def _homogeneous_lines(seg: np.ndarray) -> np.ndarray:
    """(n, 3) lines through the end points, normalised so (a, b) is a unit normal."""
    p = np.c_[seg[:, :2], np.ones(len(seg))]
    q = np.c_[seg[:, 2:], np.ones(len(seg))]
    lines = np.cross(p, q)
    return lines / np.linalg.norm(lines[:, :2], axis=1, keepdims=True)


def vanishing_point(seg: np.ndarray, scale: float) -> np.ndarray:
    """Least-squares common point of the lines through the segments.

    Coordinates are divided by `scale` first (conditioning) and the result
    is returned in those units: a unit 3-vector, its last coordinate near 0
    for (nearly) parallel lines. Each line is weighted by its length.
    """
    s = seg / scale
    lines = _homogeneous_lines(s)
    weight = np.hypot(s[:, 2] - s[:, 0], s[:, 3] - s[:, 1])
    _, _, vt = np.linalg.svd(lines * weight[:, None])
    return vt[-1]


def _slant_spread(seg: np.ndarray, vertical: bool, quantile: float) -> float:
    """Spread of the slants (degrees) between the `quantile` and 1 − `quantile` of them,
    weighted by nothing: a few pieces of text strokes do not make a page warped."""
    dx, dy = seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]
    angle = np.degrees(np.arctan2(-dx, dy) if vertical else np.arctan2(dy, dx))
    angle = (angle + 90.0) % 180.0 - 90.0
    lo, hi = np.quantile(angle, [quantile, 1.0 - quantile])
    return float(hi - lo)


def _warped(seg: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Segment end points mapped by the homography `m`."""
    ends = []
    for cols in ((0, 1), (2, 3)):
        p = np.c_[seg[:, cols[0]], seg[:, cols[1]], np.ones(len(seg))] @ m.T
        ends.append(p[:, :2] / p[:, 2:3])
    return np.hstack(ends)


def rectifying_homography(h_seg: np.ndarray, v_seg: np.ndarray, shape: tuple[int, int], dpi: float,
                          settings: RectifySettings) -> np.ndarray | None:
    """The homography that makes both line families parallel to the image axes.

    Parameters
    ----------
    h_seg, v_seg : (n, 4), (m, 4) float ndarray
        Long horizontal / vertical pieces (:func:`line_pieces_hough`), px.
    shape : (H, W)
        Page size in px; the result keeps the page centre and area.
    dpi : float
    settings : RectifySettings
        Uses ``min_lines``, ``min_extent_fraction``, ``min_spread_degrees``, ``spread_quantile``,
        ``max_scale_change`` and ``min_shift_mm``.

    Returns
    -------
    (3, 3) float64 ndarray or None
        Maps page px to rectified px; None when there are too few lines,
        both families are parallel already (deskew is enough), or the warp
        would move no page corner by ``min_shift_mm``.
    """
    if len(h_seg) < settings.min_lines or len(v_seg) < settings.min_lines:
        return None
    h, w = shape
    # a vanishing point from lines bunched in one band of the page is a guess
    h_extent = np.ptp((h_seg[:, 1] + h_seg[:, 3]) / 2.0) / h
    v_extent = np.ptp((v_seg[:, 0] + v_seg[:, 2]) / 2.0) / w
    if min(h_extent, v_extent) < settings.min_extent_fraction:
        return None
    q = settings.spread_quantile
    before = max(_slant_spread(h_seg, False, q), _slant_spread(v_seg, True, q))
    if before < settings.min_spread_degrees:
        return None
    scale = float(max(h, w))
    vh, vv = vanishing_point(h_seg, scale), vanishing_point(v_seg, scale)
    horizon = np.cross(vh, vv)
    if abs(horizon[2]) < 1e-12:
        return None
    horizon = horizon / horizon[2]
    projective = np.array([[1, 0, 0], [0, 1, 0], horizon], np.float64)
    dirs = []
    for v, axis in ((vh, 0), (vv, 1)):
        d = (projective @ v)[:2]
        d = d / np.linalg.norm(d)
        if d[axis] < 0:
            d = -d
        dirs.append(d)
    affine = np.eye(3)
    affine[:2, :2] = np.linalg.inv(np.column_stack(dirs))
    unit = np.diag([1 / scale, 1 / scale, 1.0])
    m = np.linalg.inv(unit) @ affine @ projective @ unit  # in page px
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], np.float64).T
    mapped = m @ corners
    if np.any(mapped[2] <= 0):
        return None
    mapped = mapped[:2] / mapped[2]
    area = 0.5 * abs(np.dot(mapped[0], np.roll(mapped[1], 1)) - np.dot(mapped[1], np.roll(mapped[0], 1)))
    k = np.sqrt(w * h / max(area, 1.0))
    if not settings.max_scale_change ** -1 <= k <= settings.max_scale_change:
        return None
    centre = m @ np.array([w / 2, h / 2, 1.0])
    centre = centre[:2] / centre[2]
    fit = np.array([[k, 0, w / 2 - k * centre[0]], [0, k, h / 2 - k * centre[1]], [0, 0, 1]])
    m = fit @ m
    # parallel lines measured with noise give a tiny warp: apply only a real one
    probe = np.array([[0, 0, w, h], [w, 0, 0, h]], np.float64)
    shift = float(np.abs(_warped(probe, m) - probe).max())
    return m if shift >= mm_to_px(settings.min_shift_mm, dpi) else None


def warp_page(image: np.ndarray, homography: np.ndarray) -> np.ndarray:
    """The page warped by `homography`, same size, uncovered area paper white.

    Parameters
    ----------
    image : (H, W[, 3]) uint8 ndarray
    homography : (3, 3) float ndarray

    Returns
    -------
    (H, W[, 3]) uint8 ndarray
    """
    h, w = image.shape[:2]
    white = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpPerspective(image, homography, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=white)
