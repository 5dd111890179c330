"""Every tunable of the pipeline in one frozen, validated object.

``Settings`` composes one section per stage; each stage owns and documents
its own section (``layout.LayoutSettings``, ``ocr.OcrSettings``,
``mapping.MappingSettings``). The CLI and the Python API build it once with
``Settings.resolve`` and hand each stage only its own section.

A profile is a TOML file with one table per section, holding only the values
that differ from the defaults::

    [layout.lines]
    gap_mm = 3.0

    [mapping]
    label_cutoff = 72.0

``govreport tune`` writes such a file; ``extract --profile``, ``eval
--profile`` and ``govreport.extract(path, settings=...)`` read it.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Mapping as TypingMapping, Union

from pydantic import BaseModel, ConfigDict, Field

from layout import LayoutSettings
from mapping import MappingSettings
from ocr import OcrSettings

SettingsSource = Union["Settings", TypingMapping[str, Any], str, Path, None]


class PipelineSettings(BaseModel):
    """How the pipeline wires the stages (not a stage's own tunables)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    orientation_sample_lines: int = Field(
        12, ge=1, description="text-line crops per page given to the 0°/180° classifier"
    )
    free_text_pages: int = Field(
        1, ge=0, description="first pages read with full detection + recognition (title, year)"
    )
    title_zone_fraction: float = Field(
        0.3, gt=0.0, le=1.0,
        description="on those pages, only free-text regions starting in this top fraction of "
                    "the page height are read (the title; body text costs seconds and adds nothing)",
    )
    free_text_stop_at_title: bool = Field(
        True,
        description="read the title zone's lines top to bottom, a few at a time, and stop once "
                    "the text read so far holds a title word (年度报告/工作报告/年报) and a year "
                    "(19xx/20xx年): only the title is used, and the body paragraphs below it cost "
                    "most of the zone's recognition time. False reads every line",
    )
    free_text_chunk_lines: int = Field(
        2, ge=1, description="lines recognised per step when stopping at the title",
    )
    detect_lines_taller_than_mm: float = Field(
        9.0, gt=0,
        description="a text line of a cell merged over rows that is taller and wider than "
        "this (over two lines of 12 pt type; a column of vertical text is narrower) is lines "
        "the layout could not separate (labels side by side): the text detector finds its "
        "lines, mm",
    )
    detect_dpi: float = Field(
        120.0, gt=0,
        description="text detection (the title zone, lines of merged cells) runs on the crop "
        "reduced to this dpi, never enlarged; the lines found are cut from the full page for "
        "recognition. The detector's cost grows with the area, and at 120 dpi 10.5 pt type is "
        "17 px high, which it finds as well as 50 px type (full-page PP-OCR detects an A4 "
        "page at 960 px, 82 dpi)",
    )
    detect_pad_mm: float = Field(
        1.5, ge=0.0,
        description="paper added around such a crop before text detection: the detector "
        "misses a line whose ink touches the crop's edge, mm",
    )
    crop_margin_mm: float = Field(
        0.4, ge=0.0, description="margin added around a text line's ink box before recognition, mm"
    )
    layout_ahead_pages: int = Field(
        2, ge=1, le=8,
        description="with layout_ahead, pages laid out at the same time, each in its own "
        "thread (pages still leave the document one at a time, in order). With one, the "
        "recogniser waits for the next page's layout whenever layout is the slower stage "
        "(measured on 2 cores through the batch: two gave 1.56 pages/s on samples/, one "
        "1.19-1.22)",
    )
    layout_ahead_max_megapixels: float = Field(
        18.0, gt=0,
        description="pages laid out at the same time hold at most this many megapixels "
        "together; a larger page is laid out alone. Two A4 pages at 300 dpi (8.7 Mpx each) "
        "fit, two at 320 dpi (max_dpi) do not: over the stress set two 300-dpi layouts at "
        "once peaked a worker at 1.19 GB (1.06 pages/s against 1.00 with them one at a time); "
        "a 600-dpi archive reduced to max_dpi keeps that bound",
    )
    opencv_threads: int = Field(
        1, ge=1, le=64,
        description="OpenCV's own threads per call in a batch worker (cv2.setNumThreads, at "
        "most the worker's threads). With layout_ahead_pages pages laid out beside "
        "recognition the cores are busy; more threads inside each OpenCV call only "
        "contend with them",
    )
    heap_reuse: bool = Field(
        True,
        description="a batch worker asks glibc (mallopt) to keep freed page-sized blocks for "
        "reuse within a report: one heap for all threads (layout threads otherwise get "
        "64 MB arenas of their own that grow and shrink), blocks up to "
        "heap_mmap_threshold_mb from the heap instead of fresh mappings, and no trimming "
        "while a report runs (the worker trims after each one). Every page allocates masks "
        "of its own size; served by fresh mappings each costs page faults. Measured over "
        "the stress set in one batch: kernel time 18.0 → 14.7 s, peak worker memory "
        "1.18–1.23 → 1.07–1.11 GB",
    )
    heap_mmap_threshold_mb: int = Field(
        32, ge=1, le=32,
        description="with heap_reuse, blocks larger than this (MB) still get their own "
        "mapping (glibc's ceiling is 32 MB on 64-bit); a 300-dpi A4 mask is 8.7 MB, its "
        "BGR page 26 MB",
    )
    layout_ahead: bool = Field(
        True,
        description="rasterise and lay out the next page in a worker thread while this page's "
        "text is recognised: OpenCV and onnxruntime release the GIL, and recognition alone "
        "keeps two cores only partly busy. False runs the stages one after the other",
    )


