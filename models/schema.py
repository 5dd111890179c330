"""The canonical schema of a 政府信息公开工作年度报告, in code.

This module is the single source of truth for the output keys of
``/work/shared/spec/report-schema.md``: every row and column of the three
table sections, the label(s) each is printed with (the printed label first,
then variants and OCR slips seen in real reports), and the template(s) each
belongs to. ``mapping`` matches printed labels against these tables;
``models.checks`` builds its sums from them. No other module keeps a label
table.

Key forms::

    proactive.<row>.<column>      section 二 (sub-tables 第二十条第（一）…（九）项)
    applications.<row>.<column>   section 三 (a matrix)
    appeals.<group>.<column>      section 四

Templates are the strings ``"2019"`` and ``"2021"`` (国办公开办函〔2019〕60号 /
〔2021〕30号).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

Template = Literal["2019", "2021"]
TEMPLATES: tuple[str, ...] = ("2019", "2021")
BOTH: frozenset[str] = frozenset(TEMPLATES)
T2019: frozenset[str] = frozenset({"2019"})
T2021: frozenset[str] = frozenset({"2021"})

SECTIONS: tuple[str, ...] = ("proactive", "applications", "appeals")

__all__ = [
    "APPEAL_COLUMNS",
    "APPEAL_GROUPS",
    "APPLICANT_COLUMNS",
    "APPLICATION_COLUMNS",
    "APPLICATION_HEADER_WORDS",
    "APPLICATION_ROWS",
    "BOTH",
    "ColumnSpec",
    "Label",
    "PROACTIVE_COLUMNS",
    "PROACTIVE_HEADER_WORDS",
    "PROACTIVE_ITEMS",
    "PROACTIVE_ROWS",
    "RESULT_ROWS_2019",
    "RESULT_ROWS_2021",
    "RowSpec",
    "SECTIONS",
    "TEMPLATES",
    "all_keys",
    "application_rows",
    "is_amount",
    "key_order",
    "keys_for",
    "proactive_key_templates",
    "result_rows",
    "signed",
]


@dataclass(frozen=True)
class Label:
    """One way a row or column is printed.

    text : the label as printed (or as a real report misprints / OCR reads it).
    templates : templates in which this wording is used; a wording used by
        both carries ``BOTH``. A label that only one template prints votes for
        that template when it is matched (see ``mapping.tables``).
    """

    text: str
    templates: frozenset[str] = BOTH


@dataclass(frozen=True)
class RowSpec:
    """A row of a section.

    key : the row part of the output key (``new``, ``rules``, ...).
    labels : printed label first, then variants. For section 三 these are the
        *leaf* labels (the innermost label cell, enumerator included as
        printed); the parent label cells (三、本年度办理结果, （三）不予公开)
        are in ``parents``.
    templates : templates that have this row.
    item : section 二 only, the 第二十条 item the row belongs to ("1", "5",
        "6", "8", "9").
    parents : printed parent labels (section 三), outermost first.
    """

    key: str
    labels: tuple[Label, ...]
    templates: frozenset[str] = BOTH
    item: Optional[str] = None
    parents: tuple[str, ...] = ()

    @property
    def printed(self) -> str:
        return " ".join(self.parents + (self.labels[0].text,))


@dataclass(frozen=True)
class ColumnSpec:
    """A column of a section.

    key : the column part of the output key.
    labels : printed label first, then variants (the leaf header cell).
    templates : templates that have this column (for section 二, in the
        sub-tables listed in ``items``).
    items : section 二 only, the 第二十条 items whose sub-table has this column.
    parents : printed parent header cells (申请人情况 / 法人或其他组织).
    """

    key: str
    labels: tuple[Label, ...]
    templates: frozenset[str] = BOTH
    items: frozenset[str] = frozenset()
    parents: tuple[str, ...] = ()


def _l(*texts: str, t: frozenset[str] = BOTH) -> tuple[Label, ...]:
    return tuple(Label(x, t) for x in texts)


# ---------------------------------------------------------------- section 二

#: 第二十条 items of section 二: item number -> printed title.
PROACTIVE_ITEMS: dict[str, str] = {
    "1": "第二十条第（一）项",
    "5": "第二十条第（五）项",
    "6": "第二十条第（六）项",
    "8": "第二十条第（八）项",
    "9": "第二十条第（九）项",
}

#: The first header cell of every section 二 sub-table.
PROACTIVE_HEADER_WORDS: tuple[str, ...] = ("信息内容",)

PROACTIVE_ROWS: tuple[RowSpec, ...] = (
    RowSpec("rules", _l("规章"), BOTH, "1"),
    RowSpec(
        "normative_docs",
        _l("行政规范性文件", t=T2021) + _l("规范性文件", t=T2019),
        BOTH,
        "1",
    ),
    RowSpec("licensing", _l("行政许可"), BOTH, "5"),
    RowSpec("other_services", _l("其他对外管理服务事项", t=T2019), T2019, "5"),
    RowSpec("penalty", _l("行政处罚"), BOTH, "6"),
    RowSpec("coercion", _l("行政强制"), BOTH, "6"),
    RowSpec("fees", _l("行政事业性收费"), BOTH, "8"),
    RowSpec("procurement", _l("政府集中采购", t=T2019), T2019, "9"),
)

_ITEM_1 = frozenset({"1"})
_ITEM_56 = frozenset({"5", "6"})
_ITEM_568 = frozenset({"5", "6", "8"})
_ITEM_8 = frozenset({"8"})
_ITEM_9 = frozenset({"9"})

#: Section 二 columns. A key may appear more than once (``decisions``,
#: ``amount_wan_yuan``, ``prev_year_items``): once per (template, items) use.
PROACTIVE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("issued", _l("本年制发件数", "本年制发文件", t=T2021), T2021, _ITEM_1),
    ColumnSpec("abolished", _l("本年废止件数", "本年度止件数", t=T2021), T2021, _ITEM_1),
    ColumnSpec("in_force", _l("现行有效件数", t=T2021), T2021, _ITEM_1),
    ColumnSpec("new_made", _l("本年新制作数量", t=T2019), T2019, _ITEM_1),
    ColumnSpec("new_published", _l("本年新公开数量", t=T2019), T2019, _ITEM_1),
    ColumnSpec("total_published", _l("对外公开总数量", t=T2019), T2019, _ITEM_1),
    ColumnSpec("decisions", _l("本年处理决定数量", t=T2021), T2021, _ITEM_56),
    ColumnSpec("prev_year_items", _l("上一年项目数量", t=T2019), T2019, _ITEM_568),
    ColumnSpec("change", _l("本年增/减", "本年增减", t=T2019), T2019, _ITEM_568),
    ColumnSpec("decisions", _l("处理决定数量", t=T2019), T2019, _ITEM_56),
    ColumnSpec(
        "amount_wan_yuan",
        _l("本年收费金额（单位：万元）", "本年收费金额", t=T2021),
        T2021,
        _ITEM_8,
    ),
    ColumnSpec("items", _l("采购项目数量", t=T2019), T2019, _ITEM_9),
    ColumnSpec("amount_wan_yuan", _l("采购总金额", t=T2019), T2019, _ITEM_9),
)

# ---------------------------------------------------------------- section 三

#: Header cells of section 三 that are not column labels (parents, the note).
APPLICATION_HEADER_WORDS: tuple[str, ...] = (
    "申请人情况",
    "法人或其他组织",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
)

_ORG = ("申请人情况", "法人或其他组织")

APPLICATION_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("natural_person", _l("自然人"), parents=("申请人情况",)),
    ColumnSpec("commercial", _l("商业企业"), parents=_ORG),
    ColumnSpec("research", _l("科研机构"), parents=_ORG),
    ColumnSpec("social_welfare", _l("社会公益组织", "社会组织"), parents=_ORG),
    ColumnSpec("legal_services", _l("法律服务机构"), parents=_ORG),
    ColumnSpec("other_org", _l("其他"), parents=_ORG),
    ColumnSpec("total", _l("总计")),
)

#: The six applicant columns that add up to ``total``.
APPLICANT_COLUMNS: tuple[str, ...] = tuple(c.key for c in APPLICATION_COLUMNS[:-1])

_RES = "三、本年度办理结果"
_W = (_RES, "（三）不予公开")
_U = (_RES, "（四）无法提供")
_N = (_RES, "（五）不予处理")
_O = (_RES, "（六）其他处理")

APPLICATION_ROWS: tuple[RowSpec, ...] = (
    RowSpec("new", _l("一、本年新收政府信息公开申请数量")),
    RowSpec("carried_over", _l("二、上年结转政府信息公开申请数量")),
    RowSpec("disclosed", _l("（一）予以公开"), parents=(_RES,)),
    RowSpec(
        "partially_disclosed",
        _l("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）部分公开"),
        parents=(_RES,),
    ),
    RowSpec("withheld_state_secret", _l("1.属于国家秘密"), parents=_W),
    RowSpec("withheld_prohibited_by_law", _l("2.其他法律行政法规禁止公开"), parents=_W),
    RowSpec("withheld_security_stability", _l("3.危及“三安全一稳定”"), parents=_W),
    RowSpec("withheld_third_party", _l("4.保护第三方合法权益"), parents=_W),
    RowSpec("withheld_internal_affairs", _l("5.属于三类内部事务信息"), parents=_W),
    RowSpec("withheld_process_info", _l("6.属于四类过程性信息"), parents=_W),
    RowSpec("withheld_enforcement_files", _l("7.属于行政执法案卷"), parents=_W),
    RowSpec("withheld_query_items", _l("8.属于行政查询事项"), parents=_W),
    RowSpec("unavailable_not_held", _l("1.本机关不掌握相关政府信息"), parents=_U),
    RowSpec("unavailable_needs_creation", _l("2.没有现成信息需要另行制作"), parents=_U),
    RowSpec("unavailable_unclear", _l("3.补正后申请内容仍不明确"), parents=_U),
    RowSpec("not_processed_petition", _l("1.信访举报投诉类申请"), parents=_N),
    RowSpec("not_processed_duplicate", _l("2.重复申请"), parents=_N),
    RowSpec("not_processed_publication", _l("3.要求提供公开出版物"), parents=_N),
    RowSpec("not_processed_excessive", _l("4.无正当理由大量反复申请"), parents=_N),
    RowSpec(
        "not_processed_confirmation",
        _l("5.要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认或重新出具以获取信息"),
        parents=_N,
    ),
    RowSpec("other", _l("（六）其他处理", t=T2019), T2019, parents=(_RES,)),
    RowSpec(
        "other_overdue_correction",
        _l("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", t=T2021),
        T2021,
        parents=_O,
    ),
    RowSpec(
        "other_overdue_fee",
        _l("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", t=T2021),
        T2021,
        parents=_O,
    ),
    RowSpec("other_other", _l("3.其他", t=T2021), T2021, parents=_O),
    RowSpec("total", _l("（七）总计"), parents=(_RES,)),
    RowSpec("carried_forward", _l("四、结转下年度继续办理")),
)

_ROW_KEYS = [r.key for r in APPLICATION_ROWS]
_RESULT_COMMON: tuple[str, ...] = tuple(
    _ROW_KEYS[_ROW_KEYS.index("disclosed") : _ROW_KEYS.index("other")]
)
#: Result rows of section 三 that add up to ``total`` (rule results_sum).
RESULT_ROWS_2019: tuple[str, ...] = _RESULT_COMMON + ("other",)
RESULT_ROWS_2021: tuple[str, ...] = _RESULT_COMMON + (
    "other_overdue_correction",
    "other_overdue_fee",
    "other_other",
)

# ---------------------------------------------------------------- section 四

#: group key -> printed header labels of the group (the specific one last).
APPEAL_GROUPS: dict[str, tuple[str, ...]] = {
    "review": ("行政复议",),
    "litigation_direct": ("行政诉讼", "未经复议直接起诉"),
    "litigation_after_review": ("行政诉讼", "复议后起诉"),
}

APPEAL_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("upheld", _l("结果维持")),
    ColumnSpec("corrected", _l("结果纠正")),
    ColumnSpec("other", _l("其他结果")),
    ColumnSpec("pending", _l("尚未审结")),
    ColumnSpec("total", _l("总计")),
)

# ---------------------------------------------------------------- key lists


def _check_template(t: Optional[str]) -> None:
    if t is not None and t not in TEMPLATES:
        raise ValueError(f"template must be one of {TEMPLATES} or None, got {t!r}")


def _proactive_keys(template: Optional[str]) -> list[str]:
    out: list[str] = []
    for row in PROACTIVE_ROWS:
        for col in PROACTIVE_COLUMNS:
            if row.item not in col.items:
                continue
            ts = row.templates & col.templates
            if template is not None:
                ts = ts & {template}
            key = f"proactive.{row.key}.{col.key}"
            if ts and key not in out:
                out.append(key)
    return out


def application_rows(template: Optional[str]) -> list[str]:
    """Row keys of section 三 for ``template`` (None: rows of both, in order)."""
    _check_template(template)
    return [r.key for r in APPLICATION_ROWS if template is None or template in r.templates]


def result_rows(template: Optional[str]) -> tuple[str, ...]:
    """Result rows (disclosed … other*) adding up to ``total`` for ``template``.

    With ``None`` both the 2019 ``other`` row and the three 2021 ``other_*``
    rows are listed (a report with an undetermined template).
    """
    _check_template(template)
    if template == "2019":
        return RESULT_ROWS_2019
    if template == "2021":
        return RESULT_ROWS_2021
    return RESULT_ROWS_2019 + RESULT_ROWS_2021[len(_RESULT_COMMON):]


def keys_for(
    template_proactive: Optional[str], template_applications: Optional[str]
) -> list[str]:
    """All output keys of a report whose tables follow these templates.

    Parameters
    ----------
    template_proactive : "2019", "2021" or None for section 二.
    template_applications : "2019", "2021" or None for section 三.
        ``None`` means "not determined": the keys of both templates are listed.

    Returns
    -------
    list of str, in document order: section 二 (by item, row, column), then
    section 三 (row-major), then section 四 (group-major).

    >>> "proactive.rules.issued" in keys_for("2021", "2021")
    True
    >>> "proactive.rules.issued" in keys_for("2019", "2021")
    False
    """
    _check_template(template_proactive)
    _check_template(template_applications)
    keys = _proactive_keys(template_proactive)
    for row in application_rows(template_applications):
        keys += [f"applications.{row}.{c.key}" for c in APPLICATION_COLUMNS]
    for group in APPEAL_GROUPS:
        keys += [f"appeals.{group}.{c.key}" for c in APPEAL_COLUMNS]
    return keys


def all_keys() -> list[str]:
    """Every key of either template, in document order."""
    return keys_for(None, None)


_ORDER: dict[str, int] = {k: i for i, k in enumerate(all_keys())}


def key_order(key: str) -> int:
    """Sort position of ``key`` in document order (unknown keys last)."""
    return _ORDER.get(key, len(_ORDER))


def proactive_key_templates(row: str, column: str) -> frozenset[str]:
    """Templates in which ``proactive.<row>.<column>`` exists (empty: never)."""
    spec = next((r for r in PROACTIVE_ROWS if r.key == row), None)
    if spec is None:
        return frozenset()
    out: set[str] = set()
    for col in PROACTIVE_COLUMNS:
        if col.key == column and spec.item in col.items:
            out |= spec.templates & col.templates
    return frozenset(out)


def is_amount(key: str) -> bool:
    """True for keys holding an amount in 万元 (a decimal), else a count."""
    return key.endswith(".amount_wan_yuan")


def signed(key: str) -> bool:
    """True for keys that may be negative (本年增/减)."""
    return key.endswith(".change")
