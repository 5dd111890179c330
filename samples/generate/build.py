"""Build one sample: blocks → pages → scanner → image-only PDF + truth JSON."""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import replace
from pathlib import Path

import img2pdf
import numpy as np
from PIL import Image

from . import content
from .document import (TEXT_WIDTH_MM, Block, Flow, PageBreak, Para, TableBlock, _Cursor,
                       layout, mid_row_cut)
from .keys import expected_keys, failed_rules
from .render import TableStyle, mm_to_px, render_table
from .scan import ScanParams, draw_seal, scan_damaged, scan_page, seal_center
from .spec import SampleSpec
from .tables import appeals_table, applications_table, proactive_tables
from .values import fmt

SIDE_PAGE_SKEW_JITTER = (0.5, 1.0)   # later pages: skew × U(a, b)
HEADING_SIZE_DELTA_PT = 1.0
TITLE_PT = 20.0
MATRIX_ROW_SEARCH_MM = (7.0, 18.0, 0.1)   # min row height search for 'mid_row' (mm)


def seed_of(name: str) -> int:
    """A stable 64-bit seed from the sample name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")


def _display(spec: SampleSpec):
    """key -> printed cell text: spec.display override, else the default form."""
    return lambda key: spec.display.get(key, fmt(spec.fields.get(key)))


def _style(spec: SampleSpec, **kw) -> TableStyle:
    """The sample's table style."""
    base = TableStyle(font=spec.table_font, size_pt=spec.table_pt, inner_pt=spec.inner_pt,
                      outer_pt=spec.outer_pt, min_row_mm=spec.min_row_mm,
                      line_grey=spec.line_grey, gap_prob=spec.line_gap_prob)
    return replace(base, **kw)


def _heading(spec: SampleSpec, text: str) -> Para:
    return Para(text, spec.heading_font, spec.body_pt + HEADING_SIZE_DELTA_PT, indent_chars=2,
                space_before_mm=2.0, space_after_mm=2.0, heading=True)


def _body(spec: SampleSpec, text: str) -> Para:
    return Para(text.format(year=spec.year, agency=spec.agency), spec.body_font, spec.body_pt)


def blocks_for(spec: SampleSpec, matrix_min_row_mm: float | None = None) -> list[Block]:
    """The whole report as a block list."""
    disp = _display(spec)
    width = TEXT_WIDTH_MM - 1.0
    ov = spec.label_overrides
    split_title = spec.prose in ("jianshan", "xingqing")
    title = spec.agency + ("\n" if split_title else "") + f"{spec.year}年政府信息公开工作年度报告"
    b: list[Block] = [Para(title, spec.title_font, TITLE_PT, align="center", indent_chars=0,
                           space_after_mm=6.0)]
    b.append(_heading(spec, content.HEADINGS["overview"]))
    b += [_body(spec, t) for t in content.OVERVIEW[spec.prose]]
    b.append(_heading(spec, content.HEADINGS["proactive"]))
    for item in proactive_tables(spec.proactive_template, disp, width, spec.proactive_mode, ov):
        if isinstance(item, str):
            b.append(Para(item, spec.table_font, spec.table_pt + 0.5, indent_chars=0,
                          space_before_mm=1.0, space_after_mm=0.5, heading=True))
        else:
            b.append(TableBlock(item, _style(spec), "proactive", split="keep",
                                space_after_mm=2.0 if spec.proactive_mode != "merged" else 3.0))
    if spec.break_before_matrix:
        b.append(PageBreak())
    b.append(_heading(spec, content.HEADINGS["applications"]))
    matrix = applications_table(
        spec.applications_template, disp, width, overrides=ov,
        cut_label=spec.matrix_cut_row if spec.matrix_split == "mid_row" else None,
        span_valign="top" if spec.matrix_split == "mid_row" else "center")
    b.append(TableBlock(matrix, _style(spec, min_row_mm=matrix_min_row_mm or spec.min_row_mm),
                        "applications", split=spec.matrix_split, cut_row=spec.matrix_cut_row))
    b.append(_heading(spec, content.HEADINGS["appeals"]))
    b.append(TableBlock(appeals_table(disp, width, spec.vertical_appeal_labels, ov),
                        _style(spec, min_row_mm=8.0), "appeals", split="keep"))
    b.append(_heading(spec, content.HEADINGS["problems"]))
    b.append(_body(spec, content.PROBLEMS[spec.problems]))
    b.append(_heading(spec, content.OTHER_MATTERS))
    b.append(_body(spec, "无。"))
    return b


def _fit_mid_row(spec: SampleSpec) -> float:
    """For 'mid_row' samples (matrix on a fresh page): the min row height (mm)
    that puts the cut inside `matrix_cut_row` closest above the page bottom."""
    cur = _Cursor()
    heading_px = mm_to_px(16)      # heading line + spacing above the table, approx.
    room = cur.bottom - cur.top - heading_px
    lo, hi, step = MATRIX_ROW_SEARCH_MM
    best, h = lo, lo
    while h <= hi:
        blk = next(x for x in blocks_for(spec, h) if isinstance(x, TableBlock)
                   and x.name == "applications")
        rt = render_table(blk.table, blk.style, random.Random(0))
        if mid_row_cut(rt, spec.matrix_cut_row) <= room:
            best = h
        else:
            break
        h = round(h + step, 3)
    return best


def render_pages(spec: SampleSpec) -> Flow:
    """Lay the report out at RENDER_DPI (no scanner effects)."""
    rng = random.Random(seed_of(spec.name))
    min_row = _fit_mid_row(spec) if spec.matrix_split == "mid_row" else None
    return layout(blocks_for(spec, min_row), rng)


