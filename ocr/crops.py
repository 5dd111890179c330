"""Preparing crops for recognition: channel conversion and trimming to the ink.

A cell crop taken between a table's ruling lines usually keeps a few pixels of
those lines at its edges. PP-OCRv4 reads such remnants as characters (``|``,
``#``, ``1``) and, on a crop that is mostly blank, misreads short content (a lone
``0`` as ``.``). :func:`trim_to_ink` removes the remnants, cuts the crop to the
box around its ink and adds a white margin proportional to the line height,
which is what the recogniser was trained on.

Crops of 1-bit scans (office scanners write 300-dpi CCITT G4 TIFF into the
PDF) read worse than grey ones: the strokes are jagged and the scanner adds
1-3 px specks, which :func:`trim_to_ink` would keep as decimal points next to
a digit ("0" read "0."). :func:`is_bilevel` recognises such crops,
:func:`remove_specks` paints the specks out before the ink box is taken and
:func:`smooth_bilevel` turns the 1-bit strokes into grey anti-aliased ones at
the recogniser's input height. Grey crops go through unchanged.
"""
from __future__ import annotations

import cv2
import numpy as np

from .settings import OcrSettings
from .types import Box

__all__ = ["to_bgr", "ink_box", "trim_to_ink", "is_bilevel", "remove_specks", "smooth_bilevel"]

# Grey level used to decide "no ink at all" when a crop has too little
# contrast for Otsu to be meaningful.
_FALLBACK_THRESHOLD = 160
_MIN_CONTRAST = 40


def to_bgr(image: np.ndarray) -> np.ndarray:
    """Return ``image`` as (H, W, 3) uint8 BGR.

    Accepts (H, W) or (H, W, 1) grey, (H, W, 3) BGR (returned as is) and
    (H, W, 4) BGRA. Raises ``TypeError`` for other dtypes than uint8.
    """
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise TypeError(f"expected a uint8 image, got {image.dtype}; convert with .astype(np.uint8)")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.size else np.zeros((*image.shape, 3), np.uint8)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 1:
        return to_bgr(image[:, :, 0])
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, :3])
    raise ValueError(f"expected (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got shape {image.shape}")


def _gray(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim == 2:
        return image
    return cv2.cvtColor(to_bgr(image), cv2.COLOR_BGR2GRAY)


def _ink_mask(gray: np.ndarray, threshold: int | None) -> np.ndarray | None:
    """uint8 {0,1} ink mask, or None when the crop is blank."""
    lo, hi = int(gray.min()), int(gray.max())
    if threshold is None:
        if hi - lo < _MIN_CONTRAST:
            if lo >= _FALLBACK_THRESHOLD:
                return None
            threshold = _FALLBACK_THRESHOLD
        else:
            otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            threshold = int(min(otsu, 200)) + 1
    mask = (gray < threshold).astype(np.uint8)
    return mask if mask.any() else None


def _line_remnants(ink: np.ndarray, frac: float) -> np.ndarray:
    """{0,1} mask of ruling-line pieces at the crop's edges.

    A remnant is a straight run of ink at least ``frac`` of the crop height
    (width) long, thin (at most max(3 px, 10 % of the crop width/height)) and
    lying at the left/right (top/bottom) edge.
    """
    h, w = ink.shape
    out = np.zeros_like(ink)
    for axis in (0, 1):  # 0: vertical lines, 1: horizontal lines
        length = h if axis == 0 else w
        across = w if axis == 0 else h
        k = max(3, int(round(frac * length)))
        if k > length:
            continue
        kernel = np.ones((k, 1) if axis == 0 else (1, k), np.uint8)
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        if not lines.any():
            continue
        n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        tol = max(2, int(round(0.04 * across)))
        thin = max(3, int(round(0.1 * across)))
        a0, extent = ((stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_WIDTH]) if axis == 0
                      else (stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT]))
        remnant = (extent <= thin) & ((a0 <= tol) | (a0 + extent >= across - tol))
        remnant[0] = False  # the background
        if remnant.any():
            out |= np.take(remnant.astype(np.uint8), labels)  # faster than lut[labels]
    if out.any():
        out = cv2.dilate(out, np.ones((3, 3), np.uint8))
    return out


def _levels(gray: np.ndarray) -> tuple[int, int]:
    """Darkest and lightest grey level of a non-empty (H, W) uint8 image."""
    return int(gray.min()), int(gray.max())


def is_bilevel(image: np.ndarray, settings: OcrSettings | None = None) -> bool:
    """True when ``image`` is a crop of a 1-bit (black-and-white) scan.

    image : (H, W[, C]) uint8, grey or BGR, at any dpi.

    Bilevel means: at least ``bilevel_min_extreme_share`` of the pixels sit
    exactly at the crop's darkest or lightest level, and those differ by at
    least ``bilevel_min_contrast``. Exact levels, because a grey scan's noise
    and JPEG ringing spread paper and ink over many levels, while a 1-bit page
    keeps two, except along the edges the deskew rotation interpolates.
    """
    settings = settings or OcrSettings()
    gray = _gray(image)
    if gray.size == 0:
        return False
    lo, hi = _levels(gray)
    if hi - lo < settings.bilevel_min_contrast:
        return False
    extreme = np.count_nonzero((gray == lo) | (gray == hi))
    return extreme >= settings.bilevel_min_extreme_share * gray.size


