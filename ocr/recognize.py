"""Text recognition (ch_PP-OCRv4_rec, CTC) on line crops, without detection.

Pre-processing, batching and decoding follow RapidOCR's ``TextRecognizer``
(``rapidocr_onnxruntime/ch_ppocr_rec``): each crop is resized to
``rec_image_height`` keeping its aspect ratio, scaled to [-1, 1] and padded
with 0 (mid grey) on the right up to the widest crop of its batch (at least
``rec_image_width``). With the same batch size the texts and scores equal
RapidOCR's on the same crops (see ``OcrSettings.rec_image_width`` for what a
smaller minimum width saves and costs).
"""
from __future__ import annotations

import math
from typing import Iterator, Sequence

import cv2
import numpy as np

from .crops import to_bgr
from .engine import OnnxModel
from .settings import OcrSettings
from .types import Recognition

__all__ = ["Recognizer", "CtcDecoder"]


class CtcDecoder:
    """Greedy CTC decoding: argmax per time step, collapse repeats, drop blanks.

    characters : the model's dictionary (from its metadata); index 0 is the CTC
        blank and a space is appended at the end, as PaddleOCR does.
    look_alike_groups : strings of characters that read as the same symbol in
        a table cell (``"0OoＯ０〇"``). A decoded character of such a group
        scores the summed probability of its group: a lone "0" whose mass is
        split between "0" and "O" is a sure zero, not a doubtful read. The
        text is still the argmax character; mapping decides what "O" means.
    """

    def __init__(self, characters: Sequence[str], look_alike_groups: Sequence[str] = ()) -> None:
        self.characters = np.array(["<blank>", *characters, " "], dtype=object)
        index = {ch: i for i, ch in enumerate(self.characters)}
        groups = [[index[ch] for ch in group if ch in index] for group in look_alike_groups]
        self._groups = [g for g in groups if len(g) > 1]
        self._group_of = np.full(len(self.characters), -1, np.int64)
        for g, members in enumerate(self._groups):
            self._group_of[members] = g

    def best_path(self, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, T, C) softmax output -> (N, T) argmax class and its score.

        The score is the argmax probability, or the summed probability of its
        look-alike group where it has one. Class 0 is the CTC blank; map a
        class to its character with ``characters``.
        """
        idx = probs.argmax(axis=2)
        prob = probs.max(axis=2)
        if self._groups:
            group_prob = np.stack([probs[:, :, g].sum(axis=2) for g in self._groups], axis=2)
            gid = self._group_of[idx]
            grouped = np.take_along_axis(group_prob, np.maximum(gid, 0)[:, :, None], axis=2)[:, :, 0]
            prob = np.where(gid >= 0, grouped, prob)
        return idx, prob

    def __call__(self, probs: np.ndarray) -> list[Recognition]:
        """probs : (N, T, C) float32 softmax output -> N recognitions.

        ``confidence`` is the mean probability of the kept characters (of
        their look-alike group where they have one), 0 for an empty text.
        """
        idx, prob = self.best_path(probs)
        keep = idx != 0
        keep[:, 1:] &= idx[:, 1:] != idx[:, :-1]
        out = []
        for i in range(idx.shape[0]):
            sel = keep[i]
            if not sel.any():
                out.append(Recognition("", 0.0))
                continue
            text = "".join(self.characters[idx[i, sel]]).strip()
            conf = float(np.mean(prob[i, sel])) if text else 0.0
            out.append(Recognition(text, conf))
        return out


class Recognizer:
    """PP-OCRv4 recognition of single-line crops.

    Parameters
    ----------
    model : the recognition :class:`~ocr.engine.OnnxModel`; its metadata must
        hold the character dictionary.
    settings : uses ``rec_batch_size``, ``rec_image_height``, ``rec_image_width``.
    """

    def __init__(self, model: OnnxModel, settings: OcrSettings | None = None) -> None:
        self.model = model
        self.settings = settings or OcrSettings()
        self.decode = CtcDecoder(model.character_list(), self.settings.look_alike_groups)

    def recognize(self, crops: Sequence[np.ndarray | None]) -> list[Recognition]:
        """Read one line of text from each crop.

        Parameters
        ----------
        crops : sequence of (H, W[, C]) uint8 images, grey, BGR or BGRA, one
            text line each (use :func:`ocr.trim_to_ink` on cell crops first).
            Empty (0-sized) crops and None (what :func:`ocr.trim_to_ink`
            returns for a crop without ink) give ``Recognition('', 0.0)``.

        Returns
        -------
        One :class:`Recognition` per crop, in input order. Nothing is filtered
        by score; ``confidence`` is the mean character probability (over all
        decoded characters, as RapidOCR computes it); ``text`` has surrounding
        whitespace stripped (the model emits stray spaces next to short
        numbers) and is otherwise RapidOCR's text for the same crop.
        """
        images = [np.zeros((0, 0, 3), np.uint8) if c is None else to_bgr(c) for c in crops]
        results = [Recognition("", 0.0)] * len(images)
        for batch_ids, probs, _ in self.forward(images):
            for i, rec in zip(batch_ids, self.decode(probs)):
                results[i] = rec
        return results

    def forward(self, images: Sequence[np.ndarray]) -> Iterator[tuple[list[int], np.ndarray, int]]:
        """Run the model on BGR line images, batched as :meth:`recognize` does.

        Yields ``(ids, probs, width)`` per batch: the indices into ``images``
        of the batch, the (len(ids), T, C) softmax output and the input width W
        in px. Empty images are skipped. Images are sorted by width/height and
        batched in that order, at most ``rec_batch_size`` images and at most
        ``rec_batch_max_columns`` padded columns a batch; each is padded on
        the right to its batch's widest (at least ``rec_image_width`` at
        ``rec_image_height``); each of the T time steps covers W / T input
        columns.
        """
        valid = [i for i, im in enumerate(images) if im.shape[0] > 0 and im.shape[1] > 0]
        if not valid:
            return
        s = self.settings
        floor = s.rec_image_width / s.rec_image_height
        ratios = np.array([images[i].shape[1] / images[i].shape[0] for i in valid])
        order = np.argsort(ratios, kind="stable")
        for batch in _batches(np.maximum(ratios[order], floor) * s.rec_image_height,
                              s.rec_batch_size, s.rec_batch_max_columns):
            batch_ids = [valid[j] for j in order[batch]]
            max_ratio = max(floor, *(images[i].shape[1] / images[i].shape[0] for i in batch_ids))
            tensor = np.stack([self._resize_norm(images[i], max_ratio) for i in batch_ids])
            yield batch_ids, self.model(tensor), tensor.shape[3]

    __call__ = recognize

    def _resize_norm(self, img: np.ndarray, max_ratio: float) -> np.ndarray:
        """(3, H, W) float32 in [-1, 1], H = rec_image_height, W = H * max_ratio."""
        height = self.settings.rec_image_height
        width = int(height * max_ratio)
        h, w = img.shape[:2]
        resized_w = min(width, int(math.ceil(height * w / h)))
        resized = cv2.resize(img, (resized_w, height)).astype(np.float32)
        out = np.zeros((3, height, width), np.float32)
        resized = resized.transpose(2, 0, 1) / 255.0
        resized -= 0.5
        resized /= 0.5
        out[:, :, :resized_w] = resized
        return out


def _batches(widths: np.ndarray, max_size: int, max_columns: int) -> list[slice]:
    """Consecutive runs of ascending padded widths (px) into batches.

    Each batch is at most ``max_size`` long and, padded to its last (widest)
    member, at most ``max_columns`` columns; a member wider than that alone.
    """
    out: list[slice] = []
    start = 0
    for k in range(1, len(widths) + 1):
        if k == len(widths) or k - start >= max_size or (k + 1 - start) * widths[k] > max_columns:
            out.append(slice(start, k))
            start = k
    return out
