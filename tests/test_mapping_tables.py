"""map_tables on ReadTables built from the seeds' real wording."""
import pytest

from mapping import PageText, map_report, map_tables
from mapping.settings import MappingSettings
from models.schema import keys_for
from test_mapping_fixtures import (
    PRO_2019,
    PRO_2021,
    app_expected,
    app_grid,
    appeals_grid,
    appeals_table,
    make_table,
    pro_tables,
    split_grid,
)

VALUES = {  # distinct numbers so a shifted row or column cannot pass
    "new": ["1", "2", "3", "4", "5", "6", "21"],
    "carried_over": ["0", "1", "0", "0", "0", "0", "1"],
    "withheld_query_items": ["7", "", "", "", "", "", "7"],
    "total": ["9", "8", "7", "6", "5", "4", "39"],
    "carried_forward": ["", "", "", "", "", "", ""],
}


def report_tables(pro_template, app_template, values=VALUES, split_pro=False):
    pro = PRO_2019 if pro_template == "2019" else PRO_2021
    return pro_tables(pro, split=split_pro) + [
        make_table(app_grid(app_template, values), 3),
        appeals_table(),
    ]


def field_values(mapping):
    return {k: (v.value, v.raw) for k, v in mapping.values.items()}


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_full_report_every_key_and_only_those(template):
    m = map_tables(report_tables(template, template))
    assert m.templates == {"proactive": template, "applications": template}
    assert set(m.values) == set(keys_for(template, template))
    for key, raw in app_expected(template, VALUES).items():
        assert m.values[key].raw == raw, key
    assert m.values["applications.new.total"].value == 21
    assert m.values["applications.withheld_query_items.commercial"].value is None
    assert m.values["applications.total.total"].value == 39
    assert not [k for k, v in m.values.items() if v.review]
    assert m.warnings == ()


def test_values_and_labels_section_2_2019():
    m = map_tables(report_tables("2019", "2019"))
    v = m.values
    assert v["proactive.licensing.prev_year_items"].value == 914
    assert v["proactive.penalty.change"].value == -10
    assert v["proactive.penalty.decisions"].value == 14
    assert v["proactive.procurement.amount_wan_yuan"].value == pytest.approx(534.865)
    assert v["proactive.procurement.amount_wan_yuan"].raw == "534.865 万元"
    assert isinstance(v["proactive.procurement.items"].value, int)
    assert "proactive.fees.decisions" not in v  # 2019 (八) has no 处理决定数量
    assert v["proactive.rules.new_made"].label == "规章 / 本年新制作数量"
    assert v["applications.new.total"].label == "一、本年新收政府信息公开申请数量 / 总计"


def test_values_section_2_2021():
    v = map_tables(report_tables("2021", "2021")).values
    assert v["proactive.licensing.decisions"].value == 296
    assert v["proactive.normative_docs.in_force"].value == 3
    assert v["proactive.fees.amount_wan_yuan"].value == 0
    assert "proactive.procurement.items" not in v


def test_provenance():
    m = map_tables(report_tables("2021", "2021"))
    f = m.values["applications.new.total"]
    assert f.page == 3 and f.bbox[2] > f.bbox[0] and f.bbox[3] > f.bbox[1]
    assert 0.9 < f.confidence <= 1.0


@pytest.mark.parametrize("pro_t, app_t", [("2019", "2021"), ("2021", "2019")])
def test_mixed_templates_decided_per_table(pro_t, app_t):
    m = map_tables(report_tables(pro_t, app_t))
    assert m.templates == {"proactive": pro_t, "applications": app_t}
    expected = set(keys_for(pro_t, app_t))
    assert set(m.values) == expected
    by_section = {i.section: i.template for i in m.tables if i.section != "appeals"}
    assert by_section == {"proactive": pro_t, "applications": app_t}


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_section_2_as_small_tables_equals_one_table(template):
    one = map_tables(report_tables(template, template))
    many = map_tables(report_tables(template, template, split_pro=True))
    assert field_values(many) == field_values(one)
    n_items = 5 if template == "2019" else 4
    assert [i.section for i in many.tables].count("proactive") == n_items


# ------------------------------------------------------------- split matrix


