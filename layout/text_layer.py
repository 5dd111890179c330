"""The text layer and vector ruling of a born-digital PDF page, and whether to trust it.

A report exported from Word or WPS holds every character with its position,
and the table borders as vector paths: reading those is exact and costs a
fraction of OCR. :func:`read_text_layer` takes, from one pypdfium2 page, the
printed characters (loose boxes, so every character of a line has the line's
height) and the thin dark axis-aligned paths (ruling lines, drawn as filled
thin rectangles or as stroked lines), all in px of the rendered page image
(origin top-left, at the render dpi), the convention of scans.
:func:`assess_text_layer` says whether the layer can be trusted, and if not,
why: the page then goes through OCR like a scan.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .settings import PT_PER_INCH, TextLayerSettings, mm_to_px

__all__ = ["TextLayer", "read_text_layer", "page_boxes_to_px", "assess_text_layer", "placement_problem", "character_problem"]

_WHITESPACE = {0x20, 0x09, 0x0A, 0x0D, 0x3000, 0xA0, 0xFEFF}


@dataclass(frozen=True)
class TextLayer:
    """Characters and ruling paths of one PDF page, px at ``dpi`` in the page image.

    chars : str — the printed characters, one per box (pdfium's generated
        spaces and line breaks and plain whitespace left out).
    boxes : (n, 4) float64 — loose box ``(x0, y0, x1, y1)`` of each character.
    unmapped : (n,) bool — the glyph has no Unicode mapping (a font without a
        ToUnicode map): its character is a guess of pdfium's, or U+FFFD.
    rulings : (m, 4) float64 — axis-aligned dark paths thinner than
        ``TextLayerSettings.ruling_max_thickness_mm`` across: table borders.
    image_coverage : float — share of the page area under its largest image.
    turns : int — clockwise quarter turns from PDF user space to the frame of
        the boxes: the one in which most characters stand upright (pdfium's
        character angles), whatever the page's ``/Rotate``.
    width, height : int — the page image's size in that frame, px.
    """

    chars: str
    boxes: np.ndarray = field(repr=False)
    unmapped: np.ndarray = field(repr=False)
    rulings: np.ndarray = field(repr=False)
    image_coverage: float
    turns: int
    dpi: float
    width: int
    height: int


def _color(getter, obj) -> tuple[float, float]:
    """(grey level 0 black … 255 white, alpha 0 … 255) of a page object's fill or stroke."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return 0.0, 255.0
    return 0.299 * r.value + 0.587 * g.value + 0.114 * b.value, float(a.value)


