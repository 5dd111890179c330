"""The review loop without a browser: the site's files, its page images, apply-corrections.

All on a real extract of REVIEW_SAMPLES (``review_extract`` in conftest): the
real pipeline's JSON, the real page re-rendering, the real CSV writer.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from govreport.cli import main
from govreport.review import CorrectionsError, apply_corrections
from govreport.review.images import page_images
from govreport.settings import Settings
from govreport.tables import read_csv
from models import Report


def _copy(extract: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(extract, out)
    return out


def _report(out: Path, name: str) -> Report:
    return Report.model_validate_json((out / name).read_text(encoding="utf-8"))


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def site(review_extract: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    shutil.copytree(review_extract, out)
    assert main(["review", str(out)]) == 0
    return out / "review"


def test_every_report_of_the_batch_has_a_page_with_its_flags(site: Path, review_extract: Path) -> None:
    rows = read_csv(review_extract / "review.csv")
    index = (site / "index.html").read_text(encoding="utf-8")
    for row in read_csv(review_extract / "dataset.csv"):
        stem = row["output"].removesuffix(".json")
        assert f'href="reports/{stem}.html"' in index
        html = (site / "reports" / f"{stem}.html").read_text(encoding="utf-8")
        want = sorted(r["key"] for r in rows if r["output"] == row["output"])
        items = sorted(re.findall(r'<li class="flag"[^>]*data-review-key="([^"]+)"', html))
        boxes = sorted(re.findall(r'<rect class="field flagged"[^>]*data-review-key="([^"]+)"', html))
        assert items == want and boxes == want, row["output"]
        report = _report(review_extract, row["output"])
        failed = sorted(c.rule for c in report.checks if c.status == "failed")
        assert sorted(re.findall(r'data-check="([^"]+)"', html)) == failed
        assert len(re.findall(r'<img src="[^"]+\.jpg"', html)) == report.source.pages
    assert sum(int(r["review_fields"]) for r in read_csv(review_extract / "dataset.csv")) == len(rows) > 0


def test_the_site_loads_nothing_from_outside_its_folder(site: Path) -> None:
    pages = [site / "index.html", *sorted((site / "reports").glob("*.html"))]
    assert len(pages) > 1
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"^(?:[a-z]+:)?//", ref), (page.name, ref)
            target = (page.parent / ref).resolve()
            assert target.is_file() and site.resolve() in target.parents, (page.name, ref)
        assert "@import" not in html and "url(" not in html


@pytest.mark.parametrize("name", ["s10_rot90_2021.json", "t05_perspective_2021.json",
                                  "d06_mixed_2023.json"])
def test_replayed_pages_put_each_box_on_the_text_it_was_read_from(
        review_extract: Path, pipeline, name: str) -> None:
    """OCR of the re-rendered page inside a value's box reads that value's raw text.

    s10 is turned a quarter, t05 rectified by a homography, d06 mixes
    text-layer pages with a deskewed scan: each box must land on its digits.
    """
    report = _report(review_extract, name)
    images = dict(page_images(report, Settings().layout))
    assert sorted(images) == [p.number for p in report.pages]
    for p in report.pages:
        assert images[p.number].shape[:2] == (p.height, p.width)
    # distinct multi-digit values, read with confidence: a box one cell off reads another number
    picked = {}
    for key, f in report.fields.items():
        if re.fullmatch(r"\d{2,}", f.raw) and f.confidence >= 0.9 and not f.review:
            picked.setdefault(f.raw, (key, f))
    assert len(picked) >= 4, name
    matched = 0
    for raw, (key, f) in list(picked.items())[:10]:
        x0, y0, x1, y1 = f.bbox
        inset = max(2, (y1 - y0) // 10)  # keep the ruling out of the crop
        crop = images[f.page][y0 + inset:y1 - inset, x0 + inset:x1 - inset]
        text = "".join(line.text for line in pipeline.engine.read_text(crop))
        matched += re.sub(r"\D", "", text) == raw
    assert matched >= min(10, len(picked)) - 1, name


def test_a_changed_source_is_named_and_the_report_shown_without_images(
        review_extract: Path, tmp_path: Path) -> None:
    out = _copy(review_extract, tmp_path)
    data = json.loads((out / "s03_tongren_2023.json").read_text(encoding="utf-8"))
    data["source"]["sha256"] = "0" * 64
    (out / "s03_tongren_2023.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["review", str(out), "-o", str(tmp_path / "site")]) == 1
    html = (tmp_path / "site" / "reports" / "s03_tongren_2023.html").read_text(encoding="utf-8")
    assert "has changed since it was extracted" in html and "<img" not in html
    assert 'data-review-key="' in html  # the flagged values are still listed
    assert len(list((tmp_path / "site" / "reports").glob("*/p*.jpg"))) > 0  # the others have images


def _flagged(report: Report) -> list[str]:
    return [k for k, f in report.fields.items() if f.review]


def _apply(out: Path, path: Path, corrections: dict) -> None:
    path.write_text(json.dumps(corrections), encoding="utf-8")
    assert main(["apply-corrections", str(out), str(path)]) == 0


def test_apply_settles_values_reruns_the_rules_and_rebuilds_the_tables(
        review_extract: Path, tmp_path: Path) -> None:
    """s08 prints a balance that does not hold (41 + 3 ≠ 40 + 1 in the natural-person
    column, so also in the total): its eight cells are flagged."""
    out = _copy(review_extract, tmp_path)
    name = "s08_balance_fail_2022.json"
    path = tmp_path / "corrections.json"
    before = _report(out, name)
    rule = next(c for c in before.checks if c.rule == "applications.balance.natural_person")
    assert rule.status == "failed" and set(rule.keys) <= set(_flagged(before))
    new, carried, total, forward = (before.fields[k].value for k in rule.keys)

    # 1. accepting one cell settles it; the rule still fails and still flags the others
    _apply(out, path, {name: {rule.keys[0]: {"value": new, "action": "accept"}}})
    after = _report(out, name)
    accepted = after.fields[rule.keys[0]]
    assert not accepted.review and not accepted.reasons
    assert accepted.corrected is not None and accepted.corrected.action == "accept"
    assert accepted.corrected.from_ == new and accepted.corrected.reasons  # why it was flagged
    assert {c.rule: c.status for c in after.checks}[rule.rule] == "failed"
    assert all(after.fields[k].review for k in rule.keys[1:])
    assert sorted(_flagged(after)) == sorted(set(_flagged(before)) - {rule.keys[0]})

    # 2. typing the carried-forward counts that make the printed balance hold (in both
    #    columns it is off in, so the row's sum still holds) settles the report's doubts
    right = new + carried - total
    forward_total = before.fields["applications.carried_forward.total"].value
    _apply(out, path, {name: {
        rule.keys[0]: {"value": new, "action": "accept"},
        "applications.carried_forward.natural_person": {"value": right, "action": "correct"},
        "applications.carried_forward.total": {"value": forward_total + right - forward,
                                               "action": "correct"},
    }})
    after = _report(out, name)
    fixed = after.fields["applications.carried_forward.natural_person"]
    assert fixed.value == right and not fixed.review
    assert fixed.corrected.from_ == forward and fixed.corrected.action == "correct"
    assert all(c.status != "failed" for c in after.checks)
    assert _flagged(after) == []  # the cells in doubt only through the failed rules are not any more
    raw = json.loads((out / name).read_text(encoding="utf-8"))
    assert raw["fields"]["applications.carried_forward.natural_person"]["corrected"]["from"] == forward
    assert "corrected" not in raw["fields"]["applications.carried_over.total"]

    assert [r for r in read_csv(out / "review.csv") if r["output"] == name] == []
    assert any(r["output"] != name for r in read_csv(out / "review.csv"))  # the other reports' rows stay
    dataset = {r["output"]: r for r in read_csv(out / "dataset.csv")}
    assert float(dataset[name]["applications.carried_forward.natural_person"]) == right
    assert (int(dataset[name]["review_fields"]), int(dataset[name]["failed_checks"])) == (0, 0)
    # applying the same file again changes nothing (a cut-short run is finished by rerunning)
    once = _snapshot(out)
    assert main(["apply-corrections", str(out), str(path)]) == 0
    assert _snapshot(out) == once


def test_a_blank_correction_is_null_not_zero(review_extract: Path, tmp_path: Path) -> None:
    out = _copy(review_extract, tmp_path)
    name = "s09_appeals_fail_2023.json"
    key = _flagged(_report(out, name))[0]
    apply_corrections(out, {name: {key: {"value": None, "action": "correct"}}})
    f = _report(out, name).fields[key]
    assert f.value is None and f.corrected.action == "correct" and not f.review
    assert [r[key] for r in read_csv(out / "dataset.csv") if r["output"] == name] == [""]


@pytest.mark.parametrize("entries, named", [
    ({"nope.json": {"applications.new.total": {"value": 1, "action": "correct"}}}, "nope.json"),
    ({"s08_balance_fail_2022.json": {"applications.no_such.key": {"value": 1, "action": "correct"}}},
     "applications.no_such.key"),
    ({"s08_balance_fail_2022.json": {"applications.new.total": {"value": "12", "action": "correct"}}},
     "number or null"),
    ({"s08_balance_fail_2022.json": {"applications.new.total": {"value": True, "action": "correct"}}},
     "number or null"),
    ({"s08_balance_fail_2022.json": {"applications.new.total": {"value": 1, "action": "fix"}}},
     '"fix"'),
    ({"s08_balance_fail_2022.json": {"applications.new.total": {"value": 99999, "action": "accept"}}},
     "accept of 99999"),
])
def test_a_bad_correction_is_named_and_nothing_is_half_applied(
        review_extract: Path, tmp_path: Path, capsys, entries: dict, named: str) -> None:
    out = _copy(review_extract, tmp_path)
    good = {"s09_appeals_fail_2023.json": {_flagged(_report(out, "s09_appeals_fail_2023.json"))[0]:
                                           {"value": 7, "action": "correct"}}}
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps({**good, **entries}), encoding="utf-8")
    before = _snapshot(out)
    assert main(["apply-corrections", str(out), str(path)]) == 1
    assert named in capsys.readouterr().err
    assert _snapshot(out) == before
    with pytest.raises(CorrectionsError):
        apply_corrections(out, path)


def test_the_schema_describes_the_additions() -> None:
    schema = Report.model_json_schema()
    defs = schema["$defs"]
    assert set(defs["Correction"]["properties"]) == {"from", "action", "reasons"}
    assert "corrected" in defs["FieldValue"]["properties"]
    assert "corrected" not in defs["FieldValue"].get("required", [])
    assert set(defs["TableGrid"]["properties"]) == {"bbox", "cells"}
    assert "tables" in defs["PageInfo"]["properties"]
