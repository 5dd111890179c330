"""The sample set: one SampleSpec per report (values, layout, degradations)."""
from __future__ import annotations

import random
from typing import Callable

from .build import seed_of
from .keys import APPLICANT_COLUMNS, Value
from .spec import SampleSpec
from .values import (app_keys_where, blank, fullwidth, random_appeals, random_applications,
                     random_proactive, zeros)

#: printed label variants of seed 002 (同仁市卫生健康局)
TONGREN_LABELS = {
    "本年制发件数": "本年制发文件",
    "本年废止件数": "本年度止件数",
    "社会公益组织": "社会组织",
    "5.要求行政机关确认或重新出具已获取信息": "5.要求行政机关确认或重新出具以获取信息",
    "第二十条第（八）项": "第二十条第(八)项",
}


def _rng(name: str) -> random.Random:
    return random.Random(seed_of(name + "/values"))


def _random_fields(name: str, proactive: str, applications: str,
                   busy: float = 0.3, scale: int = 6) -> dict[str, Value]:
    """Consistent non-zero values for every key (seeded by the sample name)."""
    rng = _rng(name)
    f: dict[str, Value] = {}
    f.update(random_proactive(rng, proactive))          # type: ignore[arg-type]
    f.update(random_applications(rng, applications, busy, scale))  # type: ignore[arg-type]
    f.update(random_appeals(rng))
    return f


def s01() -> SampleSpec:
    """Clean 2021 report, all zeros, as seed 004."""
    return SampleSpec(
        name="s01_jishishan_2021", agency="积石山县卫生健康局", year=2021,
        proactive_template="2021", applications_template="2021", fields=zeros("2021", "2021"),
        prose="jishishan", problems=0, dpi=200, noise_sigma=2.0, jpeg_quality=70,
        proactive_mode="separate",
        notes="clean baseline: all zeros, no skew, mild noise")


def s02() -> SampleSpec:
    """Seed 001 numbers, sans-serif, 300 dpi, one merged section 二 table."""
    f = zeros("2021", "2021")
    f["proactive.licensing.decisions"] = 296
    f["proactive.penalty.decisions"] = 3
    return SampleSpec(
        name="s02_jianshan_2023", agency="尖山区卫生健康局", year=2023,
        proactive_template="2021", applications_template="2021", fields=f,
        prose="jianshan", problems=1, body_font="sans", table_font="sans", heading_font="sans_bold",
        title_font="sans_bold", table_pt=10.5, body_pt=11.0, proactive_mode="merged",
        vertical_appeal_labels=False, dpi=300, skew_deg=0.4, noise_sigma=1.0, jpeg_quality=50,
        notes="seed 001 values; sans fonts; section 二 as one table with title rows; "
              "2-char wrapped 四 labels")


def s03() -> SampleSpec:
    """Seed 002: label variants, blank rows, red seal over section 四."""
    f = zeros("2021", "2021")
    f["proactive.licensing.decisions"] = 29
    f["proactive.penalty.decisions"] = 2
    blank(f, app_keys_where("2021", rows=["disclosed", "other_overdue_fee", "total"]))
    return SampleSpec(
        name="s03_tongren_2023", agency="同仁市卫生健康局", year=2023,
        proactive_template="2021", applications_template="2021", fields=f,
        prose="tongren", problems=1, label_overrides=TONGREN_LABELS,
        body_font="serif", table_font="serif", table_pt=11.0, proactive_mode="separate_titled",
        dpi=200, skew_deg=-1.2, seal=True, noise_sigma=2.5, jpeg_quality=65,
        notes="seed 002 label variants (本年度止件数, 社会组织, 以获取, 第(八)项); rows "
              "予以公开 / 逾期未缴费 / 总计 blank (null); red seal over the 四 table")


