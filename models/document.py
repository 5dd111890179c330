"""The output document: one ``Report`` per input file (see report-schema.md).

The JSON Schema printed by ``govreport schema`` is ``Report.model_json_schema()``.
Members beyond the spec are additions only (``reasons``, ``detail``,
``error``, ``timing``, ``pages[].tables``, ``corrected.reasons``; see
docs/schema-additions.md); nothing of the spec is renamed.
"""
from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field as PydField, model_serializer

Number = Union[int, float]
Box = tuple[int, int, int, int]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    path: str
    sha256: str
    pages: int = PydField(description="pages in the source file (0 when it could not be read)")


class TableGrid(_Frozen):
    """A ruled table found on a page, for drawing it over the page image."""

    bbox: Box = PydField(description="x0, y0, x1, y1 px of the table's outer ruling")
    cells: list[Box] = PydField(
        default_factory=list,
        description="every cell's box, px; a merged cell is one box")


class PageInfo(_Frozen):
    number: int = PydField(description="1-based page number in the source")
    width: int = PydField(description="px of the upright, deskewed page image")
    height: int
    dpi: float
    rotation: Literal[0, 90, 180, 270] = PydField(0, description="clockwise quarter turn applied")
    skew_degrees: float = PydField(0.0, description="deskew angle applied after the quarter turn")
    homography: Optional[list[list[float]]] = PydField(
        None, description="row-major 3×3 matrix that rectified the deskewed page (ruling lines "
                          "not parallel: a warped scan), deskewed px → page px; null when none "
                          "was needed. Boxes refer to the rectified page.")
    read_by: Literal["text_layer", "ocr"] = PydField(
        "ocr", description="how the page's text was read: from the PDF's text layer "
                           "(born-digital page) or by OCR of its image")
    read_by_reason: Optional[str] = PydField(
        None, description="why a page was read by OCR (e.g. 'no text layer', or why its text "
                          "layer could not be trusted); null when read from its text layer")
    tables: list[TableGrid] = PydField(
        default_factory=list, description="the ruled tables found on the page (their grids)")


class Templates(_Frozen):
    proactive: Optional[Literal["2019", "2021"]] = None
    applications: Optional[Literal["2019", "2021"]] = None


class Meta(_Frozen):
    agency: Optional[str] = None
    year: Optional[int] = None
    template: Templates = Templates()


class Correction(_Frozen):
    """A person's decision on a value in review (``govreport apply-corrections``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True,
                              serialize_by_alias=True)

    from_: Optional[Number] = PydField(alias="from", description="the value as read, before the decision")
    action: Literal["accept", "correct"] = PydField(
        description="accept: the value read is right; correct: the person typed the value "
                    "(null: the cell is blank)")
    reasons: list[str] = PydField(default_factory=list,
                                  description="why the value was flagged for review when it was read")


class FieldValue(_Frozen):
    value: Optional[Number] = PydField(description="null for a blank or dash cell, never 0 for blank")
    raw: str = PydField(description="OCR text of the cell as read")
    confidence: float = PydField(ge=0.0, le=1.0)
    page: int = PydField(description="1-based page the cell is on")
    bbox: tuple[int, int, int, int] = PydField(description="x0, y0, x1, y1 px in that page's image")
    label: str = PydField(description="printed row / column labels the key was matched from")
    review: bool = False
    reasons: list[str] = PydField(default_factory=list, description="why review is set")
    read_by: Literal["text_layer", "ocr"] = PydField(
        "ocr", description="how the cell was read: the PDF's text layer or OCR (its page's read_by)")
    corrected: Optional[Correction] = PydField(
        None, description="present when a person settled the value in review; review is "
                          "false then, even when a rule the key belongs to still fails")

    @model_serializer(mode="wrap")
    def _without_absent_correction(self, handler):  # noqa: ANN001, ANN202
        # the spec: `corrected` is present only on a settled field
        data = handler(self)
        if data.get("corrected") is None:
            data.pop("corrected", None)
        return data


class Check(_Frozen):
    rule: str
    status: Literal["passed", "failed", "not_applicable"]
    keys: list[str]
    detail: str = ""


class Report(_Frozen):
    source: Source
    pages: list[PageInfo] = PydField(default_factory=list)
    meta: Meta = Meta()
    fields: dict[str, FieldValue] = PydField(default_factory=dict)
    checks: list[Check] = PydField(default_factory=list)
    warnings: list[str] = PydField(default_factory=list)
    error: Optional[str] = PydField(None, description="why the file could not be read; no fields then")
    timing: dict[str, float] = PydField(default_factory=dict, description="seconds per stage")

    def to_json(self) -> str:
        """The JSON text written for this report (UTF-8, Chinese unescaped)."""
        return self.model_dump_json(indent=2, exclude_none=False)
