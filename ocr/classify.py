"""Text direction (0° / 180°) of line crops, and a page-level vote.

Uses ch_ppocr_mobile_v2.0_cls with RapidOCR's pre-processing: each crop is
resized to ``cls_image_height`` (aspect kept, at most ``cls_image_width`` wide),
scaled to [-1, 1] and padded with 0 on the right.
"""
from __future__ import annotations

import math
from typing import Sequence

import cv2
import numpy as np

from .crops import to_bgr
from .engine import OnnxModel
from .settings import OcrSettings
from .types import Direction, OrientationVote

__all__ = ["Classifier", "Direction", "OrientationVote"]

LABELS = (0, 180)


class Classifier:
    """0°/180° classifier for single-line crops.

    Parameters
    ----------
    model : the direction-classifier :class:`~ocr.engine.OnnxModel`.
    settings : uses ``cls_image_height``, ``cls_image_width``,
        ``cls_batch_size``, ``cls_thresh``, ``cls_min_votes``.
    """

    def __init__(self, model: OnnxModel, settings: OcrSettings | None = None) -> None:
        self.model = model
        self.settings = settings or OcrSettings()

    def classify(self, crops: Sequence[np.ndarray]) -> list[Direction]:
        """Direction of each crop ((H, W[, C]) uint8, one text line), in input order.

        Empty crops give ``Direction(0, 0.0)``.
        """
        images = [to_bgr(c) for c in crops]
        out = [Direction(0, 0.0)] * len(images)
        valid = [i for i, im in enumerate(images) if im.shape[0] > 0 and im.shape[1] > 0]
        bs = self.settings.cls_batch_size
        for start in range(0, len(valid), bs):
            ids = valid[start : start + bs]
            probs = self.model(np.stack([self._resize_norm(images[i]) for i in ids]))
            for i, p in zip(ids, probs):
                k = int(np.argmax(p))
                out[i] = Direction(LABELS[k], float(p[k]))
        return out

    __call__ = classify

    def orientation(self, line_crops: Sequence[np.ndarray]) -> OrientationVote:
        """Vote over the lines of a page; see :class:`OrientationVote`.

        Pass crops of several (ideally 5-30) text lines as they appear in the
        page image; lines shorter than about two characters carry little signal.
        """
        s = self.settings
        mass = {0: 0.0, 180: 0.0}
        votes = {0: 0, 180: 0}
        for d in self.classify(line_crops):
            if d.confidence >= s.cls_thresh:
                mass[d.angle] += d.confidence
                votes[d.angle] += 1
        total = mass[0] + mass[180]
        if total == 0:
            return OrientationVote(False, 0.0, 0, 0)
        upside = mass[180] > mass[0] and votes[180] >= s.cls_min_votes
        win = mass[180] if mass[180] > mass[0] else mass[0]
        return OrientationVote(upside, win / total, votes[0], votes[180])

    def is_upside_down(self, line_crops: Sequence[np.ndarray]) -> bool:
        """True when the lines read upside down by majority (see :meth:`orientation`)."""
        return self.orientation(line_crops).upside_down

    def _resize_norm(self, img: np.ndarray) -> np.ndarray:
        s = self.settings
        h, w = img.shape[:2]
        resized_w = min(s.cls_image_width, int(math.ceil(s.cls_image_height * w / h)))
        resized = cv2.resize(img, (resized_w, s.cls_image_height)).astype(np.float32)
        resized = resized.transpose(2, 0, 1) / 255.0
        resized -= 0.5
        resized /= 0.5
        out = np.zeros((3, s.cls_image_height, s.cls_image_width), np.float32)
        out[:, :, :resized_w] = resized
        return out
