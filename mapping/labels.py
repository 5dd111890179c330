"""Printed labels → canonical keys, with rapidfuzz.

Labels are first normalised (``normalize``): NFKC (full-width brackets and
digits fold to ASCII), all whitespace and line breaks dropped, leading
enumerators (``一、`` ``（三）`` ``1.`` ``三、（一）``) stripped, punctuation and
quotes dropped. The normalised query is then scored against the normalised
canonical labels of ``models.schema`` with an explicit scorer
(``fuzz.ratio`` by default: the normalised Indel similarity of the whole
strings, so a short label like 其他 does not score 100 against 其他处理 the way
``partial_ratio`` would), all queries against all choices at once with
``process.cdist``.

A key may have several printed variants; its score is its best variant's.
The match is the best key; ``margin`` is its score minus the best score of
any *other* key. Matches below ``label_cutoff`` are no match; below
``label_review_score`` or with ``margin < ambiguity_margin`` they are used
but marked for review. Ties go to the first key in schema order.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Optional

import numpy as np
from rapidfuzz import fuzz, process

from models.schema import Label

from .settings import MappingSettings

__all__ = ["LabelMatch", "LabelMatcher", "normalize", "strip_enumerator", "clean_label"]

_CN_NUM = "一二三四五六七八九十"
_ENUMERATOR = re.compile(
    rf"^(?:[{_CN_NUM}]+[、.,]"  # 一、  三.
    rf"|\([{_CN_NUM}\d]+\)[、.]?"  # (三)  (1)
    r"|\d{1,2}[、.,](?!\d)"  # 1.  2、
    r"|\d{1,2}(?=[\u4e00-\u9fff]))"  # 1属于… (dot lost by OCR)
)
#: Punctuation and symbols dropped from labels (after NFKC).
_PUNCT = re.compile(r"[()\[\]{}<>【】《》〈〉「」『』“”\"'‘’`,.，。、:：;；!！?？/\\|·•…_~～\-—–−*#]")


def clean_label(text: str) -> str:
    """A label for display: NFKC-free, but whitespace and line breaks removed."""
    return re.sub(r"\s+", "", text or "")


def strip_enumerator(text: str) -> str:
    """Remove leading enumerators (``三、（一）``) from an NFKC, space-free text."""
    prev = None
    while prev != text:
        prev = text
        text = _ENUMERATOR.sub("", text, count=1)
    return text


def normalize(text: str) -> str:
    """The form labels are compared in.

    >>> normalize("三、本年度办理结果（一）予以公开")
    '本年度办理结果一予以公开'
    >>> normalize("（二） 部分公开(区分处理的, 只计这一情形, 不计其他情形)")
    '部分公开区分处理的只计这一情形不计其他情形'
    >>> normalize("8.属于行政查询事\\n项")
    '属于行政查询事项'
    """
    s = unicodedata.normalize("NFKC", text or "")
    s = re.sub(r"\s+", "", s)
    s = strip_enumerator(s)
    return _PUNCT.sub("", s)


@dataclass(frozen=True)
class LabelMatch:
    """The result of matching one printed label.

    key : best key, None when nothing scored at least ``label_cutoff``.
    score : its score in [0, 100] (the best variant's).
    second_key, second_score : the best other key.
    query : the normalised text that was scored.
    template : "2019"/"2021" when the matched variant is specific to one
        template by at least ``template_margin``, else None.
    printed : the label as printed (whitespace removed), for ``MappedValue.label``.
    """

    key: Optional[str]
    score: float
    second_key: Optional[str]
    second_score: float
    query: str
    template: Optional[str] = None
    printed: str = ""

    @property
    def margin(self) -> float:
        return self.score - self.second_score

    @property
    def certainty(self) -> float:
        """The match's share of the field confidence: score / 100."""
        return self.score / 100.0 if self.key is not None else 0.0

    def reasons(self, settings: MappingSettings, what: str = "label") -> tuple[str, ...]:
        """Why this match needs review (empty when it does not)."""
        if self.key is None:
            return (f"{what} {self.printed!r} not recognised (best {self.score:.0f})",)
        out = []
        if self.score < settings.label_review_score:
            out.append(f"weak {what} match: {self.printed!r} -> {self.key} (score {self.score:.0f})")
        if self.second_key is not None and self.margin < settings.ambiguity_margin:
            out.append(
                f"ambiguous {what}: {self.printed!r} -> {self.key} ({self.score:.0f}) "
                f"or {self.second_key} ({self.second_score:.0f})"
            )
        return tuple(out)


_SCORERS = {"ratio": fuzz.ratio, "qratio": fuzz.QRatio}


class LabelMatcher:
    """Scores printed labels against one vocabulary of (key, Label) choices.

    Keys starting with ``_`` are vocabulary that is *not* an output key (the
    header words 申请人情况, 法人或其他组织, ...): matching one tells the caller
    what a cell is, and its ``key`` is returned as is.
    """

    def __init__(self, choices: Iterable[tuple[str, Label]], settings: MappingSettings):
        pairs = list(choices)
        if not pairs:
            raise ValueError("LabelMatcher needs at least one (key, Label) choice")
        self.settings = settings
        self._scorer = _SCORERS[settings.scorer]
        self._keys: list[str] = []
        for k, _ in pairs:
            if k not in self._keys:
                self._keys.append(k)
        self._choice_key = np.array([self._keys.index(k) for k, _ in pairs])
        self._choice_text = [normalize(lab.text) for _, lab in pairs]
        self._choice_templates = [lab.templates for _, lab in pairs]

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    def match_many(self, texts: Sequence[str]) -> list[LabelMatch]:
        """Match every text; see ``LabelMatch``."""
        if not texts:
            return []
        queries = [normalize(t) for t in texts]
        raw = process.cdist(
            queries, self._choice_text, scorer=self._scorer, processor=None,
            score_cutoff=None, dtype=np.float32,
        )
        out: list[LabelMatch] = []
        for qi, q in enumerate(queries):
            row = raw[qi] if q else np.zeros(raw.shape[1], dtype=np.float32)
            per_key = np.array([row[self._choice_key == ki].max() for ki in range(len(self._keys))])
            order = np.argsort(-per_key, kind="stable")
            best = int(order[0])
            score = float(per_key[best])
            second = int(order[1]) if len(order) > 1 else None
            second_score = float(per_key[second]) if second is not None else 0.0
            key = self._keys[best] if score >= self.settings.label_cutoff else None
            out.append(
                LabelMatch(
                    key=key,
                    score=score,
                    second_key=self._keys[second] if second is not None else None,
                    second_score=second_score,
                    query=q,
                    template=self._template_vote(row, best) if key else None,
                    printed=clean_label(texts[qi]),
                )
            )
        return out

    def match(self, text: str) -> LabelMatch:
        """Match one text; see ``LabelMatch``."""
        return self.match_many([text])[0]

    def _template_vote(self, row: np.ndarray, key_index: int) -> Optional[str]:
        best = {"2019": -1.0, "2021": -1.0}
        for ci in np.flatnonzero(self._choice_key == key_index):
            for t in self._choice_templates[ci]:
                best[t] = max(best[t], float(row[ci]))
        diff = best["2019"] - best["2021"]
        if diff >= self.settings.template_margin:
            return "2019"
        if -diff >= self.settings.template_margin:
            return "2021"
        return None
