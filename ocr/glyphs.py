"""Read a glyph once: table crops that are the same picture share one recognition.

A report's tables are mostly the same few glyphs: most value cells of a page
print a lone ``0``, and the rest repeat ``1``, ``2``, ``/``. Every such crop
would cost the recogniser its own columns. Here the crops of one page are
compared with each other as small grey pictures, and a crop that matches an
earlier one closely takes that crop's reading instead of being recognised.

How two crops are judged the same picture:

1. their trimmed ink boxes have nearly the same height and width
   (``glyph_size_tolerance``, a fraction of the taller one's height: the
   same glyph trims to within a pixel or two, a ``1`` is far narrower
   than a ``0``);
2. both, resized to a ``glyph_canvas_px`` square, correlate at least
   ``glyph_min_correlation`` (normalised cross-correlation, mean removed);
3. the worst disagreement between them, the largest share of a
   ``glyph_window_frac`` window whose binarised pixels differ, is at most
   ``glyph_max_local_difference``. Correlation is global: a ``6`` and an
   ``8`` of one font differ only in one short stroke and can still correlate
   highly; the stroke they do not share is a window where they disagree.

Each crop's exemplar is the first crop it matches by size and correlation,
and the local test confirms that pair; a crop whose first match itself
follows an earlier crop, or fails the local test, is recognised on its own
(no chains: every member matches its exemplar directly). All of it is a few matrix products on
the page's crops, no loop over pixels.

    leader = glyph_exemplars(crops, settings)   # (N,) int: crop i takes leader[i]'s reading
"""
from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from .crops import to_bgr
from .settings import OcrSettings

__all__ = ["glyph_exemplars", "glyph_pictures"]


def glyph_pictures(images: Sequence[np.ndarray], side: int) -> np.ndarray:
    """(N, side, side) float32 grey pictures of the crops, ink dark, in [0, 1].

    images : (H, W[, C]) uint8 crops, non-empty, grey, BGR or BGRA. Each is
        resized (area average) to ``side`` x ``side`` px regardless of its
        aspect (sizes are compared separately).
    """
    out = np.empty((len(images), side, side), np.float32)
    for k, image in enumerate(images):
        grey = cv2.cvtColor(to_bgr(image), cv2.COLOR_BGR2GRAY)
        out[k] = cv2.resize(grey, (side, side), interpolation=cv2.INTER_AREA)
    return out / 255.0


def _correlation(pictures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(M, M) normalised cross-correlation of the pictures and (M,) whether
    each has any contrast at all (a flat picture correlates with nothing)."""
    flat = pictures.reshape(len(pictures), -1).copy()
    flat -= flat.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(flat, axis=1)
    contrast = norm > 1e-3 * np.sqrt(flat.shape[1])
    flat /= np.where(contrast, norm, 1.0)[:, None]
    return flat @ flat.T, contrast


def _local_difference(pictures: np.ndarray, pairs: np.ndarray, window: int) -> np.ndarray:
    """(P,) the largest share of a ``window`` x ``window`` box in which the two
    binarised pictures of each pair differ.

    pictures : (M, S, S) float32 in [0, 1]; each is binarised at the middle
        of its own darkest and brightest value.
    pairs : (P, 2) int indices into ``pictures``.
    """
    lo = pictures.min(axis=(1, 2), keepdims=True)
    hi = pictures.max(axis=(1, 2), keepdims=True)
    ink = pictures < (lo + hi) / 2
    differ = (ink[pairs[:, 0]] != ink[pairs[:, 1]]).astype(np.float32)
    # box sums over every window, for all pairs at once (summed-area table)
    table = np.pad(differ.cumsum(axis=1).cumsum(axis=2), ((0, 0), (1, 0), (1, 0)))
    w = window
    sums = table[:, w:, w:] - table[:, :-w, w:] - table[:, w:, :-w] + table[:, :-w, :-w]
    return sums.reshape(len(pairs), -1).max(axis=1) / float(w * w)


def glyph_exemplars(images: Sequence[np.ndarray | None], settings: OcrSettings) -> np.ndarray:
    """(N,) int: the crop whose reading each crop takes (itself when it is read).

    images : trimmed line crops of one page (:func:`ocr.trim_to_ink`), None
        or empty for no ink (they keep their own index and read as nothing).
    settings : uses the ``glyph_*`` fields; only crops whose width is at most
        ``glyph_max_aspect`` times their height are compared (numbers and
        short marks; labels are unique and wide).

    ``leader[i] == i`` for every crop that is recognised; ``leader[i] = j < i``
    when crop ``i`` is the same picture as crop ``j`` (see the module
    docstring) and ``j`` is recognised itself.
    """
    n = len(images)
    leader = np.arange(n)
    if not settings.glyph_once or n < 2:
        return leader
    sizes = np.array([im.shape[:2] if im is not None and im.size else (0, 0) for im in images],
                     np.float64).reshape(n, 2)
    h, w = sizes[:, 0], sizes[:, 1]
    candidates = np.flatnonzero((h > 0) & (w <= settings.glyph_max_aspect * h))
    if len(candidates) < 2:
        return leader
    side = settings.glyph_canvas_px
    pictures = glyph_pictures([images[i] for i in candidates], side)
    corr, contrast = _correlation(pictures)
    ch, cw = h[candidates], w[candidates]
    scale = np.maximum(ch[:, None], ch[None, :])
    tol = settings.glyph_size_tolerance * scale
    match = ((np.abs(ch[:, None] - ch[None, :]) <= tol) & (np.abs(cw[:, None] - cw[None, :]) <= tol)
             & (corr >= settings.glyph_min_correlation)
             & contrast[:, None] & contrast[None, :])
    match = np.tril(match, k=-1)  # only earlier crops lead
    has_match = match.any(axis=1)
    first = np.where(has_match, match.argmax(axis=1), np.arange(len(candidates)))
    # no chains: a crop follows only a crop that is read itself
    follows = has_match & (first[first] == first)
    pairs = np.stack([np.flatnonzero(follows), first[follows]], axis=1)
    if len(pairs):
        window = max(2, round(settings.glyph_window_frac * side))
        close = _local_difference(pictures, pairs, window) <= settings.glyph_max_local_difference
        follows[pairs[~close, 0]] = False
    lead = np.where(follows, first, np.arange(len(candidates)))
    leader[candidates] = candidates[lead]
    return leader
