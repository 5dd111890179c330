"""The review site in a real browser: Debian's Chromium, headless, driven by Playwright.

The site is made from a real extract (``review_extract``) and opened from
disk, as an auditor opens it offline. The tests count the flagged items
against review.csv, click a value and a failed check, settle values with the
mouse and the keyboard, download corrections.json, apply it and check the
reports and the tables. A screenshot of a report page is written to
``out/test-artifacts/review-report.png``.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from govreport.cli import main
from govreport.tables import read_csv
from models import Report

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "out" / "test-artifacts"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Chromium is not installed; run scripts/install-chromium.sh")


@pytest.fixture(scope="module")
def out(review_extract: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "out"
    shutil.copytree(review_extract, out)
    assert main(["review", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        # the flags keep Chromium off the network this machine does not have
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 860})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    yield pg
    context.close()
    assert errors == []


def _open(page, out: Path, name: str | None = None) -> None:
    target = out / "review" / ("index.html" if name is None else f"reports/{name}.html")
    page.goto(target.as_uri())


def _in_view(page, selector: str) -> bool:
    """The element's centre lies inside the page viewer's visible box."""
    return page.evaluate("""(sel) => {
        const r = document.querySelector(sel).getBoundingClientRect();
        const v = document.getElementById('viewer').getBoundingClientRect();
        const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
        return r.width > 0 && x > v.left && x < v.right && y > v.top && y < v.bottom; }""", selector)


def test_the_index_and_every_report_show_the_flags_of_review_csv(page, out: Path) -> None:
    _open(page, out)
    dataset = read_csv(out / "dataset.csv")
    rows = page.locator("tr.report")
    assert rows.count() == len(dataset)
    review = read_csv(out / "review.csv")
    for row in dataset:
        tr = page.locator(f'tr.report[data-output="{row["output"]}"]')
        assert tr.locator("td.flagged").inner_text() == row["review_fields"]
    for row in dataset:
        _open(page, out, row["output"].removesuffix(".json"))
        want = sorted(r["key"] for r in review if r["output"] == row["output"])
        keys = page.eval_on_selector_all("#flags li[data-review-key]",
                                         "els => els.map(e => e.dataset.reviewKey)")
        assert sorted(keys) == want
        assert page.locator("svg rect[data-review-key]").count() == len(want)
        shown = page.eval_on_selector_all(  # the images load lazily: ask for each, then decode it
            ".sheet img", "els => Promise.all(els.map(e => { e.loading = 'eager'; "
            "return e.decode().then(() => e.naturalWidth); }))")
        assert len(shown) == int(row["pages"]) and all(w > 0 for w in shown)


def test_clicking_a_flag_zooms_to_its_cell_and_highlights_it(page, out: Path) -> None:
    _open(page, out, "s08_balance_fail_2022")
    item = page.locator("#flags li.flag").nth(3)
    key = item.get_attribute("data-review-key")
    cell = f'svg rect.field[data-key="{key}"]'
    item.click()
    assert "current" in page.get_attribute(cell, "class")
    assert float(page.get_attribute("#viewer", "data-zoom")) > 1
    assert _in_view(page, cell)
    assert page.locator("svg rect.current").count() == 1
    # keyboard: next and previous flag
    page.keyboard.press("j")
    following = page.locator("#flags li.flag").nth(4).get_attribute("data-review-key")
    assert "current" in page.get_attribute(f'svg rect.field[data-key="{following}"]', "class")
    assert _in_view(page, f'svg rect.field[data-key="{following}"]')
    page.keyboard.press("k")
    assert "current" in page.get_attribute(cell, "class")


def test_clicking_a_failed_check_highlights_all_its_cells(page, out: Path) -> None:
    _open(page, out, "s09_appeals_fail_2023")
    report = Report.model_validate_json((out / "s09_appeals_fail_2023.json").read_text(encoding="utf-8"))
    failed = [c for c in report.checks if c.status == "failed"]
    assert failed
    check = page.locator(f'li.check[data-check="{failed[0].rule}"]')
    assert "≠" in check.inner_text()
    check.click()
    lit = page.eval_on_selector_all("svg rect.highlight", "els => els.map(e => e.dataset.key)")
    assert sorted(lit) == sorted(k for k in failed[0].keys if k in report.fields)


def test_the_review_loop_accept_correct_blank_download_apply(page, out: Path) -> None:
    name = "s08_balance_fail_2022"
    report = Report.model_validate_json((out / f"{name}.json").read_text(encoding="utf-8"))
    flagged = [k for k, f in report.fields.items() if f.review]
    _open(page, out, name)
    items = page.locator("#flags li.flag")
    accept_key = items.nth(0).get_attribute("data-review-key")
    correct_key = items.nth(1).get_attribute("data-review-key")
    items.nth(0).locator("button.accept").click()                # accept with the mouse
    assert "decided" in items.nth(0).get_attribute("class")
    assert "current" in items.nth(1).get_attribute("class")      # on to the next flag
    page.keyboard.press("e")                                     # correct with the keyboard
    page.keyboard.type("1,234")
    page.keyboard.press("Enter")
    assert "1234" in items.nth(1).locator(".decision").inner_text()
    page.keyboard.press("e")
    page.keyboard.type("twelve")                                 # refused, never guessed
    page.keyboard.press("Enter")
    assert "not a number" in items.nth(2).locator(".decision").inner_text()
    page.keyboard.press("Escape")
    page.keyboard.press("b")                                     # the third cell is blank
    blank_key = items.nth(2).get_attribute("data-review-key")
    assert page.locator(f'svg rect.corrected[data-key="{accept_key}"]').count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    items.nth(1).click()
    page.screenshot(path=str(ARTIFACTS / "review-report.png"))

    # the decisions outlive the page: the index (another file) offers them all
    _open(page, out)
    assert page.inner_text("#decision-count") == "3 decisions"
    assert page.locator(f'tr.report[data-output="{name}.json"] td.decided').inner_text() == "3"
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "corrections.json"
    corrections_path = out.parent / "corrections.json"
    download.value.save_as(corrections_path)
    corrections = json.loads(corrections_path.read_text(encoding="utf-8"))
    assert corrections == {f"{name}.json": {
        accept_key: {"value": report.fields[accept_key].value, "action": "accept"},
        correct_key: {"value": 1234, "action": "correct"},
        blank_key: {"value": None, "action": "correct"},
    }}

    assert main(["apply-corrections", str(out), str(corrections_path)]) == 0
    after = Report.model_validate_json((out / f"{name}.json").read_text(encoding="utf-8"))
    assert after.fields[correct_key].value == 1234 and after.fields[blank_key].value is None
    for key, action in ((accept_key, "accept"), (correct_key, "correct"), (blank_key, "correct")):
        f = after.fields[key]
        assert not f.review and f.corrected.action == action
        assert f.corrected.from_ == report.fields[key].value
    # 1234 breaks sums it is in: the checks ran again and say so
    assert any(c.status == "failed" and correct_key in c.keys for c in after.checks)
    review_keys = [r["key"] for r in read_csv(out / "review.csv") if r["output"] == f"{name}.json"]
    assert not {accept_key, correct_key, blank_key} & set(review_keys)
    assert sorted(review_keys) == sorted(k for k, f in after.fields.items() if f.review)
    failing = {k for c in after.checks if c.status == "failed" for k in c.keys}
    assert all(k in flagged or k in failing for k in review_keys)  # no flag from nowhere
    row = next(r for r in read_csv(out / "dataset.csv") if r["output"] == f"{name}.json")
    assert row[correct_key] == "1234" and row[blank_key] == ""

    # the site made again shows the settled values and starts with no decisions
    assert main(["review", str(out)]) == 0
    _open(page, out, name)
    assert page.inner_text("#decision-count") == "0 decisions"
    assert page.locator(f'svg rect.corrected[data-key="{correct_key}"]').count() == 1
    assert page.locator(f'#flags li[data-review-key="{correct_key}"]').count() == 0
