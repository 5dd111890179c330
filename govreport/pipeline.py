"""The pipeline: one scanned report in, one ``Report`` out.

    pipeline = Pipeline(settings)            # loads the OCR models once
    report = pipeline.extract(path)          # -> models.Report; raises InputError
    report = pipeline.extract_safe(path)     # never raises for bad input: returns
                                             # a Report whose ``error`` says why

``path`` is a PDF, an image (PNG/JPEG/TIFF) or a folder of page images (one
report). ``InputError`` (``layout.InputError``) carries a message a user
understands ("the PDF is encrypted", "the file is empty", ...).
``report.timing`` holds seconds per stage: rasterise, lines_grid, ocr, mapping,
and the report's ``total``. The next page is rasterised and laid out in a
worker thread while this page is recognised (``PipelineSettings.layout_ahead``),
so the stages overlap and their sum can exceed ``total``.

Per page the stages run in this order, keeping only small results so a long
PDF is streamed page by page:

1. layout: rasterise, turn upright (90°) and deskew, find the ruled tables,
   their merged-cell grids, empty cells and the text lines inside cells;
   a born-digital PDF page whose text layer can be trusted instead gets its
   tables from its vector ruling and all its text from the layer, and skips 2
   (``pages[].read_by``, ``layout.assess_text_layer``);
2. ocr: 0°/180° check on text-line crops; recognition alone on the text-line
   crops of non-empty cells (one batch per page); detection + recognition of
   free text on the first pages only, for the title;
3. mapping (whole report): tables joined across pages → canonical keys;
4. models: the output document and its consistency checks.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import cv2
import numpy as np

import layout
import mapping
import models
import ocr
from layout.debug import write_debug_images
from layout.types import Box, Cell, Page, Table
from mapping.types import PageText, ReadCell, ReadLine, ReadTable

from .page_records import page_info, scanned_among_digital
from .settings import Settings, SettingsSource
from .turns import PixelBudget, Turns

MM_PER_INCH = 25.4
STAGES = ("rasterise", "lines_grid", "ocr", "mapping")


@dataclass
class _Timer:
    """Seconds spent per stage, summed over pages (from any thread)."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        with self.lock:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + now - started
        return now