def s04() -> SampleSpec:
    """Seed 000: 2019 template, 万元 in a cell, -10, matrix cut inside row 8."""
    f = zeros("2019", "2019")
    f.update({"proactive.licensing.prev_year_items": 914, "proactive.licensing.decisions": 914,
              "proactive.other_services.prev_year_items": 270,
              "proactive.other_services.decisions": 270,
              "proactive.penalty.prev_year_items": 28, "proactive.penalty.change": -10,
              "proactive.penalty.decisions": 14,
              "proactive.procurement.items": 5, "proactive.procurement.amount_wan_yuan": 534.865})
    result_rows = [r for r in app_keys_where("2019")
                   if r.split(".")[1] not in ("new", "carried_over", "total")]
    blank(f, result_rows)
    return SampleSpec(
        name="s04_huangzhong_2023", agency="西宁市湟中区卫生健康局", year=2023,
        proactive_template="2019", applications_template="2019", fields=f,
        display={"proactive.procurement.amount_wan_yuan": "534.865 万元"},
        prose="huangzhong", problems=2, body_font="uming", table_font="uming",
        table_pt=10.5, proactive_mode="separate", break_before_matrix=True,
        matrix_split="mid_row", matrix_cut_row="withheld_query_items",
        dpi=150, blur_sigma_px=0.6, noise_sigma=2.0, jpeg_quality=70,
        notes="seed 000: 2019 template; 534.865 万元 in the cell; 本年增/减 -10; result rows "
              "and 结转 blank; matrix cut inside row 8.属于行政查询事|项 (label split over "
              "two pages, values on the first)")


def s05() -> SampleSpec:
    """Seed 003: 2019 template, only the 总计 column of 三 filled."""
    f = zeros("2019", "2019")
    f.update({"proactive.penalty.prev_year_items": 206, "proactive.penalty.change": 6,
              "proactive.penalty.decisions": 212})
    blank(f, app_keys_where("2019", cols=APPLICANT_COLUMNS))
    return SampleSpec(
        name="s05_xingqing_2019", agency="银川市兴庆区卫生健康局", year=2019,
        proactive_template="2019", applications_template="2019", fields=f,
        prose="xingqing", problems=2, body_font="uming", table_font="uming", table_pt=11.0,
        proactive_mode="merged", dpi=300, skew_deg=0.8, paper_level=228.0, noise_sigma=1.5,
        jpeg_quality=50,
        notes="seed 003: applicant columns blank, only 总计 filled; grey paper; 300 dpi")


def s06() -> SampleSpec:
    """Mixed templates: section 二 in 2019 form, section 三 in 2021 form."""
    name = "s06_mixed_2020"
    return SampleSpec(
        name=name, agency="海东市乐都区卫生健康局", year=2020,
        proactive_template="2019", applications_template="2021",
        fields=_random_fields(name, "2019", "2021"), prose="tongren", problems=0,
        body_font="sans", table_font="sans", table_pt=10.5, proactive_mode="separate_titled",
        dpi=200, skew_deg=0.6, light="gradient", light_strength=0.18,
        notes="mixed: 二 2019 form, 三 2021 form; non-zero consistent values; uneven light")


def s07() -> SampleSpec:
    """Non-zero values, matrix split with its header rows repeated."""
    name = "s07_repeat_header_2022"
    return SampleSpec(
        name=name, agency="门源县卫生健康局", year=2022,
        proactive_template="2021", applications_template="2021",
        fields=_random_fields(name, "2021", "2021", busy=0.45, scale=12), prose="jianshan",
        problems=1, body_font="wqy", table_font="wqy", heading_font="wqy", table_pt=11.0,
        proactive_mode="merged", matrix_split="repeat_header", dpi=200, noise_sigma=2.0,
        vertical_appeal_labels=False,
        notes="matrix split over two pages with the 3 header rows repeated on the second; "
              "varied non-zero values")


