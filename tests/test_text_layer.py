"""Born-digital pages: which text layers are trusted, and the tables read from them.

Every case is a real PDF file read by the real reader (pypdfium2): the
born-digital samples LibreOffice exported (samples/digital/), scans from
samples/, and small PDFs written here with pdfium's own page-object API or
converted by LibreOffice, each made to fail for one reason.
"""
from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

import layout
from govreport.evaluate import values_equal
from layout.settings import LayoutSettings

from conftest import SAMPLES

DIGITAL = SAMPLES / "digital"
SETTINGS = LayoutSettings()


def _pages(path: Path) -> list[layout.Page]:
    with layout.open_document(path, SETTINGS.raster, SETTINGS.text_layer) as document:
        return list(document)


def _verdicts(path: Path) -> list[str | None]:
    return [layout.assess_text_layer(p.text_layer, SETTINGS.text_layer) for p in _pages(path)]


def _add_text(document: pdfium.PdfDocument, page: pdfium.PdfPage, text: str, x: float, y: float,
              size: float = 11.0) -> None:
    """A line of Helvetica text at (x, y) PDF points, through pdfium's page-object API."""
    obj = pdfium_c.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", ctypes.c_float(size))
    wide = (ctypes.c_ushort * (len(text) + 1))(*[ord(ch) for ch in text], 0)  # BMP text
    assert pdfium_c.FPDFText_SetText(obj, wide)
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)


def _save(document: pdfium.PdfDocument, page: pdfium.PdfPage, path: Path) -> Path:
    page.gen_content()  # on the handle the objects went into
    document.save(path)
    return path


def test_a_born_digital_page_is_trusted_and_a_scan_has_no_text_layer():
    assert _verdicts(DIGITAL / "d01_digital_2021.pdf") == [None] * len(_pages(DIGITAL / "d01_digital_2021.pdf"))
    assert set(_verdicts(SAMPLES / "s01_jishishan_2021.pdf")) == {"no text layer"}


def test_text_only_in_header_and_footer(tmp_path):
    document = pdfium.PdfDocument.new()
    page = document.new_page(595, 842)
    _add_text(document, page, "Annual report on government information disclosure", 60, 810)
    _add_text(document, page, "Page 2 of 3, printed 2024-01-05", 240, 20)
    reason = _verdicts(_save(document, page, tmp_path / "margins.pdf"))[0]
    assert reason == "text only in the header and footer"


def test_a_scan_under_a_thin_text_layer_is_read_by_our_own_ocr(tmp_path):
    # someone else's OCR layer on one of our scans: their reading is not trusted
    document = pdfium.PdfDocument(SAMPLES / "s01_jishishan_2021.pdf")
    page = document[0]
    for k in range(12):
        _add_text(document, page, f"recognised line {k} of someone else's OCR", 80, 700 - 20 * k)
    reason = _verdicts(_save(document, page, tmp_path / "ocr_layer.pdf"))[0]
    assert reason.startswith("an image covers") and "read by OCR instead" in reason


def test_glyphs_without_unicode_mapping():
    reasons = _verdicts(DIGITAL / "d05_garbled_2022.pdf")
    assert reasons and all(r and "map to no Unicode character" in r for r in reasons)


def _turned_content(path: Path, out: Path, rotate: int) -> Path:
    """Every page's content turned a quarter left in user space (landscape-authored),
    the page box swapped to match, and ``/Rotate`` set to `rotate`."""
    document = pdfium.PdfDocument(path)
    for page in document:
        w, h = page.get_size()
        quarter_left = pdfium_c.FS_MATRIX(0, 1, -1, 0, h, 0)  # (x, y) -> (h - y, x)
        assert pdfium_c.FPDFPage_TransFormWithClip(page.raw, ctypes.byref(quarter_left), None)
        page.set_mediabox(0, 0, h, w)
        page.set_cropbox(0, 0, h, w)
        page.set_rotation(rotate)
        page.gen_content()
    document.save(out)
    return out


def test_rotated_pages_are_read_upright_from_their_text_layer(tmp_path, pipeline):
    # upright content given a /Rotate (shown sideways), and sideways content shown
    # upright by /Rotate 90 (a landscape page as Word writes it): the characters'
    # own angles say which way is up, and the image is turned to match
    truth = json.loads((DIGITAL / "d01_digital_2021.truth.json").read_text("utf-8"))["fields"]
    given = pdfium.PdfDocument(DIGITAL / "d01_digital_2021.pdf")
    given[1].set_rotation(90)
    given.save(tmp_path / "rotated.pdf")
    cases = {tmp_path / "rotated.pdf": [0, 270, 0],
             _turned_content(DIGITAL / "d01_digital_2021.pdf", tmp_path / "landscape.pdf", 90): [0, 0, 0],
             _turned_content(DIGITAL / "d01_digital_2021.pdf", tmp_path / "sideways.pdf", 0): [90, 90, 90]}
    for path, turned in cases.items():
        assert _verdicts(path) == [None] * 3
        report = pipeline.extract(path)
        assert [p.rotation for p in report.pages] == turned, path.name
        assert all(p.read_by == "text_layer" and p.height > p.width for p in report.pages)
        assert all(values_equal(truth[k], report.fields[k].value) and not report.fields[k].review
                   for k in truth), path.name

