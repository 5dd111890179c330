"""Builders of ``ReadTable``s from text grids, with the real wording of the seeds.

A grid is a list of rows; each slot holds the cell's text, or ``"<"`` (part
of the cell to the left: a column span) or ``"^"`` (part of the cell above: a
row span). Merged cells must be rectangles. The wording below is copied from
the five real reports in /work/shared/seeds (not from ``models.schema``), so
the tests check the schema against reality.
"""
from __future__ import annotations

from typing import Optional, Sequence

import pytest

from mapping.types import ReadCell, ReadTable

LABEL_W, VALUE_W, ROW_H = 220, 80, 40

Grid = list[list[str]]


def make_table(
    grid: Grid,
    page: int = 1,
    *,
    confidence: float = 0.99,
    continues_previous: bool = False,
    label_cols: int = 3,
    y0: int = 100,
    conf: Optional[dict[tuple[int, int], float]] = None,
) -> ReadTable:
    """A ReadTable from a grid (see module doc); bbox px from fixed sizes."""
    n_rows, n_cols = len(grid), max(len(r) for r in grid)
    rows = [list(r) + [""] * (n_cols - len(r)) for r in grid]
    xs = [0]
    for c in range(n_cols):
        xs.append(xs[-1] + (LABEL_W if c < label_cols else VALUE_W))
    xs = [x + 100 for x in xs]
    ys = [y0 + ROW_H * r for r in range(n_rows + 1)]
    cells = []
    for r in range(n_rows):
        for c in range(n_cols):
            text = rows[r][c]
            if text in ("<", "^"):
                continue
            cs = 1
            while c + cs < n_cols and rows[r][c + cs] == "<":
                cs += 1
            rs = 1
            while r + rs < n_rows and rows[r + rs][c] == "^":
                rs += 1
            cf = (conf or {}).get((r, c), confidence if text else 1.0)
            cells.append(ReadCell(r, c, rs, cs, (xs[c], ys[r], xs[c + cs], ys[r + rs]), text, cf))
    return ReadTable(page, (xs[0], ys[0], xs[-1], ys[-1]), n_rows, n_cols, tuple(cells),
                     continues_previous)


def split_grid(grid: Grid, at: int) -> tuple[Grid, Grid]:
    """Cut a grid before row ``at``; a row span cut by the break starts blank below."""
    top = [list(r) for r in grid[:at]]
    bottom = [list(r) for r in grid[at:]]
    for c, text in enumerate(bottom[0]):
        if text == "^":
            bottom[0][c] = ""
            # cells further down that continued the cut span now continue the blank
    return top, bottom


# ---------------------------------------------------------------- section 三

APP_HEADER: Grid = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "<", "<",
     "申请人情况", "<", "<", "<", "<", "<", "<"],
    ["^", "^", "^", "自然人", "法人或其他组织", "<", "<", "<", "<", "总计"],
    ["^", "^", "^", "^", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", "^"],
]