def file_sha256(path: Path) -> str:
    """sha256 of a file, or of a folder's files in sorted order (one report)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def error_report_for(path: Path, message: str) -> models.Report:
    """The output of a file that could not be read: ``error`` set, no fields.

    The sha256 is kept when the file can still be hashed, so a rerun can tell
    it is the same file; a file that is gone or unreadable gets "".
    """
    try:
        sha = file_sha256(path)
    except OSError:
        sha = ""
    return models.error_report(models.Source(path=str(path), sha256=sha, pages=0), message)


class Pipeline:
    """Extracts reports with one set of settings; holds the OCR models.

    Create one per process and reuse it: the models load in the constructor.
    """

    def __init__(self, settings: SettingsSource = None, *, debug_dir: str | Path | None = None,
                 engine: "ocr.OcrEngine | None" = None):
        self.settings = Settings.resolve(settings)
        self.debug_dir = Path(debug_dir) if debug_dir else None
        self.engine = engine or ocr.OcrEngine(self.settings.ocr)

    def with_settings(self, settings: SettingsSource) -> "Pipeline":
        """A pipeline with other settings, sharing these OCR models when it can."""
        settings = Settings.resolve(settings)
        engine = self.engine if settings.ocr == self.settings.ocr else None
        return Pipeline(settings, debug_dir=self.debug_dir, engine=engine)

    # -- public -----------------------------------------------------------
    def extract(self, path: str | Path) -> models.Report:
        """Extract one report; raises ``layout.InputError`` for unreadable input."""
        path = Path(path)
        timer = _Timer()
        started = time.perf_counter()
        if not path.exists():
            raise layout.InputError(f"{path}: no such file or folder")
        sha = file_sha256(path)
        pages_info: list[models.PageInfo] = []
        page_texts: list[PageText] = []
        warnings: list[str] = []
        tables_by_page: list[list[Table]] = []  # boxes only: small, kept to join tables
        texts_by_page: list[dict[Box, list[ReadLine]]] = []
        cfg = self.settings.layout
        with layout.open_document(path, cfg.raster, cfg.text_layer) as document, \
                closing(self._laid_out_pages(document, timer)) as laid_out:
            # closing(): the worker thread stops before the document closes
            for page, found, ocr_reason in laid_out:
                free_text = page.number <= self.settings.pipeline.free_text_pages
                if isinstance(found, layout.DigitalLayout) and ocr_reason is None:
                    texts_by_page.append(_text_layer_cells(found))
                    if free_text:
                        page_texts.append(self._text_layer_free_text(found))
                elif isinstance(found, layout.DigitalLayout):  # grid and line boxes from the layer
                    texts_by_page.append(self._read_cells(page, found.tables, timer))
                    if free_text:
                        t = time.perf_counter()
                        page_texts.append(self._read_placed_free_text(page, found))
                        timer.add("ocr", t)
                else:
                    if free_text or any(not c.empty for t in found.tables for c in t.cells):
                        # a page with nothing to read (no table text, past the
                        # title pages) keeps its orientation unchecked: no OCR
                        page, found = self._upright(page, found, timer)
                    texts_by_page.append(self._read_cells(page, found.tables, timer))
                    if free_text:
                        t = time.perf_counter()
                        page_texts.append(self._read_free_text(page, found))
                        timer.add("ocr", t)
                    if self.debug_dir is not None:
                        write_debug_images(found, self.debug_dir / path.stem, prefix=f"p{page.number:03d}_")
                if ocr_reason and page.text_layer is not None and page.text_layer.chars \
                        and cfg.text_layer.enabled:
                    ocr_reason = f"its text layer was not used ({ocr_reason})"
                    warnings.append(f"page {page.number}: {ocr_reason}; the page was read by OCR")
                pages_info.append(page_info(page, ocr_reason, found.tables))
                tables_by_page.append(list(found.tables))
        if not pages_info:
            raise layout.InputError(f"{path.name}: the document has no pages")
        warnings.extend(scanned_among_digital(pages_info))

        t = time.perf_counter()
        # Join tables across page breaks (parts of one table also share their
        # column edges), then pair every cell with its text.
        linked = layout.link_continuations(
            tables_by_page, [p.height for p in pages_info], self.settings.layout.continuation
        )
        read_tables = [
            _read_table(info.number, table, texts)
            for info, tables, texts in zip(pages_info, linked, texts_by_page)
            for table in tables
        ]
        timer.add("lines_grid", t)
        t = time.perf_counter()
        mapped = mapping.map_report(read_tables, page_texts, self.settings.mapping)
        if not mapped.values:
            warnings.append(
                "no table of a 政府信息公开工作年度报告 was recognised: this may not be such a report"
            )
        report = models.build_report(
            source=models.Source(path=str(path), sha256=sha, pages=len(pages_info)),
            pages=pages_info,
            mapping=mapped,
            warnings=warnings,
        )
        timer.add("mapping", t)
        timing = {k: round(v, 4) for k, v in timer.seconds.items()}
        timing["total"] = round(time.perf_counter() - started, 4)
        return report.model_copy(update={"timing": timing})

    def extract_safe(self, path: str | Path) -> models.Report:
        """Like ``extract``, but bad input gives a Report with ``error`` set."""
        path = Path(path)
        try:
            return self.extract(path)
        except layout.InputError as exc:
            message = str(exc)
        except MemoryError:
            message = f"{path.name}: ran out of memory reading this file"
        return error_report_for(path, message)

    # -- stages -------------------------------------------------------------
    def _laid_out_pages(self, document: layout.Document, timer: _Timer
                        ) -> Iterator[tuple[Page, layout.PageLayout | layout.DigitalLayout, str | None]]:
        """Each page with its layout, and why it is read by OCR (None: from its text layer).

        A PDF page whose text layer can be trusted (:func:`layout.assess_text_layer`)
        gets its tables from its vector ruling and its text from the layer
        (:func:`layout.digital_layout`). A page whose glyphs are placed right
        but map to the wrong characters (:func:`layout.placement_problem`
        passes) keeps the vector grid and the glyphs' line boxes, and OCR reads
        the lines (the reason is returned). Any other page is turned upright
        by quarter turns, deskewed and laid out from its image. With
        ``PipelineSettings.layout_ahead`` the next ``layout_ahead_pages`` pages
        are laid out in worker threads while the caller reads this one: they
        take their pages from the document one at a time and in order
        (:class:`~govreport.turns.Turns`), and lay them out side by side within
        ``layout_ahead_max_megapixels`` (:class:`~govreport.turns.PixelBudget`).
        """
        cfg = self.settings.layout
        pages = iter(document)

        budget = PixelBudget(self.settings.pipeline.layout_ahead_max_megapixels * 1e6)

        def rendered() -> tuple[Page | None, float]:
            """The next page of the document and the seconds rendering it took."""
            t = time.perf_counter()
            return next(pages, None), time.perf_counter() - t

        def next_page(fetch=rendered
                      ) -> tuple[Page, layout.PageLayout | layout.DigitalLayout, str | None] | None:
            raw, render_s = fetch()
            if raw is None:
                return None
            # pages laid out side by side hold at most the budget's pixels together
            with budget.hold(raw.width * raw.height):
                # the rasterise stage: rendering plus what follows, not the waits
                return lay_out(raw, time.perf_counter() - render_s)

        def lay_out(raw: Page, t: float
                    ) -> tuple[Page, layout.PageLayout | layout.DigitalLayout, str | None]:
            placement = reason = "no text layer"
            if raw.text_layer is not None and not cfg.text_layer.enabled:
                placement = reason = "reading text layers is turned off"
            elif raw.text_layer is not None:  # what assess_text_layer says, in its two parts
                placement = layout.placement_problem(raw.text_layer, cfg.text_layer)
                reason = placement or layout.character_problem(raw.text_layer, cfg.text_layer)
            if placement is None:
                # the glyphs and the ruling are where they are printed, even when
                # the characters are not to be trusted (then OCR reads the lines)
                t = timer.add("rasterise", t)
                found = layout.digital_layout(raw, cfg.text_layer)
                timer.add("lines_grid", t)
                if reason is None or found.tables:
                    return raw, found, reason
                t = time.perf_counter()
            page = layout.orient_page(raw, cfg.orient, cfg.binarize, cfg.edges)
            t = timer.add("rasterise", t)
            found = self._analyse(page)
            timer.add("lines_grid", t)
            return page, found, reason

        ahead = self.settings.pipeline.layout_ahead_pages
        if not self.settings.pipeline.layout_ahead:
            while (item := next_page()) is not None:
                yield item
            return
        turn = Turns()  # pages leave the document in order, one at a time

        def laid_out(index: int):
            return next_page(lambda: turn.take(index, rendered))

        with ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="govreport-layout") as workers:
            queued = deque(workers.submit(laid_out, k) for k in range(ahead))
            index = ahead
            while (item := queued.popleft().result()) is not None:
                queued.append(workers.submit(laid_out, index))
                index += 1
                yield item
            for rest in queued:  # every later call found the document at its end
                rest.result()

    def _analyse(self, page: Page) -> layout.PageLayout:
        """The layout of an upright page; its line masks kept only for debug images."""
        found = layout.analyse_page(page, self.settings.layout)
        return found if self.debug_dir is not None else found.slim()

    def _upright(self, page: Page, found: layout.PageLayout,
                 timer: _Timer) -> tuple[Page, layout.PageLayout]:
        """The page and its layout, turned 180° first when the text reads upside down."""
        t = time.perf_counter()
        boxes = [box for table in found.tables for cell in table.cells for box in cell.text_lines]
        crops = [_crop(found.page.image, box)
                 for box in boxes[: self.settings.pipeline.orientation_sample_lines]]
        if not crops:  # no table text: ask the detector for lines
            crops = ocr.line_crops(page.image, engine=self.engine,
                                   max_lines=self.settings.pipeline.orientation_sample_lines)
        upside_down = bool(crops) and self.engine.is_upside_down(crops)
        t = timer.add("ocr", t)
        if upside_down:
            page = layout.flip_page(page)
            found = self._analyse(page)
            timer.add("lines_grid", t)
        return found.page, found  # rectified when the page was warped

    def _read_cells(self, page: Page, tables: Sequence[Table], timer: _Timer) -> dict[Box, list[ReadLine]]:
        """Recognise every text line of every non-empty cell of a page, in one batch.

        The short single-line crops of a table row are read side by side as
        one line (``ocr.recognize_rows``, ``OcrSettings.strips``). A text
        line of a cell merged over rows that is taller and wider than
        ``detect_lines_taller_than_mm`` (not a column of vertical text) is
        several lines the layout could not separate: the text detector
        finds them.

        Returns the recognised lines of each non-empty cell, top to bottom,
        keyed by the cell's box (px in this page's image). Empty cells never
        reach OCR.
        """
        t = time.perf_counter()
        owners: list[tuple[Box, Box]] = []  # (cell box, line box) of each crop
        crops: list[np.ndarray | None] = []
        rows: list[tuple[int, ...] | None] = []  # strip key of each crop (ocr.recognize_rows)
        keep: list[bool] = []  # the crop keeps its strip reading (a cell's own lines)
        margin = round(self.settings.pipeline.crop_margin_mm * page.dpi / MM_PER_INCH)
        tall = self.settings.pipeline.detect_lines_taller_than_mm * page.dpi / MM_PER_INCH
        detect: list[tuple[Box, Box]] = []  # (cell box, text box) read by detection
        for ti, table in enumerate(tables):
            # Left to right within a row: short crops of one row share a strip.
            for cell in sorted(table.cells, key=lambda c: (c.row, c.bbox[0])):
                key = _strip_row(ti, cell, self.settings.ocr)
                own_lines = _own_lines_strip(key)
                for box in cell.text_lines:
                    if cell.row_span > 1 and min(box[3] - box[1], box[2] - box[0]) > tall:
                        detect.append((cell.bbox, box))
                        continue
                    owners.append((cell.bbox, box))
                    rows.append(key)
                    keep.append(own_lines)
                    # A little room around the line, kept inside the cell's
                    # ruling lines; trim_to_ink then cuts to the ink plus its
                    # own margin and paints border remnants out.
                    crop = _crop(page.image, _grow(box, margin, cell.bbox))
                    crops.append(ocr.trim_to_ink(crop, self.settings.ocr))
        lines: dict[Box, list[ReadLine]] = defaultdict(list)
        results = ocr.recognize_rows(self.engine.recognizer, crops, rows, keep_reading=keep)
        for (owner, box), result in zip(owners, results):
            lines[owner].append(ReadLine(box, result.text, float(result.confidence)))
        pad = round(self.settings.pipeline.detect_pad_mm * page.dpi / MM_PER_INCH)
        for owner, box in detect:
            lines[owner].extend(ReadLine(*line) for line in
                                self._read_padded(page, _grow(box, margin, owner), pad))
        for owner in {owner for owner, _ in detect}:
            lines[owner].sort(key=lambda line: (line.bbox[1], line.bbox[0]))
        timer.add("ocr", t)
        return dict(lines)

    def _read_padded(self, page: Page, box: Box, pad: int, **read_text_options
                     ) -> list[tuple[Box, str, float]]:
        """Detection (at ``PipelineSettings.detect_dpi``) + recognition of the text
        in ``box`` of the page, with ``pad`` px of paper around it
        (:func:`_paper_padded`); (box px of the page, text, confidence) per line,
        in reading order. ``read_text_options`` go to
        ``OcrEngine.read_text`` (``stop``, ``chunk``)."""
        x0, y0, x1, y1 = box
        crop = _crop(page.image, box)
        out = []
        scale = min(1.0, self.settings.pipeline.detect_dpi / page.dpi)
        for found in self.engine.read_text(_paper_padded(crop, pad), detect_scale=scale,
                                           **read_text_options):
            bx0, by0, bx1, by1 = (int(v) - pad for v in found.bbox)
            bx0, by0 = max(bx0, 0), max(by0, 0)
            bx1, by1 = min(bx1, crop.shape[1]), min(by1, crop.shape[0])
            out.append(((x0 + bx0, y0 + by0, x0 + bx1, y0 + by1), found.text, float(found.confidence)))
        return out

    def _text_layer_free_text(self, found: layout.DigitalLayout) -> PageText:
        """The text layer's lines outside the tables in the title zone, as OCR would read them."""
        return PageText(found.page.number, tuple(
            (box, text, 1.0) for box, text in found.free_lines if self._in_title_zone(box, found.page)
        ))

    def _in_title_zone(self, box: Box, page: Page) -> bool:
        """The box starts in the top ``title_zone_fraction`` of the page."""
        return box[1] < self.settings.pipeline.title_zone_fraction * page.height

    def _read_placed_free_text(self, page: Page, found: layout.DigitalLayout) -> PageText:
        """Recognition of the title zone's free-text lines, boxed by the glyphs' positions."""
        margin = round(self.settings.pipeline.crop_margin_mm * page.dpi / MM_PER_INCH)
        whole = (0, 0, page.width, page.height)
        boxes = [box for box, _ in found.free_lines if self._in_title_zone(box, page)]
        read = self.engine.recognize([_crop(page.image, _grow(box, margin, whole)) for box in boxes])
        return PageText(page.number, tuple((box, r.text, float(r.confidence)) for box, r in zip(boxes, read)))

    def _read_free_text(self, page: Page, found: layout.PageLayout) -> PageText:
        """Detection + recognition of the free text outside the tables (title, headings).

        The title zone's regions (blocks of ink lines, top to bottom) are read
        one at a time, each cut out with a little paper around it: the
        detector's cost grows with the image area, and the title is mostly
        the first large block. With ``free_text_stop_at_title`` the regions
        below the one that completes the title are not read at all.
        """
        regions = layout.text_regions(found.mask, found.tables, page.dpi, self.settings.layout.regions)
        regions = [box for box in regions if self._in_title_zone(box, page)]
        cfg = self.settings.pipeline
        pad = round(cfg.detect_pad_mm * page.dpi / MM_PER_INCH)
        whole = (0, 0, page.width, page.height)
        lines: list[tuple[Box, str, float]] = []

        def has_title(found: Sequence[ocr.TextLine] = ()) -> bool:
            """The regions read so far, and the lines of this one so far, hold the title."""
            return mapping.has_title([text for _, text, _ in lines] + [line.text for line in found])

        stop = has_title if cfg.free_text_stop_at_title else None
        for region in regions:
            lines.extend(self._read_padded(page, _grow(region, pad, whole), pad, stop=stop,
                                           chunk=cfg.free_text_chunk_lines))
            if stop is not None and has_title():
                break
        return PageText(page.number, tuple(lines))


