"""SampleSpec: every knob of one generated sample in one place."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from .damage import Damage
from .keys import Template, Value


@dataclass
class SampleSpec:
    """One sample report. Units: dpi of the output JPEG pages; degrees; pt for
    type sizes and rule widths; mm for lengths; grey levels 0–255."""
    name: str                                   # file stem, e.g. s01_jishishan_2021
    agency: str
    year: int
    proactive_template: Template
    applications_template: Template
    fields: dict[str, Value]                    # ground truth, every key of the templates
    display: dict[str, str] = field(default_factory=dict)  # key -> printed text override
    prose: str = "jishishan"                    # content.OVERVIEW style
    problems: int = 0                           # index into content.PROBLEMS
    label_overrides: dict[str, str] = field(default_factory=dict)  # printed label variants
    # -- typography
    body_font: str = "serif"
    heading_font: str = "sans_bold"
    title_font: str = "serif_bold"
    table_font: str = "serif"
    body_pt: float = 12.0
    table_pt: float = 10.5
    inner_pt: float = 0.5
    outer_pt: float = 1.5
    min_row_mm: float = 7.0
    vertical_appeal_labels: bool = True
    proactive_mode: Literal["merged", "separate", "separate_titled"] = "merged"
    # -- page breaks of the section 三 matrix
    matrix_split: Literal["rows", "repeat_header", "mid_row"] = "rows"
    matrix_cut_row: Optional[str] = None        # row key cut in 'mid_row' mode
    break_before_matrix: bool = False
    # -- ruling damage (drawn at render time)
    line_grey: int = 0                          # >0: faded ruling
    line_gap_prob: float = 0.0                  # broken ruling
    # -- scanner
    dpi: int = 200
    skew_deg: float = 0.0
    rotate90_page: Optional[int] = None         # 0-based page turned by 90°
    blur_sigma_px: float = 0.4
    noise_sigma: float = 2.0
    jpeg_quality: int = 65
    paper_level: float = 250.0
    light: Literal["none", "gradient", "vignette"] = "none"
    light_strength: float = 0.0
    seal: bool = False                          # red seal over the section 四 table
    binarise: bool = False
    expected_failed_rules: list[str] = field(default_factory=list)
    notes: str = ""                             # what this sample covers (README)
    # -- stress set (samples/stress): renderer and damage.py damage
    renderer: Literal["generator", "libreoffice"] = "generator"
    docx_style: Any = None                      # docx_document.DocxStyle (libreoffice renderer)
    damage: Optional[Damage] = None             # None: the ordinary scanner of scan.scan_page
