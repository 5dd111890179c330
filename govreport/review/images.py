"""The review site's page images: each report page re-made as the pipeline saw it.

The source file named in the report is read again (and must still have the
report's SHA-256), each page is re-rendered and given the turn, deskew and
rectification recorded in ``pages[]`` (:func:`layout.replay_page`), so every
``bbox`` falls on the pixels it was read from. The images are JPEG, scaled
to :attr:`ReviewSettings.image_width_px`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

import layout
from models import Report

from ..atomic import write_atomic
from ..pipeline import file_sha256
from ..settings import ReviewSettings

__all__ = ["PageImage", "SourceUnavailable", "page_images", "write_page_images"]


class SourceUnavailable(Exception):
    """The report's source file is missing, unreadable or not the file that was extracted."""


@dataclass(frozen=True)
class PageImage:
    """A page image written for the site: ``file`` relative to the site folder."""

    number: int
    file: str


def page_images(report: Report, settings: layout.LayoutSettings) -> Iterator[tuple[int, np.ndarray]]:
    """Each page of ``report`` (number, BGR image in the report's page px).

    Raises
    ------
    SourceUnavailable
        The source is gone, changed since extraction (SHA-256 differs) or unreadable.
    """
    source = Path(report.source.path)
    if not source.exists():
        raise SourceUnavailable(f"the source {source} is not there any more")
    try:
        sha = file_sha256(source)
    except OSError as exc:
        raise SourceUnavailable(f"the source {source} cannot be read: {exc.strerror or exc}") from None
    if sha != report.source.sha256:
        raise SourceUnavailable(f"the source {source} has changed since it was extracted "
                                "(its SHA-256 differs from the report's)")
    pages = {p.number: p for p in report.pages}
    try:
        with layout.open_document(source, settings.raster, settings.text_layer) as document:
            for raw in document:
                info = pages.get(raw.number)
                if info is None:
                    continue
                yield info.number, layout.replay_page(
                    raw, info.dpi, info.rotation, info.skew_degrees, info.homography,
                    (info.width, info.height))
    except layout.InputError as exc:
        raise SourceUnavailable(f"the source cannot be rendered again: {exc}") from None


def _jpeg(image: np.ndarray, settings: ReviewSettings) -> bytes:
    h, w = image.shape[:2]
    if w > settings.image_width_px:
        f = settings.image_width_px / w
        image = cv2.resize(image, (settings.image_width_px, max(1, round(h * f))),
                           interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, settings.jpeg_quality])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 BGR image
        raise SourceUnavailable("a page image could not be encoded as JPEG")
    return data.tobytes()


def write_page_images(report: Report, site_dir: Path, folder: str,
                      layout_settings: layout.LayoutSettings,
                      settings: ReviewSettings) -> list[PageImage]:
    """Write ``site_dir/folder/p<N>.jpg`` for every page; the images written, in page order.

    Raises :class:`SourceUnavailable` (nothing is half-written: each image is
    written atomically, and the caller shows the report without images).
    """
    (site_dir / folder).mkdir(parents=True, exist_ok=True)
    written = []
    for number, image in page_images(report, layout_settings):
        name = f"{folder}/p{number:03d}.jpg"
        write_atomic(site_dir / name, _jpeg(image, settings))
        written.append(PageImage(number, name))
    return written
