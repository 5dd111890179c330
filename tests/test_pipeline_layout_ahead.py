"""The next page laid out in a worker thread while this one is recognised.

Run on real samples through the real layout and OCR: the overlap must change
nothing in the output, and the worker must be done with the document before
the document closes, however the caller leaves the page loop.
"""
from __future__ import annotations

import threading

import layout
from govreport import Pipeline
from govreport.pipeline import _Timer

from conftest import SAMPLES


def _layout_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("govreport-layout")]


def test_layout_ahead_reads_as_the_stages_one_after_the_other(pipeline, sample_report):
    # the matrix split over pages, and a page turned a quarter: the worker hands over turned pages too
    assert pipeline.settings.pipeline.layout_ahead
    serial = pipeline.with_settings(
        pipeline.settings.overridden({"pipeline.layout_ahead": False})
    )
    for name in ("s14_three_pages_2019", "s10_rot90_2021"):
        ahead, _ = sample_report(name)
        alone = serial.extract(SAMPLES / f"{name}.pdf")
        assert ahead.model_dump(exclude={"timing"}) == alone.model_dump(exclude={"timing"})
        assert len(ahead.pages) >= 1 and ahead.fields
        # stage times are each stage's own; with the overlap their sum may pass the total
        assert all(ahead.timing[stage] > 0 for stage in ("rasterise", "lines_grid", "ocr"))
    assert not _layout_threads()


def test_leaving_the_page_loop_early_stops_the_worker_before_the_document_closes(pipeline):
    settings = pipeline.settings.layout
    with layout.open_document(SAMPLES / "s14_three_pages_2019.pdf", settings.raster) as document:
        n_pages = len(document)
        pages = pipeline._laid_out_pages(document, _Timer())
        page, found, ocr_reason = next(pages)  # the worker is now rendering page 2
        assert page.number == 1 and found.tables and ocr_reason == "no text layer"
        pages.close()  # what closing() in extract does when the loop raises
        assert not _layout_threads()
    # the document is closed and the worker gone: a new extract reads it whole
    report = pipeline.extract(SAMPLES / "s14_three_pages_2019.pdf")
    assert len(report.pages) == n_pages > 2 and report.fields



def test_pages_laid_out_side_by_side_come_in_order(pipeline, sample_report):
    """Three pages laid out at once (layout_ahead_pages): the same report, and
    the workers stop when the caller leaves early."""
    wide = pipeline.with_settings(pipeline.settings.overridden({"pipeline.layout_ahead_pages": 3}))
    for name in ("s14_three_pages_2019", "s10_rot90_2021"):
        one, _ = sample_report(name)
        three = wide.extract(SAMPLES / f"{name}.pdf")
        assert three.model_dump(exclude={"timing"}) == one.model_dump(exclude={"timing"})
    assert not _layout_threads()
    settings = wide.settings.layout
    with layout.open_document(SAMPLES / "s14_three_pages_2019.pdf", settings.raster) as document:
        pages = wide._laid_out_pages(document, _Timer())
        numbers = [next(pages)[0].number, next(pages)[0].number]
        pages.close()
        assert numbers == [1, 2] and not _layout_threads()
