"""Every tunable of the OCR stage, in one frozen pydantic model.

Pixel values here are pixels of the image handed to the OCR stage (a page at
its own dpi, or a crop of it) unless a field says otherwise; the only length
that has to follow the page scale, the crop margin, is a fraction of the
measured text-line height, so the same settings work at 150, 200 and 300 dpi.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["OcrSettings"]


class OcrSettings(BaseModel):
    """Settings of the ``ocr`` stage (PP-OCRv4 det/rec + mobile v2 cls on onnxruntime).

    Build once (the pipeline hands ``Settings.ocr`` here) and pass to
    :class:`ocr.OcrEngine`. Instances are frozen and hashable, so they can key
    the per-process model cache.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- onnxruntime -------------------------------------------------------
    intra_op_threads: int = Field(
        2, ge=1, le=64,
        description="onnxruntime intra-op threads per session (always set explicitly; "
        "the machine has 2 cores shared by the whole pipeline).",
    )
    inter_op_threads: int = Field(
        1, ge=1, le=64,
        description="onnxruntime inter-op threads (sequential execution mode, so 1 is enough).",
    )
    memory_arena: bool = Field(
        False,
        description="Let onnxruntime keep freed tensor memory in its arena for reuse "
        "(enable_cpu_mem_arena). Off, memory goes back after each call. Measured over the "
        "stress set: the arena held about 550 MB between reports (the largest detection and "
        "recognition activations seen so far) and took a worker past 1.5 GB on 300-dpi "
        "pages; off, pages per second were the same.",
    )
    spin_threads: bool = Field(
        False,
        description="Let onnxruntime's idle intra-op threads busy-wait for work between "
        "model calls (its default). Off, they sleep: the cores go to the layout of the next "
        "page running beside recognition (PipelineSettings.layout_ahead) instead of spinning.",
    )

    # --- recognition (ch_PP-OCRv4_rec) --------------------------------------
    rec_batch_size: int = Field(
        8, ge=1, le=256,
        description="Crops per recognition batch; crops are sorted by aspect ratio "
        "first, so each batch pads little.",
    )
    rec_batch_max_columns: int = Field(
        2048, ge=16, le=65536,
        description="A recognition batch also holds at most this many padded input "
        "columns (crops x padded width at rec_image_height); a wider crop goes alone. "
        "The model's cost per column rises once a batch's tensors outgrow the caches: "
        "measured on 2 cores, 8 x 192 columns cost 30 us a column, 4 x 1280 54 us.",
    )
    rec_image_height: int = Field(
        48, ge=16, le=128,
        description="Height crops are resized to before recognition. PP-OCRv4 rec was "
        "trained at 48; change only for another model.",
    )
    rec_image_width: int = Field(
        192, ge=16, le=4096,
        description="Minimum padded input width, px at rec_image_height (RapidOCR/PaddleOCR "
        "use 320); wider crops widen the batch instead of being squeezed. Recognition "
        "time grows with the padded width and most table crops are short numbers "
        "(median width/height 0.9). Measured on the sample cells: 192 reads every value "
        "as 320 does and cuts table recognition by about a third (a lone '0' then splits "
        "its probability between '0' and 'O', which look_alike_groups scores as one); "
        "at 96-144 a lone '0' sometimes reads 'o'/'O'.",
    )
    look_alike_groups: tuple[str, ...] = Field(
        ("0OoＯ０〇", "1１", "2２", "3３", "4４", "5５", "6６", "7７", "8８", "9９"),
        description="Characters that read as one symbol in a table cell; a decoded "
        "character of a group is scored with the summed probability of its group "
        "(a lone '0' splits its mass between '0' and 'O'; a digit of a clean render "
        "between its half- and full-width forms, which read as the same number). The "
        "text stays the argmax.",
    )
    # --- strips: short table crops read side by side (ocr.strips) ----------
    strips: bool = Field(
        True,
        description="Recognise the short single-line cell crops of a table row as one "
        "text line (ocr.recognize_rows) and split the characters back by x position; "
        "off reads every crop alone.",
    )
    strip_max_aspect: float = Field(
        3.5, gt=0.0, le=50.0,
        description="Only trimmed crops with width/height at most this go on strips "
        "(numbers, short words); wider crops (labels) are read alone.",
    )
    strip_min_height_frac: float = Field(
        0.6, ge=0.0, le=1.0,
        description="Crops lower than this fraction of the median strip-candidate "
        "height (a lone '-' or '—', scaled up into a bar) are read alone.",
    )
    strip_gap: float = Field(
        0.0, ge=0.0, le=4.0,
        description="Blank (paper colour) between crops on a strip, as a fraction of "
        "rec_image_height; comes on top of the crops' own margins (crop_margin).",
    )
    strip_max_crops: int = Field(
        8, ge=2, le=64, description="At most this many crops per strip."
    )
    strip_max_width: int = Field(
        1280, ge=64, le=8192,
        description="Strips are at most this many px wide at rec_image_height; longer "
        "rows are split.",
    )
    strip_pack_rows: bool = Field(
        True,
        description="Let the short crops of different rows (and tables) of a page share a "
        "strip, in reading order, so strips are full; the lines of one multi-line cell "
        "keep a strip of their own. Off keeps one table row per strip. Each step is given "
        "to the crop under it, so a neighbour's row does not change a crop's reading; "
        "with glyph_once most of a row's crops are shared glyphs, and one row per strip "
        "would leave its one or two exemplars padded to rec_image_width alone.",
    )
    strip_skip_first_column: bool = Field(
        True,
        description="Keep the crops of a table's first column (row labels: 一、, 其他, "
        "总计) off strips; they would mostly be read again alone (strip_accept_chars).",
    )
    strip_cell_lines: bool = Field(
        True,
        description="Also put the short lines of one multi-line cell (vertical header "
        "text set a character a line, a label wrapped in a narrow column) on a strip of "
        "their own, top to bottom, and keep that reading whatever its characters: the "
        "cell's text is their join anyway. Read alone, a one-character crop is padded "
        "to rec_image_width, four times its width.",
    )
    strip_accept_chars: str | None = Field(
        "0123456789０１２３４５６７８９OoＯ〇.,．，-－—–−/／%％+＋万元无",
        description="A strip member whose text holds any other character (a label "
        "such as 规章 or （七）总计, whose brackets and strokes read differently next "
        "to other crops), or no character at all, is read again alone; the numbers "
        "and the '无' / '—' / '/' placeholders of value cells keep their strip "
        "reading. None keeps every strip reading (an empty one with confidence 0).",
    )
    # --- read a glyph once (ocr.glyphs) ------------------------------------
    glyph_once: bool = Field(
        True,
        description="Crops of one page that are the same picture (a lone '0', '1', '/') "
        "share one recognition: each takes the reading of the first crop it matches "
        "(ocr.glyphs). Off recognises every crop.",
    )
    glyph_max_aspect: float = Field(
        1.5, gt=0.0, le=10.0,
        description="Only crops with width/height at most this are compared (lone glyphs "
        "and two-digit numbers; longer crops rarely repeat and differ in one character).",
    )
    glyph_canvas_px: int = Field(
        32, ge=8, le=128,
        description="Side of the square the crops are resized to for the comparison, px.",
    )
    glyph_size_tolerance: float = Field(
        0.12, ge=0.0, le=1.0,
        description="Two crops are compared only when their heights and their widths "
        "differ by at most this fraction of the taller one's height.",
    )
    glyph_min_correlation: float = Field(
        0.9, ge=0.0, le=1.0,
        description="Least normalised cross-correlation (mean removed) of the two "
        "resized crops.",
    )
    glyph_window_frac: float = Field(
        0.25, gt=0.0, le=1.0,
        description="Side of the window for the local disagreement test, as a fraction "
        "of glyph_canvas_px.",
    )
    glyph_max_local_difference: float = Field(
        0.25, ge=0.0, le=1.0,
        description="Largest share of any such window in which the two binarised crops "
        "may differ: a 6 and an 8 correlate highly but differ in one stroke, a window "
        "of it.",
    )
    min_text_score: float = Field(
        0.5, ge=0.0, le=1.0,
        description="read_text drops detected lines whose recognition confidence "
        "(mean character probability) is below this. Recognizer.recognize never drops.",
    )

    # --- crop preparation (trim_to_ink) -------------------------------------
    crop_margin: float = Field(
        0.25, ge=0.0, le=2.0,
        description="White margin added around the ink box of a crop, as a fraction "
        "of the ink height (the line height).",
    )
    ink_threshold: int | None = Field(
        None, ge=1, le=254,
        description="Grey level below which a pixel is ink; None = Otsu per crop "
        "(falls back to 160 on crops with too little contrast).",
    )
    min_ink_height_frac: float = Field(
        0.15, ge=0.0, le=1.0,
        description="Ink components lower than this fraction of the tallest component "
        "and smaller than ``speck_area_frac`` are specks, not text.",
    )
    speck_area_frac: float = Field(
        0.0004, ge=0.0, le=0.1,
        description="Components whose area is below this fraction of the crop area "
        "(and at most 4 px) are removed as noise before the ink box is taken.",
    )
    border_remnant_frac: float = Field(
        0.6, gt=0.0, le=1.0,
        description="A component touching the crop edge that spans at least this "
        "fraction of the crop height (width) while being thin is a ruling-line "
        "remnant and is removed.",
    )
    min_crop_height: int = Field(
        0, ge=0, le=256,
        description="trim_to_ink upscales (bicubic) crops whose ink is lower than "
        "this many px; 0 disables. Measured: no change in accuracy on crops "
        "rendered at 100-200 dpi (the recogniser resizes to rec_image_height anyway), "
        "so off by default.",
    )
    min_aspect_ratio: float = Field(
        0.0, ge=0.0, le=10.0,
        description="trim_to_ink pads crops narrower than this width/height ratio "
        "with background on both sides; 0 disables. Measured: padding a lone digit "
        "to ratio 1-2 made it read worse ('7' -> '7.', '-5' -> '5'), so off by default.",
    )

    # --- bilevel (1-bit) scans (ocr.crops.prepare_bilevel) ------------------
    bilevel: bool = Field(
        True,
        description="trim_to_ink treats crops of 1-bit scans (CCITT G4 TIFF in the "
        "PDF) apart: isolated specks are removed and the jagged 1-bit strokes are "
        "smoothed and area-downscaled to grey before recognition. Crops that are not "
        "bilevel (grey or JPEG scans) are never touched; off treats every crop as grey.",
    )
    bilevel_min_extreme_share: float = Field(
        0.8, gt=0.5, le=1.0,
        description="A crop is bilevel when at least this share of its pixels sit "
        "exactly at its darkest or its lightest grey level. Measured on pipeline crops: "
        "1-bit 300-dpi pages 0.85-1.0 (below 1 only through the deskew's linear "
        "interpolation), grey JPEG samples 0-0.10, the JPEG'd binarised s11 at most 0.71.",
    )
    bilevel_min_contrast: int = Field(
        100, ge=1, le=255,
        description="...and its darkest and lightest levels differ by at least this "
        "many grey levels (a blank or faint crop is not a 1-bit scan).",
    )
    bilevel_speck_max_frac: float = Field(
        0.12, ge=0.0, le=0.5,
        description="Ink components of a bilevel crop whose width and height are both "
        "at most this fraction of the text height (the tallest component not touching "
        "the crop edge; the crop height when there is none) are scanner specks and are "
        "painted paper white. 0.12 removes the 1-3 px dots of a 300-dpi scan next to "
        "10.5 pt digits (about 27 px tall) and keeps a decimal point (about 5 x 5 px, "
        "0.18 of them); 0 keeps every speck.",
    )
    bilevel_edge_speck_max_frac: float = Field(
        0.25, ge=0.0, le=0.5,
        description="Like bilevel_speck_max_frac for components touching the crop "
        "edge: a blob up to this fraction of the text height there is a fragment of a "
        "neighbouring line, a rule's end or a speck that the crop cut into (a 6 x 6 px "
        "corner above a 300-dpi '0' read it as '6'); text keeps its margin to the edge.",
    )
    bilevel_blur_frac: float = Field(
        0.025, ge=0.0, le=0.2,
        description="Gaussian sigma, as a fraction of the trimmed crop height, applied "
        "to a bilevel crop before it is downscaled (about 1.5 px on a 60-px crop of "
        "10.5 pt text at 300 dpi). Measured on six 1-bit 300-dpi versions of the "
        "samples (1196 values; right / wrong / fields flagged): 0 -> 1147 / 19 / 192 "
        "(30 values of s04/s05 四 missing: its one-character-per-line headers misread), "
        "0.012 -> 1176 / 20 / 176, 0.025 -> 1178 / 18 / 125. 0 disables.",
    )
    bilevel_downscale: bool = Field(
        True,
        description="Area-downscale (cv2.INTER_AREA) a trimmed bilevel crop taller than "
        "rec_image_height to that height, so the recogniser's own linear resize, which "
        "skips pixels and keeps the jagged edges, has nothing left to do. Lower crops "
        "keep their size (the strip height checks compare crop heights).",
    )

    # --- detection (ch_PP-OCRv4_det, DB post-processing) ---------------------
    det_limit_side_len: int = Field(
        1600, ge=32, le=8192,
        description="The page is downscaled so that its longer side is at most this "
        "many px before detection (to a multiple of 32). A 200-dpi A4 page is "
        "1654 x 2339 px.",
    )
    orientation_det_limit_side_len: int = Field(
        960, ge=32, le=8192,
        description="A page with no table text is searched for text lines for the "
        "0°/180° vote (ocr.line_crops) reduced to at most this many px on its longer "
        "side: the classifier reads 48 px lines either way, and a full-size detection "
        "costs four times the time and keeps its largest activations in memory.",
    )
    det_thresh: float = Field(
        0.3, gt=0.0, lt=1.0, description="DB probability threshold for text pixels."
    )
    det_box_thresh: float = Field(
        0.5, gt=0.0, lt=1.0,
        description="Minimum mean probability inside a candidate box to keep it.",
    )
    det_unclip_ratio: float = Field(
        1.6, gt=0.0, le=5.0,
        description="How far a DB box is grown (area * ratio / perimeter).",
    )
    det_max_candidates: int = Field(1000, ge=1, description="Contours examined per page.")
    det_use_dilation: bool = Field(
        True, description="Dilate the DB bitmap (2x2) before finding contours."
    )
    det_score_mode: Literal["fast", "slow"] = Field(
        "fast", description="Box score from the bounding box (fast) or the contour (slow)."
    )
    det_min_box_side: int = Field(
        4, ge=1, description="Detected boxes with a side shorter than this (px) are dropped."
    )
    line_merge_overlap: float = Field(
        0.5, gt=0.0, le=1.0,
        description="Reading order: two boxes are on the same line when their "
        "vertical overlap is at least this fraction of the lower box height.",
    )

    # --- direction classifier (ch_ppocr_mobile_v2.0_cls) --------------------
    cls_image_height: int = Field(48, ge=16, le=128, description="Classifier input height.")
    cls_image_width: int = Field(192, ge=16, le=1024, description="Classifier input width.")
    cls_batch_size: int = Field(6, ge=1, le=256, description="Crops per classifier batch.")
    cls_thresh: float = Field(
        0.9, ge=0.5, le=1.0,
        description="A line votes only when the classifier is at least this sure of "
        "its direction.",
    )
    cls_min_votes: int = Field(
        3, ge=1,
        description="is_upside_down needs at least this many confident votes to "
        "answer True.",
    )

    @model_validator(mode="after")
    def _check(self) -> "OcrSettings":
        if self.rec_image_width < self.rec_image_height:
            raise ValueError(
                f"rec_image_width ({self.rec_image_width}) must be >= rec_image_height "
                f"({self.rec_image_height})"
            )
        return self
