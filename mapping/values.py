"""Cell text → number, by the value rules of report-schema.md.

- blank → None (not doubtful); ``0`` ``０`` ``零`` → 0;
- a lone dash or slash (``—`` ``-`` ``－`` ``/`` ``无`` …) → None, raw kept;
- full-width digits and punctuation are folded (NFKC), spaces dropped;
- ``万元`` inside an amount cell is stripped (``534.865 万元`` → 534.865);
- counts are int, amounts (万元) float, ``change`` may be negative;
- letters OCR confuses with digits (O/o → 0, l/I/| → 1) are fixed only when
  everything else is digits, and the fix is reported (review); a lone O/o is
  a 0 read as its look-alike, judged by its OCR confidence alone (not reviewed);
- dots, colons and ticks at the ends of a count (``5·``, ``.64``) are specks,
  dropped with review (a count has no decimal point); so is a 一 before or
  after a count (``0一``, ``一8``: the stub of a lost ruling line beside the
  number; a count has no minus sign);
- anything else is *not guessed*: value None, doubtful, with a reason.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, Optional, Union

__all__ = ["ParsedValue", "ValueKind", "parse_value", "is_value_text", "is_clean_number", "is_mark"]

ValueKind = Literal["count", "signed", "amount"]
Number = Union[int, float]

#: A cell holding only one of these means "nothing to report" (null).
_NULL_TOKENS = frozenset({"-", "—", "——", "–", "−", "/", "\\", "无", "無", "--", "---"})
_ZERO_WORDS = frozenset({"零", "〇"})
#: Letters OCR reads instead of digits: letter → digit.
_CONFUSIONS = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1"}
#: A cell of one of these alone is a 0: the recogniser scores them as one glyph
#: with 0 (``OcrSettings.look_alike_groups``), so its confidence already says
#: how sure the 0 is; no review for the letter.
_ZERO_LOOKS = frozenset({"O", "o"})
_DASHES = "—–−‐‑"  # em/en dash, minus sign, hyphens (NFKC keeps these)
_COUNT_UNITS = ("件", "条", "项", "个", "次", "人次")
#: Specks OCR reads beside a number (after NFKC): never part of a count.
_SPECKS = ".·:;,'`_、丶"
#: What a stub of a horizontal line beside a number reads as: in a count
#: (never negative, never a word) a remnant, not a minus sign.
_STUBS = "一"

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


@dataclass(frozen=True)
class ParsedValue:
    """The value of one cell.

    value : int (counts), float (amounts) or None.
    doubtful : True when a person should look (reasons say why).
    reasons : why it is doubtful (or what was fixed).
    """

    value: Optional[Number]
    doubtful: bool = False
    reasons: tuple[str, ...] = ()


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", s)


def is_value_text(text: str) -> bool:
    """True when ``text`` reads as a value cell (blank, dash, number), not a label."""
    s = _clean(text)
    if not s or s in _NULL_TOKENS or s in _ZERO_WORDS:
        return True
    s = s.replace("万元", "").replace("元", "")
    for u in _COUNT_UNITS:
        s = s.removesuffix(u)
    if s and s[0] in _DASHES:
        s = "-" + s[1:]
    # A lone "o" is a misread 0 (parse_value fixes it, with review), not a label.
    return bool(_NUMBER.fullmatch(s)) or parse_value(text, "amount").value is not None


def is_clean_number(text: str) -> bool:
    """True when ``text`` is a number as printed, nothing else (``12``, ``1,234``, ``0.5``)."""
    return bool(_NUMBER.fullmatch(_clean(text)))


def is_mark(text: str) -> bool:
    """True for a text piece that is neither a number, a null token nor a
    word: no digit, no letter OCR confuses with one standing for a value…
    only strokes and dots (``|``, ``.!.``, ``:``) — what a line remnant or a
    speck reads as."""
    s = _clean(text)
    if not s or s in _NULL_TOKENS or s in _ZERO_WORDS:
        return False
    return not any(ch.isdigit() or "\u4e00" <= ch <= "\u9fff" for ch in s) and len(s) <= 3


def parse_value(text: str, kind: ValueKind = "count") -> ParsedValue:
    """Parse a cell's OCR text into a value.

    Parameters
    ----------
    text : the cell's text as read ("" for a blank cell).
    kind : "count" (non-negative int), "signed" (int, may be negative:
        本年增/减) or "amount" (float, 万元).

    Returns
    -------
    ParsedValue. Examples::

        parse_value(" 0")                  -> 0
        parse_value("１２")                -> 12
        parse_value("534.865 万元", "amount") -> 534.865
        parse_value("-10", "signed")       -> -10
        parse_value("—")                   -> None (not doubtful)
        parse_value("1O")                  -> 10 (doubtful: O read as 0)
        parse_value("abc")                 -> None (doubtful)
    """
    s = _clean(text)
    if not s:
        return ParsedValue(None)
    if s in _NULL_TOKENS:
        return ParsedValue(None)
    if s in _ZERO_WORDS:
        return ParsedValue(0.0 if kind == "amount" else 0)
    if s == "一":
        # a lone 一 in a number cell is nearly always a dash read as a character
        return ParsedValue(None, True, ("'一' alone, taken as a dash (null)",))

    reasons: list[str] = []
    scale = 1.0
    if s.endswith("万元"):
        s = s[:-2]
        if kind != "amount":
            reasons.append("unit 万元 in a count cell")
    elif s.endswith("元"):
        s = s[:-1]
        if kind == "amount":
            scale = 1e-4
            reasons.append("amount printed in 元, converted to 万元")
        else:
            reasons.append("unit 元 in a count cell")
    else:
        for unit in _COUNT_UNITS:
            if s.endswith(unit) and len(s) > len(unit):
                s = s[: -len(unit)]
                break

    if kind == "count" and s != s.strip(_STUBS) and _NUMBER.fullmatch(s.strip(_STUBS) or "x"):
        reasons.append(f"a line's stub beside the number: {text.strip()!r}")
        s = s.strip(_STUBS)
    if s and s[0] in _DASHES and len(s) > 1:
        s = "-" + s[1:]
        if kind == "signed":
            reasons.append(f"minus sign read as '{text.strip()[0]}'")
    # OCR letter/digit confusions, only when the rest is digits
    if s and not _NUMBER.fullmatch(s) and any(ch in _CONFUSIONS for ch in s):
        fixed = "".join(_CONFUSIONS.get(ch, ch) for ch in s)
        if _NUMBER.fullmatch(fixed) and any(ch.isdigit() for ch in s if ch not in "+-.,"):
            reasons.append(f"OCR letters read as digits: {s!r} -> {fixed!r}")
            s = fixed
        elif _NUMBER.fullmatch(fixed) and len(s) == 1:
            if s not in _ZERO_LOOKS:
                reasons.append(f"OCR letter read as digit: {s!r} -> {fixed!r}")
            s = fixed
    if kind != "amount" and not _NUMBER.fullmatch(s):
        # a count has no decimal point: dots, colons and ticks at its ends are
        # specks or what a broken line left beside it (with a dash before
        # them, "-.1", in a count, which has no minus sign either)
        bare = s.strip(_SPECKS)
        if kind == "count" and not _NUMBER.fullmatch(bare or "x"):
            bare = s.lstrip("-").strip(_SPECKS)
        if _NUMBER.fullmatch(bare or "x"):
            reasons.append(f"specks beside the number: {text.strip()!r}")
            s = bare
    if not _NUMBER.fullmatch(s):
        return ParsedValue(None, True, (f"not a number: {text.strip()!r}",))

    num = s.replace(",", "")
    negative = num.startswith("-")
    if kind == "amount":
        value: Number = round(float(num) * scale, 6)
    elif "." in num:
        return ParsedValue(None, True, (f"decimal in a count cell: {text.strip()!r}",))
    else:
        value = int(num)
    if negative and kind == "count":
        reasons.append("negative value in a count cell")
    if negative and kind == "amount" and value != 0:
        reasons.append("negative amount")
    return ParsedValue(value, bool(reasons), tuple(reasons))
