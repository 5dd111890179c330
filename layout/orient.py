"""Turn pages upright (quarter turns) and deskew them.

Geometry tells a sideways page (text lines vertical) from an upright one, but
not 0° from 180° (nor 90° from 270°): :func:`orient_page` returns the
*candidate* upright page, and the pipeline asks the OCR orientation classifier
whether it is upside down, then calls :func:`flip_page` (the 180° hook).

Conventions: ``rotation`` is the clockwise quarter turn applied to the source
image (0, 90, 180, 270); ``skew_degrees`` is the angle the turned image was
then rotated by to make it level, counter-clockwise positive (OpenCV's
``getRotationMatrix2D`` convention). A page whose lines fall to the right by
1.5° (in image coordinates, y down) gets ``skew_degrees = +1.5``.
"""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from .binarize import binarize
from .edges import clear_scanner_edges
from .settings import BinarizeSettings, OrientSettings, ScanEdgeSettings, mm_to_px
from .types import Page

__all__ = [
    "rotate_quarter",
    "rotate_degrees",
    "analysis_mask",
    "is_sideways",
    "estimate_skew",
    "orient_image",
    "orient_page",
    "flip_page",
]

_WHITE = (255, 255, 255)


def rotate_quarter(image: np.ndarray, k: int) -> np.ndarray:
    """Rotate an image clockwise by ``k`` quarter turns (k may be negative).

    Parameters
    ----------
    image : (H, W[, C]) ndarray
    k : int
        Number of clockwise quarter turns.

    Returns
    -------
    (H, W[, C]) or (W, H[, C]) ndarray
        A new, contiguous array.
    """
    return np.ascontiguousarray(np.rot90(image, -(k % 4)))


def rotate_degrees(image: np.ndarray, angle: float, border: int | tuple[int, int, int] = _WHITE) -> np.ndarray:
    """Rotate an image about its centre, keeping its size.

    Parameters
    ----------
    image : (H, W[, C]) uint8 ndarray
    angle : float
        Degrees, counter-clockwise positive.
    border : int or (3,) tuple
        Fill value for the uncovered corners (paper white by default).

    Returns
    -------
    (H, W[, C]) uint8 ndarray
    """
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    if image.ndim == 2 and not isinstance(border, int):
        border = int(border[0])
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def analysis_mask(image: np.ndarray, dpi: float, analysis_dpi: float,
                  binarize_settings: BinarizeSettings) -> tuple[np.ndarray, float]:
    """Ink mask of the page downscaled to ``analysis_dpi`` (never upscaled).

    Returns
    -------
    mask : (h, w) uint8 ndarray
        255 = ink, at the returned dpi.
    dpi : float
        Resolution of `mask`.
    """
    scale = min(1.0, analysis_dpi / dpi)
    if scale < 1.0:
        h, w = image.shape[:2]
        image = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))),
                           interpolation=cv2.INTER_AREA)
    small_dpi = dpi * scale
    return binarize(image, small_dpi, binarize_settings), small_dpi


def _text_bar_area(mask: np.ndarray, dpi: float, settings: OrientSettings, vertical: bool) -> float:
    """Area (px) of text-line-like bars after smearing along one axis."""
    gap = max(1, round(mm_to_px(settings.text_gap_mm, dpi)))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap) if vertical else (gap, 1))
    smeared = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    _, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    stats = stats[1:]
    long_side = stats[:, cv2.CC_STAT_HEIGHT] if vertical else stats[:, cv2.CC_STAT_WIDTH]
    short_side = stats[:, cv2.CC_STAT_WIDTH] if vertical else stats[:, cv2.CC_STAT_HEIGHT]
    max_short = mm_to_px(settings.text_bar_max_height_mm, dpi)
    bars = (long_side >= settings.text_bar_aspect * short_side) & (short_side <= max_short) & (short_side >= 2)
    return float(stats[bars, cv2.CC_STAT_AREA].sum())


