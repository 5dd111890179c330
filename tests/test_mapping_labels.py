"""Printed labels (and their real variants) → canonical keys."""
import pytest

from mapping.labels import LabelMatcher, normalize
from mapping.settings import MappingSettings
from mapping.collect import vocab_for as _vocab

S = MappingSettings()
V = _vocab(S)


@pytest.mark.parametrize(
    "text, key",
    [
        # section 三 columns, as printed and as in the seeds
        ("自然人", "natural_person"),
        ("自然 人", "natural_person"),
        ("商业\n企业", "commercial"),
        ("商业 企业", "commercial"),
        ("科研\n机构", "research"),
        ("社会公益组织", "social_welfare"),
        ("社会 公益 组织", "social_welfare"),
        ("社会组织", "social_welfare"),  # seeds 002/003
        ("法律服 务机构", "legal_services"),
        ("其他", "other_org"),
        ("总计", "total"),
    ],
)
def test_application_columns(text, key):
    m = V.app_cols.match(text)
    assert m.key == key and m.reasons(S) == ()


@pytest.mark.parametrize(
    "text, key",
    [
        ("一、本年新收政府信息公开申请数量", "new"),
        ("本年新收政府信息公开申请数量", "new"),  # seed 002: 一、 in its own cell
        ("二、上年结转政府信息公开申请数量", "carried_over"),
        ("（一）予以公开", "disclosed"),
        ("(一) 予以公开", "disclosed"),
        ("(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)", "partially_disclosed"),
        ("1. 属于国家秘密", "withheld_state_secret"),
        ("2. 其他法律行政法 规禁止公开", "withheld_prohibited_by_law"),
        ("3. 危及“三安全一稳 定”", "withheld_security_stability"),
        ("3.危及\"三安全一稳定\"", "withheld_security_stability"),
        ("4. 保护第三方合法 权益", "withheld_third_party"),
        ("5. 属于三类内部事 务信息", "withheld_internal_affairs"),
        ("6. 属于四类过程性 信息", "withheld_process_info"),
        ("7. 属于行政执法案 卷", "withheld_enforcement_files"),
        ("8. 属于行政查询事\n项", "withheld_query_items"),
        ("1. 本机关不掌握相 关政府信息", "unavailable_not_held"),
        ("2. 没有现成信息需 要另行制作", "unavailable_needs_creation"),
        ("3. 补正后申请内容 仍不明确", "unavailable_unclear"),
        ("1. 信访举报投诉类 申请", "not_processed_petition"),
        ("2. 重复申请", "not_processed_duplicate"),
        ("3. 要求提供公开出 版物", "not_processed_publication"),
        ("4. 无正当理由大量 反复申请", "not_processed_excessive"),
        ("5. 要求行政机关确 认或重新出具已获 取信息", "not_processed_confirmation"),
        ("5.要求行政机关确认或重新出具以获取信息", "not_processed_confirmation"),  # seed 002
        ("(六) 其他处理", "other"),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_overdue_correction"),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_overdue_fee"),
        ("3.其他", "other_other"),
        ("(七) 总计", "total"),
        ("（七）总计", "total"),
        ("四、结转下年度继续办理", "carried_forward"),
    ],
)
def test_application_rows(text, key):
    m = V.app_rows.match(text)
    assert m.key == key, (text, m)
    assert m.reasons(S) == (), m.reasons(S)


@pytest.mark.parametrize(
    "text, key, template",
    [
        ("本年制发件数", "issued", "2021"),
        ("本年制发文件", "issued", "2021"),  # seed 002
        ("本年废止件数", "abolished", "2021"),
        ("本年度止件数", "abolished", "2021"),  # seed 002, OCR of 本年废止件数
        ("现行有效件数", "in_force", "2021"),
        ("本年新 制作数量", "new_made", "2019"),
        ("本年新 公开数量", "new_published", "2019"),
        ("对外公开总数量", "total_published", "2019"),
        ("本年处理决定数量", "decisions", "2021"),
        ("处理决定数量", "decisions", "2019"),
        ("上一年项目数量", "prev_year_items", "2019"),
        ("本年增/减", "change", "2019"),
        ("本年收费金额（单位：万元）", "amount_wan_yuan", "2021"),
        ("本年收费金额(单位:万元)", "amount_wan_yuan", "2021"),  # seed 002
        ("采购项目数量", "items", "2019"),
        ("采购总金额", "amount_wan_yuan", "2019"),
    ],
)
def test_proactive_columns_and_template_votes(text, key, template):
    m = V.pro_cols.match(text)
    assert (m.key, m.template) == (key, template)
    assert m.reasons(S) == ()


@pytest.mark.parametrize(
    "text, key, template",
    [
        ("规章", "rules", None),
        ("行政规范性文件", "normative_docs", "2021"),
        ("规范性文件", "normative_docs", "2019"),
        ("行政许可", "licensing", None),
        ("其他对外管理服务事项", "other_services", "2019"),
        ("行政处罚", "penalty", None),
        ("行政强制", "coercion", None),
        ("行政事业性收费", "fees", None),
        ("政府集中采购", "procurement", "2019"),
    ],
)
def test_proactive_rows(text, key, template):
    m = V.pro_rows.match(text)
    assert (m.key, m.template) == (key, template)


@pytest.mark.parametrize(
    "text, key",
    [
        ("5.属于三类内部事物信息", "withheld_internal_affairs"),  # 务 → 物
        ("1.本机关不掌提相关政府信息", "unavailable_not_held"),  # 握 → 提
        ("2.其他法律行政法规禁上公开", "withheld_prohibited_by_law"),  # 止 → 上
        ("一、本年新收政府信息公开申请数最", "new"),  # 量 → 最
        ("行政处法", "penalty"),  # 罚 → 法: short, maps but flagged weak
    ],
)
def test_one_wrong_character_still_maps(text, key):
    m = V.app_rows.match(text) if key != "penalty" else V.pro_rows.match(text)
    assert m.key == key


def test_short_garbled_label_is_flagged():
    m = V.pro_rows.match("行政处法")
    assert m.key == "penalty" and any("weak" in r for r in m.reasons(S))


@pytest.mark.parametrize("text", ["口口口", "的", "XYZ", "年度工作要点", ""])
def test_garbage_matches_nothing(text):
    assert V.app_rows.match(text).key is None
    assert V.pro_rows.match(text).key is None


def test_short_labels_do_not_tie():
    # with partial_ratio every substring scores 100; ratio keeps these apart
    other = V.app_rows.match("(六)其他处理")
    assert other.key == "other" and other.margin >= S.ambiguity_margin
    other3 = V.app_rows.match("3.其他")
    assert other3.key == "other_other" and other3.margin >= S.ambiguity_margin


def test_ambiguous_match_is_flagged():
    from models.schema import Label

    m = LabelMatcher([("a", Label("行政许可")), ("b", Label("行政处罚"))], S).match("行政许罚")
    assert m.key in ("a", "b") and any("ambiguous" in r for r in m.reasons(S))


def test_normalize():
    assert normalize("三、本年度 办理结果") == "本年度办理结果"
    assert normalize("第二十条第(八)项") == normalize("第二十条第（八）项")
    assert normalize("（三）不予公\n开") == "不予公开"
    assert normalize("１.属于国家秘密") == "属于国家秘密"


def test_settings_are_validated():
    with pytest.raises(ValueError):
        MappingSettings(label_cutoff=90, label_review_score=80)
    with pytest.raises(ValueError):
        MappingSettings(scorer="partial_ratio")
    assert MappingSettings.resolve({"label_cutoff": 70}).label_cutoff == 70
