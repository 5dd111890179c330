"""Strips (short cell crops of a table row read as one line) on real sample crops.

Real models, no mocks: every value cell of s01 page 2 and of s12 (full-width
digits, '/', '—', '无' cells) must read via ``ocr.recognize_rows`` as it reads
crop by crop, and far fewer model inputs must be needed.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

import layout
import ocr
from govreport.pipeline import MM_PER_INCH, _crop, _grow, _own_lines_strip, _strip_row
from govreport.settings import Settings
from ocr.engine import OcrEngine
from ocr.recognize import Recognizer
from ocr.strips import build_strips, split_strip, strip_candidates

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
# What a value cell holds: a number (half- or full-width, maybe 万元), or a
# placeholder for none.
VALUE = re.compile(r"^(-?[0-9][0-9.,]*(万元)?|[/—–\-]+|无)$")


def _fold(text: str) -> str:
    """NFKC without spaces, look-alikes of zero as 0: what mapping parses."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"(?<![^\d.,\-])[Oo〇](?![^\d.,])", "0", text)


def _page_crops(settings: Settings, name: str, pages: set[int] | None = None):
    """(crops, row keys) of every cell text line, prepared as the pipeline does."""
    path = SAMPLES / f"{name}.pdf"
    if not path.exists():
        pytest.skip(f"{path.name} not generated yet")
    cfg = settings.layout
    out = []
    with layout.open_document(path, cfg.raster) as document:
        for raw in document:
            if pages is not None and raw.number not in pages:
                continue
            page = layout.orient_page(raw, cfg.orient, cfg.binarize)
            found = layout.analyse_page(page, cfg)
            margin = round(settings.pipeline.crop_margin_mm * page.dpi / MM_PER_INCH)
            crops, rows = [], []
            for ti, table in enumerate(found.tables):
                for cell in sorted(table.cells, key=lambda c: (c.row, c.bbox[0])):
                    key = _strip_row(ti, cell, settings.ocr)
                    for box in cell.text_lines:
                        crops.append(ocr.trim_to_ink(_crop(page.image, _grow(box, margin, cell.bbox)), settings.ocr))
                        rows.append(key)
            out.append((crops, rows))
    return out


@pytest.fixture(scope="module")
def engine():
    return OcrEngine(Settings().ocr)


@pytest.mark.parametrize("name, pages", [("s01_jishishan_2021", {2}), ("s12_fullwidth_2022", None)])
def test_value_cells_read_the_same_on_strips(engine, name, pages):
    settings = Settings()
    assert settings.ocr.strips
    n_values = n_strip = 0
    for crops, rows in _page_crops(settings, name, pages):
        single = engine.recognize(crops)
        strip = ocr.recognize_rows(engine.recognizer, crops, rows)
        images = [ocr.to_bgr(c) if c is not None else np.zeros((0, 0, 3), np.uint8) for c in crops]
        on_strip = strip_candidates(images, rows, settings.ocr)
        for i, (a, b) in enumerate(zip(single, strip)):
            if not VALUE.match(_fold(a.text)):
                continue
            n_values += 1
            n_strip += bool(on_strip[i])
            assert _fold(b.text) == _fold(a.text), (i, a, b)
            assert b.confidence > 0.5, (i, a, b)
    assert n_values > 60
    assert n_strip > 0.8 * n_values  # most values really went on strips


