"""Read a glyph once (``ocr.glyphs``): same pictures share a reading, near-twins never do.

Digits are drawn with the report fonts the generator uses (apt CJK fonts),
blurred, noised and JPEG-compressed like a scan, and cut with
``ocr.trim_to_ink`` as the pipeline cuts cells. 0/8/6/9 and 1/7 differ in a
stroke or two; no crop may ever take the reading of another digit, and the
real recogniser must read every crop as it reads it alone.
"""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import ocr
from ocr.engine import OcrEngine
from ocr.glyphs import glyph_exemplars
from ocr.settings import OcrSettings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from samples.generate.render import FONT_FILES  # noqa: E402

SETTINGS = OcrSettings()
TWINS = "0869" + "17" + "35"
FONTS = ("serif", "sans", "uming", "wqy")


def _scanned_digit(text: str, font: str, rng: np.random.Generator, size_px: int = 34) -> np.ndarray:
    """One cell's crop of ``text`` as a 200-dpi scan would give it (BGR uint8)."""
    path, index = FONT_FILES[font]
    if not Path(path).exists():
        pytest.skip(f"font {path} not installed (scripts/install-fonts.sh)")
    face = ImageFont.truetype(path, size_px, index=index)
    canvas = Image.new("L", (4 * size_px, 2 * size_px), 255)
    # a cell's text is not always at the same sub-pixel place
    ImageDraw.Draw(canvas).text((size_px + rng.uniform(0, 1), size_px // 3 + rng.uniform(0, 1)),
                                text, font=face, fill=0)
    grey = cv2.GaussianBlur(np.asarray(canvas, np.float32), (0, 0), rng.uniform(0.4, 0.8))
    grey = np.clip(grey + rng.normal(0, 4.0, grey.shape), 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(55, 85))])
    assert ok
    bgr = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE), cv2.COLOR_GRAY2BGR)
    crop = ocr.trim_to_ink(bgr, SETTINGS)
    assert crop is not None
    return crop


@pytest.fixture(scope="module")
def twins():
    """(crops, texts): each near-twin digit 6 times in each font, shuffled."""
    rng = np.random.default_rng(12)
    items = [(d, f) for f in FONTS for d in TWINS for _ in range(6)]
    order = rng.permutation(len(items))
    crops = [_scanned_digit(items[k][0], items[k][1], rng) for k in order]
    return crops, [items[k][0] for k in order]


def _wrong(crops, texts, settings):
    leader = glyph_exemplars(crops, settings)
    return leader, [(texts[j], texts[i]) for i, j in enumerate(leader) if texts[i] != texts[j]]


def test_near_twins_never_share_a_reading(twins):
    crops, texts = twins
    leader, wrong = _wrong(crops, texts, SETTINGS)
    assert wrong == []
    # with a loose correlation bound the local test alone keeps them apart;
    # without it, 8 takes 3's reading and 0 takes 6's
    loose = SETTINGS.model_copy(update={"glyph_min_correlation": 0.8})
    assert _wrong(crops, texts, loose)[1] == []
    assert _wrong(crops, texts, loose.model_copy(update={"glyph_max_local_difference": 1.0}))[1]
    # and the grouping still pays: most copies follow an exemplar
    assert (leader != np.arange(len(crops))).mean() > 0.5
    assert np.all(leader <= np.arange(len(crops)))  # exemplars come first
    assert np.all(leader[leader] == leader)  # no chains


def test_a_changed_stroke_is_not_the_same_picture(twins):
    """An 8 with one stroke painted out (a 6-like gap) stays apart from its 8."""
    crops, texts = twins
    eight = crops[texts.index("8")]
    broken = eight.copy()
    h, w = broken.shape[:2]
    broken[int(0.15 * h):int(0.45 * h), int(0.55 * w):] = 255  # the upper right of the loop
    leader = glyph_exemplars([eight, eight.copy(), broken], SETTINGS)
    assert leader.tolist() == [0, 0, 2]


def test_off_and_odd_inputs(twins):
    crops, _ = twins
    off = SETTINGS.model_copy(update={"glyph_once": False})
    assert glyph_exemplars(crops, off).tolist() == list(range(len(crops)))
    blank = np.full((30, 20, 3), 255, np.uint8)  # no contrast: correlates with nothing
    wide = np.concatenate([crops[0]] * 6, axis=1)  # a label-like crop is never compared
    leader = glyph_exemplars([None, blank, blank.copy(), wide, wide.copy(), crops[0]], SETTINGS)
    assert leader.tolist() == [0, 1, 2, 3, 4, 5]


def test_recognition_with_shared_glyphs_reads_as_alone(twins):
    """The real recogniser: every crop reads with glyph sharing as without it."""
    crops, _ = twins
    engine = OcrEngine(SETTINGS)
    rows = [(0, k // 8) for k in range(len(crops))]  # table rows of 8 cells
    shared = ocr.recognize_rows(engine.recognizer, crops, rows)
    alone = ocr.recognize_rows(engine.recognizer, crops, rows,
                               SETTINGS.model_copy(update={"glyph_once": False}))
    assert [r.text for r in shared] == [r.text for r in alone]