#: (label path as printed in three label columns, row key it must map to)
APP_BODY_COMMON_HEAD = [
    (["一、本年新收政府信息公开申请数量", "<", "<"], "new"),
    (["二、上年结转政府信息公开申请数量", "<", "<"], "carried_over"),
    (["三、本年度办理结果", "（一）予以公开", "<"], "disclosed"),
    (["^", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "<"], "partially_disclosed"),
    (["^", "（三）不予公开", "1.属于国家秘密"], "withheld_state_secret"),
    (["^", "^", "2.其他法律行政法规禁止公开"], "withheld_prohibited_by_law"),
    (["^", "^", "3.危及“三安全一稳\n定”"], "withheld_security_stability"),
    (["^", "^", "4.保护第三方合法权益"], "withheld_third_party"),
    (["^", "^", "5.属于三类内部事务信息"], "withheld_internal_affairs"),
    (["^", "^", "6.属于四类过程性信息"], "withheld_process_info"),
    (["^", "^", "7.属于行政执法案卷"], "withheld_enforcement_files"),
    (["^", "^", "8.属于行政查询事项"], "withheld_query_items"),
    (["^", "（四）无法提供", "1.本机关不掌握相关政府信息"], "unavailable_not_held"),
    (["^", "^", "2.没有现成信息需要另行制作"], "unavailable_needs_creation"),
    (["^", "^", "3.补正后申请内容仍不明确"], "unavailable_unclear"),
    (["^", "（五）不予处理", "1.信访举报投诉类申请"], "not_processed_petition"),
    (["^", "^", "2.重复申请"], "not_processed_duplicate"),
    (["^", "^", "3.要求提供公开出版物"], "not_processed_publication"),
    (["^", "^", "4.无正当理由大量反复申请"], "not_processed_excessive"),
    (["^", "^", "5.要求行政机关确认或重新出具已获取信息"], "not_processed_confirmation"),
]
APP_BODY_2019_OTHER = [(["^", "（六）其他处理", "<"], "other")]
APP_BODY_2021_OTHER = [
    (["^", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
     "other_overdue_correction"),
    (["^", "^", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
     "other_overdue_fee"),
    (["^", "^", "3.其他"], "other_other"),
]
APP_BODY_TAIL = [
    (["^", "（七）总计", "<"], "total"),
    (["四、结转下年度继续办理", "<", "<"], "carried_forward"),
]

APP_COLUMNS = ["natural_person", "commercial", "research", "social_welfare",
               "legal_services", "other_org", "total"]


def app_body(template: str) -> list[tuple[list[str], str]]:
    other = APP_BODY_2019_OTHER if template == "2019" else APP_BODY_2021_OTHER
    return APP_BODY_COMMON_HEAD + other + APP_BODY_TAIL


def app_grid(
    template: str,
    values: Optional[dict[str, Sequence[str]]] = None,
    default: Sequence[str] = ("0",) * 7,
    relabel: Optional[dict[str, str]] = None,
) -> Grid:
    """Section 三 matrix: header + body rows; ``values`` row key → 7 texts,
    ``relabel`` row key → replacement text of its innermost label cell."""
    grid = [list(r) for r in APP_HEADER]
    for labels, key in app_body(template):
        labels = list(labels)
        if relabel and key in relabel:
            inner = max(i for i, t in enumerate(labels) if t not in ("<", "^"))
            labels[inner] = relabel[key]
        grid.append(labels + list((values or {}).get(key, default)))
    return grid


def app_expected(template: str, values=None, default=("0",) * 7) -> dict[str, str]:
    """key → raw text expected for an ``app_grid``."""
    out = {}
    for _, key in app_body(template):
        for col, text in zip(APP_COLUMNS, (values or {}).get(key, default)):
            out[f"applications.{key}.{col}"] = text
    return out


# ---------------------------------------------------------------- section 二

PRO_2021: Grid = [
    ["第二十条第（一）项", "<", "<", "<"],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "0", "0"],
    ["行政规范性文件", "1", "2", "3"],
    ["第二十条第（五）项", "<", "<", "<"],
    ["信息内容", "本年处理决定数量", "<", "<"],
    ["行政许可", "296", "<", "<"],
    ["第二十条第（六）项", "<", "<", "<"],
    ["信息内容", "本年处理决定数量", "<", "<"],
    ["行政处罚", "3", "<", "<"],
    ["行政强制", "0", "<", "<"],
    ["第二十条第(八)项", "<", "<", "<"],
    ["信息内容", "本年收费金额（单位：万元）", "<", "<"],
    ["行政事业性收费", "0", "<", "<"],
]

PRO_2019: Grid = [
    ["第二十条第（一）项", "<", "<", "<"],
    ["信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"],
    ["规章", "0", "0", "0"],
    ["规范性文件", "0", "0", "0"],
    ["第二十条第（五）项", "<", "<", "<"],
    ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
    ["行政许可", "914", "0", "914"],
    ["其他对外管理服务事项", "270", "0", "270"],
    ["第二十条第（六）项", "<", "<", "<"],
    ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
    ["行政处罚", "28", "-10", "14"],
    ["行政强制", "0", "0", "0"],
    ["第二十条第（八）项", "<", "<", "<"],
    ["信息内容", "上一年项目数量", "本年增/减", ""],
    ["行政事业性收费", "0", "0", ""],
    ["第二十条第（九）项", "<", "<", "<"],
    ["信息内容", "采购项目数量", "采购总金额", ""],
    ["政府集中采购", "5", "534.865 万元", ""],
]


def pro_tables(grid: Grid, page: int = 2, split: bool = False) -> list[ReadTable]:
    """Section 二 as one table, or (``split``) one small table per 第二十条 item."""
    if not split:
        return [make_table(grid, page, label_cols=1)]
    starts = [i for i, r in enumerate(grid) if r[0].startswith("第二十条")] + [len(grid)]
    return [make_table(grid[a:b], page, label_cols=1, y0=100 + 300 * i)
            for i, (a, b) in enumerate(zip(starts, starts[1:]))]


# ---------------------------------------------------------------- section 四

def appeals_grid(values: Sequence[str] = ("0",) * 15, vertical: bool = False) -> Grid:
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    if vertical:  # seed 000: one character per line
        leaves = ["\n".join(x) for x in leaves]
    return [
        ["行政复议", "<", "<", "<", "<", "行政诉讼", "<", "<", "<", "<", "<", "<", "<", "<", "<"],
        leaves + ["未经复议直接起诉", "<", "<", "<", "<", "复议后起诉", "<", "<", "<", "<"],
        ["^"] * 5 + leaves + leaves,
        list(values),
    ]


def appeals_table(values: Sequence[str] = ("0",) * 15, page: int = 4, **kw) -> ReadTable:
    return make_table(appeals_grid(values, **kw), page, label_cols=0)


# ---------------------------------------------------------------- self-checks


def test_make_table_spans():
    t = make_table(APP_HEADER + [["一、本年新收政府信息公开申请数量", "<", "<"] + ["0"] * 7])
    by_text = {c.text: c for c in t.cells}
    note = by_text["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    assert (note.row, note.col, note.row_span, note.col_span) == (0, 0, 3, 3)
    assert (by_text["总计"].row_span, by_text["申请人情况"].col_span) == (2, 7)
    assert by_text["一、本年新收政府信息公开申请数量"].col_span == 3
    assert t.n_rows == 4 and t.n_cols == 10


def test_split_grid_blanks_cut_spans():
    grid = app_grid("2021")
    top, bottom = split_grid(grid, 12)
    assert len(top) + len(bottom) == len(grid)
    assert bottom[0][0] == "" and bottom[0][1] == ""
    t = make_table(bottom)
    assert all(c.row_span >= 1 for c in t.cells)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_app_grid_is_rectangular(template):
    grid = app_grid(template)
    assert {len(r) for r in grid} == {10}
