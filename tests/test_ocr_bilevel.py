"""Crops of 1-bit (black-and-white) scans: detection, speck removal, smoothing.

Real PP-OCRv4 models and real sample pages, no mocks. A bilevel page is made
the way an office scanner makes one: the 300-dpi grey page of s02 thresholded
to 1 bit (Otsu), with 1-3 px speck dots added in the paper around the text.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest

import layout
from layout.orient import rotate_degrees
import ocr
from govreport.pipeline import MM_PER_INCH, _crop, _grow
from govreport.settings import Settings
from ocr.crops import is_bilevel, remove_specks, smooth_bilevel
from ocr.engine import OcrEngine

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
VALUE = re.compile(r"^-?[0-9][0-9.]*$")


def _fold(text: str) -> str:
    """NFKC without spaces, look-alikes of zero as 0: what mapping parses."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"[Oo〇]", "0", text)


def _page(name: str, number: int):
    path = SAMPLES / f"{name}.pdf"
    if not path.exists():
        pytest.skip(f"{path.name} not generated yet")
    cfg = Settings().layout
    with layout.open_document(path, cfg.raster) as document:
        for raw in document:
            if raw.number == number:
                return layout.orient_page(raw, cfg.orient, cfg.binarize)
    raise AssertionError(f"{name} has no page {number}")


def _cell_boxes(page, *, values_only: bool) -> list[tuple[int, int, int, int]]:
    """Crop boxes of single-line cells, grown as the pipeline grows them."""
    settings = Settings()
    found = layout.analyse_page(page, settings.layout)
    margin = round(settings.pipeline.crop_margin_mm * page.dpi / MM_PER_INCH)
    return [_grow(cell.text_lines[0], margin, cell.bbox)
            for table in found.tables for cell in table.cells
            if len(cell.text_lines) == 1 and (cell.col > 0 or not values_only)]


def _one_bit(gray_page: np.ndarray) -> np.ndarray:
    """(H, W) grey page -> (H, W, 3) BGR with values 0 and 255 only (Otsu)."""
    _, bw = cv2.threshold(gray_page, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return cv2.cvtColor(bw, cv2.COLOR_GRAY2BGR)


def _speckle(crop: np.ndarray, rng: np.random.Generator, n: int = 4) -> np.ndarray:
    """Add ``n`` 1-3 px black dots to a 1-bit crop, none touching a stroke or
    another dot, one of them 3 px right of the text on its baseline (where a decimal point
    would be)."""
    out = crop.copy()
    ink = (out[:, :, 0] < 128).astype(np.uint8)
    ys, xs = np.nonzero(ink)
    near = cv2.dilate(ink, np.ones((7, 7), np.uint8))
    h, w = ink.shape
    spots = [(int(ys.max()) - 2, int(xs.max()) + 3)]
    spots += list(zip(rng.integers(0, h - 3, 4 * n).tolist(), rng.integers(0, w - 3, 4 * n).tolist()))
    placed = 0
    for y, x in spots:  # a handful of dots per crop: test data, not the code under test
        size = int(rng.integers(1, 4))
        if y + size <= h and x + size <= w and not near[y : y + size, x : x + size].any():
            out[y : y + size, x : x + size] = 0
            near[max(y - 3, 0) : y + size + 3, max(x - 3, 0) : x + size + 3] = 1  # dots stay apart
            placed += 1
        if placed == n:
            break
    return out


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return OcrEngine(Settings().ocr)


@pytest.fixture(scope="module")
def s02_page2():
    """(grey BGR page, 1-bit BGR page, value-cell boxes) of s02 page 2 (300 dpi)."""
    page = _page("s02_jianshan_2023", 2)
    assert page.dpi == pytest.approx(300, abs=1)
    gray = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY)
    return page.image, _one_bit(gray), _cell_boxes(page, values_only=True)


def test_detector_says_bilevel_for_1_bit_crops_only(s02_page2):
    grey, bw, boxes = s02_page2
    assert len(boxes) > 50
    for box in boxes:
        assert is_bilevel(_crop(bw, box))
        assert not is_bilevel(_crop(grey, box))
    # The deskew's linear interpolation grey-levels the edges of a 1-bit page:
    # still bilevel.
    turned = rotate_degrees(bw, 0.7)
    assert np.unique(turned).size > 2
    assert sum(is_bilevel(_crop(turned, b)) for b in boxes) >= 0.95 * len(boxes)
    # Blank, empty or low-contrast crops are not.
    assert not is_bilevel(np.full((40, 80), 255, np.uint8))
    assert not is_bilevel(np.zeros((0, 0), np.uint8))
    assert not is_bilevel(np.where(_crop(bw, boxes[0]) > 0, 200, 150).astype(np.uint8))


