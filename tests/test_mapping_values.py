"""Cell text → value, by the value rules of report-schema.md."""
import pytest

from mapping.values import is_value_text, parse_value


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("0", "count", 0),
        ("０", "count", 0),
        ("零", "count", 0),
        (" 0", "count", 0),  # stray leading space (seed 004)
        ("１２３", "count", 123),
        ("914", "count", 914),
        ("1,234", "count", 1234),
        ("-10", "signed", -10),
        ("－10", "signed", -10),  # full-width minus
        ("534.865 万元", "amount", 534.865),
        ("534.865万元", "amount", 534.865),
        ("534.865", "amount", 534.865),
        ("0", "amount", 0.0),
        ("296件", "count", 296),
    ],
)
def test_clean_numbers(text, kind, value):
    p = parse_value(text, kind)
    assert p.value == value and type(p.value) is type(value)
    assert not p.doubtful, p.reasons


def test_blank_is_null_not_zero():
    p = parse_value("")
    assert p.value is None and not p.doubtful
    assert parse_value("   \n").value is None


@pytest.mark.parametrize("text", ["—", "-", "/", "无", "－", "——"])
def test_dash_alone_is_null(text):
    p = parse_value(text)
    assert p.value is None and not p.doubtful


@pytest.mark.parametrize(
    "text, value, fix",
    [("1O", 10, "O"), ("l2", 12, "l"), ("2I", 21, "I"), ("D", 0, "D"), ("l", 1, "l")],
)
def test_ocr_letter_digit_confusions_are_fixed_and_flagged(text, value, fix):
    p = parse_value(text)
    assert p.value == value
    assert p.doubtful and any(fix in r for r in p.reasons)


@pytest.mark.parametrize("text", ["o", "O", "０", "〇"])
def test_a_lone_zero_look_alike_is_a_zero_without_review(text):
    """The recogniser scores 0/O/o as one glyph: the field's OCR confidence judges it."""
    p = parse_value(text)
    assert p.value == 0 and not p.doubtful


@pytest.mark.parametrize("text", ["abc", "1O件x", "约10", "10?", "1 0 0a", "3.5"])
def test_unclean_text_is_never_guessed(text):
    p = parse_value(text)
    assert p.value is None and p.doubtful and p.reasons


def test_em_dash_before_digits():
    signed = parse_value("—10", "signed")
    assert signed.value == -10 and signed.doubtful  # minus read as a dash: flagged
    count = parse_value("-3", "count")
    assert count.value == -3 and count.doubtful  # as printed, but impossible


def test_lone_chinese_one_is_a_dash_but_flagged():
    p = parse_value("一")
    assert p.value is None and p.doubtful


def test_amount_in_yuan_is_converted_and_flagged():
    p = parse_value("5000元", "amount")
    assert p.value == pytest.approx(0.5) and p.doubtful


def test_is_value_text():
    assert all(is_value_text(t) for t in ["", " 0", "—", "534.865 万元", "-10", "１２"])
    assert not any(is_value_text(t) for t in ["规章", "总计", "信息内容", "其他"])


@pytest.mark.parametrize("text, value", [("5·", 5), (".64", 64), ("1.", 1), ("'5", 5), ("０：", 0), ("-.1", 1)])
def test_specks_at_the_ends_of_a_count_are_dropped_and_flagged(text, value):
    p = parse_value(text)
    assert p.value == value and p.doubtful
    assert any("specks" in r for r in p.reasons)


def test_specks_between_digits_or_in_amounts_are_not_guessed():
    assert parse_value("1:0").value is None  # which of 1, 0, 10?
    assert parse_value("..").value is None
    assert parse_value("5·", "amount").value is None  # an amount may have a decimal point


@pytest.mark.parametrize("text, value", [("0一", 0), ("一8", 8), ("12一", 12)])
def test_a_line_stub_beside_a_count_is_dropped_and_flagged(text, value):
    p = parse_value(text, "count")
    assert p.value == value and p.doubtful and "stub" in p.reasons[0]


def test_a_stub_before_a_signed_change_is_not_taken_for_either():
    # 本年增/减 may be negative: '一8' may be -8 or a stub beside 8, so no guess
    p = parse_value("一8", "signed")
    assert p.value is None and p.doubtful
