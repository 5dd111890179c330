"""Tests of the scan damage (samples/generate/damage.py) and the committed
stress set (samples/stress). Everything runs through the real generator on
real rendered pages; no LibreOffice needed (its reports are committed PDFs)."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import pikepdf
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samples.generate import damage as D  # noqa: E402
from samples.generate.build import build, render_pages, seed_of, truth_of  # noqa: E402
from samples.generate.render import RENDER_DPI, text_block  # noqa: E402
from samples.generate.stress_catalog import all_stress_specs  # noqa: E402

STRESS = ROOT / "samples" / "stress"
MAX_TOTAL_BYTES = 18_000_000
INK = 128                # clean-page grey level below which a pixel is ink
WHITE = 254.5            # "paper white" after damage


@pytest.fixture(scope="module")
def specs():
    return {s.name: s for s in all_stress_specs()}


@pytest.fixture(scope="module")
def clean(specs) -> np.ndarray:
    """Page 2 (the section 三 matrix) of a generator stress report, clean, 300 dpi."""
    flow = render_pages(specs["t01_faded_2021"])
    return np.asarray(flow.pages[1])


@pytest.fixture(scope="module")
def ruling(clean) -> D.Ruling:
    return D.ruling_lines(clean, RENDER_DPI)


def _rng(tag: str) -> np.random.Generator:
    return np.random.default_rng(seed_of(tag))


def _line_rows(lines: np.ndarray, other: np.ndarray, clean: np.ndarray,
               page: np.ndarray, horizontal: bool):
    """Per ruling line: (clean centre run, damaged centre run) restricted to
    ink pixels outside crossings with lines of the other direction."""
    for x, y, w, h in D._line_boxes(lines):
        box = (slice(y, y + h), slice(x, x + w))
        cross = other[box].any(axis=0 if horizontal else 1)
        if horizontal:
            c, p = clean[y + h // 2, x:x + w], page[y + h // 2, x:x + w]
        else:
            c, p = clean[y:y + h, x + w // 2], page[y:y + h, x + w // 2]
        keep = ~cross & (c < INK)
        if keep.sum() > 40:
            yield c[keep].astype(np.float32), p[keep]


def _gap_fractions(ruling: D.Ruling, clean: np.ndarray, page: np.ndarray) -> list[float]:
    out = []
    for lines, other, hor in ((ruling.horizontal, ruling.vertical, True),
                              (ruling.vertical, ruling.horizontal, False)):
        for c, p in _line_rows(lines, other, clean, page, hor):
            out.append(float((p >= WHITE).mean()))
    return out


# ---- ruling mask ----------------------------------------------------------------------------
def test_ruling_mask_finds_the_table_rules_and_no_text(clean, ruling):
    ink = clean < INK
    assert ruling.horizontal.sum() > 0 and ruling.vertical.sum() > 0
    # the mask holds the rules: a good share of the page's ink, but not the text
    share = (ruling.mask & ink).sum() / ink.sum()
    assert 0.2 < share < 0.8
    # every ruling component is a long thin run (≥ 8 mm = 94 px at 300 dpi)
    for x, y, w, h in D._line_boxes(ruling.horizontal):
        assert w >= 94 and h <= 12
    for x, y, w, h in D._line_boxes(ruling.vertical):
        assert h >= 94 and w <= 12
    # a paragraph of text alone has no ruling
    text, _ = text_block("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和）",
                         "serif_bold", 16.0, 1800)
    assert not D.ruling_mask(np.asarray(text), RENDER_DPI).any()


# ---- faded / broken -------------------------------------------------------------------------
def test_faded_lines_darkness_in_range_gaps_and_text_unchanged(clean, ruling):
    p = D.FadeParams()
    out = D.fade_lines(clean, ruling, RENDER_DPI, _rng("fade"), p)
    off = ~ruling.mask
    assert np.array_equal(out[off], clean[off].astype(np.float32))       # text untouched
    dark_before = 255.0 - clean[ruling.mask & (clean < 40)]
    dark_after = 255.0 - out[ruling.mask & (clean < 40)]
    kept = dark_after > 0                                                 # not in a gap
    ratio = dark_after[kept] / dark_before[kept]
    assert ratio.min() >= p.darkness[0] - 1e-3 and ratio.max() <= p.darkness[1] + 1e-3
    assert np.percentile(ratio, 5) < 0.35 and np.percentile(ratio, 95) > 0.65   # uses the range
    fr = _gap_fractions(ruling, clean, out)
    assert len(fr) > 20
    assert all(abs(f - p.gap_fraction) < 0.03 for f in fr), fr


def test_fade_field_varies_over_blobs_of_about_3mm():
    fld = D.smooth_field((600, 600), D.mm_px(3.0, RENDER_DPI), 0.15, 0.85, _rng("field"))
    assert fld.min() >= 0.15 and fld.max() <= 0.85
    step = int(D.mm_px(0.3, RENDER_DPI))          # 0.3 mm apart: nearly equal
    far = int(D.mm_px(6.0, RENDER_DPI))           # two blobs apart: unrelated
    near_diff = np.abs(fld[:, step:] - fld[:, :-step]).mean()
    far_diff = np.abs(fld[:, far:] - fld[:, :-far]).mean()
    assert near_diff < 0.05 < far_diff


def test_broken_lines_gap_share_20_to_25_percent(clean, ruling):
    p = D.BreakParams()
    out = D.break_lines(clean, ruling, RENDER_DPI, _rng("broken"), p)
    off = ~ruling.mask
    assert np.array_equal(out[off], clean[off].astype(np.float32))
    fr = _gap_fractions(ruling, clean, out)
    assert len(fr) > 20
    assert all(0.20 <= f <= 0.25 for f in fr), sorted(fr)[:3] + sorted(fr)[-3:]
    dark_before = 255.0 - clean[ruling.mask & (clean < 40)]
    dark_after = 255.0 - out[ruling.mask & (clean < 40)]
    kept = dark_after > 0
    ratio = dark_after[kept] / dark_before[kept]
    assert ratio.min() >= 0.30 - 1e-3 and ratio.max() <= 1.0 + 1e-3


def test_gap_pieces_are_2_to_4_mm():
    prof = D.gap_profile(3000, 0.22, (D.mm_px(2, 300), D.mm_px(4, 300)), _rng("gaps"))
    assert abs(prof.mean() - 0.22) < 1e-3
    edges = np.flatnonzero(np.diff(np.r_[0, prof.astype(int), 0]))
    runs = edges[1::2] - edges[::2]
    assert runs.min() >= D.mm_px(1.6, 300) and runs.max() <= D.mm_px(4.6, 300)


# ---- perspective ----------------------------------------------------------------------------
def _line_y(page: np.ndarray, xs: np.ndarray, ys_guess: np.ndarray, win: int = 12) -> np.ndarray:
    """y of the darkest pixel near ys_guess in each column xs."""
    out = []
    for x, y in zip(xs, ys_guess):
        y0 = int(y) - win
        out.append(y0 + int(np.argmin(page[y0:y0 + 2 * win, x])))
    return np.array(out, float)


def test_perspective_corners_within_2_5_percent_and_lines_straight(clean, ruling):
    out, hom = D.perspective(clean, _rng("persp"))
    h, w = clean.shape
    src = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], float)
    dst = (hom @ src.T).T
    dst = dst[:, :2] / dst[:, 2:]
    move = np.abs(dst - src[:, :2])
    assert (move[:, 0] <= 0.025 * w + 1e-6).all() and (move[:, 1] <= 0.025 * h + 1e-6).all()
    assert dst[0, 0] > 0 and dst[1, 0] < w                 # top edge leans in
    assert move.max() > 0.005 * w                          # and really moves
    for x, y, bw, bh in sorted(D._line_boxes(ruling.horizontal), key=lambda b: -b[2])[:6]:
        xs0 = np.linspace(x + 20, x + bw - 20, 25)
        pts = np.stack([xs0, np.full_like(xs0, y + bh / 2), np.ones_like(xs0)])
        m = hom @ pts
        xs, ys = m[0] / m[2], m[1] / m[2]
        got = _line_y(out, np.round(xs).astype(int), ys)
        assert np.abs(np.polyval(np.polyfit(xs, got, 1), xs) - got).max() <= 2.0   # straight
    # the leftmost and rightmost long vertical rules lean differently (top leans in)
    vert = [b for b in D._line_boxes(ruling.vertical) if b[3] > 0.5 * h * 0.5]
    leans = []
    for x, y, bw, bh in (min(vert, key=lambda b: b[0]), max(vert, key=lambda b: b[0])):
        ys0 = np.linspace(y + 20, y + bh - 20, 25)
        pts = np.stack([np.full_like(ys0, x + bw / 2), ys0, np.ones_like(ys0)])
        m = hom @ pts
        xs, ys = m[0] / m[2], m[1] / m[2]
        got = _line_y(out.T, np.round(ys).astype(int), xs)
        fit = np.polyfit(ys, got, 1)
        assert np.abs(np.polyval(fit, ys) - got).max() <= 2.0
        leans.append(fit[0])
    assert leans[1] - leans[0] > 0.005, leans   # x shrinks down the left, grows down the right


# ---- scanner edge ---------------------------------------------------------------------------
def test_scanner_edge_dark_lid_on_two_sides_and_shadow(clean):
    out, paper = D.scanner_edge(clean, _rng("edge"), 1.5, RENDER_DPI)
    lid = ~paper
    assert np.allclose(out[lid & (np.abs(out - 45) < 20)].mean(), 45, atol=5)
    strip = int(D.mm_px(2.0, RENDER_DPI))
    sides = [lid[:strip].mean(), lid[-strip:].mean(), lid[:, :strip].mean(), lid[:, -strip:].mean()]
    assert sum(s > 0.5 for s in sides) >= 2, sides
    # shadow: blank paper right at the edge is darker than blank paper 8 mm in
    import cv2
    dist = cv2.distanceTransform(np.pad(paper.astype(np.uint8), 1, mode="edge"),
                                 cv2.DIST_L2, 5)[1:-1, 1:-1]
    mm = D.mm_px(1.0, RENDER_DPI)
    blank = out > 150
    near = out[paper & blank & (dist > 1.5) & (dist < 0.5 * mm)].mean()
    inner = out[paper & blank & (dist > 8 * mm) & (dist < 9 * mm)].mean()
    assert near < inner - 30


# ---- speckle / G4 -----------------------------------------------------------------------------
def test_speckle_dots_are_1_to_3_px(clean):
    import cv2
    binary = np.where(clean < INK, 0, 255).astype(np.uint8)
    out = D.speckle(binary, RENDER_DPI, _rng("speckle"))
    changed = (out != binary).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(changed, connectivity=8)
    assert n > 50
    # dots may touch each other or the ink, but each is at most 3×3 px alone
    assert np.median(stats[1:, cv2.CC_STAT_AREA]) <= 9


def _image(page: pikepdf.Page) -> tuple[str, int]:
    """(filter name, pixel width) of the single image of a PDF page."""
    (img,) = page.images.values()
    filt = img.Filter
    return str(filt[0] if isinstance(filt, pikepdf.Array) else filt), int(img.Width)


def _dpi(page: pikepdf.Page, width_px: int) -> float:
    return width_px / (float(page.MediaBox[2]) / 72)


def test_binarised_build_is_ccitt_g4_at_300_dpi(specs, tmp_path):
    spec = specs["t09_binarised_2021"]
    entry = build(spec, tmp_path)
    pdf = pikepdf.open(io.BytesIO((tmp_path / f"{spec.name}.pdf").read_bytes()))
    assert len(pdf.pages) == len(entry["pages"])
    for page in pdf.pages:
        filt, width = _image(page)
        assert filt == "/CCITTFaxDecode" and abs(_dpi(page, width) - 300) < 1
    assert entry["damage"]["kinds"] == ["binarised"] and entry["renderer"] == "generator"


def test_damage_rejects_unknown_kinds():
    with pytest.raises(ValueError):
        D.Damage(kinds=("smudged",))
    with pytest.raises(ValueError):
        D.Damage(kinds=("faded", "broken"))


# ---- the committed stress set -----------------------------------------------------------------
@pytest.fixture(scope="module")
def manifest():
    return {e["name"]: e for e in json.loads((STRESS / "manifest.json").read_text("utf-8"))}


def test_stress_catalog_coverage(specs):
    s = list(specs.values())
    assert len(s) >= 24
    assert sum(x.renderer == "libreoffice" for x in s) >= 8
    kinds = {k for x in s for k in x.damage.kinds}
    assert kinds == set(D.ALL_KINDS)
    for k in D.ALL_KINDS:        # each damage alone at least once
        assert any(x.damage.kinds == (k,) for x in s), k
    assert any(len(x.damage.kinds) >= 3 for x in s)
    templates = {(x.proactive_template, x.applications_template) for x in s}
    assert {("2019", "2019"), ("2021", "2021"), ("2019", "2021")} <= templates
    assert {x.matrix_split for x in s} >= {"rows", "repeat_header", "mid_row"}
    for x in s:
        assert 150 <= x.dpi <= 300 and 0 < abs(x.skew_deg) <= 2.0
        assert x.blur_sigma_px > 0 and x.noise_sigma > 0 and x.light_strength > 0
        assert 40 <= x.jpeg_quality <= 80
        if x.damage.has("binarised"):
            assert x.dpi == 300


def test_committed_stress_set_matches_manifest_and_truth(specs, manifest):
    assert set(manifest) == set(specs)
    total = 0
    for name, spec in specs.items():
        e = manifest[name]
        pdf_path, truth_path = STRESS / f"{name}.pdf", STRESS / f"{name}.truth.json"
        total += pdf_path.stat().st_size
        assert json.loads(truth_path.read_text("utf-8")) == truth_of(spec)
        assert e["renderer"] == spec.renderer and e["dpi"] == spec.dpi
        assert e["damage"] == json.loads(json.dumps(spec.damage.describe()))
        assert [p["page"] for p in e["pages"]] == list(range(1, len(e["pages"]) + 1))
        assert e["pages"][0]["skew_deg"] == spec.skew_deg
        tables = {t["table"] for t in e["tables"]}
        assert tables == {"applications", "appeals"}
        assert all(1 <= t["page"] <= len(e["pages"]) for t in e["tables"])
        pdf = pikepdf.open(pdf_path)
        assert len(pdf.pages) == len(e["pages"])
        want = "/CCITTFaxDecode" if spec.damage.has("binarised") else "/DCTDecode"
        for page in pdf.pages:
            filt, width = _image(page)
            assert filt == want and abs(_dpi(page, width) - spec.dpi) < 1
    assert total < MAX_TOTAL_BYTES
    assert sum(e["renderer"] == "libreoffice" for e in manifest.values()) >= 8


def _page_pixels(pdf_path: Path) -> list[np.ndarray]:
    """The decoded image of each page (grey, as the generator writes them)."""
    from PIL import Image

    with pikepdf.open(pdf_path) as pdf:
        return [np.asarray(Image.open(io.BytesIO(img.read_raw_bytes())).convert("L"), np.int16)
                for page in pdf.pages for img in page.images.values()]


def test_generator_stress_report_rebuilds_byte_identical(specs, tmp_path):
    """Seeded from its name, a report rebuilds byte for byte with the same
    libraries; against the committed file, built with other releases of
    Pillow/OpenCV/libjpeg (whose resampling and encoder drift by a grey level
    or so), it rebuilds the same pages to within that drift."""
    spec = specs["t03_broken_2021"]
    build(spec, tmp_path / "a")
    build(spec, tmp_path / "b")
    pdf = f"{spec.name}.pdf"
    assert (tmp_path / "a" / pdf).read_bytes() == (tmp_path / "b" / pdf).read_bytes()
    rebuilt, committed = _page_pixels(tmp_path / "a" / pdf), _page_pixels(STRESS / pdf)
    assert [p.shape for p in rebuilt] == [p.shape for p in committed]
    for new, old in zip(rebuilt, committed):
        diff = np.abs(new - old)
        assert diff.mean() < 1.0 and (diff > 32).mean() < 1e-4
    assert json.loads((tmp_path / "a" / f"{spec.name}.truth.json").read_text("utf-8")) == \
        json.loads((STRESS / f"{spec.name}.truth.json").read_text("utf-8"))
