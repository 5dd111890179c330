"""OCR stage of govreport: PP-OCRv4 (onnxruntime, CPU) on cell crops and pages.

Public API::

    engine = OcrEngine(OcrSettings())                 # once per pipeline
    recs = engine.recognizer.recognize([trim_to_ink(c) for c in cell_crops])
    recs = recognize_rows(engine.recognizer, crops, row_keys)  # short crops read side
                                                       # by side (ocr.strips), a glyph
                                                       # once (ocr.glyphs)
    leader = glyph_exemplars(crops, settings)          # crop i takes leader[i]'s reading
    lines = read_text(page_image, mask, engine=engine) # free text, reading order
    flip = is_upside_down(line_crops(page_image, engine=engine), engine=engine)

onnxruntime is imported only when a model is first loaded, so ``import ocr``
is cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .crops import ink_box, to_bgr, trim_to_ink
from .settings import OcrSettings
from .types import DetectedBox, Direction, OrientationVote, Recognition, TextLine

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = [
    "OcrSettings",
    "OcrEngine",
    "Recognizer",
    "Detector",
    "Classifier",
    "Recognition",
    "TextLine",
    "DetectedBox",
    "Direction",
    "OrientationVote",
    "read_text",
    "line_crops",
    "recognize",
    "recognize_rows",
    "glyph_exemplars",
    "trim_to_ink",
    "ink_box",
    "to_bgr",
    "is_upside_down",
    "orientation",
]

_LAZY = {
    "OcrEngine": ("engine", "OcrEngine"),
    "Recognizer": ("recognize", "Recognizer"),
    "Detector": ("detect", "Detector"),
    "Classifier": ("classify", "Classifier"),
    "read_text": ("detect", "read_text"),
    "recognize_rows": ("strips", "recognize_rows"),
    "glyph_exemplars": ("glyphs", "glyph_exemplars"),
    "line_crops": ("detect", "line_crops"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _engine(engine):
    if engine is not None:
        return engine
    from .engine import OcrEngine

    return OcrEngine()


def recognize(crops: "Sequence[np.ndarray]", *, engine=None) -> list[Recognition]:
    """Recognise one text line per crop, in input order (see ``Recognizer.recognize``).

    engine : the pipeline's ``OcrEngine``; None uses default settings (models
    come from the per-process cache either way).
    """
    return _engine(engine).recognizer.recognize(crops)


def orientation(line_crops: "Sequence[np.ndarray]", *, engine=None) -> OrientationVote:
    """0°/180° vote over text-line crops of one page (see ``Classifier.orientation``)."""
    return _engine(engine).classifier.orientation(line_crops)


def is_upside_down(line_crops: "Sequence[np.ndarray]", *, engine=None) -> bool:
    """True when most confident line crops read upside down (page needs a 180° turn)."""
    return orientation(line_crops, engine=engine).upside_down
