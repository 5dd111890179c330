"""A border faded into the grey shading of a header row: the step is the edge.

Word table styles shade the header rows grey. Where the border under them
fades into that shading (toner running out, a faded photocopy), its pixels
stand no darker than the shading beside them, and the shading's own edge
swells any trace of the line into a band too thick for a line. The grey
still steps from the shading to the paper there, in every column of the
table: ``layout.faint_edges.shading_edges`` proposes that row, and the
grid's segment test keeps it where the border is drawn.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import layout
from layout import LayoutSettings, analyse_page
from layout.faint_edges import shading_edges
from layout.settings import GridSettings, mm_to_px

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = LayoutSettings()
WITHOUT = SETTINGS.model_copy(update={"grid": SETTINGS.grid.model_copy(update={"shading_edges": False})})
DPI = 200


def _table(gray_header: float, light: np.ndarray | None = None):
    """A 60 mm x 40 mm table area at 200 dpi: a grey header band 0-20 mm, paper below."""
    h, w = round(mm_to_px(40, DPI)), round(mm_to_px(60, DPI))
    gray = np.full((h, w), 240.0)
    step_at = round(mm_to_px(20, DPI))
    gray[:step_at] = gray_header
    if light is not None:
        gray *= light[:, None]
    rng = np.random.default_rng(0)
    gray = np.clip(gray + rng.normal(0, 4.0, gray.shape), 0, 255).astype(np.uint8)
    rows = np.array([0, h - 1])
    cols = np.linspace(0, w - 1, 6).astype(np.int64)
    return gray, np.zeros_like(gray), rows, cols, step_at


def test_the_end_of_a_shaded_band_is_a_candidate_row():
    gray, ink, rows, cols, step_at = _table(205.0)
    found = shading_edges(gray, ink, rows, cols, DPI, GridSettings())
    assert found.size == 1 and abs(int(found[0]) - step_at) <= mm_to_px(0.3, DPI)


def test_uneven_light_and_faint_shading_are_no_candidates():
    # light falling off by 15 % across the table: grey changes over centimetres
    light = np.linspace(1.0, 0.85, round(mm_to_px(40, DPI)))
    gray, ink, rows, cols, _ = _table(240.0, light)
    assert shading_edges(gray, ink, rows, cols, DPI, GridSettings()).size == 0
    gray, ink, rows, cols, _ = _table(232.0)  # 8 grey levels: no header shading
    assert shading_edges(gray, ink, rows, cols, DPI, GridSettings()).size == 0


def test_a_line_beside_the_row_is_left_out_of_its_flanks():
    gray, ink, rows, cols, _ = _table(240.0)
    y = round(mm_to_px(20, DPI))
    gray[y:y + 3] = 60  # a dark row line, masked as ink
    ink[y - 2:y + 5] = 255
    assert shading_edges(gray, ink, rows, cols, DPI, GridSettings()).size == 0


@pytest.fixture(scope="module")
def t24_page_3():
    path = ROOT / "samples" / "stress" / "t24_lo_faded_persp_edge_2021.pdf"
    if not path.exists():
        pytest.skip(f"{path.name} not generated yet")
    cfg = SETTINGS
    with layout.open_document(path, cfg.raster) as document:
        raw = next(p for p in document if p.number == 3)
    return layout.orient_page(raw, cfg.orient, cfg.binarize, cfg.edges)


def _value_row(page, settings: LayoutSettings) -> tuple[float, int]:
    """Height (mm) of the last grid row of the page's section 四 matrix (the
    widest table) and the table's column count."""
    found = analyse_page(page, settings)
    table = max(found.tables, key=lambda t: t.bbox[2] - t.bbox[0])
    edges = table.row_edges
    return (edges[-1] - edges[-2]) * 25.4 / found.page.dpi, table.n_cols


def test_section_4_value_row_under_a_shaded_header_is_its_own_row(t24_page_3):
    """t24 (LibreOffice, faded, warped, scanner edge): the border between the
    shaded three-row header and the value row faded into the shading, and
    some column lines are left only in the value row."""
    height, n_cols = _value_row(t24_page_3, SETTINGS)
    assert height < 8.0  # one row of numbers
    # column lines drawn only under the faded border reach two rows now
    assert n_cols >= 13
    # without the step, the value row is one with the header cells above it
    height, n_cols_without = _value_row(t24_page_3, WITHOUT)
    assert height > 15.0 and n_cols_without < n_cols
