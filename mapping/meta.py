"""Agency and year from the title lines of a report.

The title is the line holding 年度报告 (or 工作报告) near the top of the first
page, together with up to ``title_lines`` short lines before it (a title split
over lines: "尖山区卫生健康局" / "2023年政府信息公开工作年度报告", or
"积石山县卫生健康局 2021年政府信息" / "公开工作年度报告"). The agency is the
text before the year (or before 政府信息公开 when no year is printed); the year
is the 4-digit number before 年 / 年度. Without a year in the title, the first
plausible "20xx年" of the text is taken, with a warning.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from .settings import MappingSettings
from .types import PageText

__all__ = ["TitleMeta", "extract_meta", "has_title"]

_TITLE_WORDS = ("年度报告", "工作报告", "年报")
_YEAR = re.compile(r"((?:19|20)\d{2})年度?")
_AGENCY_END = re.compile(r"(?:关于)?(?:(?:19|20)\d{2}年度?)?(?:政府)?(?:信息|政务)公开")
_SENTENCE = re.compile(r"[，。；：,;:]")
_MAX_TITLE_LINE = 40  # characters; a longer line is body text, not a title line


@dataclass(frozen=True)
class TitleMeta:
    agency: Optional[str]
    year: Optional[int]
    warnings: tuple[str, ...] = ()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _title(lines: list[str], n_lines: int) -> Optional[str]:
    """The first run of up to ``n_lines`` consecutive short, sentence-free
    lines whose concatenation holds a title word.

    Joining before testing matters: a centred title is often broken inside
    the title word itself ("…公开工作年" / "度报告").
    """
    for i in range(len(lines)):
        joined = ""
        for line in lines[i : i + n_lines]:
            if _SENTENCE.search(line) or len(line) > _MAX_TITLE_LINE:
                break
            joined += line
            if any(w in joined for w in _TITLE_WORDS):
                return joined
    return None


def has_title(texts: Sequence[str]) -> bool:
    """True when these lines (top to bottom) hold a report title with a year,
    all that :func:`extract_meta` needs: a reader may stop there."""
    joined = _norm("".join(texts))
    return any(w in joined for w in _TITLE_WORDS) and _YEAR.search(joined) is not None


def extract_meta(pages: Sequence[PageText], settings: Optional[MappingSettings] = None) -> TitleMeta:
    """Agency and year of a report from its free text (first pages first)."""
    s = MappingSettings.resolve(settings)
    lines = [_norm(t) for p in sorted(pages, key=lambda p: p.page) for _, t, _ in p.lines]
    lines = [l for l in lines if l]
    warnings: list[str] = []
    title = _title(lines, s.title_lines + 1)
    agency: Optional[str] = None
    year: Optional[int] = None
    if title is None:
        warnings.append("no title line (…年度报告) found")
    else:
        m = _AGENCY_END.search(title)
        if m and m.start() > 0:
            agency = title[: m.start()].strip("《》〈〉\"“”") or None
        elif m is None:
            y = _YEAR.search(title)
            if y and y.start() > 0:
                agency = title[: y.start()] or None
        for y in _YEAR.finditer(title):
            if s.min_year <= int(y.group(1)) <= s.max_year:
                year = int(y.group(1))
                break
    if year is None:
        for line in lines:
            y = next((int(m.group(1)) for m in _YEAR.finditer(line)
                      if s.min_year <= int(m.group(1)) <= s.max_year), None)
            if y is not None:
                year = y
                warnings.append(f"year {y} taken from the text, not the title")
                break
    if agency is None:
        warnings.append("agency not found in the title")
    if year is None:
        warnings.append("year not found")
    return TitleMeta(agency, year, tuple(warnings))
