"""The stress set (samples/stress): reports with harsh, labelled scan damage.

Every report is an ordinary `SampleSpec` (values consistent with the 勾稽
rules, checked by `build.truth_of`) plus a `damage.Damage` and a renderer:
"generator" (render.py / document.py) or "libreoffice" (docx_document.py →
LibreOffice → page images, see libreoffice.py). Every report also gets the
ordinary scanner on top: skew ≤ ±2°, blur, noise, uneven light and JPEG
q40–80 (or, for 'binarised', a 300-dpi CCITT G4 page).

Values, skew jitter and damage are seeded from the report name
(`build.seed_of`), so the set is byte-identical across runs.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal, Optional

from .build import seed_of
from .damage import Damage
from .docx_document import DocxStyle
from .keys import Template, Value
from .spec import SampleSpec
from .values import random_appeals, random_applications, random_proactive

G4_DPI = 300                       # binarised office scans are stored at 300 dpi


@dataclass(frozen=True)
class Scanner:
    """The ordinary scanner under the damage (units as in scan.ScanParams)."""
    dpi: int = 200
    skew_deg: float = 0.8
    blur_sigma_px: float = 0.6
    noise_sigma: float = 2.5
    jpeg_quality: int = 60
    light: Literal["gradient", "vignette"] = "gradient"
    light_strength: float = 0.2


@dataclass(frozen=True)
class Layout:
    """Template and layout choices of one stress report."""
    proactive: Template = "2021"
    applications: Template = "2021"
    proactive_mode: Literal["merged", "separate", "separate_titled"] = "separate_titled"
    matrix_split: Literal["rows", "repeat_header", "mid_row"] = "rows"
    matrix_cut_row: Optional[str] = None
    break_before_matrix: bool = False
    table_pt: float = 10.5
    body_pt: float = 12.0
    min_row_mm: float = 7.0
    font: str = "serif"
    prose: str = "jishishan"
    problems: int = 0
    busy: float = 0.3               # share of non-zero result cells (values.random_applications)
    scale: int = 8                  # max count in a result cell


#: split of the matrix over three pages (big type, tall rows; as samples/s14)
THREE_PAGES = dict(table_pt=12.0, body_pt=12.0, min_row_mm=13.0)
MID_ROW_2019 = dict(matrix_split="mid_row", matrix_cut_row="withheld_query_items",
                    break_before_matrix=True)
MID_ROW_2021 = dict(matrix_split="mid_row", matrix_cut_row="unavailable_not_held",
                    break_before_matrix=True)


def _fields(name: str, lay: Layout) -> dict[str, Value]:
    """Consistent random values for every key of the report's templates."""
    rng = random.Random(seed_of(name + "/values"))
    f: dict[str, Value] = {}
    f.update(random_proactive(rng, lay.proactive))
    f.update(random_applications(rng, lay.applications, lay.busy, lay.scale))
    f.update(random_appeals(rng))
    return f


def _year(name: str) -> int:
    return int(name.rsplit("_", 1)[1])


def stress(name: str, agency: str, damage: Damage, scanner: Scanner = Scanner(),
           layout: Layout = Layout(), renderer: Literal["generator", "libreoffice"] = "generator",
           docx_style: Optional[DocxStyle] = None, notes: str = "") -> SampleSpec:
    """One stress report as a SampleSpec."""
    if damage.has("binarised") and scanner.dpi != G4_DPI:
        raise ValueError(f"{name}: binarised scans are {G4_DPI} dpi")
    return SampleSpec(
        name=name, agency=agency, year=_year(name),
        proactive_template=layout.proactive, applications_template=layout.applications,
        fields=_fields(name, layout), prose=layout.prose, problems=layout.problems,
        body_font=layout.font, table_font=layout.font, table_pt=layout.table_pt,
        body_pt=layout.body_pt, min_row_mm=layout.min_row_mm,
        proactive_mode=layout.proactive_mode, matrix_split=layout.matrix_split,
        matrix_cut_row=layout.matrix_cut_row, break_before_matrix=layout.break_before_matrix,
        dpi=scanner.dpi, skew_deg=scanner.skew_deg, blur_sigma_px=scanner.blur_sigma_px,
        noise_sigma=scanner.noise_sigma, jpeg_quality=scanner.jpeg_quality,
        light=scanner.light, light_strength=scanner.light_strength,
        renderer=renderer, docx_style=docx_style if renderer == "libreoffice" else None,
        damage=damage, notes=notes)