def _strip_row(table_index: int, cell: Cell, settings: ocr.OcrSettings) -> tuple[int, ...] | None:
    """Strip key of a cell's crops (ocr.recognize_rows); None keeps them off strips.

    A single-line cell shares its row's strip, (table, row), except the row
    labels of the first column with ``strip_skip_first_column``. The lines of
    a multi-line cell share a strip of their own, (table, row, col), with
    ``strip_cell_lines``: their texts are joined in order afterwards.
    """
    if len(cell.text_lines) > 1:
        return (table_index, cell.row, cell.col) if settings.strip_cell_lines else None
    if settings.strip_skip_first_column and cell.col == 0:
        return None
    return (table_index, cell.row)


def _own_lines_strip(key: tuple[int, ...] | None) -> bool:
    """True for the strip key of one cell's own lines, (table, row, col)
    (:func:`_strip_row`): their strip reading stands (``keep_reading``)."""
    return key is not None and len(key) == 3


def _crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return image[max(y0, 0):y1, max(x0, 0):x1]


def _paper_padded(crop: np.ndarray, pad: int) -> np.ndarray:
    """`crop` with `pad` px of paper around it (its bright level per channel).

    The text detector misses a line whose ink touches the crop's edge (a
    label set tight under a row line); with paper around it the line is whole.
    """
    if pad <= 0 or crop.size == 0:
        return crop
    paper = np.percentile(crop.reshape(-1, crop.shape[2] if crop.ndim == 3 else 1), 90, axis=0)
    value = [float(v) for v in np.atleast_1d(paper)]
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=value)


