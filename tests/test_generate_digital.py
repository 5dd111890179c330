"""Tests of the born-digital sample generator (samples/generate/digital.py) on the
committed LibreOffice exports: the two ways it spoils a PDF, checked by reading
the written files back with pdfium."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samples.generate.build import truth_of  # noqa: E402
from samples.generate.digital import (DIGITAL, spec_of, with_scanned_page,  # noqa: E402
                                      without_tounicode)

FOLDER = ROOT / "samples" / "digital"


def _page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def test_every_digital_sample_is_committed_with_its_truth():
    manifest = {e["name"]: e for e in json.loads((FOLDER / "manifest.json").read_text("utf-8"))}
    assert set(manifest) == {d.name for d in DIGITAL} and len(DIGITAL) >= 4
    for digital in DIGITAL:
        truth = json.loads((FOLDER / f"{digital.name}.truth.json").read_text("utf-8"))
        assert truth == json.loads(json.dumps(truth_of(spec_of(digital)), ensure_ascii=False))
    templates = {(spec_of(d).proactive_template, spec_of(d).applications_template) for d in DIGITAL}
    assert {("2019", "2019"), ("2021", "2021")} <= templates
    assert any(len({t["page"] for t in e["tables"] if t["table"] == "applications"}) > 1
               for e in manifest.values() if e["spoil"] is None), "a split matrix"


def test_without_tounicode_leaves_the_glyphs_but_no_characters():
    pdf = (FOLDER / "d01_digital_2021.pdf").read_bytes()
    spoilt = without_tounicode(pdf)
    assert len(spoilt) == len(pdf) and b"/ToUnicode" not in spoilt
    document = pdfium.PdfDocument(spoilt)
    textpage = document[1].get_textpage()
    printed = [i for i in range(textpage.count_chars())
               if pdfium_c.FPDFText_IsGenerated(textpage, i) != 1]
    unmapped = sum(pdfium_c.FPDFText_HasUnicodeMapError(textpage, i) == 1 for i in printed)
    assert len(printed) > 100 and unmapped > 0.9 * len(printed)
    assert "政府信息公开" not in textpage.get_text_range()
    with pytest.raises(ValueError, match="object streams"):
        without_tounicode(pdf.replace(b"%PDF-1.6", b"%PDF-1.6 /ObjStm", 1))


def test_with_scanned_page_replaces_one_page_by_an_image():
    pdf = (FOLDER / "d01_digital_2021.pdf").read_bytes()
    document = pdfium.PdfDocument(pdf)
    clean = document[1].render(scale=300 / 72, grayscale=True).to_pil()
    document.close()
    mixed = with_scanned_page(pdf, clean, 2, seed=7)
    texts = _page_texts(mixed)
    assert len(texts) == 3 and texts[1] == "" and texts[0] == _page_texts(pdf)[0]
    page = pdfium.PdfDocument(mixed)[1]
    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
    assert len(images) == 1
    with pytest.raises(ValueError, match="no page 5"):
        with_scanned_page(pdf, clean, 5, seed=7)