def s08() -> SampleSpec:
    """Printed numbers break rule 1 (applications.balance)."""
    name = "s08_balance_fail_2022"
    f = _random_fields(name, "2021", "2021", busy=0.4, scale=8)
    f["applications.new.natural_person"] += 3     # typo in the printed report
    f["applications.new.total"] += 3
    return SampleSpec(
        name=name, agency="化隆县卫生健康局", year=2022,
        proactive_template="2021", applications_template="2021", fields=f,
        prose="jishishan", problems=0, table_font="serif", proactive_mode="separate_titled",
        dpi=200, skew_deg=-0.6,
        expected_failed_rules=["applications.balance.natural_person", "applications.balance.total"],
        notes="rule 1 broken as printed: new.natural_person and new.total 3 too high")


def s09() -> SampleSpec:
    """The real 2023 case: 复议 结果维持 10, 结果纠正 1, 总计 0."""
    name = "s09_appeals_fail_2023"
    f = _random_fields(name, "2021", "2021", busy=0.3, scale=5)
    f.update({"appeals.review.upheld": 10, "appeals.review.corrected": 1,
              "appeals.review.other": 0, "appeals.review.pending": 0, "appeals.review.total": 0})
    return SampleSpec(
        name=name, agency="循化县卫生健康局", year=2023,
        proactive_template="2021", applications_template="2021", fields=f,
        prose="huangzhong", problems=1, body_font="serif", table_font="sans",
        proactive_mode="separate", dpi=150, noise_sigma=2.5, jpeg_quality=70,
        expected_failed_rules=["appeals.sum.review"],
        notes="appeals.sum.review fails as printed (10 + 1 ≠ 0); 150 dpi")


def s10() -> SampleSpec:
    """The matrix page scanned turned by 90°; stray leading spaces (seed 004)."""
    name = "s10_rot90_2021"
    f = _random_fields(name, "2021", "2021", busy=0.2, scale=4)
    disp = {f"applications.{r.split('.')[1]}.total": " " + str(f[r])
            for r in app_keys_where("2021", cols=["total"])}
    return SampleSpec(
        name=name, agency="民和县卫生健康局", year=2021,
        proactive_template="2021", applications_template="2021", fields=f, display=disp,
        prose="jishishan", problems=2, proactive_mode="separate_titled", dpi=200,
        rotate90_page=1, skew_deg=0.3,
        notes="page 2 (matrix) stored turned 90° counter-clockwise; 总计 column printed "
              "with a leading space")


def s11() -> SampleSpec:
    """Binarised black-and-white scan of a 2019 report."""
    name = "s11_binarised_2020"
    return SampleSpec(
        name=name, agency="互助县卫生健康局", year=2020,
        proactive_template="2019", applications_template="2019",
        fields=_random_fields(name, "2019", "2019", busy=0.3, scale=9), prose="xingqing",
        problems=2, table_font="serif", proactive_mode="merged", dpi=200, binarise=True,
        noise_sigma=2.0, blur_sigma_px=0.6, skew_deg=-0.4, jpeg_quality=60,
        notes="binarised (adaptive threshold) scan; 2019 template, non-zero values")


def s12() -> SampleSpec:
    """Full-width digits, '/', '—' and '无' cells, thick borders, 12 pt."""
    name = "s12_fullwidth_2022"
    f = _random_fields(name, "2021", "2021", busy=0.35, scale=14)
    disp: dict[str, str] = {}
    for k in app_keys_where("2021", cols=["natural_person", "total"]):
        disp[k] = fullwidth(f[k])
    for k in ("applications.carried_forward.research", "applications.carried_forward.social_welfare"):
        f[k], disp[k] = None, "/"
    for k in ("proactive.rules.issued", "proactive.rules.abolished", "proactive.rules.in_force"):
        f[k], disp[k] = None, "—"
    f["proactive.fees.amount_wan_yuan"], disp["proactive.fees.amount_wan_yuan"] = None, "无"
    f["appeals.litigation_after_review.other"] = None
    disp["appeals.litigation_after_review.other"] = "/"
    return SampleSpec(
        name=name, agency="大通县卫生健康局", year=2022,
        proactive_template="2021", applications_template="2021", fields=f, display=disp,
        prose="tongren", problems=0, table_font="serif", table_pt=12.0, body_pt=12.0,
        inner_pt=1.0, outer_pt=2.25, proactive_mode="separate", dpi=150, noise_sigma=2.0,
        notes="full-width digits in 自然人/总计 columns; '/', '—', '无' cells (null); "
              "thick borders; 12 pt table text")


