"""Tests of the DOCX + LibreOffice renderer (samples/generate/docx_document.py,
samples/generate/libreoffice.py): one real sample through python-docx and a
real `soffice --headless` conversion, checked on the PDF text layer and the
page pixels."""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samples.generate import content  # noqa: E402
from samples.generate.build import truth_of  # noqa: E402
from samples.generate.catalog import all_specs  # noqa: E402
from samples.generate.docx_document import (APPEALS, MATRIX, DocxStyle,  # noqa: E402
                                            build_document, row_labels)
from samples.generate.keys import APPLICATION_ROWS  # noqa: E402
from samples.generate.libreoffice import (normalise, pdf_texts, render_docx_pages,  # noqa: E402
                                          soffice_path)
from samples.generate.render import PT_PER_INCH, RENDER_DPI, mm_to_px  # noqa: E402

pytestmark = pytest.mark.skipif(
    soffice_path() is None,
    reason="LibreOffice (soffice) is not installed; run scripts/install-libreoffice.sh")

SPEC_NAME = "s01_jishishan_2021"
A4_PX = (mm_to_px(210.0), mm_to_px(297.0))
HEADER_GREY = (190, 240)        # D9D9D9 = 217 after rasterising
WHITE_MIN = 250


@pytest.fixture(scope="module")
def spec():
    return next(s for s in all_specs() if s.name == SPEC_NAME)


@pytest.fixture(scope="module")
def rendered(spec):
    return render_docx_pages(spec)


@pytest.fixture(scope="module")
def texts(rendered):
    return [normalise(t) for t in pdf_texts(rendered.pdf)]


def test_pages_are_grey_a4_at_300_dpi(rendered):
    assert 2 <= len(rendered.pages) <= 6
    for page in rendered.pages:
        assert page.mode == "L"
        assert page.size == A4_PX
        a = np.asarray(page)
        assert a.min() < 50 and np.median(a) >= WHITE_MIN      # ink on white paper


def test_truth_is_the_generator_truth(spec, rendered):
    assert rendered.truth == truth_of(spec)


def test_docx_has_real_merges_fonts_and_page_field(rendered):
    xml = zipfile.ZipFile(io.BytesIO(rendered.docx)).read("word/document.xml").decode()
    footer = "".join(zipfile.ZipFile(io.BytesIO(rendered.docx)).read(n).decode()
                     for n in zipfile.ZipFile(io.BytesIO(rendered.docx)).namelist()
                     if n.startswith("word/footer"))
    assert xml.count("<w:gridSpan") > 10 and xml.count('<w:vMerge w:val="restart"') >= 5
    assert 'w:eastAsia="Noto Serif CJK SC"' in xml and "asciiTheme" not in xml
    assert 'w:fill="D9D9D9"' in xml and "<w:tblBorders>" in xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer


def test_tables_claimed_pages_hold_the_row_labels(spec, rendered, texts):
    report = build_document(spec, rendered.style)
    labels = row_labels(report.tables[MATRIX][0])
    assert list(labels) == APPLICATION_ROWS[spec.applications_template]
    frags = [t for t in rendered.tables if t["table"] == MATRIX]
    assert frags and frags[0]["first_row"] == "new" and frags[-1]["last_row"] == "carried_forward"
    keys = list(labels)
    covered: list[str] = []
    for f in frags:
        page = texts[f["page"] - 1]
        rows = keys[keys.index(f["first_row"]):keys.index(f["last_row"]) + 1]
        for k in rows:
            assert normalise(labels[k]) in page, (k, f)
        covered += rows
    assert covered == keys                       # fragments tile the rows in order
    first_label = normalise(labels["new"])
    assert [i + 1 for i, t in enumerate(texts) if first_label in t] == [frags[0]["page"]]
    heading = normalise(content.HEADINGS["applications"])
    assert heading in texts[frags[0]["page"] - 1]
    (appeals,) = [t for t in rendered.tables if t["table"] == APPEALS]
    page = texts[appeals["page"] - 1]
    assert normalise(content.HEADINGS["appeals"]) in page
    for lab in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"):
        assert lab in page
    assert appeals["note"] == ""
    # section 四 follows the matrix: same page as its last fragment, or the next
    assert appeals["page"] in (frags[-1]["page"], frags[-1]["page"] + 1)


def _text_box_px(pdf: bytes, page_no: int, text: str) -> tuple[int, int, int, int]:
    """Pixel box (x0, y0, x1, y1) at RENDER_DPI of `text` on 1-based page."""
    doc = pdfium.PdfDocument(pdf)
    page = doc[page_no - 1]
    tp = page.get_textpage()
    found = tp.search(text).get_next()
    assert found, f"{text!r} not on page {page_no}"
    i, n = found
    boxes = [tp.get_charbox(j) for j in range(i, i + n)]
    h = page.get_height()
    s = RENDER_DPI / PT_PER_INCH
    box = (int(min(b[0] for b in boxes) * s), int((h - max(b[3] for b in boxes)) * s),
           int(max(b[2] for b in boxes) * s), int((h - min(b[1] for b in boxes)) * s))
    doc.close()
    return box


def test_matrix_header_row_is_shaded(rendered):
    page_no = next(t["page"] for t in rendered.tables if t["table"] == MATRIX)
    page = np.asarray(rendered.pages[page_no - 1])
    x0, y0, x1, y1 = _text_box_px(rendered.pdf, page_no, "申请人情况")
    yc = (y0 + y1) // 2
    gap = (x1 - x0) // 2                          # blank cell space beside the text
    left = page[yc - 3:yc + 4, x0 - gap:x0 - gap // 2]
    right = page[yc - 3:yc + 4, x1 + gap // 2:x1 + gap]
    for patch in (left, right):
        assert HEADER_GREY[0] <= np.median(patch) <= HEADER_GREY[1], np.median(patch)
    # a body row is not shaded: beside the first row label
    bx0, by0, bx1, by1 = _text_box_px(rendered.pdf, page_no, "上年结转政府信息公开申请数量")
    body = page[(by0 + by1) // 2 - 3:(by0 + by1) // 2 + 4, bx1 + 10:bx1 + 30]
    assert np.median(body) >= WHITE_MIN


def test_footer_page_numbers(rendered, texts):
    for i, (page, text) in enumerate(zip(rendered.pages, texts), start=1):
        assert f"—{i}—" in text
        x0, y0, x1, y1 = _text_box_px(rendered.pdf, i, str(i) + " —")
        assert y0 > page.height * 0.9                     # in the bottom margin
        assert abs((x0 + x1) / 2 - page.width / 2) < page.width * 0.05   # centred
        assert np.asarray(page)[y0:y1, x0:x1].min() < 80


def test_deterministic(spec, rendered):
    again = render_docx_pages(spec, rendered.style, fix_breaks=False)
    assert len(again.pages) == len(rendered.pages)
    for a, b in zip(rendered.pages, again.pages):
        assert np.array_equal(np.asarray(a), np.asarray(b))
    assert again.tables == rendered.tables


def test_style_knobs_change_the_document(spec):
    style = DocxStyle(value_align="left", inner_pt=0.75, outer_pt=1.0, header_fill="BFBFBF")
    xml = build_document(spec, style).document.element.xml
    assert 'w:sz="6"' in xml and 'w:sz="8"' in xml and 'w:fill="BFBFBF"' in xml