def remove_specks(image: np.ndarray, settings: OcrSettings | None = None) -> np.ndarray:
    """Paint the isolated specks of a bilevel crop with its paper level.

    Parameters
    ----------
    image : (H, W[, C]) uint8 crop of a 1-bit scan (see :func:`is_bilevel`),
        one text line, e.g. a cell crop of a 300-dpi page.
    settings : uses ``bilevel_speck_max_frac``.

    Returns
    -------
    A new array of the same shape and dtype. An ink component (8-connected,
    darker than the mid level) is a speck when its width and height are both
    at most ``bilevel_speck_max_frac`` of the text height, or, when it touches
    the crop edge, at most ``bilevel_edge_speck_max_frac`` of it (a fragment
    of a neighbouring line or a rule's end that the crop cut into). The text
    height is that of the tallest component that is no ruling-line remnant
    (as :func:`trim_to_ink` finds them); the crop height when there is none. A
    speck touching a stroke is part of that stroke's component and stays.
    """
    settings = settings or OcrSettings()
    out = np.array(image, copy=True)
    gray = _gray(out)
    if gray.size == 0 or settings.bilevel_speck_max_frac <= 0:
        return out
    lo, hi = _levels(gray)
    ink = (gray < (lo + hi + 1) // 2).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return out
    x, y, w, h = (stats[1:, k] for k in range(4))
    h_img, w_img = gray.shape
    remnants = _line_remnants(ink, settings.border_remnant_frac).astype(bool)
    on_line = np.bincount(labels[remnants], minlength=n)[1:] > 0
    text_height = int(h[~on_line].max()) if (~on_line).any() else h_img
    edge = (x == 0) | (y == 0) | (x + w == w_img) | (y + h == h_img)
    limit = np.where(edge, settings.bilevel_edge_speck_max_frac, settings.bilevel_speck_max_frac) * text_height
    speck = np.zeros(n, bool)
    speck[1:] = (w <= limit) & (h <= limit) & ~on_line
    if speck.any():
        out[speck[labels]] = hi  # label lookup: one pass, no loop over components
    return out


def smooth_bilevel(image: np.ndarray, settings: OcrSettings | None = None) -> np.ndarray:
    """Grey, anti-aliased version of a trimmed bilevel crop for the recogniser.

    Parameters
    ----------
    image : (H, W, 3) uint8 BGR, a crop of a 1-bit scan already cut to its ink
        plus margin (:func:`trim_to_ink`); H is the line height plus margins,
        in px of the page (about 60 px for 10.5 pt text at 300 dpi).
    settings : uses ``bilevel_blur_frac`` (Gaussian sigma as a fraction of H),
        ``bilevel_downscale`` and ``rec_image_height``.

    Returns
    -------
    (h, w, 3) uint8 BGR. A crop with H at most ``rec_image_height`` comes back
    unchanged (a copy). A taller one is blurred when ``bilevel_blur_frac`` > 0,
    then area-downscaled to h = ``rec_image_height`` and w = ceil(h * W / H) (the width the recogniser computes, so it resizes
    no further). Area averaging of the 1-bit pixels gives the grey edges the
    model was trained on; the recogniser's linear resize would only sample them.
    """
    settings = settings or OcrSettings()
    h, w = image.shape[:2]
    target = settings.rec_image_height
    # Only crops the recogniser would shrink: there its sampling resize keeps
    # the 1-bit jaggies. Lower crops are upsampled (interpolated) anyway, and
    # a noise-free synthetic render, which is two-level too, must read as before.
    if h <= target:
        return image.copy()
    out = image
    if settings.bilevel_blur_frac > 0:
        sigma = settings.bilevel_blur_frac * h
        out = cv2.GaussianBlur(out, (0, 0), sigmaX=sigma, sigmaY=sigma)
    if settings.bilevel_downscale:
        out = cv2.resize(out, (max(1, int(np.ceil(target * w / h))), target), interpolation=cv2.INTER_AREA)
    return out if out is not image else image.copy()


def _gray_and_ink(crop: np.ndarray, settings: OcrSettings) -> tuple[np.ndarray, np.ndarray | None]:
    """The crop in grey and its {0,1} ink mask (:func:`_ink_mask`; None: blank)."""
    gray = _gray(crop)
    return gray, (_ink_mask(gray, settings.ink_threshold) if gray.size else None)


def _ink_components(gray: np.ndarray, ink: np.ndarray | None, settings: OcrSettings
                    ) -> tuple[Box | None, np.ndarray]:
    """Ink box of the text in a grey crop with ink mask ``ink``, and a {0,1}
    mask of pixels to blank."""
    blank = np.zeros(gray.shape, np.uint8)
    if ink is None:
        return None, blank
    remnants = _line_remnants(ink, settings.border_remnant_frac)
    ink = ink & (1 - remnants)
    blank |= remnants
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return None, blank
    stats = stats[1:]
    speck = max(1, min(4, int(settings.speck_area_frac * gray.size)))
    keep = stats[:, 4] > speck
    if not keep.any():
        return None, blank
    heights = stats[:, 3]
    tallest = heights[keep].max()
    significant = keep & (heights >= settings.min_ink_height_frac * tallest)
    x0 = stats[significant, 0].min()
    y0 = stats[significant, 1].min()
    x1 = (stats[significant, 0] + stats[significant, 2]).max()
    y1 = (stats[significant, 1] + stats[significant, 3]).max()
    # Small marks (decimal point, minus sign, 、) count when they sit next to
    # the text: within one line height sideways, overlapping it vertically.
    taken = significant.copy()
    changed = True
    while changed:
        changed = False
        line_h = y1 - y0
        for i in np.flatnonzero(keep & ~taken):
            sx, sy, sw, sh = stats[i, :4]
            dx = max(x0 - (sx + sw), sx - x1, 0)
            dy = max(y0 - (sy + sh), sy - y1, 0)
            if dx <= line_h and dy <= 0.5 * line_h:
                x0, y0 = min(x0, sx), min(y0, sy)
                x1, y1 = max(x1, sx + sw), max(y1, sy + sh)
                taken[i] = True
                changed = True
    dropped = np.flatnonzero(~taken) + 1
    if dropped.size:
        blank |= np.isin(labels, dropped).astype(np.uint8)
    return (int(x0), int(y0), int(x1), int(y1)), blank


def ink_box(crop: np.ndarray, settings: OcrSettings | None = None) -> Box | None:
    """(x0, y0, x1, y1) px (x1/y1 exclusive) of the text ink in ``crop``.

    Ruling-line remnants at the edges and isolated specks are ignored. Returns
    None when the crop holds no ink (an empty cell).
    """
    settings = settings or OcrSettings()
    box, _ = _ink_components(*_gray_and_ink(crop, settings), settings)
    return box


def trim_to_ink(crop: np.ndarray, settings: OcrSettings | None = None) -> np.ndarray | None:
    """Cut ``crop`` to its ink box plus a white margin, ready for recognition.

    Parameters
    ----------
    crop : (H, W[, C]) uint8, grey or BGR; e.g. a table cell cut between its
        ruling lines.
    settings : uses ``crop_margin`` (fraction of the ink height added on every
        side), ``ink_threshold``, ``border_remnant_frac``, ``speck_area_frac``,
        ``min_ink_height_frac``, ``min_crop_height`` (ink lower than this is
        upscaled, bicubic) and ``min_aspect_ratio`` (narrow crops are padded).

    Returns
    -------
    (h, w, 3) uint8 BGR, a new array, or None when the crop holds no ink. Line
    remnants and dropped specks are painted with the background grey, and so
    is the margin where it reaches past the crop.
    """
    settings = settings or OcrSettings()
    bgr = to_bgr(crop)
    # 1-bit scans only: their specks would pass as decimal points next to the
    # text; grey crops are left exactly as they were.
    bilevel = settings.bilevel and is_bilevel(bgr, settings)
    if bilevel:
        bgr = remove_specks(bgr, settings)
    gray, ink = _gray_and_ink(bgr, settings)
    box, blank = _ink_components(gray, ink, settings)
    if box is None:
        return None
    background = gray[(ink == 0) & (blank == 0)] if ink is not None else gray.ravel()
    fill = int(np.median(background)) if background.size else 255
    x0, y0, x1, y1 = box
    m = int(round(settings.crop_margin * (y1 - y0)))
    h, w = gray.shape
    ox0, oy0, ox1, oy1 = x0 - m, y0 - m, x1 + m, y1 + m
    out = np.full((oy1 - oy0, ox1 - ox0, 3), fill, np.uint8)
    sx0, sy0, sx1, sy1 = max(ox0, 0), max(oy0, 0), min(ox1, w), min(oy1, h)
    patch = bgr[sy0:sy1, sx0:sx1].copy()
    patch[blank[sy0:sy1, sx0:sx1].astype(bool)] = fill
    out[sy0 - oy0 : sy1 - oy0, sx0 - ox0 : sx1 - ox0] = patch
    ink_h = y1 - y0
    if settings.min_crop_height and ink_h < settings.min_crop_height:
        f = settings.min_crop_height / ink_h
        out = cv2.resize(
            out,
            (max(1, round(out.shape[1] * f)), max(1, round(out.shape[0] * f))),
            interpolation=cv2.INTER_CUBIC,
        )
    oh, ow = out.shape[:2]
    min_w = int(np.ceil(settings.min_aspect_ratio * oh))
    if ow < min_w:
        left = (min_w - ow) // 2
        out = cv2.copyMakeBorder(
            out, 0, 0, left, min_w - ow - left, cv2.BORDER_CONSTANT, value=(fill, fill, fill)
        )
    return smooth_bilevel(out, settings) if bilevel else out