def _table_entries(flow: Flow) -> list[dict]:
    """Manifest rows of the section 三 / 四 table fragments of a generator flow."""
    return [{"table": p.name, "page": p.page + 1,
             "first_row": p.rows[0] if p.rows else None,
             "last_row": p.rows[-1] if p.rows else None, "note": p.note}
            for p in flow.placements if p.name != "proactive"]


def clean_pages(spec: SampleSpec) -> tuple[list[Image.Image], list[dict]]:
    """The clean RENDER_DPI pages of a sample from its renderer, and the
    manifest rows of where its tables fall (pages 1-based)."""
    if spec.renderer == "libreoffice":
        from .docx_document import DocxStyle
        from .libreoffice import render_docx_pages
        rendered = render_docx_pages(spec, spec.docx_style or DocxStyle())
        return list(rendered.pages), [dict(t) for t in rendered.tables]
    flow = render_pages(spec)
    return list(flow.pages), _table_entries(flow)


def _scan_params(spec: SampleSpec, skew: float, rot: int) -> ScanParams:
    return ScanParams(dpi=spec.dpi, skew_deg=skew, rotate90=rot,
                      blur_sigma_px=spec.blur_sigma_px, noise_sigma=spec.noise_sigma,
                      paper_level=spec.paper_level, light=spec.light,
                      light_strength=spec.light_strength, binarise=spec.binarise,
                      jpeg_quality=spec.jpeg_quality)


def build(spec: SampleSpec, out_dir: Path) -> dict:
    """Write <name>.pdf and <name>.truth.json into out_dir; return a manifest
    entry (pages, scan parameters, where tables broke). Samples with a
    `damage` (the stress set) go through scan.scan_damaged and their entry
    also names the renderer and the damage."""
    if spec.damage is None and spec.renderer == "generator":
        flow = render_pages(spec)
        pages, tables = list(flow.pages), _table_entries(flow)
    else:
        flow, (pages, tables) = None, clean_pages(spec)
    nrng = np.random.default_rng(seed_of(spec.name))
    seal_page = None
    if spec.seal:
        if flow is None:
            raise ValueError(f"{spec.name}: seals need the generator renderer")
        pl = next(p for p in flow.placements if p.name == "appeals")
        seal_page = pl.page
        pages[pl.page] = draw_seal(pages[pl.page], seal_center(pl.bbox, nrng), spec.agency)
    images, page_info = [], []
    for i, page in enumerate(pages):
        skew = spec.skew_deg if i == 0 else round(
            spec.skew_deg * float(nrng.uniform(*SIDE_PAGE_SKEW_JITTER)), 2)
        rot = 1 if spec.rotate90_page == i else 0
        params = _scan_params(spec, skew, rot)
        if spec.damage is None:
            images.append(scan_page(page, params, nrng))
        else:
            images.append(scan_damaged(page, params, spec.damage, nrng))
        page_info.append({"page": i + 1, "skew_deg": skew,
                          "rotated": "90° counter-clockwise" if rot else None,
                          "colour": i == seal_page and not spec.binarise})
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{spec.name}.pdf").write_bytes(img2pdf.convert(images, nodate=True, engine=img2pdf.Engine.internal))
    write_truth(spec, out_dir / f"{spec.name}.truth.json")
    entry = {"name": spec.name, "dpi": spec.dpi, "pages": page_info, "tables": tables,
             "notes": spec.notes}
    if spec.damage is not None:
        entry.update({"renderer": spec.renderer, "damage": spec.damage.describe(),
                      "scan": {"blur_sigma_px": spec.blur_sigma_px,
                               "noise_sigma": spec.noise_sigma,
                               "jpeg_quality": None if spec.damage.has("binarised")
                               else spec.jpeg_quality,
                               "image": "G4 TIFF" if spec.damage.has("binarised") else "JPEG",
                               "light": spec.light, "light_strength": spec.light_strength}})
    return entry


def truth_of(spec: SampleSpec) -> dict:
    """The ground-truth document of a sample."""
    keys = expected_keys(spec.proactive_template, spec.applications_template)
    missing = set(keys) ^ set(spec.fields)
    if missing:
        raise ValueError(f"{spec.name}: fields do not match the template keys: {sorted(missing)[:5]}")
    fails = failed_rules(spec.fields, spec.applications_template)
    if fails != sorted(spec.expected_failed_rules):
        raise ValueError(f"{spec.name}: rules failing {fails} != expected "
                         f"{spec.expected_failed_rules}")
    return {"meta": {"agency": spec.agency, "year": spec.year,
                     "template": {"proactive": spec.proactive_template,
                                  "applications": spec.applications_template}},
            "fields": {k: spec.fields[k] for k in keys},
            "expected_failed_rules": sorted(spec.expected_failed_rules)}


def write_truth(spec: SampleSpec, path: Path) -> None:
    """Write the truth JSON (UTF-8, stable key order)."""
    path.write_text(json.dumps(truth_of(spec), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")


def read_manifest(path: Path) -> dict[str, dict]:
    """The entries of a set's manifest.json by name ({} when there is none yet)."""
    if not path.exists():
        return {}
    return {e["name"]: e for e in json.loads(path.read_text("utf-8"))}


def write_manifest(path: Path, manifest: dict[str, dict], known: set[str]) -> None:
    """Write the entries of the set's known samples, sorted by name."""
    entries = [manifest[n] for n in sorted(manifest) if n in known]
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", "utf-8")