def _path_rulings(obj, settings: TextLayerSettings) -> list[tuple[float, float, float, float]]:
    """Axis-aligned dark thin pieces of one path object, PDF points (l, b, r, t)."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke):
        return []
    thin = mm_to_px(settings.ruling_max_thickness_mm, PT_PER_INCH)  # points
    left, bottom, right, top = obj.get_bounds()
    out = []
    if fill.value:
        grey, alpha = _color(pdfium_c.FPDFPageObj_GetFillColor, obj)
        if grey <= settings.ruling_max_grey and alpha > 0 and min(right - left, top - bottom) <= thin:
            out.append((left, bottom, right, top))
    if stroke.value:
        grey, alpha = _color(pdfium_c.FPDFPageObj_GetStrokeColor, obj)
        width = ctypes.c_float()
        pdfium_c.FPDFPageObj_GetStrokeWidth(obj, width)
        half = max(width.value, 0.0) / 2.0
        if grey > settings.ruling_max_grey or alpha == 0 or 2 * half > thin:
            return out
        a, b, c, d, e, f = obj.get_matrix().get()
        points = []
        for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
            x, y = ctypes.c_float(), ctypes.c_float()
            pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not points:
                points.append([point])
            else:
                points[-1].append(point)
                if pdfium_c.FPDFPathSegment_GetClose(seg):
                    points[-1].append(points[-1][0])
        tol = thin / 2
        for run in points:
            for (x0, y0), (x1, y1) in zip(run, run[1:]):
                if abs(y1 - y0) <= tol:  # horizontal
                    out.append((min(x0, x1), min(y0, y1) - half, max(x0, x1), max(y0, y1) + half))
                elif abs(x1 - x0) <= tol:  # vertical
                    out.append((min(x0, x1) - half, min(y0, y1), max(x0, x1) + half, max(y0, y1)))
    return out


def page_boxes_to_px(boxes: np.ndarray, cropbox: tuple[float, float, float, float], turns: int,
                     scale: float) -> np.ndarray:
    """PDF user-space boxes as px boxes of the page turned `turns` quarters clockwise.

    Parameters
    ----------
    boxes : (n, 4) float ndarray
        ``(left, bottom, right, top)`` in PDF points.
    cropbox : (left, bottom, right, top) of the page, points.
    turns : int
        Clockwise quarter turns of the page image against user space.
    scale : float
        px per point (dpi / 72).

    Returns
    -------
    (n, 4) float64 ndarray
        ``(x0, y0, x1, y1)`` px, origin top-left of the turned page.
    """
    if boxes.size == 0:
        return np.zeros((0, 4))
    c_left, c_bottom, c_right, c_top = cropbox
    width, height = c_right - c_left, c_top - c_bottom
    l, b, r, t = np.asarray(boxes, np.float64).T
    u0, u1 = l - c_left, r - c_left          # across the unturned page, from its left
    v0, v1 = c_top - t, c_top - b            # down the unturned page, from its top
    turns %= 4
    if turns == 1:    # a clockwise turn: x' = height - v, y' = u
        x0, x1, y0, y1 = height - v1, height - v0, u0, u1
    elif turns == 2:
        x0, x1, y0, y1 = width - u1, width - u0, height - v1, height - v0
    elif turns == 3:  # x' = v, y' = width - u
        x0, x1, y0, y1 = v0, v1, width - u1, width - u0
    else:
        x0, x1, y0, y1 = u0, u1, v0, v1
    return np.stack([x0, y0, x1, y1], axis=1) * scale


def read_text_layer(page: pdfium.PdfPage, dpi: float, settings: TextLayerSettings) -> TextLayer:
    """The characters and ruling paths of a PDF page, px at `dpi` (origin top-left).

    The boxes are in the frame where most characters stand upright
    (``TextLayer.turns``): a landscape page authored sideways and shown by
    ``/Rotate``, or upright content given a ``/Rotate``, both come out upright.
    The caller turns the rendered image the same way.

    Parameters
    ----------
    page : pypdfium2 PdfPage
    dpi : float
        Resolution of the page image the boxes refer to.
    settings : TextLayerSettings

    Returns
    -------
    TextLayer
    """
    left, bottom, right, top = page.get_cropbox()
    scale = dpi / PT_PER_INCH

    textpage = page.get_textpage()
    try:
        chars, boxes, unmapped, angles = [], [], [], []
        for i in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage, i)
            if code in _WHITESPACE or pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
                continue
            chars.append(chr(code) if 0 < code < 0x110000 else "\ufffd")
            boxes.append(textpage.get_charbox(i, loose=True))
            unmapped.append(pdfium_c.FPDFText_HasUnicodeMapError(textpage, i) == 1)
            angles.append(pdfium_c.FPDFText_GetCharAngle(textpage, i))
    finally:
        textpage.close()
    if chars:  # pdfium's angles run clockwise: text turned a quarter left reads 270°
        quarter = np.round(np.degrees(np.asarray(angles)) / 90.0).astype(np.int64) % 4
        turns = int(-np.bincount(quarter, minlength=4).argmax()) % 4
    else:
        turns = (page.get_rotation() // 90) % 4  # as pdfium renders it
    rulings: list[tuple[float, float, float, float]] = []
    page_area = max((right - left) * (top - bottom), 1e-6)
    coverage = 0.0
    for obj in page.get_objects(max_depth=settings.max_object_depth):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            rulings.extend(_path_rulings(obj, settings))
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            x0, y0, x1, y1 = obj.get_bounds()
            inter = max(0.0, min(x1, right) - max(x0, left)) * max(0.0, min(y1, top) - max(y0, bottom))
            coverage = max(coverage, inter / page_area)
    cropbox = (left, bottom, right, top)
    width, height = (right - left) * scale, (top - bottom) * scale
    if turns % 2:
        width, height = height, width
    return TextLayer(chars="".join(chars),
                     boxes=page_boxes_to_px(np.asarray(boxes, np.float64).reshape(-1, 4), cropbox, turns, scale),
                     unmapped=np.asarray(unmapped, bool),
                     rulings=page_boxes_to_px(np.asarray(rulings, np.float64).reshape(-1, 4), cropbox, turns, scale),
                     image_coverage=float(coverage), turns=turns,
                     dpi=float(dpi), width=int(round(width)), height=int(round(height)))


def _is_cjk(codes: np.ndarray) -> np.ndarray:
    """(n,) bool: the code points are CJK ideographs (extension A, unified, compatibility)."""
    return ((codes >= 0x3400) & (codes <= 0x9FFF)) | ((codes >= 0xF900) & (codes <= 0xFAFF))


def _codes(text: str) -> np.ndarray:
    """(len(text),) uint32 code points."""
    return np.frombuffer(text.encode("utf-32-le"), np.uint32)


def placement_problem(layer: TextLayer, settings: TextLayerSettings) -> str | None:
    """Why the layer's characters do not show where the page's text is, or None.

    No text at all (a scan); text only in the header and footer margins; a large image on the page (a
    scan with an OCR layer added by someone else: our own reading is trusted,
    not theirs; or a table pasted in as a picture, whose text the layer does
    not hold). When there is none, the boxes of the characters (and the
    vector ruling) can be trusted even if the characters cannot.
    """
    n = len(layer.chars)
    if n < settings.min_chars:
        return "no text layer" if n == 0 else f"only {n} characters in the text layer"
    margin = settings.margin_fraction * layer.height
    centre_y = (layer.boxes[:, 1] + layer.boxes[:, 3]) / 2
    body = (centre_y > margin) & (centre_y < layer.height - margin)
    if body.sum() < settings.min_chars:
        return "text only in the header and footer"
    if layer.image_coverage >= settings.max_image_coverage:
        return (f"an image covers {layer.image_coverage:.0%} of the page (a scan with a text "
                "layer added, or a table pasted in as a picture): read by OCR instead")
    return None


def character_problem(layer: TextLayer, settings: TextLayerSettings) -> str | None:
    """Why the layer's characters are not the printed ones, or None.

    Glyphs that map to no Unicode or to private-use code points (a font
    subset without a ToUnicode map); text garbled otherwise: characters
    interleaved with separators (``同·市·卫·生·局``), or hardly any Chinese
    characters on a page of a Chinese report (glyphs mapped to the wrong code
    points). The glyphs are still where they are printed.
    """
    n = len(layer.chars)
    if n == 0:
        return None
    codes = _codes(layer.chars)
    private = (codes >= 0xE000) & (codes <= 0xF8FF) | (codes == 0xFFFD)
    bad = float((layer.unmapped | private).mean())
    if bad > settings.max_unmapped_share:
        return f"{bad:.0%} of the glyphs map to no Unicode character (a font without a ToUnicode map)"
    cjk = _is_cjk(codes)
    if cjk.mean() < settings.min_cjk_share:
        return f"only {cjk.mean():.0%} of the characters are Chinese: the text layer is garbled"
    # spaced out: a Chinese character, a separator, a Chinese character
    # (how the text of seed 002 comes out: 同·市·卫·生·局)
    separator = np.isin(codes, _codes(settings.separators))
    spaced = cjk[:-2] & separator[1:-1] & cjk[2:]
    share = float(spaced.sum()) / max(int(cjk.sum()), 1)
    if share > settings.max_spaced_share:
        return (f"{share:.0%} of the Chinese characters are interleaved with separators: "
                "the text layer is garbled")
    return None


def assess_text_layer(layer: TextLayer, settings: TextLayerSettings) -> str | None:
    """Why the text layer of a page cannot be trusted, or None when it can.

    :func:`placement_problem` first, then :func:`character_problem`.

    Returns
    -------
    str or None
        A reason a user understands, for the warning naming the page.
    """
    return placement_problem(layer, settings) or character_problem(layer, settings)
