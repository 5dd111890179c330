"""onnxruntime sessions for the three PP-OCR models, and the engine that owns them.

The models ship inside the ``rapidocr_onnxruntime`` wheel (``models/``); they
are located from the installed package and never downloaded.

Per-process cache
-----------------
:func:`load_model` keeps one :class:`OnnxModel` per (model file, intra-op
threads, inter-op threads) for the life of the process (``functools.lru_cache``
with room for a few entries). Building several :class:`OcrEngine` objects with
equal thread settings therefore reuses the same ``InferenceSession``s; this is
the only module-level state of the OCR stage.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from .settings import OcrSettings
from .types import DetectedBox, Recognition, TextLine

if TYPE_CHECKING:  # pragma: no cover
    import onnxruntime

    from .classify import Classifier
    from .detect import Detector
    from .recognize import Recognizer

__all__ = [
    "DET_MODEL",
    "REC_MODEL",
    "CLS_MODEL",
    "OnnxModel",
    "OcrEngine",
    "OnnxRuntimeError",
    "load_model",
    "models_dir",
]

DET_MODEL = "ch_PP-OCRv4_det_infer.onnx"
REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_infer.onnx"


class OnnxRuntimeError(RuntimeError):
    """An onnxruntime ``run`` failed; the message names the model."""


def models_dir() -> Path:
    """Directory holding the ONNX models of the installed ``rapidocr_onnxruntime``.

    Found with ``importlib.util.find_spec`` so the package itself (which imports
    onnxruntime and more) is not imported.
    """
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "rapidocr_onnxruntime is not installed; it ships the PP-OCR ONNX models "
            "(pip install rapidocr_onnxruntime)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "models"


class OnnxModel:
    """One onnxruntime ``InferenceSession`` on the CPU with explicit options.

    Parameters
    ----------
    path : path of the ``.onnx`` file; must exist.
    intra_op_threads, inter_op_threads : thread counts, always applied.
    spin : whether idle intra-op threads busy-wait for the next work item
        (onnxruntime's ``session.intra_op.allow_spinning``).
    arena : whether onnxruntime keeps freed tensor memory in its own arena
        for reuse (``enable_cpu_mem_arena``) instead of returning it.
    session : a ready-made ``InferenceSession`` to wrap instead of loading
        ``path`` (for tests); the thread arguments are then ignored.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        intra_op_threads: int = 2,
        inter_op_threads: int = 1,
        spin: bool = False,
        arena: bool = True,
        session: "onnxruntime.InferenceSession | None" = None,
    ) -> None:
        self.path = Path(path)
        if session is None:
            if not self.path.is_file():
                raise FileNotFoundError(f"ONNX model not found: {self.path}")
            if intra_op_threads < 1 or inter_op_threads < 1:
                raise ValueError(
                    f"thread counts must be >= 1, got intra={intra_op_threads}, "
                    f"inter={inter_op_threads}"
                )
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = intra_op_threads
            opts.inter_op_num_threads = inter_op_threads
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.log_severity_level = 3
            opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
            opts.enable_cpu_mem_arena = arena
            session = ort.InferenceSession(
                str(self.path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        self.session = session
        self.input_name: str = session.get_inputs()[0].name
        self.output_names: list[str] = [o.name for o in session.get_outputs()]

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """Run the model on one float32 NCHW batch; returns its first output."""
        try:
            return self.session.run(self.output_names, {self.input_name: batch})[0]
        except Exception as exc:  # onnxruntime raises its own exception types
            raise OnnxRuntimeError(f"{self.path.name}: {exc}") from exc

    @property
    def metadata(self) -> dict[str, str]:
        """The model's ``custom_metadata_map``."""
        return dict(self.session.get_modelmeta().custom_metadata_map)

    def character_list(self, key: str = "character") -> list[str]:
        """The recogniser's dictionary stored in the model metadata, one entry a line.

        Raises ``KeyError`` naming the model when the metadata has no ``key``.
        """
        meta = self.metadata
        if key not in meta:
            raise KeyError(f"{self.path.name} has no {key!r} in its metadata")
        return meta[key].splitlines()

    def __repr__(self) -> str:
        return f"OnnxModel({self.path.name!r})"


@functools.lru_cache(maxsize=8)
def load_model(name: str, intra_op_threads: int, inter_op_threads: int,
               spin: bool = False, arena: bool = True) -> OnnxModel:
    """The process-wide :class:`OnnxModel` for a model file of the wheel.

    name : file name in :func:`models_dir` (``DET_MODEL``, ``REC_MODEL``,
        ``CLS_MODEL``) or an absolute path.
    """
    path = Path(name) if Path(name).is_absolute() else models_dir() / name
    return OnnxModel(
        path, intra_op_threads=intra_op_threads, inter_op_threads=inter_op_threads, spin=spin,
        arena=arena)


class OcrEngine:
    """The OCR stage's models, loaded lazily, once, and shared per process.

    The pipeline creates one engine from ``Settings.ocr`` and passes it to the
    OCR calls. Each model is loaded on first use; sessions come from the
    per-process cache (:func:`load_model`).

    Example
    -------
    >>> engine = OcrEngine(OcrSettings())
    >>> engine.recognize([crop])            # doctest: +SKIP
    [Recognition(text='914', confidence=0.99...)]
    """

    def __init__(self, settings: OcrSettings | None = None) -> None:
        self.settings = settings if settings is not None else OcrSettings()
        self._recognizer: Recognizer | None = None
        self._detector: Detector | None = None
        self._classifier: Classifier | None = None

    def _model(self, name: str) -> OnnxModel:
        s = self.settings
        return load_model(name, s.intra_op_threads, s.inter_op_threads, s.spin_threads, s.memory_arena)

    @property
    def recognizer(self) -> "Recognizer":
        if self._recognizer is None:
            from .recognize import Recognizer

            self._recognizer = Recognizer(self._model(REC_MODEL), self.settings)
        return self._recognizer

    @property
    def detector(self) -> "Detector":
        if self._detector is None:
            from .detect import Detector

            self._detector = Detector(self._model(DET_MODEL), self.settings)
        return self._detector

    @property
    def classifier(self) -> "Classifier":
        if self._classifier is None:
            from .classify import Classifier

            self._classifier = Classifier(self._model(CLS_MODEL), self.settings)
        return self._classifier

    # Convenience pass-throughs so callers need only the engine.
    def recognize(self, crops: Sequence[np.ndarray]) -> list[Recognition]:
        """See :meth:`ocr.Recognizer.recognize`."""
        return self.recognizer.recognize(crops)

    def detect(self, image: np.ndarray) -> list[DetectedBox]:
        """Text-line boxes of ``image`` (no recognition), in reading order.

        Axis-aligned boxes of the detector's quads (see :meth:`ocr.Detector.detect`);
        cheap input for the orientation vote (crop, then :meth:`is_upside_down`).
        """
        from .detect import quad_to_box, reading_order

        det = self.detector.detect(image)
        h, w = image.shape[:2]
        boxes = [DetectedBox(quad_to_box(q, w, h), float(sc)) for q, sc in zip(det.quads, det.scores)]
        order = reading_order([b.bbox for b in boxes], self.settings.line_merge_overlap)
        return [boxes[i] for i in order]

    def read_text(self, image: np.ndarray, mask: np.ndarray | None = None, *,
                  stop: "Callable[[list[TextLine]], bool] | None" = None,
                  chunk: int | None = None, detect_scale: float = 1.0) -> list[TextLine]:
        """See :func:`ocr.read_text` (``stop``/``chunk``: optional early stop;
        ``detect_scale``: detection on the image reduced by this factor)."""
        from .detect import read_text

        return read_text(image, mask, engine=self, stop=stop, chunk=chunk, detect_scale=detect_scale)

    def is_upside_down(self, line_crops: Sequence[np.ndarray]) -> bool:
        """See :func:`ocr.is_upside_down`."""
        return self.classifier.orientation(line_crops).upside_down