def is_sideways(mask: np.ndarray, dpi: float, settings: OrientSettings) -> bool:
    """Whether the page's text lines run vertically (page turned by 90°/270°).

    Characters are joined into bars by a closing along x and, separately,
    along y (``text_gap_mm``); on an upright page the x-smeared mask has far
    more text-line-shaped bars. Long ruling lines are removed first.

    Parameters
    ----------
    mask : (H, W) uint8 ndarray
        Ink mask, 255 = ink, at `dpi` (typically the analysis mask).
    dpi : float
    settings : OrientSettings

    Returns
    -------
    bool
        True when vertical bars outweigh horizontal ones by ``sideways_ratio``.
    """
    mask = _without_rulings(mask, dpi, settings)
    horizontal = _text_bar_area(mask, dpi, settings, vertical=False)
    vertical = _text_bar_area(mask, dpi, settings, vertical=True)
    min_area = settings.min_text_bar_area_mm2 * mm_to_px(1.0, dpi) ** 2
    if max(horizontal, vertical) < min_area:
        return False
    return vertical > settings.sideways_ratio * horizontal


def _without_rulings(mask: np.ndarray, dpi: float, settings: OrientSettings) -> np.ndarray:
    """Mask minus lines longer than the widest text bar would be thick."""
    n = max(3, round(mm_to_px(settings.text_bar_max_height_mm * 2, dpi)))
    h = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    v = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    return cv2.subtract(mask, cv2.max(h, v))


def _profile_sharpness(rows: np.ndarray, per_column: np.ndarray, x: np.ndarray,
                       angles: np.ndarray, pad: float, n_bins: int) -> np.ndarray:
    """Sum of squared row counts of the ink projected at each angle.

    Every pixel is split between the two rows nearest to its projected
    position ``y − x·tan θ`` (linear binning), so the score changes smoothly
    with θ and does not depend on where the bin boundaries fall: with plain
    rounding, all angles that move no pixel across a boundary score the same
    and the pick among them depends on the bin offset (i.e. on the search
    range).

    Parameters
    ----------
    rows : (n,) int64 ndarray
        Row of each ink pixel, pixels in column-major order.
    per_column : (W,) int64 ndarray
        Ink pixels per column (how many of `rows` each column holds).
    x : (W,) float64 ndarray
        Column positions, px from the image centre.
    angles : (k,) float64 ndarray
        Degrees.
    pad, n_bins : float, int
        Integer row offset keeping every projected row ≥ 0, and the bin count.

    Returns
    -------
    (k,) float64 ndarray
    """
    out = np.empty(angles.size)
    for i, t in enumerate(np.tan(np.radians(angles))):
        # y is an integer, so a column's pixels all share the integer shift and
        # the fraction of ``pad − x·tan θ``: computed per column, not per pixel
        shift = pad - x * t
        lo = np.floor(shift)
        frac = np.repeat(shift - lo, per_column)
        lo_px = rows + np.repeat(lo.astype(np.int64), per_column)
        upper = np.bincount(lo_px, frac, minlength=n_bins)
        counts = np.bincount(lo_px, minlength=n_bins) - upper
        counts[1:] += upper[:-1]
        out[i] = np.dot(counts, counts)
    return out


def _peak(angles: np.ndarray, scores: np.ndarray) -> float:
    """Angle of the highest score; the middle of a run of (numerically) equal best scores."""
    i = int(np.argmax(scores))
    tie = scores >= scores[i] - 1e-9 * max(abs(float(scores[i])), 1.0)
    lo = hi = i
    while lo > 0 and tie[lo - 1]:
        lo -= 1
    while hi + 1 < scores.size and tie[hi + 1]:
        hi += 1
    return float(angles[lo:hi + 1].mean())