def test_strips_need_few_model_inputs(engine):
    settings = Settings()
    (crops, rows), = _page_crops(settings, "s01_jishishan_2021", {2})
    images = [ocr.to_bgr(c) for c in crops if c is not None]
    keys = [k for c, k in zip(crops, rows) if c is not None]
    on_strip = strip_candidates(images, keys, settings.ocr)
    assert on_strip.sum() > 100
    ids = np.flatnonzero(on_strip)
    groups: dict = {}
    for i in ids:
        groups.setdefault(keys[i], []).append(int(i))
    # One strip per row at most max_crops long: inputs grow with rows, not cells.
    n_strips = sum(-(-len(g) // settings.ocr.strip_max_crops) for g in groups.values())
    assert n_strips < on_strip.sum() / 4


def test_character_positions_split_a_strip(engine):
    """A synthetic strip of three real crops: characters go back to their crops,
    a repeated character across a boundary stays two characters, and an empty
    member gets confidence 0."""
    settings = Settings()
    crops = [c for page_crops, _ in _page_crops(settings, "s04_huangzhong_2023") for c in page_crops]
    single = engine.recognize(crops)
    zeros = [i for i, r in enumerate(single) if r.text == "0" and crops[i] is not None]
    other = [i for i, r in enumerate(single) if re.fullmatch(r"[1-9][0-9.]*", r.text)]
    assert len(zeros) >= 2 and other
    images = [ocr.to_bgr(crops[i]) for i in (zeros[0], zeros[1], other[0])]
    blank = np.full_like(images[0], int(np.median(images[0])))
    images.append(blank)
    strip, = build_strips(images, [[0, 1, 2, 3]], settings.ocr)
    (ids, probs, width), = engine.recognizer.forward([strip.image])
    recs = split_strip(engine.recognizer.decode, probs[0], width, strip)
    assert [_fold(r.text) for r in recs[:3]] == ["0", "0", single[other[0]].text]
    assert recs[3].text == "" and recs[3].confidence == 0.0


def test_switch_off_is_crop_by_crop(engine):
    settings = Settings()
    (crops, rows), = _page_crops(settings, "s01_jishishan_2021", {2})
    off = settings.ocr.model_copy(update={"strips": False})
    assert ocr.recognize_rows(engine.recognizer, crops[:20], rows[:20], off) == engine.recognize(crops[:20])
    with pytest.raises(ValueError):
        ocr.recognize_rows(engine.recognizer, crops[:3], rows[:2])


def test_lines_of_one_cell_read_as_one_strip(engine):
    """Section 四's header is set one character a line (结/果/维/持): those lines
    share a strip per cell and the cell texts read as they do line by line."""
    settings = Settings()
    assert settings.ocr.strip_cell_lines
    (crops, rows), = _page_crops(settings, "s01_jishishan_2021", {3})
    keep = [_own_lines_strip(key) for key in rows]
    cell_lines = [i for i, k in enumerate(keep) if k and crops[i] is not None]
    single = engine.recognize(crops)
    strip = ocr.recognize_rows(engine.recognizer, crops, rows, keep_reading=keep)
    images = [ocr.to_bgr(c) if c is not None else np.zeros((0, 0, 3), np.uint8) for c in crops]
    on_strip = strip_candidates(images, rows, settings.ocr)
    assert len(cell_lines) > 40 and on_strip[cell_lines].mean() > 0.8
    cells: dict = {}
    for i in cell_lines:
        alone, joined = cells.setdefault(rows[i], ([], []))
        alone.append(single[i].text)
        joined.append(strip[i].text)
    texts = {key: (_fold("".join(a)), _fold("".join(j))) for key, (a, j) in cells.items()}
    assert any(j == "结果维持" for _, j in texts.values())
    same = [a == j for a, j in texts.values()]
    assert all(same), [t for t, ok in zip(texts.values(), same) if not ok]
    with pytest.raises(ValueError):
        ocr.recognize_rows(engine.recognizer, crops[:3], rows[:3], keep_reading=keep[:2])


class _CountingRecognizer(Recognizer):
    """The real recogniser, adding up the padded columns it is given."""

    columns = 0

    def forward(self, images):
        for ids, probs, width in super().forward(images):
            self.columns += len(ids) * width
            yield ids, probs, width


def test_repeated_header_characters_are_read_with_their_cell(engine):
    """结/果 recur in every column of section 四's header: their crops are the same
    picture as the first column's, but a Chinese reading is never shared. They
    are read again with their cell's lines on a strip, not one by one (each
    padded to rec_image_width), so glyph sharing costs no more model columns
    than reading without it, and every cell reads as without it."""
    settings = Settings()
    (crops, rows), = _page_crops(settings, "s01_jishishan_2021", {3})
    keep = [_own_lines_strip(key) for key in rows]
    counts, texts = [], []
    for glyph_once in (True, False):
        ocr_settings = settings.ocr.model_copy(update={"glyph_once": glyph_once})
        recognizer = _CountingRecognizer(engine.recognizer.model, ocr_settings)
        texts.append([r.text for r in ocr.recognize_rows(recognizer, crops, rows, keep_reading=keep)])
        counts.append(recognizer.columns)
    shared, unshared = texts
    header = [i for i, k in enumerate(keep) if k and crops[i] is not None]
    assert sum(shared[i] in "结果" for i in header) > 10  # the repeats are there
    assert [shared[i] for i in header] == [unshared[i] for i in header]
    assert counts[0] <= counts[1], counts


def test_batches_hold_at_most_the_column_budget(engine):
    """Recognizer.forward caps each batch by crops and by padded columns, and
    still reads every crop once."""
    settings = Settings()
    (crops, _), = _page_crops(settings, "s01_jishishan_2021", {2})
    images = [ocr.to_bgr(c) for c in crops if c is not None]
    seen = []
    s = engine.recognizer.settings
    for ids, probs, width in engine.recognizer.forward(images):
        assert len(ids) <= s.rec_batch_size
        assert len(ids) == 1 or len(ids) * width <= s.rec_batch_max_columns
        assert probs.shape[0] == len(ids)
        seen.extend(ids)
    assert sorted(seen) == list(range(len(images)))