def _d(*kinds: str, **params) -> Damage:
    return Damage(kinds=kinds, **params)


T2019 = dict(proactive="2019", applications="2019")
MIXED = dict(proactive="2019", applications="2021")
DOCX = DocxStyle()
DOCX_WPS = DocxStyle(margin_left_mm=28.0, margin_right_mm=26.0, header_fill="E7E6E6",
                     header_bold=True, cell_margin_mm=1.9, matrix_label_mm=(10.0, 14.0, 40.0))


def all_stress_specs() -> list[SampleSpec]:
    """Every stress report, in name order."""
    S, L = Scanner, Layout
    specs = [
        # -- faded ruling
        stress("t01_faded_2021", "玛沁县卫生健康局", _d("faded"),
               S(dpi=200, skew_deg=0.7, noise_sigma=2.5, jpeg_quality=60), L(),
               notes="faded ruling alone (0.15–0.85 darkness, 15 % white gaps)"),
        stress("t02_faded_2019", "班玛县卫生健康局", _d("faded"),
               S(dpi=300, skew_deg=-1.1, blur_sigma_px=0.9, noise_sigma=2.0, jpeg_quality=45,
                 light="vignette", light_strength=0.25), L(**T2019, font="uming", prose="xingqing"),
               notes="faded ruling, 2019 template, 300 dpi, vignetting"),
        # -- broken ruling
        stress("t03_broken_2021", "甘德县卫生健康局", _d("broken"),
               S(dpi=150, skew_deg=1.6, blur_sigma_px=0.5, noise_sigma=3.0, jpeg_quality=70),
               L(font="sans", prose="huangzhong", problems=1),
               notes="broken ruling alone (20–25 % gaps of 2–4 mm), 150 dpi"),
        stress("t04_broken_2020", "达日县卫生健康局", _d("broken"),
               S(dpi=200, skew_deg=-0.5, noise_sigma=2.0, jpeg_quality=55), L(**MIXED),
               notes="broken ruling; mixed templates (二 2019 / 三 2021)"),
        # -- perspective
        stress("t05_perspective_2021", "久治县卫生健康局", _d("perspective"),
               S(dpi=250, skew_deg=0.9, noise_sigma=2.0, jpeg_quality=50), L(proactive_mode="merged"),
               notes="perspective alone (corners ≤ 2.5 %, top edge leaning in)"),
        stress("t06_perspective_2019", "玛多县卫生健康局", _d("perspective"),
               S(dpi=200, skew_deg=-1.4, noise_sigma=2.5, jpeg_quality=60),
               L(**T2019, **MID_ROW_2019, proactive_mode="separate", font="uming"),
               notes="perspective; 2019 template; matrix cut inside row withheld_query_items"),
        # -- scanner edge
        stress("t07_edge_2021", "同德县卫生健康局", _d("scanner_edge"),
               S(dpi=200, skew_deg=1.8, noise_sigma=2.5, jpeg_quality=60),
               L(font="sans", prose="jianshan", problems=2),
               notes="scanner edge alone: paper rotated 1.8° on a dark lid, edge shadow"),
        stress("t08_edge_2019", "兴海县卫生健康局", _d("scanner_edge"),
               S(dpi=150, skew_deg=-2.0, noise_sigma=3.0, jpeg_quality=70, light="vignette"),
               L(**T2019, **THREE_PAGES, proactive_mode="separate", font="uming", prose="xingqing"),
               notes="scanner edge, -2°; 2019 template; matrix over three pages"),
        # -- binarised G4
        stress("t09_binarised_2021", "贵南县卫生健康局", _d("binarised"),
               S(dpi=300, skew_deg=0.6, blur_sigma_px=0.7, noise_sigma=3.0), L(),
               notes="binarised 300-dpi CCITT G4 scan with speckle"),
        stress("t10_binarised_2022", "共和县卫生健康局", _d("binarised"),
               S(dpi=300, skew_deg=-0.9, blur_sigma_px=0.8, noise_sigma=3.0),
               L(matrix_split="repeat_header", proactive_mode="merged", font="sans"),
               notes="binarised G4; matrix split with the 3 header rows repeated"),
        # -- combinations (generator)
        stress("t11_faded_perspective_2022", "刚察县卫生健康局", _d("faded", "perspective"),
               S(dpi=200, skew_deg=1.2, noise_sigma=2.5, jpeg_quality=55),
               L(matrix_split="repeat_header", font="sans", prose="tongren"),
               notes="faded + perspective; repeated matrix header"),
        stress("t12_broken_edge_2019", "祁连县卫生健康局", _d("broken", "scanner_edge"),
               S(dpi=200, skew_deg=-1.7, noise_sigma=2.5, jpeg_quality=60),
               L(**T2019, proactive_mode="merged", font="serif", prose="xingqing"),
               notes="broken + scanner edge; 2019 template"),
        stress("t13_faded_binarised_2020", "海晏县卫生健康局", _d("faded", "binarised"),
               S(dpi=300, skew_deg=0.4, blur_sigma_px=0.6, noise_sigma=2.5), L(**MIXED),
               notes="faded + binarised G4 (faint lines drop out); mixed templates"),
        stress("t14_broken_persp_edge_2021", "德令哈市卫生健康局",
               _d("broken", "perspective", "scanner_edge"),
               S(dpi=200, skew_deg=1.0, noise_sigma=3.0, jpeg_quality=50, light="vignette"),
               L(font="sans", prose="jianshan"),
               notes="broken + perspective + scanner edge"),
        stress("t15_all_g4_2019", "格尔木市卫生健康局",
               _d("broken", "perspective", "scanner_edge", "binarised"),
               S(dpi=300, skew_deg=-1.3, blur_sigma_px=0.7, noise_sigma=3.0),
               L(**T2019, **MID_ROW_2019, proactive_mode="separate", font="uming"),
               notes="broken + perspective + scanner edge + binarised G4; mid-row matrix cut"),
        stress("t16_faded_edge_three_2021", "都兰县卫生健康局", _d("faded", "scanner_edge"),
               S(dpi=150, skew_deg=1.5, noise_sigma=3.5, jpeg_quality=75),
               L(**THREE_PAGES, proactive_mode="separate", font="serif"),
               notes="faded + scanner edge; matrix over three pages; 150 dpi"),
        stress("t17_persp_binarised_2023", "乌兰县卫生健康局", _d("perspective", "binarised"),
               S(dpi=300, skew_deg=-0.7, blur_sigma_px=0.6, noise_sigma=2.5),
               L(**MID_ROW_2021, proactive_mode="separate_titled", font="serif"),
               notes="perspective + binarised G4; matrix cut inside row unavailable_not_held"),
        stress("t18_broken_three_2022", "天峻县卫生健康局", _d("broken", "perspective"),
               S(dpi=150, skew_deg=-1.9, noise_sigma=3.0, jpeg_quality=65),
               L(**MIXED, **THREE_PAGES, proactive_mode="separate", font="sans"),
               notes="broken + perspective; mixed templates; matrix over three pages"),
        # -- LibreOffice renderer
        stress("t19_lo_faded_2021", "西宁市城东区卫生健康局", _d("faded"),
               S(dpi=200, skew_deg=0.8, noise_sigma=2.5, jpeg_quality=60), L(),
               renderer="libreoffice", docx_style=DOCX,
               notes="Word layout (LibreOffice), faded ruling"),
        stress("t20_lo_broken_2019", "西宁市城中区卫生健康局", _d("broken"),
               S(dpi=200, skew_deg=-1.2, noise_sigma=2.5, jpeg_quality=55),
               L(**T2019, font="uming", prose="xingqing"),
               renderer="libreoffice", docx_style=DOCX,
               notes="Word layout, broken ruling, 2019 template"),
        stress("t21_lo_perspective_2020", "西宁市城西区卫生健康局", _d("perspective"),
               S(dpi=250, skew_deg=1.4, noise_sigma=2.0, jpeg_quality=50), L(**MIXED, font="sans"),
               renderer="libreoffice", docx_style=DOCX_WPS,
               notes="Word layout (WPS-like style), perspective, mixed templates"),
        stress("t22_lo_edge_2022", "西宁市城北区卫生健康局", _d("scanner_edge"),
               S(dpi=200, skew_deg=-1.8, noise_sigma=3.0, jpeg_quality=60, light="vignette"),
               L(matrix_split="repeat_header", font="sans", prose="jianshan"),
               renderer="libreoffice", docx_style=DOCX,
               notes="Word layout, scanner edge, repeated matrix header"),
        stress("t23_lo_binarised_2019", "大通县疾病预防控制中心", _d("binarised"),
               S(dpi=300, skew_deg=0.5, blur_sigma_px=0.6, noise_sigma=2.5),
               L(**T2019, font="serif", prose="tongren"),
               renderer="libreoffice", docx_style=DOCX_WPS,
               notes="Word layout, binarised G4, 2019 template"),
        stress("t24_lo_faded_persp_edge_2021", "湟中区市场监督管理局",
               _d("faded", "perspective", "scanner_edge"),
               S(dpi=200, skew_deg=1.1, noise_sigma=2.5, jpeg_quality=55), L(font="serif"),
               renderer="libreoffice", docx_style=DOCX,
               notes="Word layout, faded + perspective + scanner edge"),
        stress("t25_lo_broken_g4_2023", "湟源县教育局", _d("broken", "binarised"),
               S(dpi=300, skew_deg=-0.8, blur_sigma_px=0.7, noise_sigma=3.0),
               L(font="sans", prose="huangzhong", problems=1),
               renderer="libreoffice", docx_style=DOCX_WPS,
               notes="Word layout, broken + binarised G4"),
        stress("t26_lo_all_2020", "乐都区自然资源局", _d("broken", "perspective", "scanner_edge"),
               S(dpi=150, skew_deg=-1.5, noise_sigma=3.5, jpeg_quality=70, light="vignette"),
               L(**T2019, **THREE_PAGES, font="uming", prose="xingqing"),
               renderer="libreoffice", docx_style=DOCX,
               notes="Word layout, broken + perspective + scanner edge; 2019 template, 12 pt type, 150 dpi"),
        # -- dropped-out segments: lines gone without a trace
        stress("t27_dropout_2021", "门源县卫生健康局", _d("dropout"),
               S(dpi=200, skew_deg=0.9, noise_sigma=2.5, jpeg_quality=60),
               L(font="sans", prose="tongren", busy=0.5, scale=20),
               notes="dropout: 12 % of the ruling segments between crossings gone entirely"),
        stress("t28_lo_dropout_faded_2019", "互助县卫生健康局", _d("dropout", "faded"),
               S(dpi=200, skew_deg=-1.0, noise_sigma=2.5, jpeg_quality=55),
               L(**T2019, font="uming", prose="xingqing", busy=0.5, scale=20),
               renderer="libreoffice", docx_style=DOCX_WPS,
               notes="Word layout (WPS-like style), dropout + faded, 2019 template"),
    ]
    return sorted(specs, key=lambda s: s.name)
