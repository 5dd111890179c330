"""Tests of the scanned-sample generator (samples/generate) and the sample set."""
from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samples.generate.build import build, seed_of, truth_of  # noqa: E402
from samples.generate.catalog import all_specs, s01  # noqa: E402
from samples.generate.keys import (APPLICATION_ROWS, PROACTIVE_ROWS, check_rules,  # noqa: E402
                                   expected_keys, failed_rules)

SAMPLES = ROOT / "samples"
TRUTHS = sorted(SAMPLES.glob("*.truth.json"))
MAX_TOTAL_BYTES = 15_000_000     # the bundled samples (samples/stress has its own budget)
MAX_ALL_SAMPLES_BYTES = 40_000_000  # everything under samples/


def _small(spec):
    """A cheap variant of a spec (150 dpi) for generator tests."""
    return dataclasses.replace(spec, name=spec.name + "_t", dpi=150)


def test_key_lists_match_spec_counts():
    assert len(PROACTIVE_ROWS["2021"]) == 6 and len(PROACTIVE_ROWS["2019"]) == 8
    assert len(APPLICATION_ROWS["2021"]) == 25 and len(APPLICATION_ROWS["2019"]) == 23
    assert len(expected_keys("2021", "2021")) == 10 + 25 * 7 + 15
    assert len(expected_keys("2019", "2019")) == 22 + 23 * 7 + 15
    assert "proactive.fees.amount_wan_yuan" in expected_keys("2021", "2021")
    assert "proactive.procurement.items" not in expected_keys("2021", "2019")
    assert "applications.other.total" in expected_keys("2021", "2019")
    assert "applications.other_other.total" not in expected_keys("2021", "2019")


# CI clones the repo with shared/ beside it
SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "report-schema.md"


@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not available")
def test_row_keys_match_the_spec_document():
    """Row keys and their templates as listed in the spec's tables."""
    text = SPEC.read_text("utf-8")
    sec2 = text.split("## Section 二")[1].split("## Section 三")[0]
    sec3 = text.split("## Section 三")[1].split("## Section 四")[0]
    rows2 = re.findall(r"^\|[^|]*\| `(\w+)` \|[^|]*\| (both|2019|2021) \|$", sec2, re.M)
    rows3 = re.findall(r"^\| `(\w+)` \|[^|]*\| (both|2019|2021) \|$", sec3, re.M)
    for tpl in ("2019", "2021"):
        assert [r for r, t in rows2 if t in ("both", tpl)] == [r for r, _ in PROACTIVE_ROWS[tpl]]
        assert [r for r, t in rows3 if t in ("both", tpl)] == APPLICATION_ROWS[tpl]


@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not available")
def test_proactive_columns_match_the_spec_document():
    text = SPEC.read_text("utf-8").split("## Section 二")[1].split("## Section 三")[0]
    cols = re.findall(r"^\| (（[一五六八九）（]+）) \| (2019|2021) \| `(\w+)` \|", text, re.M)
    table_rows = {"（一）": ["rules", "normative_docs"],
                  "（五）（六）": ["licensing", "other_services", "penalty", "coercion"],
                  "（八）": ["fees"], "（九）": ["procurement"]}
    for tpl in ("2019", "2021"):
        want = {(r, c) for t, y, c in cols if y == tpl for r in table_rows[t]
                if r in dict(PROACTIVE_ROWS[tpl])}
        have = {(r, c) for r, cs in PROACTIVE_ROWS[tpl] for c in cs}
        assert have == want, tpl


def test_rules_checker():
    spec = s01()
    f = dict(spec.fields)
    assert failed_rules(f, "2021") == []
    f["appeals.review.upheld"] = 10
    f["appeals.review.corrected"] = 1
    assert failed_rules(f, "2021") == ["appeals.sum.review"]
    blank = {k: None for k in f}
    assert set(check_rules(blank, "2021").values()) == {"not_applicable"}


def test_generator_is_deterministic(tmp_path):
    spec = _small(s01())
    a, b = tmp_path / "a", tmp_path / "b"
    build(spec, a)
    build(spec, b)
    for suffix in (".pdf", ".truth.json"):
        assert (a / f"{spec.name}{suffix}").read_bytes() == (b / f"{spec.name}{suffix}").read_bytes()
    assert seed_of("x") == seed_of("x") != seed_of("y")


def test_catalog_is_consistent():
    specs = all_specs()
    assert len(specs) >= 16
    assert len({s.name for s in specs}) == len(specs)
    for s in specs:
        truth_of(s)   # raises on wrong keys or unexpected rule results


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.split(".")[0])
def test_truth_file(truth_path):
    t = json.loads(truth_path.read_text("utf-8"))
    assert set(t) == {"meta", "fields", "expected_failed_rules"}
    meta = t["meta"]
    assert isinstance(meta["agency"], str) and meta["agency"]
    assert isinstance(meta["year"], int)
    tpl = meta["template"]
    assert tpl["proactive"] in ("2019", "2021") and tpl["applications"] in ("2019", "2021")
    assert sorted(t["fields"]) == sorted(expected_keys(tpl["proactive"], tpl["applications"]))
    for k, v in t["fields"].items():
        assert v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)), k
        if v is not None and not k.endswith("amount_wan_yuan"):
            assert float(v).is_integer(), k
            assert v >= 0 or k.endswith(".change"), k
    assert failed_rules(t["fields"], tpl["applications"]) == sorted(t["expected_failed_rules"])


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.split(".")[0])
def test_pdf_is_image_only_jpeg(truth_path):
    pdf_path = truth_path.with_name(truth_path.name.replace(".truth.json", ".pdf"))
    raw = pdf_path.read_bytes()
    assert b"/DCTDecode" in raw
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        assert 3 <= len(doc) <= 5
        for page in doc:
            assert page.get_textpage().get_text_range() == ""
            objs = list(page.get_objects())
            assert objs and all(o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for o in objs)
    finally:
        doc.close()


def test_every_sample_has_truth_and_size_budget():
    pdfs = sorted(SAMPLES.glob("*.pdf"))
    assert {p.stem for p in pdfs} == {t.name.replace(".truth.json", "") for t in TRUTHS}
    assert {p.stem for p in pdfs} == {s.name for s in all_specs()}
    files = [p for p in SAMPLES.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files if "stress" not in p.relative_to(SAMPLES).parts) < MAX_TOTAL_BYTES
    assert sum(p.stat().st_size for p in files) < MAX_ALL_SAMPLES_BYTES