def estimate_skew(mask: np.ndarray, max_degrees: float, step_degrees: float) -> float:
    """Skew angle maximising the sharpness of the row projection profile.

    For every candidate angle θ the ink pixels are projected on
    ``y' = y − x·tan θ`` (x from the image centre; each pixel shared by the
    two nearest rows, see :func:`_profile_sharpness`) and the sum of squared
    row counts is taken; ruling lines and text lines make it peak when they
    are level. The best angle of a coarse grid (which always contains 0) is
    refined on a grid ten times finer around it. The result for a given page
    does not depend on `max_degrees` as long as the true skew lies inside it.

    Parameters
    ----------
    mask : (H, W) uint8 ndarray
        Ink mask, 255 = ink.
    max_degrees : float
        Search range ±max_degrees.
    step_degrees : float
        Coarse step.

    Returns
    -------
    float
        Degrees to rotate the image by (counter-clockwise positive, OpenCV
        convention) to make it level; 0.0 for a blank page.
    """
    columns, rows = np.nonzero(mask.T)  # column-major: each column's pixels together
    if rows.size == 0:
        return 0.0
    per_column = np.bincount(columns, minlength=mask.shape[1])
    x = np.arange(mask.shape[1], dtype=np.float64) - (mask.shape[1] - 1) / 2.0
    rows = rows.astype(np.int64)
    # an integer offset: at θ = 0 every pixel falls on exactly one row
    pad = float(np.ceil(np.abs(x[columns[[0, -1]]]).max() * np.tan(np.radians(max_degrees))) + 1.0)
    n_bins = int(mask.shape[0] + 2 * pad + 2)
    # symmetric grids built from integer multiples, so 0 is exactly on them
    k = int(np.floor(max_degrees / step_degrees + 1e-9))
    coarse = np.arange(-k, k + 1) * step_degrees
    best = _peak(coarse, _profile_sharpness(rows, per_column, x, coarse, pad, n_bins))
    fine = best + np.arange(-10, 11) * (step_degrees / 10)
    fine = fine[np.abs(fine) <= max_degrees + 1e-9]
    slope_degrees = _peak(fine, _profile_sharpness(rows, per_column, x, fine, pad, n_bins))
    # Lines with image slope tan θ (y down) are levelled by an OpenCV rotation of +θ.
    return round(slope_degrees, 6)


def orient_image(image: np.ndarray, dpi: float, settings: OrientSettings,
                 binarize_settings: BinarizeSettings) -> tuple[np.ndarray, int, float]:
    """Candidate upright, deskewed image.

    Parameters
    ----------
    image : (H, W, 3) uint8 ndarray
        BGR page at `dpi`.
    dpi : float
    settings : OrientSettings
    binarize_settings : BinarizeSettings
        For the analysis mask.

    Returns
    -------
    image : (H', W', 3) uint8 ndarray
        Turned (if sideways) and deskewed page; same size, or W and H swapped.
    rotation : int
        Clockwise quarter turn applied (0 or 90; 180/270 come from
        :func:`flip_page` after the OCR orientation check).
    skew_degrees : float
        Deskew angle applied (counter-clockwise positive), 0.0 when below
        ``min_skew_degrees``.
    """
    mask, small_dpi = analysis_mask(image, dpi, settings.analysis_dpi, binarize_settings)
    rotation = 0
    if is_sideways(mask, small_dpi, settings):
        rotation = 90
        image = rotate_quarter(image, 1)
        mask = rotate_quarter(mask, 1)
    skew = estimate_skew(mask, settings.max_skew_degrees, settings.skew_step_degrees)
    if abs(skew) < settings.min_skew_degrees:
        return image, rotation, 0.0
    return rotate_degrees(image, skew), rotation, round(skew, 3)


def orient_page(page: Page, settings: OrientSettings, binarize_settings: BinarizeSettings,
                edge_settings: ScanEdgeSettings | None = None) -> Page:
    """:func:`orient_image` applied to a page; returns a new :class:`Page`.

    The dark scanner border beyond the paper is cleared first
    (:func:`layout.edges.clear_scanner_edges`, ``edge_settings`` or its
    defaults), so it neither biases the deskew nor passes for ruling.
    """
    edge_settings = edge_settings or ScanEdgeSettings()
    image = clear_scanner_edges(page.image, page.dpi, edge_settings)
    image, rotation, skew = orient_image(image, page.dpi, settings, binarize_settings)
    return dataclasses.replace(page, image=image, rotation=(page.rotation + rotation) % 360,
                               skew_degrees=skew)


def flip_page(page: Page) -> Page:
    """Turn a page by 180° (the hook for the OCR 0°/180° decision).

    A 180° turn commutes with the deskew rotation about the centre, so
    ``skew_degrees`` is unchanged and ``rotation`` grows by 180.
    """
    return dataclasses.replace(page, image=rotate_quarter(page.image, 2),
                               rotation=(page.rotation + 180) % 360)
