"""Text detection (ch_PP-OCRv4_det, DB post-processing) and free-text reading.

:class:`Detector` finds text-line quadrilaterals on a page image;
:func:`read_text` crops and recognises them and returns :class:`TextLine`s in
reading order. Used for free text (title, headings, paragraphs); table cells
go through :meth:`ocr.Recognizer.recognize` on crops from the layout stage.

The DB post-processing follows RapidOCR's ``DBPostProcess``; unclipping a
rectangle by ``d = area * unclip_ratio / perimeter`` is done in closed form
(the minimum-area rectangle of a rectangle offset by ``d`` with round joins is
the rectangle grown by ``d`` on every side), so no pyclipper/shapely is needed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

import cv2
import numpy as np

from .crops import to_bgr
from .engine import OnnxModel
from .settings import OcrSettings
from .types import TextLine

if TYPE_CHECKING:  # pragma: no cover
    from .engine import OcrEngine

__all__ = ["Detector", "Detection", "read_text", "line_crops", "crop_quad", "quad_to_box", "reading_order"]

_MEAN_STD = 0.5  # PP-OCR det normalisation: (x / 255 - 0.5) / 0.5


class Detection:
    """Detected text quads of one image.

    quads : (N, 4, 2) float32 px in the input image, corners clockwise from
        top-left.
    scores : (N,) float32 mean DB probability inside each quad.
    """

    __slots__ = ("quads", "scores")

    def __init__(self, quads: np.ndarray, scores: np.ndarray) -> None:
        self.quads = quads
        self.scores = scores

    def __len__(self) -> int:
        return len(self.quads)


class Detector:
    """PP-OCRv4 text detector.

    Parameters
    ----------
    model : the detection :class:`~ocr.engine.OnnxModel`.
    settings : uses ``det_limit_side_len`` and the ``det_*`` thresholds.
    """

    def __init__(self, model: OnnxModel, settings: OcrSettings | None = None) -> None:
        self.model = model
        self.settings = settings or OcrSettings()

    def detect(self, image: np.ndarray) -> Detection:
        """Find text lines in ``image`` ((H, W[, C]) uint8, grey or BGR).

        The image is downscaled so its longer side is at most
        ``det_limit_side_len`` (sides rounded to multiples of 32) for the
        network; the quads are returned in the input image's pixels.
        """
        bgr = to_bgr(image)
        h, w = bgr.shape[:2]
        if h == 0 or w == 0:
            return Detection(np.zeros((0, 4, 2), np.float32), np.zeros(0, np.float32))
        ratio = min(1.0, self.settings.det_limit_side_len / max(h, w))
        rh = max(32, int(round(h * ratio / 32)) * 32)
        rw = max(32, int(round(w * ratio / 32)) * 32)
        resized = cv2.resize(bgr, (rw, rh), interpolation=cv2.INTER_AREA if ratio < 1 else cv2.INTER_LINEAR)
        x = resized.astype(np.float32) / 255.0
        x -= _MEAN_STD
        x /= _MEAN_STD
        pred = self.model(x.transpose(2, 0, 1)[np.newaxis])[0, 0]
        return self._boxes(pred, w, h)

    __call__ = detect

    def _boxes(self, pred: np.ndarray, dest_w: int, dest_h: int) -> Detection:
        s = self.settings
        bitmap = (pred > s.det_thresh).astype(np.uint8)
        if s.det_use_dilation:
            bitmap = cv2.dilate(bitmap, np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(bitmap * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        ph, pw = pred.shape
        sx, sy = dest_w / pw, dest_h / ph
        quads, scores = [], []
        for contour in contours[: s.det_max_candidates]:
            (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
            if min(rw, rh) < 3:
                continue
            pts = cv2.boxPoints(((cx, cy), (rw, rh), angle))
            score = _box_score(pred, contour if s.det_score_mode == "slow" else pts)
            if score < s.det_box_thresh:
                continue
            d = (rw * rh) * s.det_unclip_ratio / (2 * (rw + rh))
            rw, rh = rw + 2 * d, rh + 2 * d
            if min(rw, rh) < 5:
                continue
            pts = _order_clockwise(cv2.boxPoints(((cx, cy), (rw, rh), angle)))
            pts[:, 0] = np.clip(np.round(pts[:, 0] * sx), 0, dest_w - 1)
            pts[:, 1] = np.clip(np.round(pts[:, 1] * sy), 0, dest_h - 1)
            bw = np.linalg.norm(pts[0] - pts[1])
            bh = np.linalg.norm(pts[0] - pts[3])
            if bw <= s.det_min_box_side - 1 or bh <= s.det_min_box_side - 1:
                continue
            quads.append(pts)
            scores.append(score)
        if not quads:
            return Detection(np.zeros((0, 4, 2), np.float32), np.zeros(0, np.float32))
        return Detection(np.stack(quads).astype(np.float32), np.array(scores, np.float32))


def _box_score(pred: np.ndarray, poly: np.ndarray) -> float:
    """Mean of ``pred`` inside polygon ``poly`` ((K, 2) or (K, 1, 2) px)."""
    poly = np.asarray(poly, np.float32).reshape(-1, 2)
    h, w = pred.shape
    x0 = int(np.clip(np.floor(poly[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(poly[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(poly[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(poly[:, 1].max()), 0, h - 1))
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
    cv2.fillPoly(mask, [(poly - [x0, y0]).astype(np.int32)], 1)
    return float(cv2.mean(pred[y0 : y1 + 1, x0 : x1 + 1], mask)[0])


def _order_clockwise(pts: np.ndarray) -> np.ndarray:
    """(4, 2) corners ordered top-left, top-right, bottom-right, bottom-left."""
    xs = pts[np.argsort(pts[:, 0], kind="stable")]
    left = xs[:2][np.argsort(xs[:2, 1], kind="stable")]
    right = xs[2:][np.argsort(xs[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], np.float32)


def crop_quad(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Cut the (4, 2) quad (clockwise from top-left) out of ``image``, straightened.

    Crops at least 1.5 times taller than wide are turned 90° counter-clockwise
    (vertical text), as RapidOCR does.
    """
    quad = np.asarray(quad, np.float32)
    cw = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    ch = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    cw, ch = max(cw, 1), max(ch, 1)
    dst = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    m = cv2.getPerspectiveTransform(quad, dst)
    out = cv2.warpPerspective(
        image, m, (cw, ch), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    if ch >= 1.5 * cw:
        out = np.rot90(out)
    return out


def quad_to_box(quad: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """Axis-aligned (x0, y0, x1, y1) px (x1/y1 exclusive) around a (4, 2) quad,
    clipped to a ``width`` x ``height`` image."""
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + 1
    return (max(int(x0), 0), max(int(y0), 0), min(int(x1), width), min(int(y1), height))


def reading_order(boxes: Sequence[tuple[int, int, int, int]], overlap: float = 0.5) -> list[int]:
    """Indices of ``boxes`` ((x0, y0, x1, y1) px) in reading order.

    Boxes are grouped into lines (vertical overlap at least ``overlap`` of the
    lower box), lines go top to bottom, boxes in a line left to right.
    """
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][1] + boxes[i][3]) / 2)
    lines: list[list[int]] = []
    for i in order:
        x0, y0, x1, y1 = boxes[i]
        if lines:
            last = lines[-1]
            ly0 = min(boxes[j][1] for j in last)
            ly1 = max(boxes[j][3] for j in last)
            inter = min(y1, ly1) - max(y0, ly0)
            if inter >= overlap * min(y1 - y0, ly1 - ly0):
                last.append(i)
                continue
        lines.append([i])
    return [i for line in lines for i in sorted(line, key=lambda j: boxes[j][0])]