def _unsplit(template):
    return map_tables([make_table(app_grid(template, VALUES), 3)])


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("flag", [True, False])
def test_matrix_split_between_rows(template, flag):
    top, bottom = split_grid(app_grid(template, VALUES), 12)
    parts = [make_table(top, 3), make_table(bottom, 4, continues_previous=flag)]
    m = map_tables(parts)
    assert field_values(m) == field_values(_unsplit(template))
    assert m.templates["applications"] == template
    assert m.tables[1].continued
    assert m.values["applications.total.total"].page == 4


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_matrix_split_with_repeated_header(template):
    grid = app_grid(template, VALUES)
    top, bottom = split_grid(grid, 14)
    bottom = grid[:3] + bottom  # the header printed again on the next page
    m = map_tables([make_table(top, 3), make_table(bottom, 4)])
    assert field_values(m) == field_values(_unsplit(template))
    assert not [k for k, v in m.values.items() if v.review]


def _split_mid_row(template, top_values=None, bottom_values=None):
    """Row 8.属于行政查询事 / 项 broken by the page break (seed 000)."""
    grid = app_grid(template, VALUES)
    i = next(r for r, row in enumerate(grid) if row[2].startswith("8."))
    row = grid[i]
    top = grid[:i] + [row[:2] + ["8.属于行政查询事"] + list(top_values or [""] * 7)]
    bottom = [["", "", "项"] + list(bottom_values or row[3:])] + grid[i + 1 :]
    _, bottom_rest = split_grid(grid, i + 1)
    bottom = [bottom[0]] + bottom_rest
    return make_table(top, 3), make_table(bottom, 4, continues_previous=True)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_matrix_split_mid_row(template):
    m = map_tables(list(_split_mid_row(template)))
    assert field_values(m) == field_values(_unsplit(template))
    f = m.values["applications.withheld_query_items.natural_person"]
    assert f.value == 7 and f.page == 4 and not f.review
    assert f.label.endswith("8.属于行政查询事项 / 自然人")


def test_matrix_split_mid_row_values_on_both_sides_is_reviewed():
    top_vals = ["7", "", "", "", "", "", "9"]  # total differs from the bottom's 7
    m = map_tables(list(_split_mid_row("2021", top_values=top_vals)))
    f = m.values["applications.withheld_query_items.total"]
    assert f.review and any("both sides" in r for r in f.reasons)
    assert f.raw in ("7", "9")
    g = m.values["applications.withheld_query_items.commercial"]
    assert g.value is None and not g.review


def test_headerless_continuation_with_one_column_less_is_right_aligned():
    grid = app_grid("2021", VALUES)
    top, bottom = split_grid(grid, 12)
    # layout merged the two outer label columns of this part
    bottom = [[row[0]] + row[2:] if row[1] == "<" else row[1:] for row in bottom]
    m = map_tables([make_table(top, 3), make_table(bottom, 4, label_cols=2)])
    assert field_values(m) == field_values(_unsplit("2021"))
    assert any("aligned on the right" in w for w in m.warnings)


# ------------------------------------------------------------- seed variants


def test_seed_002_layout_and_variants():
    """一、 in its own cell, 社会组织, 重新出具以获取信息, blank rows, 总计 in row 0."""
    header = [
        ["(本列数据的勾稽关系为: 第一项加第二项之和, 等于第三项加第四项之和)", "<", "<",
         "申请人情况", "<", "<", "<", "<", "<", "总计"],
        ["^", "^", "^", "自然人", "法人或其他组织", "<", "<", "<", "<", "^"],
        ["^", "^", "^", "^", "商业企业", "科研机构", "社会组织", "法律服务机构", "其他", "^"],
    ]
    zeros = ["0"] * 7
    body = [
        ["一、", "本年新收政府信息公开申请数量", "<"] + zeros,
        ["二、", "上年结转政府信息公开申请数量", "<"] + zeros,
        ["三、", "(一) 予以公开", "<"] + [""] * 7,
        ["^", "(五) 不予处理", "5.要求行政机关确认或重新出具以获取信息"] + zeros,
        ["^", "(七)总计", "<"] + [""] * 7,
        ["四、结转下年度继续办理", "<", "<"] + zeros,
    ]
    m = map_tables([make_table(header + body, 3)])
    v = m.values
    assert v["applications.new.social_welfare"].value == 0
    assert v["applications.not_processed_confirmation.total"].value == 0
    assert v["applications.disclosed.total"].value is None
    assert v["applications.disclosed.total"].raw == ""
    assert v["applications.total.natural_person"].value is None
    assert v["applications.carried_forward.total"].value == 0
    assert not [k for k, f in v.items() if f.review]