def test_detector_says_no_for_the_jpeg_samples():
    """Grey JPEG scans, including s11 (binarised before its JPEG compression)."""
    for name in ("s01_jishishan_2021", "s11_binarised_2020", "s16_skew_blur_2020"):
        page = _page(name, 2)
        boxes = _cell_boxes(page, values_only=False)
        assert len(boxes) > 50
        assert not any(is_bilevel(_crop(page.image, b)) for b in boxes), name


def test_grey_crops_pass_through_unchanged(s02_page2):
    grey, _, boxes = s02_page2
    off = Settings().ocr.model_copy(update={"bilevel": False})
    for name in ("s01_jishishan_2021", "s11_binarised_2020"):
        page = _page(name, 2)
        for box in _cell_boxes(page, values_only=False):
            crop = _crop(page.image, box)
            a, b = ocr.trim_to_ink(crop), ocr.trim_to_ink(crop, off)
            assert (a is None and b is None) or np.array_equal(a, b), (name, box)
    for box in boxes:
        crop = _crop(grey, box)
        assert np.array_equal(ocr.trim_to_ink(crop), ocr.trim_to_ink(crop, off))


def test_speckled_bilevel_cells_read_as_the_grey_ones(engine, s02_page2):
    grey, bw, boxes = s02_page2
    off = Settings().ocr.model_copy(update={"bilevel": False})
    truth = [r.text for r in engine.recognize([ocr.trim_to_ink(_crop(grey, b)) for b in boxes])]
    keep = [i for i, t in enumerate(truth) if VALUE.match(_fold(t))]
    assert len(keep) > 50
    rng = np.random.default_rng(5)
    speckled = [_speckle(_crop(bw, boxes[i]), rng) for i in keep]
    before = engine.recognize([ocr.trim_to_ink(c, off) for c in speckled])
    after = engine.recognize([ocr.trim_to_ink(c) for c in speckled])
    expected = [_fold(truth[i]) for i in keep]
    right_before = sum(_fold(r.text) == t for r, t in zip(before, expected))
    right_after = sum(_fold(r.text) == t for r, t in zip(after, expected))
    assert right_after == len(keep), [(t, r.text) for r, t in zip(after, expected) if _fold(r.text) != t]
    assert right_before < 0.8 * len(keep)  # the specks did matter


def test_decimal_point_survives_speck_removal(engine):
    """s04 prints '534.865 万元' (150 dpi): upsampled to 300 dpi and made 1-bit,
    the decimal point must stay while 1-3 px dots go."""
    crops = []
    for number in (1, 2):  # section 二 starts on page 1 and may run on
        page = _page("s04_huangzhong_2023", number)
        crops += [_crop(page.image, b) for b in _cell_boxes(page, values_only=True)]
    reads = engine.recognize([ocr.trim_to_ink(c) for c in crops])
    hits = [i for i, r in enumerate(reads) if "534.865" in r.text]
    assert hits, [r.text for r in reads]
    gray = cv2.cvtColor(crops[hits[0]], cv2.COLOR_BGR2GRAY)
    gray = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    bw = _speckle(_one_bit(gray), np.random.default_rng(1))
    assert is_bilevel(bw)
    rec, = engine.recognize([ocr.trim_to_ink(bw)])
    assert _fold(rec.text) == "534.865万元", rec


def test_remove_specks_keeps_strokes_and_shape(s02_page2):
    _, bw, boxes = s02_page2
    crop = _crop(bw, boxes[0])
    dotted = _speckle(crop, np.random.default_rng(2), n=6)
    assert not np.array_equal(dotted, crop)
    cleaned = remove_specks(dotted)
    assert cleaned.shape == dotted.shape and cleaned.dtype == np.uint8
    assert np.array_equal(cleaned, crop)  # every dot gone, every stroke pixel kept
    assert np.array_equal(remove_specks(crop), crop)


def test_smooth_bilevel_reaches_the_model_height_with_grey_edges(s02_page2):
    _, bw, boxes = s02_page2
    settings = Settings().ocr
    trimmed = ocr.trim_to_ink(_crop(bw, boxes[0]), settings.model_copy(update={"bilevel": False}))
    assert trimmed.shape[0] > settings.rec_image_height  # 300 dpi: taller than 48 px
    out = smooth_bilevel(trimmed, settings)
    h, w = trimmed.shape[:2]
    assert out.shape == (settings.rec_image_height, int(np.ceil(settings.rec_image_height * w / h)), 3)
    assert np.unique(out).size > 10  # anti-aliased, no longer 1-bit
    small = np.ascontiguousarray(trimmed[: settings.rec_image_height // 2])
    assert np.array_equal(smooth_bilevel(small, settings), small)  # lower crops stay as they are