class ReviewSettings(BaseModel):
    """How the review site shows the pages.

    The page images are re-rendered from the source at the dpi the pipeline
    read them at, then scaled down to ``image_width_px`` for the screen: the
    boxes are drawn in the page's own px (an SVG over the image), so the
    scale changes only sharpness and file size.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    image_width_px: int = Field(
        1400, ge=200,
        description="width of the page JPEGs (px); wider pages are scaled down, narrower kept",
    )
    jpeg_quality: int = Field(80, ge=30, le=100, description="JPEG quality of the page images")
    zoom: float = Field(
        1.8, ge=1.0, le=8.0,
        description="page zoom (times fit-to-width) when a flagged value or check is chosen",
    )


class Settings(BaseModel):
    """All of govreport's settings; see each section's class for its fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pipeline: PipelineSettings = Field(default_factory=PipelineSettings)
    layout: LayoutSettings = Field(default_factory=LayoutSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    mapping: MappingSettings = Field(default_factory=MappingSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)

    @classmethod
    def resolve(cls, source: SettingsSource = None) -> "Settings":
        """Build settings from None (defaults), a dict, a TOML path or a Settings.

        Unknown sections or fields are an error naming the bad member, so a
        typo in a profile never silently falls back to a default.
        """
        if source is None:
            return cls()
        if isinstance(source, Settings):
            return source
        if isinstance(source, (str, Path)):
            path = Path(source)
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise ValueError(f"settings profile not found: {path}") from None
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"settings profile {path} is not valid TOML: {exc}") from None
            return cls.model_validate(data)
        return cls.model_validate(dict(source))

    def overridden(self, values: TypingMapping[str, Any]) -> "Settings":
        """A copy with some fields replaced, validated again.

        Keys are dotted paths: ``settings.overridden({"layout.lines.gap_mm": 3.0})``.
        """
        data = self.model_dump()
        for path, value in values.items():
            *parents, name = path.split(".")
            node = data
            for part in parents:
                if not isinstance(node.get(part), dict):
                    raise ValueError(f"unknown settings section {path!r}")
                node = node[part]
            if name not in node:
                raise ValueError(f"unknown setting {path!r}")
            node[name] = value
        return Settings.model_validate(data)

    def to_toml(self, only_changed: bool = True) -> str:
        """The settings as a TOML profile (only the non-default values by default)."""
        tables: dict[str, dict[str, Any]] = {}
        defaults = _flatten(Settings().model_dump())
        for path, value in _flatten(self.model_dump()).items():
            if only_changed and defaults.get(path) == value:
                continue
            table, _, name = path.rpartition(".")
            tables.setdefault(table, {})[name] = value
        lines: list[str] = []
        for table, items in tables.items():
            lines.append(f"[{table}]")
            lines.extend(f"{name} = {_toml_value(value)}" for name, value in items.items())
            lines.append("")
        return "\n".join(lines)


def _flatten(data: TypingMapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested settings dict → {"section.sub.field": value}."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _toml_value(value: Any) -> str:
    """A scalar or a flat list as TOML (the settings hold nothing deeper)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        raise TypeError("TOML has no null: leave the setting out to keep its default")
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a TOML profile")
