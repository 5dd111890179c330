"""The page image as the pipeline worked on it, re-made from the source page.

The output records, per page, the dpi, the quarter turn, the deskew angle and
the rectifying homography that turned the stored page into the image every
``bbox`` refers to (``pages[]`` of the report). :func:`replay_page` applies
them again, so a reviewer sees each box over the very pixels it was read
from. The scanner-edge clearing and the binarisation are not replayed: they
change no geometry, and the reviewer should see the scan as it is.
"""
from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from .orient import rotate_degrees, rotate_quarter
from .rectify import warp_page
from .types import Page

__all__ = ["replay_page"]


def replay_page(page: Page, dpi: float, rotation: int, skew_degrees: float,
                homography: Sequence[Sequence[float]] | None,
                size: tuple[int, int]) -> np.ndarray:
    """``page`` (as :func:`layout.open_document` yields it) as the pipeline worked on it.

    Parameters
    ----------
    page : Page
        The stored page: its image at ``page.dpi``, already turned by
        ``page.rotation`` (a born-digital page turned upright from its text layer).
    dpi : float
        The resolution the pipeline read the page at (``pages[].dpi``); the
        image is scaled to it when the raster settings differ.
    rotation : int
        Clockwise quarter turn the pipeline applied in all (0, 90, 180, 270).
    skew_degrees : float
        Deskew angle applied after the turn, counter-clockwise positive.
    homography : 3×3 nested sequence or None
        Rectification applied after the deskew (deskewed px → page px).
    size : (width, height)
        Size in px of the image the boxes refer to (``pages[].width``, ``height``).

    Returns
    -------
    (height, width, 3) uint8 ndarray
        BGR image in which the report's boxes for this page hold.
    """
    image = page.image
    if abs(page.dpi - dpi) > 1e-3 * dpi:
        f = dpi / page.dpi
        h, w = image.shape[:2]
        image = cv2.resize(image, (max(1, round(w * f)), max(1, round(h * f))),
                           interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
    image = rotate_quarter(image, ((rotation - page.rotation) // 90) % 4)
    if skew_degrees:
        image = rotate_degrees(image, skew_degrees)
    if homography is not None:
        image = warp_page(image, np.asarray(homography, dtype=np.float64))
    width, height = size
    if image.shape[:2] != (height, width):  # rounding of a rescale: at most a pixel or two
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
    return image
