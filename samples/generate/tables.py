"""Builders of the section 二/三/四 tables, cell for cell as in the State
Council templates (merged cells included). Widths in mm."""
from __future__ import annotations

from typing import Callable, Literal

from .keys import APPEAL_COLUMNS, APPEAL_GROUPS, APPLICATION_COLUMNS, RESULT_ROWS, Template
from .render import Table

Display = Callable[[str], str]   # canonical key -> printed cell text

APPLICANT_LABELS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

#: section 三 result rows: key -> (group label or None, leaf label)
RESULT_LABELS: dict[str, tuple[str | None, str]] = {
    "disclosed": (None, "（一）予以公开"),
    "partially_disclosed": (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "withheld_state_secret": ("（三）不予公开", "1.属于国家秘密"),
    "withheld_prohibited_by_law": ("（三）不予公开", "2.其他法律行政法规禁止公开"),
    "withheld_security_stability": ("（三）不予公开", "3.危及“三安全一稳定”"),
    "withheld_third_party": ("（三）不予公开", "4.保护第三方合法权益"),
    "withheld_internal_affairs": ("（三）不予公开", "5.属于三类内部事务信息"),
    "withheld_process_info": ("（三）不予公开", "6.属于四类过程性信息"),
    "withheld_enforcement_files": ("（三）不予公开", "7.属于行政执法案卷"),
    "withheld_query_items": ("（三）不予公开", "8.属于行政查询事项"),
    "unavailable_not_held": ("（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unavailable_needs_creation": ("（四）无法提供", "2.没有现成信息需要另行制作"),
    "unavailable_unclear": ("（四）无法提供", "3.补正后申请内容仍不明确"),
    "not_processed_petition": ("（五）不予处理", "1.信访举报投诉类申请"),
    "not_processed_duplicate": ("（五）不予处理", "2.重复申请"),
    "not_processed_publication": ("（五）不予处理", "3.要求提供公开出版物"),
    "not_processed_excessive": ("（五）不予处理", "4.无正当理由大量反复申请"),
    "not_processed_confirmation": ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    "other": (None, "（六）其他处理"),
    "other_overdue_correction": ("（六）其他处理",
                                 "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other_overdue_fee": ("（六）其他处理",
                          "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other_other": ("（六）其他处理", "3.其他"),
}


def _relabel(table: Table, overrides: dict[str, str]) -> Table:
    """Replace printed labels (exact cell text) by their variants."""
    for c in table.cells:
        if c.key is None and c.text in overrides:
            c.text = overrides[c.text]
    return table


# ---- section 三 -------------------------------------------------------------
def applications_table(template: Template, display: Display, width_mm: float,
                       label_mm: tuple[float, float, float] = (14.0, 17.0, 38.0),
                       overrides: dict[str, str] | None = None,
                       cut_label: str | None = None,
                       span_valign: Literal["center", "top"] = "center") -> Table:
    """The big matrix. Grid: 3 label columns + 7 value columns; 3 header rows.

    `cut_label`: row key whose leaf label is printed top-aligned with a forced
    line break before its last character (for a page cut inside the row).
    """
    value_w = (width_mm - sum(label_mm)) / len(APPLICATION_COLUMNS)
    result_rows = RESULT_ROWS[template]
    rows = ["new", "carried_over"] + result_rows + ["total", "carried_forward"]
    t = Table(list(label_mm) + [value_w] * len(APPLICATION_COLUMNS), n_rows=3 + len(rows),
              header_rows=3)
    t.add(0, 0, BALANCE_NOTE, rowspan=3, colspan=3, align="left")
    t.add(0, 3, "申请人情况", colspan=7)
    t.add(1, 3, "自然人", rowspan=2)
    t.add(1, 4, "法人或其他组织", colspan=5)
    t.add(1, 9, "总计", rowspan=2)
    for i, lab in enumerate(APPLICANT_LABELS[1:]):
        t.add(2, 4 + i, lab)
    first_result = 3 + 2
    for i, rk in enumerate(rows):
        r = 3 + i
        t.row_keys[r] = rk
        valign: Literal["center", "top"] = "center"
        if rk in ("new", "carried_over", "carried_forward"):
            lab = {"new": "一、本年新收政府信息公开申请数量",
                   "carried_over": "二、上年结转政府信息公开申请数量",
                   "carried_forward": "四、结转下年度继续办理"}[rk]
            t.add(r, 0, lab, colspan=3, align="left")
        elif rk == "total":
            t.add(r, 1, "（七）总计", colspan=2, align="left")
        else:
            group, leaf = RESULT_LABELS[rk]
            if group is None:
                t.add(r, 1, leaf, colspan=2, align="left")
            else:
                prev = RESULT_LABELS.get(rows[i - 1], (None, ""))[0]
                if group != prev:
                    span = sum(1 for k in result_rows if RESULT_LABELS[k][0] == group)
                    t.add(r, 1, group, rowspan=span, valign=span_valign)
                if rk == cut_label:
                    leaf, valign = leaf[:-1] + "\n" + leaf[-1], "top"
                t.add(r, 2, leaf, align="left", valign=valign)
        for j, col in enumerate(APPLICATION_COLUMNS):
            key = f"applications.{rk}.{col}"
            t.add(r, 3 + j, display(key), key=key, valign=valign)
    t.add(first_result, 0, "三、本年度办理结果", rowspan=len(result_rows) + 1, valign=span_valign)
    return _relabel(t, overrides or {})


# ---- section 四 -------------------------------------------------------------
APPEAL_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def appeals_table(display: Display, width_mm: float, vertical_labels: bool,
                  overrides: dict[str, str] | None = None) -> Table:
    """行政复议 (5 cols) | 行政诉讼 (未经复议直接起诉 5, 复议后起诉 5); one value row."""
    t = Table([width_mm / 15] * 15, n_rows=4, header_rows=3)
    t.add(0, 0, "行政复议", colspan=5)
    t.add(0, 5, "行政诉讼", colspan=10)
    for j, lab in enumerate(APPEAL_LABELS):
        t.add(1, j, lab, rowspan=2, vertical=vertical_labels)
    t.add(1, 5, "未经复议直接起诉", colspan=5)
    t.add(1, 10, "复议后起诉", colspan=5)
    for j in range(10):
        t.add(2, 5 + j, APPEAL_LABELS[j % 5], vertical=vertical_labels)
    for gi, g in enumerate(APPEAL_GROUPS):
        for j, col in enumerate(APPEAL_COLUMNS):
            key = f"appeals.{g}.{col}"
            t.add(3, gi * 5 + j, display(key), key=key)
    return _relabel(t, overrides or {})


# ---- section 二 -------------------------------------------------------------
ROW_LABELS = {
    "rules": "规章", "licensing": "行政许可", "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
COL_LABELS = {
    "issued": "本年制发件数", "abolished": "本年废止件数", "in_force": "现行有效件数",
    "new_made": "本年新制作数量", "new_published": "本年新公开数量",
    "total_published": "对外公开总数量", "prev_year_items": "上一年项目数量",
    "change": "本年增/减", "decisions": "处理决定数量", "items": "采购项目数量",
    "amount_wan_yuan": "采购总金额",
}
#: (title, rows, columns) of the sub-tables per template
SUBTABLES: dict[str, list[tuple[str, list[str], list[str]]]] = {
    "2021": [
        ("第二十条第（一）项", ["rules", "normative_docs"], ["issued", "abolished", "in_force"]),
        ("第二十条第（五）项", ["licensing"], ["decisions"]),
        ("第二十条第（六）项", ["penalty", "coercion"], ["decisions"]),
        ("第二十条第（八）项", ["fees"], ["amount_wan_yuan"]),
    ],
    "2019": [
        ("第二十条第（一）项", ["rules", "normative_docs"],
         ["new_made", "new_published", "total_published"]),
        ("第二十条第（五）项", ["licensing", "other_services"],
         ["prev_year_items", "change", "decisions"]),
        ("第二十条第（六）项", ["penalty", "coercion"], ["prev_year_items", "change", "decisions"]),
        ("第二十条第（八）项", ["fees"], ["prev_year_items", "change"]),
        ("第二十条第（九）项", ["procurement"], ["items", "amount_wan_yuan"]),
    ],
}


def _col_label(template: Template, col: str) -> str:
    """Printed column label of section 二 for a template."""
    if template == "2021":
        return {"decisions": "本年处理决定数量",
                "amount_wan_yuan": "本年收费金额（单位：万元）"}.get(col, COL_LABELS[col])
    return COL_LABELS[col]


def _row_label(template: Template, row: str) -> str:
    """Printed row label of section 二 for a template."""
    if row == "normative_docs":
        return "行政规范性文件" if template == "2021" else "规范性文件"
    return ROW_LABELS[row]


def proactive_tables(template: Template, display: Display, width_mm: float,
                     mode: Literal["merged", "separate", "separate_titled"],
                     overrides: dict[str, str] | None = None) -> list[Table | str]:
    """Section 二 as one table with full-width title rows ('merged'), as small
    tables each preceded by its title as a text line ('separate'), or as small
    tables with the title as their first merged row ('separate_titled').

    Returns tables and title strings in reading order.
    """
    ncols = 4
    label_w = 0.3 * width_mm
    out: list[Table | str] = []
    if mode == "merged":
        n_rows = sum(2 + len(rows) for _, rows, _ in SUBTABLES[template])
        big = Table([label_w] + [(width_mm - label_w) / 3] * 3, n_rows=n_rows)
        r = 0
        for title, rows, cols in SUBTABLES[template]:
            big.add(r, 0, title, colspan=ncols)
            r += 1
            _fill_subtable(big, r, template, rows, cols, display, ncols)
            r += 1 + len(rows)
        out.append(_relabel(big, overrides or {}))
        return out
    for title, rows, cols in SUBTABLES[template]:
        n = 1 + len(cols)
        titled = mode == "separate_titled"
        t = Table([label_w] + [(width_mm - label_w) / len(cols)] * len(cols),
                  n_rows=1 + len(rows) + int(titled))
        if titled:
            t.add(0, 0, title, colspan=n)
        else:
            out.append((overrides or {}).get(title, title))
        _fill_subtable(t, int(titled), template, rows, cols, display, n)
        out.append(_relabel(t, overrides or {}))
    return out


def _fill_subtable(t: Table, r0: int, template: Template, rows: list[str], cols: list[str],
                   display: Display, ncols: int) -> None:
    """Header row at grid row r0 then one row per item; the last value column
    spans the rest of the grid when the sub-table has fewer columns."""
    t.add(r0, 0, "信息内容")
    spans = _spans(len(cols), ncols - 1)
    for j, col in enumerate(cols):
        t.add(r0, 1 + sum(spans[:j]), _col_label(template, col), colspan=spans[j])
    used = 1 + sum(spans)
    for r in range(r0, r0 + 1 + len(rows)):
        for c in range(used, ncols):       # the template's empty trailing cells
            t.add(r, c, "")
    for i, row in enumerate(rows):
        r = r0 + 1 + i
        t.row_keys[r] = row
        t.add(r, 0, _row_label(template, row))
        for j, col in enumerate(cols):
            key = f"proactive.{row}.{col}"
            t.add(r, 1 + sum(spans[:j]), display(key), colspan=spans[j], key=key)


def _spans(n: int, width: int) -> list[int]:
    """Column spans for n value columns in `width` grid columns: 2019 (八)/(九)
    keep one empty trailing cell as in the template; a single column spans all."""
    if n == 1:
        return [width]
    return [1] * n if n == width else [1] * (n - 1) + [1]
