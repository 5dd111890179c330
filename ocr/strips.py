"""Reading many short table crops as one text line ("strips").

Most table crops are short numbers ("0", "12", "-10"); read one by one, each
costs a whole padded ``rec_image_width`` x ``rec_image_height`` input. Here the
short single-line crops of one table row (or of consecutive rows) are scaled to
``rec_image_height``, pasted side by side on a strip of paper-coloured
background with a blank gap between them, and the strip is recognised once.

Before any of that, a crop that is the same picture as an earlier one
(:mod:`ocr.glyphs`) is left out and takes that crop's reading, so a page's
hundred lone "0"s cost a handful of strip places.

CTC gives one output per time step and each step covers a fixed number of
input columns (W / T for an input W px wide with T steps), so the character
decoded at step t sits near x = (t + 0.5) * W / T. Every step is given to the
crop whose x-interval, widened by half the gap on each side, holds its centre;
greedy CTC decoding (argmax, collapse repeats, drop blanks) then runs per crop,
so a "0" ending one crop and a "0" starting the next stay two characters.

The short lines of one multi-line cell (vertical header text set one
character a line, 结/果/维/持; a label wrapped in a narrow column) share a strip
the same way, top to bottom: read alone, each one-character crop would be
padded to ``rec_image_width``, four times its width.

Only short crops go on strips (``strip_max_aspect``); wide crops (labels,
sentences), crops much lower than the others (a lone "-" or "—", which the
height normalisation would blow up into a black bar) and whatever the caller
keeps off strips are read one by one, in the same model batches.

    recs = recognize_rows(engine.recognizer, crops, rows)   # one Recognition per crop
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Hashable, Sequence

import cv2
import numpy as np

from .crops import to_bgr
from .glyphs import glyph_exemplars
from .settings import OcrSettings
from .types import Recognition

__all__ = ["recognize_rows", "strip_candidates", "Strip", "build_strips", "split_strip"]

_PACKED = ("packed",)  # the one strip key of all packable crops (OcrSettings.strip_pack_rows)


@dataclass(frozen=True)
class Strip:
    """Several crops pasted side by side on one line image.

    image : (rec_image_height, W, 3) uint8 BGR.
    members : indices of the pasted crops (into the caller's list), left to right.
    bounds : (len(members) + 1,) float x positions in px of the strip: step
        centres in [bounds[k], bounds[k + 1]) belong to member k. Inner bounds
        are the middles of the gaps; the last bound is half a gap past the last
        crop.
    """

    image: np.ndarray
    members: tuple[int, ...]
    bounds: np.ndarray


def _scaled_width(image: np.ndarray, height: int) -> int:
    h, w = image.shape[:2]
    return max(1, int(math.ceil(height * w / h)))


def strip_candidates(images: Sequence[np.ndarray], rows: Sequence[Hashable | None],
                     settings: OcrSettings) -> np.ndarray:
    """(N,) bool: which crops may go on a strip.

    A crop qualifies when its row key is not None, it is not empty, its
    width/height is at most ``strip_max_aspect`` and its height is at least
    ``strip_min_height_frac`` of the median height of the other such crops.
    """
    n = len(images)
    sizes = np.array([im.shape[:2] if im.size else (0, 0) for im in images], np.float64).reshape(n, 2)
    h, w = sizes[:, 0], sizes[:, 1]
    ok = np.array([r is not None for r in rows], bool) & (h > 0) & (w > 0)
    ok &= w <= settings.strip_max_aspect * np.maximum(h, 1)
    if ok.any():
        ok &= h >= settings.strip_min_height_frac * np.median(h[ok])
    return ok


def _chunks(ids: Sequence[int], rows: Sequence[Hashable | None], widths: np.ndarray,
            settings: OcrSettings) -> list[list[int]]:
    """Greedy left-to-right split of candidate crops into strips within the caps."""
    gap = settings.strip_gap * settings.rec_image_height
    out: list[list[int]] = []
    current: list[int] = []
    width = 0.0
    for i in ids:
        new_row = bool(current) and rows[i] != rows[current[-1]]
        too_long = bool(current) and (
            len(current) >= settings.strip_max_crops
            or width + gap + widths[i] > settings.strip_max_width
        )
        if current and (too_long or new_row):  # one table row per strip
            out.append(current)
            current, width = [], 0.0
        width += (gap if current else 0.0) + widths[i]
        current.append(i)
    if current:
        out.append(current)
    return out


def build_strips(images: Sequence[np.ndarray], groups: Sequence[Sequence[int]],
                 settings: OcrSettings) -> list[Strip]:
    """One strip per group of crop indices (BGR crops, pasted in group order)."""
    height = settings.rec_image_height
    gap = int(round(settings.strip_gap * height))
    strips = []
    for members in groups:
        parts = [cv2.resize(images[i], (_scaled_width(images[i], height), height)) for i in members]
        # Paper colour: the median of the crops' outer columns (trim_to_ink
        # leaves a background margin around the ink on every side).
        edges = np.concatenate([np.concatenate([p[:, :2], p[:, -2:]], axis=1).reshape(-1, 3) for p in parts])
        paper = np.median(edges, axis=0).astype(np.uint8)
        widths = np.array([p.shape[1] for p in parts])
        # A gap before the first crop too: a crop flush with the strip's left
        # edge reads worse (a leading "0" as "o").
        lead = gap
        starts = lead + np.concatenate([[0], np.cumsum(widths[:-1] + gap)])
        total = int(starts[-1] + widths[-1] + lead)
        image = np.empty((height, total, 3), np.uint8)
        image[:] = paper
        for p, x in zip(parts, starts):
            image[:, x : x + p.shape[1]] = p
        ends = starts + widths
        bounds = np.concatenate([[0.0], (ends[:-1] + starts[1:]) / 2.0, [ends[-1] + gap / 2.0]])
        strips.append(Strip(image, tuple(members), bounds))
    return strips


def split_strip(decoder, probs: np.ndarray, width: float, strip: Strip) -> list[Recognition]:
    """Decode one strip's (T, C) output into one Recognition per member.

    decoder : the recogniser's :class:`~ocr.recognize.CtcDecoder` (dictionary
        and look-alike groups).
    width : the model input width in px (the strip plus any batch padding).

    Text is stripped of surrounding spaces; confidence is the mean score of the
    member's non-space characters (look-alike groups summed as in
    ``CtcDecoder``), 0 when the member got no character.
    """
    idx, prob = decoder.best_path(probs[None])
    idx, prob = idx[0], prob[0]
    steps = idx.shape[0]
    centres = (np.arange(steps) + 0.5) * (width / steps)
    n = len(strip.members)
    owner = np.searchsorted(strip.bounds, centres, side="right") - 1  # -1 / n: outside
    inside = (owner >= 0) & (owner < n)
    keep = inside & (idx != 0)
    keep[1:] &= (idx[1:] != idx[:-1]) | (owner[1:] != owner[:-1])
    chars = decoder.characters[idx]
    out = []
    for k in range(n):
        sel = keep & (owner == k)
        text = "".join(chars[sel]).strip()
        solid = sel & (chars != " ")
        conf = float(prob[solid].mean()) if text and solid.any() else 0.0
        out.append(Recognition(text, conf))
    return out


def recognize_rows(recognizer, crops: Sequence[np.ndarray | None],
                   rows: Sequence[Hashable | None], settings: OcrSettings | None = None,
                   *, keep_reading: Sequence[bool] | None = None) -> list[Recognition]:
    """Recognise ``crops`` (one text line each), short ones of a row together.

    Parameters
    ----------
    recognizer : the :class:`~ocr.recognize.Recognizer` (``engine.recognizer``).
    crops : trimmed line crops (:func:`ocr.trim_to_ink`), None for no ink.
    rows : one key per crop: crops with the same key (a table row, or the
        lines of one cell) may share a strip, pasted in input order (give them
        left to right, or top to bottom); None keeps a crop off strips.
    settings : defaults to the recogniser's; uses the ``strip_*`` fields.
        With ``strips`` off this is ``recognizer.recognize(crops)``.
    keep_reading : optional, one flag per crop; a flagged crop keeps its strip
        reading whatever characters it holds (the lines of one cell read
        side by side: their texts are joined anyway, so the strip reads them
        in their own context).

    Crops that are the same picture as an earlier crop
    (:func:`ocr.glyph_exemplars`, ``glyph_*`` settings) are not recognised:
    they take that crop's reading when it is a value (only characters of
    ``strip_accept_chars``), and are read alone otherwise. With
    ``strip_pack_rows`` the short crops of different keys share strips,
    except the crops flagged in ``keep_reading``, which keep their own.

    Returns one :class:`Recognition` per crop, in input order, like
    ``Recognizer.recognize``. Crops are batched by width alone (singles and
    strips together), so each is padded only to its batch's widest. A strip
    member that got no character, or one not flagged in ``keep_reading`` with
    a character outside ``strip_accept_chars`` (a label: brackets and
    Chinese read differently next to other crops), is read again alone and
    gets that reading; with ``strip_accept_chars`` None it keeps the strip
    reading (no character: ``Recognition('', 0.0)``).
    """
    s = settings or recognizer.settings
    if len(rows) != len(crops):
        raise ValueError(f"{len(crops)} crops but {len(rows)} row keys")
    if keep_reading is not None and len(keep_reading) != len(crops):
        raise ValueError(f"{len(crops)} crops but {len(keep_reading)} keep_reading flags")
    if not s.strips:
        return recognizer.recognize(crops)
    images = [np.zeros((0, 0, 3), np.uint8) if c is None else to_bgr(c) for c in crops]
    leader = glyph_exemplars(images, s)
    follows = leader != np.arange(len(images))
    results = _recognize_exemplars(
        recognizer, [np.zeros((0, 0, 3), np.uint8) if f else im for im, f in zip(images, follows)],
        rows, s, keep_reading)
    # A follower takes its exemplar's reading only when that reading is a
    # value (digits, placeholders): Chinese has near-twins a small picture
    # cannot tell apart (菜/葵), so those followers are read on their own.
    accept = _accepted(s)
    alone = [i for i in np.flatnonzero(follows).tolist()
             if accept is not None and not set(results[leader[i]].text) <= accept]
    for i in np.flatnonzero(follows).tolist():
        results[i] = results[leader[i]]
    _read_again(recognizer, images, alone, rows, s, keep_reading, results)
    return results


def _read_again(recognizer, images: Sequence[np.ndarray], ids: Sequence[int],
                rows: Sequence[Hashable | None], s: OcrSettings,
                keep_reading: Sequence[bool] | None, results: list[Recognition]) -> None:
    """Read the crops ``ids`` (followers of a Chinese exemplar) on their own, into ``results``.

    Such crops of one cell whose lines are read side by side (``keep_reading``:
    the characters of vertical header text, 结/果 of table four repeated in
    every column) share a strip again: alone, each one-character crop would
    be padded to ``rec_image_width``, four times its width. Any other crop is
    read alone. The cell's other lines keep their readings.
    """
    if not ids:
        return
    kept = keep_reading if keep_reading is not None else [False] * len(images)
    chosen = set(ids)
    empty = np.zeros((0, 0, 3), np.uint8)
    reread = _recognize_exemplars(
        recognizer, [im if i in chosen else empty for i, im in enumerate(images)],
        [r if kept[i] else None for i, r in enumerate(rows)], s, keep_reading)
    for i in ids:
        results[i] = reread[i]


def _read_alone(recognizer, images: Sequence[np.ndarray], ids: Sequence[int],
                results: list[Recognition]) -> None:
    """Recognise ``images[i]`` for each ``i`` of ``ids`` on its own, into ``results[i]``."""
    for batch, probs, _ in recognizer.forward([images[i] for i in ids]):
        for j, rec in zip(batch, recognizer.decode(probs)):
            results[ids[j]] = rec


def _accepted(settings: OcrSettings) -> set[str] | None:
    """The characters a strip (or a shared glyph) reading may hold, or None: any."""
    if settings.strip_accept_chars is None:
        return None
    return set(settings.strip_accept_chars) | {" "}


def _recognize_exemplars(recognizer, images: list[np.ndarray], rows: Sequence[Hashable | None],
                         s: OcrSettings, keep_reading: Sequence[bool] | None) -> list[Recognition]:
    """:func:`recognize_rows` on BGR images (empty ones read as nothing), without glyph sharing."""
    results = [Recognition("", 0.0)] * len(images)
    if s.strip_pack_rows:  # every crop not kept to its own cell's strip may share any strip
        kept = keep_reading if keep_reading is not None else [False] * len(images)
        rows = [_PACKED if r is not None and not k else r for r, k in zip(rows, kept)]
    candidate = strip_candidates(images, rows, s)
    widths = np.array([_scaled_width(im, s.rec_image_height) if im.size else 0 for im in images])
    first: dict[Hashable, int] = {}
    for i in np.flatnonzero(candidate).tolist():
        first.setdefault(rows[i], i)
    ordered = sorted(np.flatnonzero(candidate).tolist(), key=lambda i: (first[rows[i]], i))
    groups = [g for g in _chunks(ordered, rows, widths, s) if len(g) > 1]
    on_strip = {i for g in groups for i in g}
    singles = [i for i, im in enumerate(images) if im.size and i not in on_strip]
    strips = build_strips(images, groups, s)
    lines = [images[i] for i in singles] + [st.image for st in strips]
    for ids, probs, width in recognizer.forward(lines):
        single_pos = [j for j, line in enumerate(ids) if line < len(singles)]
        if single_pos:
            for j, rec in zip(single_pos, recognizer.decode(probs[single_pos])):
                results[singles[ids[j]]] = rec
        for j, line in enumerate(ids):
            if line >= len(singles):
                strip = strips[line - len(singles)]
                for i, rec in zip(strip.members, split_strip(recognizer.decode, probs[j], width, strip)):
                    results[i] = rec
    accept = _accepted(s)
    if accept is not None:
        kept = set(np.flatnonzero(keep_reading).tolist()) if keep_reading is not None else set()
        again = [i for i in sorted(on_strip) if not results[i].text
                 or (i not in kept and not set(results[i].text) <= accept)]
        _read_alone(recognizer, images, again, results)
    return results
