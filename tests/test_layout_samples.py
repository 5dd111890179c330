"""Layout on the scanned sample reports (skipped when samples/ is empty)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from layout import LayoutSettings, analyse_page, link_continuations, open_document, orient_page

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
MANIFEST = SAMPLES / "manifest.json"
SETTINGS = LayoutSettings()

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason="no scanned samples yet")


def _manifest() -> dict[str, dict]:
    return {m["name"]: m for m in json.loads(MANIFEST.read_text())}


def _pages(name: str):
    with open_document(SAMPLES / f"{name}.pdf", SETTINGS.raster) as doc:
        for raw in doc:
            page = orient_page(raw, SETTINGS.orient, SETTINGS.binarize)
            yield page, analyse_page(page, SETTINGS)


@pytest.mark.parametrize("name", ["s01_jishishan_2021", "s13_faded_lines_2021", "s15_noisy_skew_2022",
                                  "s10_rot90_2021"])
def test_section3_matrix_has_ten_columns(name: str) -> None:
    if not (SAMPLES / f"{name}.pdf").exists():
        pytest.skip(f"{name} not generated")
    tables = [(page, found.tables) for page, found in _pages(name)]
    page2, on_page2 = tables[1]
    matrix = max(on_page2, key=lambda t: t.n_rows)
    assert matrix.n_cols == 10  # 3 label columns + 7 value columns
    assert matrix.n_rows >= 15
    header = [c for c in matrix.cells if c.row == 0]
    assert any(c.col_span == 7 for c in header)  # 申请人情况 over the 7 value columns
    data_rows = {c.row for c in matrix.cells if c.col == 9}
    assert len(data_rows) >= 15
    # section 三 goes on at the top of page 3 and is marked as a continuation
    linked = link_continuations([t for _, t in tables], [p.height for p, _ in tables], SETTINGS.continuation)
    assert linked[2][0].continues_previous and linked[2][0].n_cols == 10


def test_orientation_and_skew_match_manifest() -> None:
    manifest = _manifest()
    for name in ("s10_rot90_2021", "s15_noisy_skew_2022", "s16_skew_blur_2020"):
        if name not in manifest:
            continue
        for (page, _), truth in zip(_pages(name), manifest[name]["pages"]):
            # the manifest gives the skew applied to the scan; the page records the correction
            assert page.skew_degrees == pytest.approx(-truth["skew_deg"], abs=0.15)
            assert page.rotation == (90 if truth["rotated"] else 0)


def _linked(name: str) -> list[list]:
    if not (SAMPLES / f"{name}.pdf").exists():
        pytest.skip(f"{name} not generated")
    pages = list(_pages(name))
    return link_continuations([list(f.tables) for _, f in pages], [p.height for p, _ in pages],
                              SETTINGS.continuation)


def _spans(table) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.row_span, c.col_span) for c in table.cells}


def test_faded_lines_matrix_header() -> None:
    """s13: faint header lines beside dense text are found, so the header merges are right."""
    tables = _linked("s13_faded_lines_2021")
    matrix = max(tables[1], key=lambda t: t.n_rows)
    assert matrix.n_cols == 10
    assert {(0, 0, 3, 3), (0, 3, 1, 7), (1, 3, 2, 1), (1, 4, 1, 5), (1, 9, 2, 1),
            (3, 0, 1, 3), (4, 0, 1, 3)} <= _spans(matrix)
    assert {(2, c, 1, 1) for c in range(4, 9)} <= _spans(matrix)


def test_matrix_over_three_pages_keeps_its_label_column() -> None:
    """s14: the left frame line on page 3 meets no horizontal line; all parts get 10 columns."""
    tables = _linked("s14_three_pages_2019")
    parts = [tables[1][-1], tables[2][0], tables[3][0]]
    assert [t.n_cols for t in parts] == [10, 10, 10]
    assert parts[1].continues_previous and parts[2].continues_previous
    middle = parts[1]
    assert (0, 0, middle.n_rows, 1) in _spans(middle)  # 三、本年度办理结果 running on
    assert middle.bbox[0] == pytest.approx(parts[0].bbox[0], abs=4)


def test_appeals_table_under_red_seal() -> None:
    """s03: the gray ruling under the seal survives; 15 value columns under their headers."""
    tables = _linked("s03_tongren_2023")
    appeals = [t for t in tables[2] if t.n_cols == 15]
    assert len(appeals) == 1
    got = _spans(appeals[0])
    assert {(0, 0, 1, 5), (0, 5, 1, 10), (1, 5, 1, 5), (1, 10, 1, 5)} <= got
    assert {(2, c, 1, 1) for c in range(5, 15)} <= got
    assert {(1, c, 2, 1) for c in range(5)} <= got
    assert {(appeals[0].n_rows - 1, c, 1, 1) for c in range(15)} <= got
