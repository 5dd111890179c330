"""Turn a PDF, an image file or a folder of page images into page images.

Pages are produced lazily, one at a time (a 200-page PDF is never held in
memory at once). A scanned PDF page that is one full-page image is taken at the
image's own resolution; any other page is rendered at ``render_dpi``.

Pages finer than ``max_dpi`` are resampled down to it, and any page larger
than ``max_pixels`` is *downscaled* to that count (their dpi scaled with them)
rather than rejected, so a 10000×10000 px scan still runs; pages too small to
hold a readable table (below ``min_side_px`` or ``min_dpi``) raise
:class:`~layout.errors.InputError`.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
import warnings
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, UnidentifiedImageError

from .errors import InputError
from .settings import MM_PER_INCH, PT_PER_INCH, RasterSettings, TextLayerSettings
from .text_layer import read_text_layer
from .types import Page

__all__ = ["Document", "open_document", "IMAGE_SUFFIXES", "natural_key"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
_SNIFF_BYTES = 1024
# pdfium bitmap formats (FPDFBitmap_*) → channels
_GRAY, _BGR, _BGRX, _BGRA = 1, 2, 3, 4


def natural_key(name: str) -> list[object]:
    """Sort key putting ``page2.png`` before ``page10.png``."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]


@dataclass
class Document:
    """An opened report: a lazy sequence of :class:`~layout.types.Page`.

    Iterate it (``for page in doc``) to get pages one at a time, upright as
    stored in the file (no orientation analysis yet: ``rotation`` and
    ``skew_degrees`` are 0). Use as a context manager to release the file.

    Attributes
    ----------
    path : str
        The input path.
    kind : str
        ``"pdf"``, ``"image"`` or ``"folder"``.
    page_count : int
        Number of pages.
    """

    path: str
    kind: str
    page_count: int
    _settings: RasterSettings
    _pdf: pdfium.PdfDocument | None = None
    _files: tuple[str, ...] = ()
    _text_layer: TextLayerSettings = field(default_factory=TextLayerSettings)

    def __len__(self) -> int:
        return self.page_count

    def __iter__(self) -> Iterator[Page]:
        if self._pdf is not None:
            for i in range(self.page_count):
                yield self._pdf_page(i)
        else:
            number = 0
            for file in self._files:
                for frame in _image_frames(file, self._settings):
                    number += 1
                    yield _finish_page(number, *frame, self._settings, file)

    def _pdf_page(self, index: int) -> Page:
        assert self._pdf is not None
        try:
            page = self._pdf[index]
        except pdfium.PdfiumError as err:
            raise InputError(f"page {index + 1} of the PDF cannot be read "
                             f"(corrupt or truncated file): {err}", self.path) from err
        try:
            image, dpi = pdf_page_image(page, self._settings)
            finished = _finish_page(index + 1, image, dpi, self._settings, self.path, dpi_measured=True)
            if not self._settings.read_text_layer:
                return finished
            layer = read_text_layer(page, finished.dpi, self._text_layer)
            shown = (page.get_rotation() // 90) % 4  # pdfium renders /Rotate
        except pdfium.PdfiumError as err:
            raise InputError(f"page {index + 1} of the PDF cannot be rendered "
                             f"(corrupt or truncated file): {err}", self.path) from err
        finally:
            page.close()
        # turn the image as the text layer found the text upright
        extra = (layer.turns - shown) % 4
        if extra:
            finished = dataclasses.replace(finished, image=np.ascontiguousarray(np.rot90(finished.image, -extra)),
                                           rotation=90 * extra)
        layer = dataclasses.replace(layer, width=finished.width, height=finished.height)
        return dataclasses.replace(finished, text_layer=layer)

    def close(self) -> None:
        """Release the underlying PDF, if any."""
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_document(path: str | os.PathLike[str], settings: RasterSettings | None = None,
                  text_layer: TextLayerSettings | None = None) -> Document:
    """Open a PDF, an image (PNG/JPEG/TIFF, multi-page TIFF) or a folder of images.

    Parameters
    ----------
    path : str or PathLike
        The report. A folder is one report whose pages are its image files in
        natural order (``p2.png`` before ``p10.png``).
    settings : RasterSettings, optional
        Defaults when omitted.
    text_layer : TextLayerSettings, optional
        Which paths of a PDF page are ruling (``Page.text_layer``); defaults
        when omitted.

    Returns
    -------
    Document
        A lazy page sequence; pages are decoded only while iterating.

    Raises
    ------
    InputError
        The file is missing, unreadable, empty, neither a PDF nor an image, a
        corrupt/truncated or encrypted PDF, or has no pages.
    """
    settings = settings or RasterSettings()
    p = Path(path)
    spath = str(p)
    if not p.exists():
        raise InputError("the file does not exist", spath)
    if p.is_dir():
        files = sorted((f for f in p.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES),
                       key=lambda f: natural_key(f.name))
        if not files:
            raise InputError("the folder holds no page images (PNG, JPEG, TIFF)", spath)
        count = sum(_count_frames(str(f)) for f in files)
        return Document(spath, "folder", count, settings, None, tuple(str(f) for f in files))
    try:
        with open(p, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as err:
        raise InputError(f"the file cannot be read ({err.strerror or err})", spath) from err
    if not head:
        raise InputError("the file is empty", spath)
    if b"%PDF-" in head:
        pdf = _open_pdf(spath)
        return Document(spath, "pdf", len(pdf), settings, pdf,
                        _text_layer=text_layer or TextLayerSettings())
    count = _count_frames(spath)
    return Document(spath, "image", count, settings, None, (spath,))


def _open_pdf(path: str) -> pdfium.PdfDocument:
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as err:
        # PDFium's error code can be stale (left from an earlier failure), so the
        # file itself says whether it is encrypted or has an empty page tree.
        data = _read_bytes(path)
        if b"/Encrypt" in data:
            raise InputError("the PDF is encrypted (password protected); "
                             "remove the password and try again", path) from err
        if re.search(rb"/Type\s*/Pages\b", data) and not re.search(rb"/Count\s+[1-9]", data):
            raise InputError("the PDF has no pages", path) from err
        raise InputError("the PDF is corrupt or truncated and cannot be opened", path) from err
    if len(pdf) == 0:
        pdf.close()
        raise InputError("the PDF has no pages", path)
    return pdf


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def _count_frames(path: str) -> int:
    try:
        with _large_images_expected(), Image.open(path) as im:
            n = int(getattr(im, "n_frames", 1))
    except UnidentifiedImageError as err:
        raise InputError("the file is neither a PDF nor an image (PNG, JPEG, TIFF)", path) from err
    except Image.DecompressionBombError as err:
        raise InputError(f"the image is too large to process safely ({err})", path) from err
    except OSError as err:
        raise InputError(f"the image cannot be read ({err})", path) from err
    if n < 1:
        raise InputError("the image has no pages", path)
    return n


@contextlib.contextmanager
def _large_images_expected() -> Iterator[None]:
    """Silence PIL's DecompressionBombWarning: large scans are expected and
    downscaled on the way in; PIL still refuses true decompression bombs
    (DecompressionBombError). Entered around each PIL call, never across a
    ``yield``, so no warning filter leaks out of a generator."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def _decode_frame(im: Image.Image, index: int, settings: RasterSettings) -> tuple[np.ndarray, float | None]:
    """Frame ``index`` of an open image as ``(BGR image, dpi or None)``.

    A frame much finer than ``max_dpi`` is reduced by an integer factor while
    decoding (PIL ``reduce``), so a huge scan never exists in memory as
    several full-size copies; :func:`_finish_page` does the exact resampling.
    """
    im.seek(index)
    meta = im.info.get("dpi")
    meta_dpi = float(meta[0]) if meta and meta[0] else None
    frame: Image.Image = im
    dpi = image_dpi(frame.width, frame.height, meta_dpi, settings)
    factor = int(dpi // settings.max_dpi)
    if factor >= 2:
        frame = frame.reduce(factor)
        meta_dpi = dpi / factor
    rgb = np.asarray(frame.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1]), meta_dpi


def _image_frames(path: str, settings: RasterSettings) -> Iterator[tuple[np.ndarray, float | None]]:
    """Yield ``(BGR image, dpi or None)`` per frame of an image file."""
    try:
        with _large_images_expected():
            image = Image.open(path)
        with image as im:
            for index in range(int(getattr(im, "n_frames", 1))):
                with _large_images_expected():
                    frame = _decode_frame(im, index, settings)
                yield frame
    except Image.DecompressionBombError as err:
        raise InputError(f"the image is too large to process safely ({err})", path) from err
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise InputError(f"the image is corrupt or truncated ({err})", path) from err


def pdf_page_image(page: pdfium.PdfPage, settings: RasterSettings) -> tuple[np.ndarray, float]:
    """The image of one PDF page and its dpi.

    When the page is one image covering at least ``full_page_image_coverage``
    of the page, placed upright (no rotation, no flip), that image is taken at
    its own resolution and turned by the page's ``/Rotate``; otherwise the page
    is rendered at ``render_dpi`` (reduced if it would exceed ``max_pixels``).

    Returns
    -------
    image : (H, W, 3) uint8 ndarray
        BGR page image.
    dpi : float
        Its resolution.
    """
    scan = _full_page_image(page, settings.full_page_image_coverage)
    if scan is not None:
        return scan
    w_pt, h_pt = page.get_size()
    dpi = settings.render_dpi
    px = (w_pt * dpi / PT_PER_INCH) * (h_pt * dpi / PT_PER_INCH)
    if px > settings.max_pixels:
        dpi *= math.sqrt(settings.max_pixels / px)
    bitmap = page.render(scale=dpi / PT_PER_INCH)
    return _bitmap_bgr(bitmap), dpi


def _full_page_image(page: pdfium.PdfPage, coverage: float) -> tuple[np.ndarray, float] | None:
    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    if len(images) != 1:
        return None
    obj = images[0]
    a, b, c, d, _, _ = obj.get_matrix().get()
    if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or d <= 0:
        return None
    left, bottom, right, top = page.get_cropbox()
    page_area = max((right - left) * (top - bottom), 1e-6)
    x0, y0, x1, y1 = obj.get_bounds()
    inter = max(0.0, min(x1, right) - max(x0, left)) * max(0.0, min(y1, top) - max(y0, bottom))
    if inter / page_area < coverage:
        return None
    image = _bitmap_bgr(obj.get_bitmap(render=False))
    h, w = image.shape[:2]
    dpi_x, dpi_y = w / (a / PT_PER_INCH), h / (d / PT_PER_INCH)
    if abs(dpi_x - dpi_y) > 0.01 * dpi_x:  # non-square pixels: resample to dpi_x
        image = cv2.resize(image, (w, int(round(h * dpi_x / dpi_y))), interpolation=cv2.INTER_AREA)
    turns = (page.get_rotation() // 90) % 4
    if turns:
        image = np.ascontiguousarray(np.rot90(image, -turns))
    return image, float(dpi_x)


def _bitmap_bgr(bitmap: pdfium.PdfBitmap) -> np.ndarray:
    arr = bitmap.to_numpy()
    if arr.ndim == 2 or bitmap.format == _GRAY:
        arr = arr.reshape(arr.shape[0], arr.shape[1])
        return cv2.cvtColor(arr, cv2.COLOR_GRAY2BGR)
    if bitmap.rev_byteorder:  # RGB(A) order
        return np.ascontiguousarray(arr[:, :, 2::-1])
    return np.ascontiguousarray(arr[:, :, :3])


def image_dpi(width: int, height: int, meta_dpi: float | None, settings: RasterSettings) -> float:
    """The dpi of a page image: its metadata when plausible, else assumed A4.

    Parameters
    ----------
    width, height : int
        Image size in px.
    meta_dpi : float or None
        dpi stored in the file, if any.
    settings : RasterSettings
        Uses ``paper_short_side_mm`` and ``plausible_short_side_mm``.

    Returns
    -------
    float
        dpi such that the short side is a plausible paper size.
    """
    short = min(width, height)
    lo, hi = settings.plausible_short_side_mm
    if meta_dpi and meta_dpi > 0 and lo <= short / meta_dpi * MM_PER_INCH <= hi:
        return float(meta_dpi)
    return short / (settings.paper_short_side_mm / MM_PER_INCH)


def _finish_page(number: int, image: np.ndarray, dpi: float | None,
                 settings: RasterSettings, path: str, *, dpi_measured: bool = False) -> Page:
    h, w = image.shape[:2]
    if min(h, w) < settings.min_side_px:
        raise InputError(f"page {number} is only {w}×{h} px, too small to hold a readable "
                         f"table (at least {settings.min_side_px} px per side needed)", path)
    if not (dpi_measured and dpi):
        dpi = image_dpi(w, h, dpi, settings)
    if dpi < settings.min_dpi:
        raise InputError(f"page {number} has a resolution of {dpi:.0f} dpi, too low to read "
                         f"a table (at least {settings.min_dpi:.0f} dpi needed)", path)
    f = min(1.0, settings.max_dpi / dpi, math.sqrt(settings.max_pixels / (w * h)))
    if f < 1.0:
        image = cv2.resize(image, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
        dpi *= image.shape[1] / w
    return Page(number=number, image=np.ascontiguousarray(image), dpi=float(dpi))