def s13() -> SampleSpec:
    """Faded and broken ruling, uneven light, strong JPEG artefacts."""
    name = "s13_faded_lines_2021"
    return SampleSpec(
        name=name, agency="湟源县卫生健康局", year=2021,
        proactive_template="2021", applications_template="2021",
        fields=_random_fields(name, "2021", "2021", busy=0.25, scale=6), prose="jishishan",
        problems=1, table_font="serif", inner_pt=0.4, line_grey=150, line_gap_prob=0.3,
        proactive_mode="separate_titled", dpi=200, light="gradient", light_strength=0.3,
        jpeg_quality=25, noise_sigma=2.0,
        notes="faded grey and broken ruling lines (gaps); uneven light; JPEG quality 25")


def s14() -> SampleSpec:
    """Big type: the matrix runs over three pages."""
    name = "s14_three_pages_2019"
    return SampleSpec(
        name=name, agency="贵德县卫生健康局", year=2019,
        proactive_template="2019", applications_template="2019",
        fields=_random_fields(name, "2019", "2019", busy=0.3, scale=7), prose="xingqing",
        problems=0, table_font="uming", body_font="uming", table_pt=12.0, body_pt=12.0,
        min_row_mm=13.0, proactive_mode="separate", dpi=150, light="vignette",
        light_strength=0.25, noise_sigma=2.5,
        notes="12 pt, tall rows: the matrix spans three pages (row breaks); vignetting")


def s15() -> SampleSpec:
    """Heavy noise, skew −2°, vignetting, low dpi."""
    name = "s15_noisy_skew_2022"
    return SampleSpec(
        name=name, agency="尖扎县卫生健康局", year=2022,
        proactive_template="2021", applications_template="2021",
        fields=_random_fields(name, "2021", "2021", busy=0.3, scale=20), prose="huangzhong",
        problems=2, table_font="sans", body_font="sans", proactive_mode="separate",
        dpi=150, skew_deg=-2.0, noise_sigma=8.0, blur_sigma_px=0.5, light="vignette",
        light_strength=0.3, jpeg_quality=55,
        notes="heavy Gaussian noise, skew -2°, vignetting, 150 dpi")


def s16() -> SampleSpec:
    """Skew +2°, strong blur, 300 dpi, thick borders, 2019 template."""
    name = "s16_skew_blur_2020"
    return SampleSpec(
        name=name, agency="泽库县卫生健康局", year=2020,
        proactive_template="2019", applications_template="2019",
        fields=_random_fields(name, "2019", "2019", busy=0.35, scale=10), prose="tongren",
        problems=1, table_font="sans", body_font="serif", inner_pt=0.75, outer_pt=2.25,
        proactive_mode="separate_titled", dpi=300, skew_deg=2.0, blur_sigma_px=1.6,
        noise_sigma=1.5, jpeg_quality=45,
        notes="skew +2°, strong blur, 300 dpi, thick borders; 2019 template non-zero")


ALL: list[Callable[[], SampleSpec]] = [s01, s02, s03, s04, s05, s06, s07, s08, s09, s10,
                                       s11, s12, s13, s14, s15, s16]


def all_specs() -> list[SampleSpec]:
    """Every sample spec, in name order."""
    return sorted((f() for f in ALL), key=lambda s: s.name)