def read_text(
    image: np.ndarray,
    mask: np.ndarray | None = None,
    *,
    engine: "OcrEngine | None" = None,
    stop: "Callable[[list[TextLine]], bool] | None" = None,
    chunk: int | None = None,
    detect_scale: float = 1.0,
) -> list[TextLine]:
    """Detect and recognise the free text of a page image, in reading order.

    Parameters
    ----------
    image : (H, W[, C]) uint8 page (or part of a page), grey or BGR, upright.
    mask : optional (H, W) array; where it is 0/False the image is painted white
        before detection, so only the nonzero region is read (e.g. pass
        ``mask[table_bbox] = 0`` to skip tables). Must match ``image``'s size.
    engine : the pipeline's :class:`~ocr.OcrEngine`; None uses
        ``OcrEngine(OcrSettings())`` (models still come from the per-process
        cache).
    stop : optional early stop. The detected boxes are then recognised in
        reading order, ``chunk`` at a time (default ``rec_batch_size``), and
        after each chunk ``stop(lines_so_far)`` (kept lines, reading order)
        decides whether the rest is skipped. Recognition costs far more than
        detection on text-heavy pages, so reading only up to the title saves
        most of it. None reads every box (one pass, as before).
    detect_scale : the lines are detected on the image reduced by this factor
        (at most 1): the detector's cost grows with the area it sees, and it
        finds text lines of 15 px as well as of 50. Their quads are scaled
        back and the lines cut from the full image for recognition, so the
        recogniser sees every pixel the page has.

    Returns
    -------
    One :class:`TextLine` per detected text box whose recognised text is not
    empty and whose confidence is at least ``min_text_score``. ``bbox`` is the
    axis-aligned box (x0, y0, x1, y1) px in ``image``. Pieces of one visual line
    that the detector split are separate, adjacent entries, left to right.
    With ``stop`` the lines after the stopping chunk are missing.
    """
    if engine is None:
        from .engine import OcrEngine

        engine = OcrEngine()
    bgr = to_bgr(image)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.shape[:2] != bgr.shape[:2]:
            raise ValueError(f"mask shape {mask.shape[:2]} does not match image shape {bgr.shape[:2]}")
        bgr = bgr.copy()
        bgr[mask == 0] = 255
    h, w = bgr.shape[:2]
    quads = _detected_quads(engine.detector, bgr, detect_scale)
    if not len(quads):
        return []
    settings = engine.settings
    if stop is None:
        groups = [np.arange(len(quads))]
    else:
        boxes = [quad_to_box(q, w, h) for q in quads]
        ahead = np.array(reading_order(boxes, settings.line_merge_overlap))
        step = chunk or settings.rec_batch_size
        groups = [ahead[i : i + step] for i in range(0, len(ahead), step)]
    lines: list[TextLine] = []
    for ids in groups:
        recs = engine.recognizer.recognize([crop_quad(bgr, quads[i]) for i in ids])
        for i, rec in zip(ids, recs):
            text = rec.text.strip()
            if text and rec.confidence >= settings.min_text_score:
                lines.append(TextLine(quad_to_box(quads[i], w, h), text, rec.confidence))
        order = reading_order([ln.bbox for ln in lines], settings.line_merge_overlap)
        lines = [lines[i] for i in order]
        if stop is not None and stop(lines):
            break
    return lines


