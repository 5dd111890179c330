"""The fast OCR paths on real sample crops (real models, no mocks).

- Recognition with ``rec_image_width`` = 192 px (ratio 4, opt-in) instead of
  RapidOCR's 320: every table cell of s01 must read as at 320.
- ``read_text(stop=...)`` recognises the title zone a few lines at a time and
  stops at the title; the title lines must equal a full read's.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

import layout
import ocr
import mapping
from govreport.pipeline import MM_PER_INCH, _crop, _grow
from govreport.settings import Settings
from ocr.engine import OcrEngine

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "s01_jishishan_2021.pdf"
NUMBER = re.compile(r"^-?[0-9][0-9.,]*(万元)?$")


def _has_title(lines) -> bool:
    return mapping.has_title([line.text for line in lines])


def _canon(text: str) -> str:
    """NFKC without spaces: full- and half-width brackets count as equal."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def s01_pages():
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE.name} not generated yet")
    settings = Settings()
    cfg = settings.layout
    with layout.open_document(SAMPLE, cfg.raster) as document:
        pages = [layout.orient_page(raw, cfg.orient, cfg.binarize) for raw in document]
    return settings, pages


def _cell_crops(settings: Settings, page) -> list[np.ndarray | None]:
    """Every cell text-line crop of a page, prepared as ``Pipeline._read_cells`` does."""
    found = layout.analyse_page(page, settings.layout)
    margin = round(settings.pipeline.crop_margin_mm * page.dpi / MM_PER_INCH)
    return [
        ocr.trim_to_ink(_crop(page.image, _grow(box, margin, cell.bbox)), settings.ocr)
        for table in found.tables for cell in table.cells for box in cell.text_lines
    ]


def test_narrow_batches_read_every_s01_cell_as_rapidocr_width(s01_pages):
    settings, pages = s01_pages
    fast = OcrEngine(settings.ocr.model_copy(update={"rec_image_width": 192}))
    wide = OcrEngine(settings.ocr.model_copy(update={"rec_image_width": 320}))
    crops = [c for page in pages for c in _cell_crops(settings, page)]
    assert len(crops) > 200
    got = [r.text for r in fast.recognize(crops)]
    ref = [r.text for r in wide.recognize(crops)]
    numbers = [i for i, t in enumerate(ref) if NUMBER.match(t)]
    assert len(numbers) > 100  # most cells are numbers: the point of the change
    assert [got[i] for i in numbers] == [ref[i] for i in numbers]
    assert [_canon(t) for t in got] == [_canon(t) for t in ref]


def test_title_zone_stops_after_title(s01_pages):
    settings, pages = s01_pages
    engine = OcrEngine(settings.ocr)
    page = pages[0]
    top = page.image[: int(0.3 * page.height)]
    full = engine.read_text(top)
    early = engine.read_text(top, stop=_has_title, chunk=4)
    # Batches differ, so confidences may differ in the last digits; boxes and
    # texts may not.
    def key(lines):
        return [(l.bbox, _canon(l.text)) for l in lines]

    assert 0 < len(early) < len(full)
    assert key(early) == key(full[: len(early)])
    assert _has_title(early)
    assert "年度报告" in "".join(l.text for l in early)
    assert key(engine.read_text(top, stop=lambda lines: False, chunk=3)) == key(full)
