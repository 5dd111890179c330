"""Every tunable of the mapping stage, in one frozen pydantic model.

Scores are rapidfuzz similarities in [0, 100] between *normalised* labels
(see ``mapping.labels.normalize``); confidences are in [0, 1].
"""
from __future__ import annotations

from typing import Any, Literal, Mapping as TypingMapping, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["MappingSettings"]


class MappingSettings(BaseModel):
    """Settings of the ``mapping`` stage (labels → keys, cell text → values).

    Build once (the pipeline hands ``Settings.mapping`` here) and pass to
    :func:`mapping.map_report` / :func:`mapping.map_tables`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- label matching -------------------------------------------------
    scorer: Literal["ratio", "qratio"] = Field(
        "ratio",
        description="rapidfuzz scorer for normalised labels: 'ratio' (fuzz.ratio, the "
        "normalised Indel similarity) or 'qratio' (the same, but 0 when either side is "
        "empty). partial_ratio is deliberately not offered: every substring scores 100, "
        "so short labels (其他, 总计, 规章) tie.",
    )
    label_cutoff: float = Field(
        60.0, ge=0.0, le=100.0,
        description="A label scoring below this against every canonical label matches "
        "nothing (the row or column is skipped, or its key inferred from its position).",
    )
    label_review_score: float = Field(
        85.0, ge=0.0, le=100.0,
        description="A match scoring at least label_cutoff but below this is used and "
        "marked for review ('weak label match'). One wrong character in a 6-character "
        "label scores 83.",
    )
    ambiguity_margin: float = Field(
        8.0, ge=0.0, le=100.0,
        description="If the best key's score minus the best *other* key's score is below "
        "this, the match is used but marked for review ('ambiguous label').",
    )
    template_margin: float = Field(
        5.0, ge=0.0, le=100.0,
        description="A matched label votes for a template only when its best variant of "
        "that template beats its best variant of the other template by this much.",
    )

    # --- values ---------------------------------------------------------
    min_value_confidence: float = Field(
        0.80, ge=0.0, le=1.0,
        description="A value cell whose OCR confidence is below this is marked for review.",
    )
    min_field_confidence: float = Field(
        0.60, ge=0.0, le=1.0,
        description="A field whose combined confidence (OCR confidence x label certainty) "
        "is below this is marked for review.",
    )

    # --- structure -------------------------------------------------------
    merge_split_rows: bool = Field(
        True,
        description="Join a section 三 row label broken by a page break (属于行政查询事 / 项) "
        "back into one row.",
    )
    speck_height_share: float = Field(
        0.5, ge=0.0, le=1.0,
        description="A text piece of a value cell read as nothing and lower than this share of "
        "the number beside it is a speck (dirt, the end of a broken line), left out of the "
        "cell's text and confidence; a taller one read as nothing is an unread digit (a doubt).",
    )
    confirm_labels_by_order: bool = Field(
        True,
        description="A section 三 row or column label matched weakly (a garbled character) "
        "is sure, not marked for review, when its neighbours are matched to the keys "
        "before and after it in the template's order (mapping.collect.confirm_by_order).",
    )
    infer_keys_from_position: bool = Field(
        True,
        description="Give an unreadable section 三 row label the one row key that fits "
        "between its matched neighbours (always marked for review).",
    )
    template_columns: bool = Field(
        True,
        description="Give section 三 value columns whose header could not be read their "
        "keys from the template's column order (mapping.columns): only when the body holds "
        "exactly the template's number of number columns and no header read contradicts it.",
    )
    template_columns_min_share: float = Field(
        0.6, gt=0.0, le=1.0,
        description="A grid column is a number column when its own cells hold numbers in "
        "at least this share of the body rows.",
    )
    template_columns_min_confirming: int = Field(
        2, ge=1,
        description="Headers read in their template place that confirm the column order "
        "(else the row sums must; unconfirmed inferred columns are marked for review).",
    )
    template_columns_min_sum_rows: int = Field(
        2, ge=1,
        description="Body rows with a non-zero 总计 whose applicant columns add up to it "
        "that confirm the column order (or override a contradicting header read).",
    )

    # --- meta (title) ---------------------------------------------------
    title_lines: int = Field(
        4, ge=1, le=20,
        description="Lines before the title line (the one with 年度报告) that may hold "
        "the rest of a title split over lines.",
    )
    min_year: int = Field(2008, description="Earliest plausible report year (条例 in force 2008).")
    max_year: int = Field(2100, description="Latest plausible report year.")

    @model_validator(mode="after")
    def _ordered(self) -> "MappingSettings":
        if self.label_review_score < self.label_cutoff:
            raise ValueError(
                f"label_review_score ({self.label_review_score}) must be >= label_cutoff "
                f"({self.label_cutoff})"
            )
        if self.max_year < self.min_year:
            raise ValueError(f"max_year ({self.max_year}) must be >= min_year ({self.min_year})")
        return self

    @classmethod
    def resolve(
        cls, source: Union["MappingSettings", TypingMapping[str, Any], None] = None
    ) -> "MappingSettings":
        """Settings from None (defaults), a dict of overrides, or an instance."""
        if source is None:
            return cls()
        if isinstance(source, MappingSettings):
            return source
        return cls.model_validate(dict(source))