def _detected_quads(detector: Detector, bgr: np.ndarray, scale: float) -> np.ndarray:
    """(N, 4, 2) float32 quads px in ``bgr`` ((H, W, 3) uint8), detected on the image
    reduced by ``scale`` (<= 1; 1 detects on ``bgr`` itself)."""
    h, w = bgr.shape[:2]
    if scale >= 1.0:
        return detector.detect(bgr).quads
    small = _reduced(bgr, scale)
    quads = detector.detect(small).quads * np.array([w / small.shape[1], h / small.shape[0]], np.float32)
    np.clip(quads[..., 0], 0, w - 1, out=quads[..., 0])
    np.clip(quads[..., 1], 0, h - 1, out=quads[..., 1])
    return quads


def _reduced(bgr: np.ndarray, scale: float) -> np.ndarray:
    """``bgr`` reduced by ``scale`` (< 1), each side at least 1 px (area averaging)."""
    h, w = bgr.shape[:2]
    return cv2.resize(bgr, (max(1, round(w * scale)), max(1, round(h * scale))),
                      interpolation=cv2.INTER_AREA)


def line_crops(
    image: np.ndarray,
    *,
    engine: "OcrEngine | None" = None,
    max_lines: int = 30,
) -> list[np.ndarray]:
    """Crops of the widest detected text lines of ``image``, for the orientation vote.

    Detection does not depend on the text direction, so this works on a page
    that may be upside down; pass the result to :func:`ocr.is_upside_down`.
    Returns at most ``max_lines`` crops (widest first; crops narrower than
    twice their height are skipped because they carry little direction signal).
    The lines are found and cut on the image reduced so that its longer side
    is at most ``orientation_det_limit_side_len`` px: the classifier reads a
    48 px line either way, and detection costs time and memory (its largest
    activations) with the image area.
    """
    if engine is None:
        from .engine import OcrEngine

        engine = OcrEngine()
    bgr = to_bgr(image)
    h, w = bgr.shape[:2]
    scale = min(1.0, engine.settings.orientation_det_limit_side_len / max(h, w, 1))
    if scale < 1.0:
        bgr = _reduced(bgr, scale)
    det = engine.detector.detect(bgr)
    crops = [crop_quad(bgr, q) for q in det.quads]
    crops = [c for c in crops if c.shape[1] >= 2 * c.shape[0]]
    crops.sort(key=lambda c: c.shape[1], reverse=True)
    return crops[:max_lines]