def test_latin_only_text_on_a_report_page_is_garbled(tmp_path):
    document = pdfium.PdfDocument.new()
    page = document.new_page(595, 842)
    for k in range(20):
        _add_text(document, page, f"Xk3 qP0 zR {k} wEv", 80, 700 - 20 * k)
    reason = _verdicts(_save(document, page, tmp_path / "latin.pdf"))[0]
    assert reason.startswith("only 0% of the characters are Chinese")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (scripts/install-libreoffice.sh)")
def test_chinese_interleaved_with_separators_is_garbled(tmp_path):
    # how seed 002's text layer reads: 同·市·卫·生·局 (LibreOffice prints what it is given)
    text = tmp_path / "spaced.txt"
    line = "·".join("西宁市城东区卫生健康局二〇二一年政府信息公开工作年度报告")
    text.write_text("\n".join([line] * 6) + "\n", encoding="utf-8")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(text)],
                   check=True, capture_output=True, timeout=180)
    reason = _verdicts(tmp_path / "spaced.pdf")[0]
    assert reason and "interleaved with separators" in reason


def test_vector_grid_of_a_table_split_over_two_pages():
    # section 三 of d03 runs over two pages with its header repeated; merged header cells
    pages = _pages(DIGITAL / "d03_digital_split_2020.pdf")
    found = [layout.digital_layout(p, SETTINGS.text_layer) for p in pages]
    tables = [t for f in found for t in f.tables]
    linked = layout.link_continuations([list(f.tables) for f in found], [p.height for p in pages],
                                       SETTINGS.continuation)
    continued = [t for page_tables in linked for t in page_tables if t.continues_previous]
    assert continued, "the matrix's second part continues the first"
    part = continued[0]
    first = next(t for page_tables in linked for t in page_tables
                 if t.page == part.page - 1 and t.n_cols == part.n_cols)
    # the same columns on both pages, to the px of the vector ruling
    assert np.abs(np.subtract(first.col_edges, part.col_edges)).max() <= 2
    # merged cells: 申请人情况 spans every applicant column, 法人或其他组织 the five
    # kinds of organisation under it
    text_of = {box: "".join(t for _, t in lines) for f in found for box, lines in f.cell_lines.items()}
    span = {text_of.get(c.bbox): c.col_span for c in first.cells}
    assert span["申请人情况"] == 7 and span["法人或其他组织"] == 5
    # every character of a cell lies inside its cell
    for f in found:
        for cell_box, lines in f.cell_lines.items():
            for (x0, y0, x1, y1), _ in lines:
                assert cell_box[0] - 2 <= x0 < x1 <= cell_box[2] + 2
                assert cell_box[1] - 2 <= y0 < y1 <= cell_box[3] + 2
    assert len(tables) >= 3


def test_mixed_document_reads_each_page_with_its_own_reader(pipeline):
    # d06: page 2 (the first part of section 三) was scanned back into the exported PDF
    report = pipeline.extract(DIGITAL / "d06_mixed_2023.pdf")
    assert [p.read_by for p in report.pages] == ["text_layer", "ocr", "text_layer"]
    assert report.pages[1].read_by_reason == "no text layer"
    assert report.pages[0].read_by_reason is None
    assert [w for w in report.warnings if "text layer" in w] == [
        "page 2: no text layer (a scanned page in a born-digital PDF); read by OCR"]
    truth = json.loads((DIGITAL / "d06_mixed_2023.truth.json").read_text("utf-8"))["fields"]
    by_page = {f.page: f.read_by for f in report.fields.values()}
    assert by_page == {1: "text_layer", 2: "ocr", 3: "text_layer"}
    # the matrix continues from the scanned page onto the digital one
    assert {k for k, f in report.fields.items() if k.startswith("applications.") and f.page == 3}
    assert all(values_equal(truth[k], f.value) for k, f in report.fields.items() if k in truth)
    assert set(truth) <= set(report.fields)
    digital = [f for f in report.fields.values() if f.read_by == "text_layer"]
    assert digital and all(f.confidence == 1.0 and not f.review for f in digital)


def test_garbled_document_goes_to_ocr_with_a_warning_per_page(pipeline):
    report = pipeline.extract(DIGITAL / "d05_garbled_2022.pdf")
    assert {p.read_by for p in report.pages} == {"ocr"}
    for page in report.pages:
        assert page.read_by_reason.startswith("its text layer was not used (")
        assert "map to no Unicode character" in page.read_by_reason
        assert any(w.startswith(f"page {page.number}: its text layer was not used") for w in report.warnings)
    assert report.fields and {f.read_by for f in report.fields.values()} == {"ocr"}
    # the glyphs are still where they are printed: the vector grid and their line
    # boxes stand, and OCR reads the lines; every value right, none in doubt
    truth = json.loads((DIGITAL / "d05_garbled_2022.truth.json").read_text("utf-8"))
    assert set(truth["fields"]) <= set(report.fields)
    assert all(values_equal(truth["fields"][k], f.value) and not f.review
               for k, f in report.fields.items() if k in truth["fields"])
    assert (report.meta.agency, report.meta.year) == (truth["meta"]["agency"], truth["meta"]["year"])


def test_placement_is_judged_apart_from_the_characters():
    garbled = _pages(DIGITAL / "d05_garbled_2022.pdf")[2].text_layer
    assert layout.placement_problem(garbled, SETTINGS.text_layer) is None
    assert "map to no Unicode character" in layout.assess_text_layer(garbled, SETTINGS.text_layer)
    scan = _pages(SAMPLES / "s01_jishishan_2021.pdf")[0].text_layer
    assert layout.placement_problem(scan, SETTINGS.text_layer) == "no text layer"