def _read_table(page_number: int, table: Table, texts: dict[Box, list[ReadLine]]) -> ReadTable:
    """A layout table with the recognised text of its cells.

    A cell's text is its lines' texts joined top to bottom, its confidence the
    lowest of its lines'; an empty cell reads "" with confidence 1.0 (it is
    certain to be blank).
    """
    cells = []
    for c in table.cells:
        lines = tuple(texts.get(c.bbox, ()))
        text = "".join(line.text for line in lines)
        confidence = min((line.confidence for line in lines), default=1.0)
        cells.append(ReadCell(c.row, c.col, c.row_span, c.col_span, c.bbox, text, confidence, lines))
    return ReadTable(page_number, table.bbox, table.n_rows, table.n_cols, tuple(cells),
                     table.continues_previous, tuple(table.row_edges), tuple(table.col_edges))


def _grow(box: tuple[int, int, int, int], margin: int,
          limit: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """``box`` grown by ``margin`` px on every side, clipped to ``limit``."""
    x0, y0, x1, y1 = box
    lx0, ly0, lx1, ly1 = limit
    return (max(x0 - margin, lx0), max(y0 - margin, ly0), min(x1 + margin, lx1), min(y1 + margin, ly1))


def _text_layer_cells(found: layout.DigitalLayout) -> dict[Box, list[ReadLine]]:
    """The text lines of every non-empty cell, from the text layer (confidence 1: exact)."""
    return {cell: [ReadLine(box, text, 1.0) for box, text in lines]
            for cell, lines in found.cell_lines.items()}


def extract(path: str | Path, settings: SettingsSource = None) -> models.Report:
    """Extract one report with a fresh pipeline (the Python API).

    For many files create one ``Pipeline`` and call ``extract`` on it, so the
    OCR models load once.
    """
    return Pipeline(settings).extract(path)