def test_seed_003_only_total_column_and_leading_spaces():
    values = {key: [""] * 6 + [" 0"] for key in ("new", "carried_over", "total", "carried_forward")}
    m = map_tables([make_table(app_grid("2019", values, default=[""] * 6 + ["0"]), 3)])
    assert m.values["applications.new.total"].value == 0
    assert m.values["applications.new.natural_person"].value is None
    assert m.values["applications.new.total"].raw == " 0"


def test_seed_002_section_2_variants():
    grid = [
        ["第二十条第（一）项", "<", "<", "<"],
        ["信息内容", "本年制发文件", "本年度止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "0", "0", "0"],
        ["第二十条第（五）项", "<", "<", "<"],
        ["信息内容", "本年处理决定数量", "", ""],
        ["行政许可", "29", "", ""],
    ]
    grid2 = [
        ["第二十条第(八)项", "<"],
        ["信息内容", "本年收费金额(单位:万元)"],
        ["行政事业性收费", "0"],
    ]
    m = map_tables([make_table(grid, 2, label_cols=1), make_table(grid2, 3, label_cols=1)])
    assert m.templates["proactive"] == "2021"
    v = m.values
    assert v["proactive.rules.abolished"].value == 0
    assert v["proactive.licensing.decisions"].value == 29
    assert v["proactive.fees.amount_wan_yuan"].page == 3
    assert set(v) == {k for k in keys_for("2021", "2021") if k.startswith("proactive.")} - {
        "proactive.penalty.decisions", "proactive.coercion.decisions"}  # no (六) table here


# ------------------------------------------------------------- appeals


def test_appeals_real_2023_case_values_as_printed():
    vals = ["10", "1", "", "", "0"] + ["0"] * 10
    m = map_tables([appeals_table(vals)])
    v = m.values
    assert (v["appeals.review.upheld"].value, v["appeals.review.corrected"].value) == (10, 1)
    assert v["appeals.review.other"].value is None
    assert v["appeals.review.total"].value == 0
    assert v["appeals.litigation_direct.upheld"].label == "行政诉讼 未经复议直接起诉 / 结果维持"
    assert len(v) == 15


def test_appeals_vertical_labels_and_distinct_groups():
    vals = [str(i) for i in range(15)]
    v = map_tables([appeals_table(vals, vertical=True)]).values
    assert v["appeals.review.upheld"].value == 0
    assert v["appeals.litigation_direct.total"].value == 9
    assert v["appeals.litigation_after_review.upheld"].value == 10
    assert v["appeals.litigation_after_review.total"].value == 14


# ------------------------------------------------------------- review


def test_garbled_label_one_character_maps():
    m = map_tables([make_table(app_grid("2021", relabel={
        "withheld_internal_affairs": "5.属于三类内部事物信息",
        "unavailable_not_held": "1.本机关不掌提相关政府信息",
    }), 3)])
    assert set(m.values) == set(keys_for("2021", "2021")) - set(
        k for k in keys_for("2021", "2021") if not k.startswith("applications."))


def test_garbage_row_label_gets_review_not_a_wrong_key():
    grid = app_grid("2021", {"withheld_process_info": ["1", "0", "0", "0", "0", "0", "1"]},
                    relabel={"withheld_process_info": "口口口"})
    m = map_tables([make_table(grid, 3)])
    f = m.values["applications.withheld_process_info.natural_person"]
    assert f.value == 1 and f.review
    assert any("inferred from its position" in r for r in f.reasons)
    assert f.confidence <= 0.5
    # nothing else got those values
    assert sum(1 for k, x in m.values.items() if x.value == 1) == 2


def test_garbage_row_label_without_inference_is_left_out_with_warning():
    grid = app_grid("2021", {"withheld_process_info": ["1"] * 7},
                    relabel={"withheld_process_info": "口口口"})
    m = map_tables([make_table(grid, 3)], MappingSettings(infer_keys_from_position=False))
    assert not any(k.startswith("applications.withheld_process_info.") for k in m.values)
    assert any("口口口" in w for w in m.warnings)
    assert not any(x.value == 1 for x in m.values.values())


def test_garbage_section_2_row_inferred_between_neighbours():
    grid = [list(r) for r in PRO_2021]
    grid[10] = ["XX口", "0", "<", "<"]  # 行政强制
    m = map_tables([make_table(grid, 2, label_cols=1)])
    f = m.values["proactive.coercion.decisions"]
    assert f.review and f.value == 0


def test_low_ocr_confidence_is_reviewed():
    grid = app_grid("2021")
    t = make_table(grid, 3, conf={(3, 9): 0.4})
    f = map_tables([t]).values["applications.new.total"]
    assert f.review and any("low OCR confidence" in r for r in f.reasons)
    assert f.confidence == pytest.approx(0.4)


def test_unreadable_value_is_null_and_reviewed():
    m = map_tables([make_table(app_grid("2021", {"new": ["0", "0", "0", "D", "O", "0", "x?"]}), 3)])
    bad = m.values["applications.new.total"]
    assert bad.value is None and bad.review and bad.raw == "x?"
    fixed = m.values["applications.new.social_welfare"]
    assert fixed.value == 0 and fixed.review  # D for 0: a letter fixed, a doubt
    zero = m.values["applications.new.legal_services"]
    assert zero.value == 0 and not zero.review  # O: the look-alike of 0, read at 0.99


def test_key_found_twice_with_different_values_is_reviewed():
    t1 = make_table(app_grid("2021"), 3)
    t2 = make_table(app_grid("2021", {"new": ["0"] * 6 + ["5"]}), 5, confidence=0.9)
    m = map_tables([t1, t2])
    f = m.values["applications.new.total"]
    assert f.value == 0 and f.review and any("found twice" in r for r in f.reasons)
    same = m.values["applications.carried_over.total"]
    assert not same.review


def test_unrelated_table_is_skipped_with_warning():
    t = make_table([["姓名", "电话"], ["张三", "0951-8558303"]], 6, label_cols=1)
    m = map_tables([t] + report_tables("2021", "2021"))
    assert m.tables[0].section is None and any("not a table of the report" in w for w in m.warnings)
    assert set(m.values) == set(keys_for("2021", "2021"))


def test_map_report_adds_meta():
    pages = [PageText(1, (((0, 0, 10, 10), "尖山区卫生健康局", 0.99),
                          ((0, 20, 10, 30), "2023年政府信息公开工作年度报告", 0.98)))]
    m = map_report(report_tables("2021", "2021"), pages)
    assert (m.agency, m.year) == ("尖山区卫生健康局", 2023)


def test_leaf_label_split_over_two_cells_is_joined():
    """A stroke of 他 read as a ruling line splits （六）其他处理 over two cells
    (seen on a binarised scan); joined, the row still maps. Its joined label
    still reads weakly (也 for 他), but it sits between （五） and （七） where the
    template puts it: a sure match, not a doubt."""
    grid = app_grid("2019", {"other": ["0", "0", "0", "0", "0", "1", "1"]})
    row = next(r for r in grid if "（六）其他处理" in r)
    at = row.index("（六）其他处理")
    assert row[at + 1] == "<", "the fixture's label spans two label columns"
    row[at], row[at + 1] = "（六）其", "也处理"
    m = map_tables([make_table(grid, 3)])
    f = m.values["applications.other.total"]
    assert f.value == 1 and not f.review
    assert m.templates.get("applications") == "2019"
    loose = map_tables([make_table(grid, 3)], MappingSettings(confirm_labels_by_order=False))
    assert any("weak row match" in r for r in loose.values["applications.other.total"].reasons)


def test_value_row_with_zeros_read_as_letter_o_is_still_the_value_row():
    """OCR reads some lone 0s as 'o' (seen on a binarised scan): the row is
    still the value row and the values are 0, judged by their OCR confidence
    (the recogniser scores 0, O and o as one glyph)."""
    values = ["o", "0", "0", "0", "0", "o"] + ["0"] * 9
    m = map_tables([appeals_table(values)])
    assert m.values["appeals.review.upheld"].value == 0
    assert not m.values["appeals.review.upheld"].review
    from test_mapping_fixtures import appeals_grid
    low = map_tables([make_table(appeals_grid(values), 4, label_cols=0, confidence=0.4)]).values[
        "appeals.review.upheld"]
    assert low.value == 0 and low.review and any("low OCR confidence" in r for r in low.reasons)
    assert m.values["appeals.litigation_direct.upheld"].value == 0
    assert not m.values["appeals.review.corrected"].review


def _reasons(m, key: str) -> list[str]:
    return list(m.values[key].reasons)


def test_garbled_row_label_where_the_template_puts_it_is_sure():
    """尚未… one wrong character in a row label: weak alone, sure between its neighbours."""
    grid = app_grid("2021", relabel={"not_processed_duplicate": "2.重复日请"})
    m = map_tables([make_table(grid, 3)])
    f = m.values["applications.not_processed_duplicate.total"]
    assert f.value == 0 and not f.review and f.confidence > 0.9


def test_garbled_row_label_beside_an_unread_row_stays_a_doubt():
    """With the row above it unreadable, nothing fixes the garbled row's place."""
    grid = app_grid("2021", relabel={"not_processed_duplicate": "2.重复日请",
                                     "not_processed_petition": "丨"})
    m = map_tables([make_table(grid, 3)])
    assert any("weak row match" in r for r in _reasons(m, "applications.not_processed_duplicate.total"))


def test_row_out_of_the_templates_order_stays_a_doubt():
    """A weak label whose neighbours are not the keys around it in the template is not confirmed."""
    grid = app_grid("2021", relabel={"not_processed_duplicate": "2.重复日请"})
    at = next(i for i, r in enumerate(grid) if "2.重复日请" in r)
    grid[at], grid[at + 1] = grid[at + 1], grid[at]  # swapped with the row below
    m = map_tables([make_table(grid, 3)])
    assert any("weak row match" in r for r in _reasons(m, "applications.not_processed_duplicate.total"))


def test_garbled_column_header_between_its_neighbours_is_sure():
    grid = app_grid("2021", {"new": ["1", "2", "3", "4", "5", "6", "21"]})
    for row in grid[:3]:
        for c, text in enumerate(row):
            if text == "社会公益组织":
                row[c] = "社会公盖组"
    m = map_tables([make_table(grid, 3)])
    f = m.values["applications.new.social_welfare"]
    assert f.value == 4 and not f.review
    loose = map_tables([make_table(grid, 3)], MappingSettings(confirm_labels_by_order=False))
    assert loose.values["applications.new.social_welfare"].review


# ------------------------------------------------------------- unread sections


def test_a_section_without_any_value_is_named_in_the_warnings():
    tables = report_tables("2021", "2021")[:-1]  # sections 二 and 三, no 四
    m = map_tables(tables)
    assert not any(k.startswith("appeals.") for k in m.values)
    unread = [w for w in m.warnings if w.startswith("section 四")]
    assert len(unread) == 1 and "none was recognised" in unread[0]
    assert not [w for w in m.warnings if w.startswith(("section 二", "section 三"))]


def test_a_recognised_table_that_gave_no_value_is_named():
    grid = appeals_grid()
    grid[1] = ["口"] * 5 + ["未经复议直接起诉", "<", "<", "<", "<", "复议后起诉", "<", "<", "<", "<"]
    grid[2] = ["^"] * 5 + ["口"] * 10  # no column header read
    grid[3] = ["1", "2"] + ["<"] * 13  # and the value row one merged cell
    tables = report_tables("2021", "2021")[:-1] + [make_table(grid, 4, label_cols=0)]
    m = map_tables(tables)
    assert not any(k.startswith("appeals.") for k in m.values)
    assert m.tables[-1].section == "appeals"
    assert any(w.startswith("section 四") and f"table {len(tables) - 1} (page 4)" in w for w in m.warnings)
