"""Every labelled sample, end to end through the real pipeline.

The promise under test: every ground-truth key is present, and its value is
right or marked ``review``; no value outside the truth goes out unflagged;
expected rule failures are reported; the JSON written is the document read.
"""
from __future__ import annotations

import json

import pytest

from govreport.evaluate import find_samples, score_report
from models import Report

from conftest import SAMPLES

LABELLED = find_samples(SAMPLES)


def test_there_are_labelled_samples():
    assert len(LABELLED) >= 16


@pytest.mark.parametrize("sample", LABELLED, ids=[s.name for s in LABELLED])
def test_sample_comes_out_as_its_truth(sample, sample_report):
    report, seconds = sample_report(sample.name)
    score = score_report(sample.name, sample.truth, report, seconds)
    assert report.error is None
    assert score.missing == [], f"keys not extracted: {score.missing}"
    assert score.silent_errors == [], "wrong values not marked for review"
    assert score.rules_ok, "an expected consistency-rule failure was not reported"
    truth_meta = sample.truth["meta"]
    assert report.meta.year == truth_meta["year"]
    assert report.meta.template.model_dump() == truth_meta["template"]
    # Every value carries its provenance.
    for key, field in report.fields.items():
        assert 1 <= field.page <= report.source.pages, key
        x0, y0, x1, y1 = field.bbox
        page = report.pages[field.page - 1]
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height, key


def test_json_round_trip_and_schema(sample_report):
    report, _ = sample_report(LABELLED[0].name)
    text = report.to_json()
    assert Report.model_validate_json(text) == report
    data = json.loads(text)
    assert set(data) >= {"source", "pages", "meta", "fields", "checks", "warnings"}
    assert "\\u" not in text, "Chinese must be written as UTF-8, not escaped"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_failed_rule_marks_its_fields_for_review(sample_report):
    failing = [s for s in LABELLED if s.truth.get("expected_failed_rules")]
    assert failing, "the sample set must hold a report that breaks a rule"
    sample = failing[0]
    report, _ = sample_report(sample.name)
    failed = [c for c in report.checks if c.status == "failed"]
    assert {c.rule for c in failed} >= set(sample.truth["expected_failed_rules"])
    for check in failed:
        for key in check.keys:
            if key in report.fields:
                assert report.fields[key].review, key
    # the printed values are still read as printed
    for key, value in sample.truth["fields"].items():
        assert report.fields[key].value == value or report.fields[key].review
