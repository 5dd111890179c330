"""Agency and year from the title lines."""
import pytest

from mapping import PageText, extract_meta


def page(*lines, number=1):
    return PageText(number, tuple(((0, 40 * i, 800, 40 * i + 30), t, 0.98) for i, t in enumerate(lines)))


@pytest.mark.parametrize(
    "lines, agency, year",
    [
        (["积石山县卫生健康局 2021年政府信息公开工作年度报告"], "积石山县卫生健康局", 2021),
        (["积石山县卫生健康局 2021年政府信息", "公开工作年度报告", "总体情况"], "积石山县卫生健康局", 2021),
        # a centred title broken inside the title word itself (as OCR'd on s01)
        (["积石山县卫生健康局2021年政府信息公开工作年", "度报告", "一、总体情况"], "积石山县卫生健康局", 2021),
        (["尖山区卫生健康局", "2023年政府信息公开工作年度报告",
          "按照要求，现将尖山区卫生健康局2023年政府信息公开工作情况汇报如下："], "尖山区卫生健康局", 2023),
        (["银川市兴庆区卫生健康局", "2019 年政府信息公开工作年度报告"], "银川市兴庆区卫生健康局", 2019),
        (["某某市某某局2019年度政府信息公开工作年度报告"], "某某市某某局", 2019),
        (["２０２２年度某县教育局政府信息公开工作年度报告"], None, 2022),
    ],
)
def test_title(lines, agency, year):
    m = extract_meta([page(*lines)])
    assert m.year == year
    if agency is not None:
        assert m.agency == agency


def test_no_year_in_title_takes_year_from_text_with_warning():
    m = extract_meta([page("西宁市湟中区卫生健康局 政府信息公开工作年度报告", "一、总体情况",
                           "2023年我局按照区委、区政府要求，十分重视信息公开工作。")])
    assert (m.agency, m.year) == ("西宁市湟中区卫生健康局", 2023)
    assert any("from the text" in w for w in m.warnings)


def test_no_title():
    m = extract_meta([page("(二) 政府信息管理方面。一是继续加强……")])
    assert m.agency is None and m.year is None and m.warnings
    assert extract_meta([]).year is None


def test_has_title_needs_a_title_word_and_a_year():
    from mapping import has_title

    assert has_title(["积石山县卫生健康局2021年政府信息公开工作年", "度报告"])
    assert not has_title(["积石山县卫生健康局2021年政府信息公开工作年"])
    assert not has_title(["某县卫生健康局政府信息公开工作年度报告"])
