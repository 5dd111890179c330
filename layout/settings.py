"""Every tunable of the layout stage, in one frozen pydantic model.

Lengths are millimetres on the paper (converted once with :func:`mm_to_px`,
px = mm · dpi / 25.4) or fractions of a size measured on the page, so the same
settings work for scans at 150, 200 and 300 dpi. Each stage function receives
only its own sub-settings (``settings.lines``, ``settings.grid``, ...) or plain
scalars, never the whole object.

Examples
--------
>>> s = LayoutSettings.resolve({"lines": {"min_line_mm": 12.0}})
>>> s.lines.min_line_mm
12.0
>>> mm_to_px(25.4, 200)
200.0
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MM_PER_INCH",
    "mm_to_px",
    "odd_px",
    "RasterSettings",
    "OrientSettings",
    "ScanEdgeSettings",
    "BinarizeSettings",
    "LineSettings",
    "RectifySettings",
    "GridSettings",
    "ContinuationSettings",
    "RegionSettings",
    "LayoutSettings",
]

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0  # PDF user-space units per inch


def mm_to_px(mm: float, dpi: float) -> float:
    """Convert a length on the paper to pixels.

    Parameters
    ----------
    mm : float
        Length in millimetres on the paper.
    dpi : float
        Resolution of the page image, dots per inch.

    Returns
    -------
    float
        The length in px at `dpi` (not rounded).
    """
    return mm * dpi / MM_PER_INCH


def odd_px(mm: float, dpi: float, minimum: int = 3) -> int:
    """Convert millimetres to an odd pixel count of at least `minimum`.

    Used for kernel and block sizes that OpenCV wants odd.
    """
    n = max(int(round(mm_to_px(mm, dpi))), minimum)
    return n if n % 2 == 1 else n + 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RasterSettings(_Frozen):
    """How pages become images (``layout.raster``)."""

    read_text_layer: bool = Field(
        True, description="Read each PDF page's characters and vector ruling with the image "
                          "(layout.text_layer); False leaves Page.text_layer None.")
    render_dpi: float = Field(
        200.0, gt=0, le=1200,
        description="dpi used to render a PDF page that is not one full-page scan image.")
    max_pixels: int = Field(
        60_000_000, gt=0,
        description="Largest page image kept, in px (W·H). Larger pages are downscaled "
                    "to this count (their dpi scaled with them) rather than rejected.")
    max_dpi: float = Field(
        320.0, gt=0,
        description="Pages scanned finer than this are resampled down to it: table lines "
                    "and digits are fully legible at 300 dpi, and a 600-dpi page costs four "
                    "times the memory and time for nothing.")
    min_dpi: float = Field(
        60.0, gt=0,
        description="Lowest resolution at which a table can still be read. A page image "
                    "below it (e.g. a 40×40 px image) raises InputError.")
    min_side_px: int = Field(
        300, gt=0, description="Smallest accepted page side in px; smaller images raise InputError.")
    full_page_image_coverage: float = Field(
        0.85, gt=0, le=1,
        description="An embedded image covering at least this fraction of the page area "
                    "is taken as the page scan and extracted at its own resolution.")
    paper_short_side_mm: float = Field(
        210.0, gt=0,
        description="Paper short side assumed when an image carries no usable dpi (A4).")
    plausible_short_side_mm: tuple[float, float] = Field(
        (90.0, 450.0),
        description="Range of paper short sides (mm) for which an image's own dpi "
                    "metadata is believed; outside it the dpi comes from paper_short_side_mm.")

    @model_validator(mode="after")
    def _check_range(self) -> "RasterSettings":
        lo, hi = self.plausible_short_side_mm
        if not 0 < lo < hi:
            raise ValueError(
                f"plausible_short_side_mm must be (low, high) with 0 < low < high, got {(lo, hi)}")
        return self


class OrientSettings(_Frozen):
    """Quarter-turn detection and deskew (``layout.orient``)."""

    analysis_dpi: float = Field(
        100.0, gt=0, description="Pages are analysed downscaled to this dpi (never upscaled).")
    text_gap_mm: float = Field(
        1.6, gt=0,
        description="Closing length that joins the characters of one text line into a "
                    "bar, but not two lines: smaller than the usual line gap.")
    text_bar_aspect: float = Field(
        4.0, gt=1, description="A smeared blob counts as a text line when its long side is "
                                "this many times its short side.")
    text_bar_max_height_mm: float = Field(
        12.0, gt=0, description="Thicker blobs (pictures, seals) are not text lines.")
    sideways_ratio: float = Field(
        2.0, gt=1,
        description="The page is taken as turned 90° when the vertical text-bar area is "
                    "this many times the horizontal one.")
    min_text_bar_area_mm2: float = Field(
        50.0, ge=0, description="Below this total text-bar area the page is left as is.")
    max_skew_degrees: float = Field(
        4.0, gt=0, le=15,
        description="Skew angles searched: ±this many degrees. The estimate for a page does "
                    "not depend on it (linear binning, 0 always on the grid), so an unskewed "
                    "page stays at 0 whatever the range.")
    skew_step_degrees: float = Field(
        0.1, gt=0, description="Step of the coarse angle search; refined to a tenth of it.")
    min_skew_degrees: float = Field(
        0.05, ge=0,
        description="Smaller estimated skews are not corrected (no resample): across an A4 "
                    "page 0.05° drifts 0.18 mm, 1.4 px at 200 dpi, which the grid's band "
                    "(GridSettings.band_mm) absorbs, and it is about the estimate's own "
                    "precision on the 100-dpi analysis mask.")


class ScanEdgeSettings(_Frozen):
    """Dark scanner borders beyond the paper (``layout.edges``)."""

    enabled: bool = Field(True, description="Clear the lid beyond the paper before anything else.")
    analysis_dpi: float = Field(
        50.0, gt=0, description="The paper is found on the page downscaled to this dpi.")
    max_lid_level: float = Field(
        110.0, ge=0, le=255,
        description="Grey level at or below which a region touching the image border is the "
                    "scanner lid (seen ~45; paper, even grey recycled paper, is far above).")
    min_lid_fraction: float = Field(
        0.002, ge=0, le=1,
        description="A dark border smaller than this fraction of the image is left alone "
                    "(a black mark at the edge, not a lid).")
    fill_mm: float = Field(
        10.0, gt=0,
        description="The cleared border takes the level of the paper around it, weighted by a "
                    "Gaussian of this σ (no step where the light falls off towards the edge).")
    shadow_mm: float = Field(
        8.0, ge=0,
        description="Band along the paper's edge cleared with the lid: the soft shadow the "
                    "lifted paper edge casts (a few mm; what is left of it past this band must "
                    "be fainter than a faded line, BinarizeSettings.line_offset). Page margins "
                    "are far wider.")


class BinarizeSettings(_Frozen):
    """Grayscale conversion and adaptive threshold (``layout.binarize``)."""

    block_mm: float = Field(
        10.0, gt=0, description="Side of the local-mean window of the adaptive threshold.")
    offset: float = Field(
        18.0, ge=0, le=255,
        description="A pixel is ink when darker than its local mean by more than this "
                    "many gray levels.")
    blur_mm: float = Field(
        0.08, ge=0, description="σ of the Gaussian smoothing before the threshold (scan noise); "
                                "0 disables it.")
    red_gain: float = Field(
        3.0, ge=0,
        description="Red ink (seals) is lightened by red_gain · (R − max(G, B)) gray "
                    "levels, so a red seal over a table vanishes. 0 keeps colours.")
    ruling_offset: float = Field(
        18.0, ge=0, le=255,
        description="For ruling-line detection a pixel is also ink when darker than the "
                    "local paper level (the mean of the non-ink pixels in the block) by "
                    "more than this many gray levels: keeps faded lines beside dense "
                    "text, where the plain mean is too dark. 0 disables it.")
    line_evidence_mm: float = Field(
        1.5, gt=0,
        description="Faint-line evidence is averaged over this length along each direction "
                    "(a faded line is steady along its length, scan noise is not).")
    line_offset: float = Field(
        8.0, ge=0, le=255,
        description="A pixel is faint line ink when the darkness below the local paper level, "
                    "averaged over line_evidence_mm along a direction, exceeds this many grey "
                    "levels (noise of σ 12 averages to about 3 over 1.5 mm at 200 dpi).")
    faint_dark_cap: float = Field(
        40.0, gt=0, le=255,
        description="Darkness is clipped at this many grey levels before it is averaged "
                    "along a direction: a faint line is lighter, and darker ink is in the ink "
                    "mask already (unclipped, a thin dark crossing line would smear a band).")
    faint_clear_mm: float = Field(
        0.0, ge=0,
        description="Faint ink within this distance of ink (and always within 1 px, the "
                    "blur of the stroke's edge) is its halo, not a faded line. Wider than "
                    "that cuts a faded line where it passes next to text (s13).")
    red_channel_lift: float = Field(
        0.5, ge=0,
        description="The red lift is capped at R + red_channel_lift · (R − max(G, B)): the "
                    "red channel, which a seal barely darkens, so gray ruling and text "
                    "under a seal stay dark. A seal over paper darkens R by ~0.2 · redness; "
                    "the margin absorbs JPEG colour smear at seal edges.")


class LineSettings(_Frozen):
    """Ruling-line detection (``layout.lines``)."""

    min_stroke_mm: float = Field(
        2.0, gt=0,
        description="Line pieces are runs at least this long (after the gap_mm closing): "
                    "what a broken line keeps between its gaps. Text strokes that pass are "
                    "told from lines by their sides (max_side_ink) and the grid's anchoring.")
    ruling_stroke_mm: float = Field(
        1.0, gt=0,
        description="Opening length of the ruling-ink mask used to test which grid "
                    "segments are drawn (keeps short pieces of broken lines).")
    gap_mm: float = Field(
        2.5, ge=0, description="Gaps up to this length in a faded or broken line are closed.")
    faint_stroke_mm: float = Field(
        3.0, gt=0,
        description="Faint ink (below the text threshold, above the paper level, see "
                    "BinarizeSettings.ruling_offset) counts as ruling ink only in runs at "
                    "least this long along the line: faded lines, not text-stroke halos.")
    min_line_mm: float = Field(
        10.0, gt=0,
        description="Shortest ruling line kept as a line segment; a piece this long (and "
                    "straight, straight_piece_mm) or a line end running on this far past its "
                    "last crossing is a line on its own, not strokes of text.")
    join_offset_mm: float = Field(
        0.6, gt=0,
        description="Line pieces whose centres lie this close across the line's direction "
                    "are on one line (line thickness, residual skew over a piece).")
    join_gap_mm: float = Field(
        6.0, ge=0,
        description="Pieces on one line at most this far apart along it chain into one "
                    "line: the gaps of a broken line (2–4 mm) and a crossing that faded "
                    "away, never the width of a cell (≥ 7 mm in the templates). A crossing "
                    "line that a gap keeps this far off still counts as the one a line's end "
                    "stops at (trim_overshoots).")
    crossing_touch_mm: float = Field(
        0.5, ge=0,
        description="A gap over a crossing line is bridged only when a piece beside it comes "
                    "this close to the crossing (a broken line keeps its crossings; aligned "
                    "text strokes keep off cell borders).")
    end_reach_mm: float = Field(
        2.0, ge=0,
        description="A line that passed a crossing line and stops more than this short of the "
                    "next one (or where none comes) chained on into a stroke of the text in "
                    "the cell beyond: it is cut back to the crossing it passed.")
    text_halo_mm: float = Field(
        0.3, ge=0,
        description="The darkness kept for the grid's profile test leaves out text ink and "
                    "this much around it (the blur of its strokes).")
    side_offset_mm: float = Field(
        0.35, ge=0, description="The bands beside a line whose ink is measured (LineSettings."
                                "max_side_ink) start this far from it (past its blur).")
    side_width_mm: float = Field(
        0.6, gt=0, description="Width of each band beside a line.")
    max_side_ink: float = Field(
        0.25, gt=0, le=1,
        description="A line has paper along one side: when ink covers more than this fraction "
                    "of the band on each side, it is a chain of text strokes, not a line (the "
                    "strokes of a character cover ~30–50 %; scan noise a few %).")
    min_fill: float = Field(
        0.55, gt=0, le=1,
        description="A chained line is kept when its pieces cover at least this fraction of "
                    "its length; chains of text strokes are sparser.")
    max_thickness_mm: float = Field(
        2.0, gt=0, description="Thicker components are not lines (filled areas, pictures).")
    straight_piece_mm: float = Field(
        1.0, gt=0,
        description="A piece at least min_line_mm long whose box is at most this wide across "
                    "the direction is a line on its own: its chain needs no crossing line to "
                    "vouch for its gaps (join_collinear). Strokes of a text line fused by the "
                    "gap closing wander wider.")


class RectifySettings(_Frozen):
    """Warped pages made flat again (``layout.rectify``)."""

    enabled: bool = Field(True, description="Rectify pages whose ruling lines are not parallel.")
    analysis_dpi: float = Field(
        75.0, gt=0, description="Straight line pieces are searched on masks reduced to this dpi "
                                "(the search's cost grows with the pixel count).")
    angle_step_degrees: float = Field(
        0.25, gt=0, description="Angle resolution of the line search (Hough accumulator; the "
                                 "end points, not the bins, measure the slants).")
    min_votes: float = Field(
        0.5, gt=0, le=1, description="A straight piece needs ink on this fraction of "
                                     "min_length_mm (Hough threshold).")
    min_length_mm: float = Field(
        40.0, gt=0, description="Straight line pieces at least this long measure the slants.")
    max_gap_mm: float = Field(
        6.0, ge=0, description="Gaps a straight piece may jump (broken lines), as "
                               "LineSettings.join_gap_mm.")
    max_slant_degrees: float = Field(
        6.0, gt=0, le=30, description="Pieces slanted more than this from the direction are not "
                                      "lines of that direction (after deskew).")
    min_lines: int = Field(3, ge=2, description="Fewest pieces per direction to estimate a warp from.")
    min_extent_fraction: float = Field(
        0.3, ge=0, le=1,
        description="The pieces of each direction must spread over at least this fraction of "
                    "the page across them (horizontal ones over its height, vertical ones over "
                    "its width): lines bunched in one small table do not fix a vanishing point.")
    min_spread_degrees: float = Field(
        0.3, ge=0,
        description="Rectify only when the slants of one direction's pieces differ by more "
                    "than this across the page: parallel lines need no homography (0.3° over "
                    "a 180 mm line is about 1 mm, what the grid's snap absorbs).")
    spread_quantile: float = Field(
        0.1, ge=0, lt=0.5,
        description="The slant spread is measured between this quantile of the pieces' slants "
                    "and its complement: a few text strokes do not make a page warped.")
    min_shift_mm: float = Field(
        2.0, ge=0,
        description="The homography is applied only when it moves a page corner by at least "
                    "this much: slants measured on parallel lines, with their noise, give warps "
                    "of a fraction of a mm on clean samples and up to ~2 mm on faded ones; a "
                    "2.5 % corner move of A4 is 5 mm, and a smaller warp is within the "
                    "grid's snap).")
    max_scale_change: float = Field(
        1.2, gt=1, description="A homography that would change the page area by more than this "
                               "factor is a wrong estimate and is not applied.")


class GridSettings(_Frozen):
    """Table grids, merged cells, empty cells and text lines (``layout.grid``, ``layout.cells``)."""

    snap_mm: float = Field(
        1.8, gt=0, description="Line positions closer than this are one grid edge.")
    band_mm: float = Field(
        0.9, ge=0,
        description="Half width of the band around a grid edge searched for ruling ink "
                    "(line thickness, residual skew).")
    segment_coverage: float = Field(
        0.75, gt=0, le=1,
        description="A grid segment between two nodes is a drawn line when ruling ink "
                    "covers at least this fraction of its length; otherwise the slots on "
                    "both sides belong to one merged cell.")
    profile_min_contrast: float = Field(
        5.0, ge=0,
        description="Profile test of a grid segment: the mean darkness of the line's row, "
                    "taken along the segment, must stand this many grey levels above the "
                    "paper beside it (a faded line: ~10–40; noise averages out over the length).")
    profile_min_coverage: float = Field(
        0.6, gt=0, le=1,
        description="... and that row must be darker than halfway on this fraction of the "
                    "segment's length (a text line's strokes cover less at any one height).")
    profile_flank_mm: tuple[float, float] = Field(
        (0.35, 0.9),
        description="The paper beside the line is measured this far from its centre (nearest, "
                    "farthest), past its blur; the cleaner side counts.")
    profile_text_band_mm: tuple[float, float] = Field(
        (0.4, 2.5),
        description="Text ink is measured in bands this far from the line (nearest, farthest) "
                    "on both sides: a profile that passes for a line with text on both sides "
                    "within them is a stroke of a character in a line of text.")
    profile_max_text: float = Field(
        0.08, ge=0, le=1,
        description="... when text ink covers more than this fraction of both bands.")
    text_split_clear_mm: float = Field(
        1.0, gt=0,
        description="A merged cell whose text keeps this far off every slot border it crosses, "
                    "with ink in every slot, is cells joined by a missed line "
                    "(layout.alignment.split_by_text).")
    max_restored_run: int = Field(
        4, ge=0,
        description="Where missing segments leave slots joined in no rectangle (no merged "
                    "cell is so), a run of at most this many missing segments between two "
                    "drawn ones of the same line is restored (layout.merge.complete_segments).")
    weak_coverage: float = Field(
        0.65, gt=0, le=1,
        description="A grid segment covered at least this much (with ink at both ends) is "
                    "drawn too when no text lies on both its sides (profile_text_band_mm): "
                    "a faded border; inside a cell of text, strokes and their smear reach it.")
    full_coverage: float = Field(
        0.95, gt=0, le=1,
        description="A grid segment this much covered by ruling ink is drawn even without ink "
                    "in its end zones (a faded line whose ends faded away at the crossings); "
                    "dense text in a header cell reaches 85 %.")
    chained_min_coverage: float = Field(
        0.3, gt=0, le=1,
        description="A grid segment covered by a chained line (pieces joined over gaps) is "
                    "drawn when ruling ink still covers this fraction of it and no text lies "
                    "on both its sides: a broken line keeps 75–80 % of its length overall, "
                    "but a 3 mm gap can take most of a short row's side.")
    anchored_length_mm: float = Field(
        25.0, gt=0,
        description="A line position counts as a ruling when one of its segments runs "
                    "from crossing line to crossing line, or its segments add up to this "
                    "length (a line broken by gaps); else it is chained text strokes.")
    segment_end_zone_mm: float = Field(
        1.5, gt=0, description="A drawn segment has ruling ink within this distance of both "
                               "its nodes, measured from the crossing line's centre (text "
                               "strokes keep off the cell border; heavy JPEG smear can blank "
                               "~1 mm of a thin line where it meets a crossing line).")
    region_gap_mm: float = Field(
        4.5, gt=0,
        description="Pieces of one line this far apart along it hold a table together "
                    "(broken lines: gaps of 2–4 mm); tables stacked closer than this with "
                    "aligned columns would join.")
    frame_gap_mm: float = Field(
        40.0, gt=0,
        description="A lone line (touching no line of a table) parallel to a table side "
                    "and at most this far outside it is the table's outer frame: a merged "
                    "label column running on across a page break.")
    frame_overlap: float = Field(
        0.8, gt=0, le=1,
        description="Such a frame line and the table side must overlap by at least this "
                    "fraction of the side and of the line.")
    side_by_side_rows: int = Field(
        2, ge=1,
        description="A table candidate within the height of a larger one and beside it, with "
                    "horizontal lines at this many of the larger one's line heights, is part of "
                    "it: label columns whose row lines faded away no longer touch the value "
                    "columns (layout.regions.join_side_by_side).")
    one_row_height_mm: tuple[float, float] = Field(
        (3.5, 15.0),
        description="Two lone horizontal lines of the same extent this far apart (min, max) are "
                    "the top and bottom of a one-row table (the last row of a matrix carried onto "
                    "the next page) when vertical pieces run from one to the other: its cell "
                    "borders, too short for LineSettings.min_line_mm.")
    row_border_mm: float = Field(
        5.0, gt=0,
        description="A line-like vertical piece this long running from a row's top line to "
                    "its bottom line is a column border in that row (layout.grid.row_borders): "
                    "a column line broken above and below it. Strokes of 12 pt characters are "
                    "shorter.")
    one_row_touch_mm: float = Field(
        0.3, ge=0,
        description="Such a vertical piece reaches within this (plus 1 px) of both lines; the "
                    "strokes of the text in the row keep about 1 mm off them.")
    faint_edges: bool = Field(
        True, description="Propose grid edges that no line segment gave from the profile across "
                          "the whole table (layout.faint_edges); the segment test keeps those drawn.")
    faint_edge_min_contrast: float = Field(
        2.5, gt=0,
        description="A candidate edge: the mean darkness on one position down the whole table "
                    "(off the text) stands this many grey levels above the paper beside it "
                    "(profile_flank_mm). Faded lines that chain into no segment: 3–6; "
                    "positions in text columns of clean scans: below 2.")
    shading_edges: bool = Field(
        True, description="Propose row edges where a shaded band of the table ends "
                          "(layout.faint_edges.shading_edges); the segment test keeps those drawn.")
    shading_min_step: float = Field(
        15.0, gt=0,
        description="A shaded band ends where the mean grey off the text above and below "
                    "(shading_flank_mm) differs by this many grey levels or more. Word's grey "
                    "header shading: 25–40 below the paper; rows of text against blank rows "
                    "of a clean scan: below 8.")
    shading_min_share: float = Field(
        0.6, gt=0, le=1,
        description="... in at least this share of the table's columns (a shaded header row "
                    "spans the table).")
    shading_flank_mm: tuple[float, float] = Field(
        (0.6, 2.5),
        description="The grey above and below a candidate row is measured this far from it "
                    "(nearest, farthest): past the line itself, within a row.")
    min_cell_mm: float = Field(
        2.5, gt=0, description="Adjacent grid edges closer than this are merged.")
    min_table_width_mm: float = Field(20.0, gt=0, description="Narrower line groups are not tables.")
    min_table_height_mm: float = Field(6.0, gt=0, description="Lower line groups are not tables.")
    min_rows: int = Field(1, ge=1, description="Fewest grid rows of a table.")
    min_cols: int = Field(2, ge=1, description="Fewest grid columns of a table.")
    min_cells: int = Field(3, ge=1, description="Fewest grid slots (rows · cols) of a table.")
    cell_inset_mm: float = Field(
        0.7, ge=0,
        description="Cell boxes are shrunk by this much inside the ruling ink before "
                    "ink is counted, so border remnants never count as text.")
    line_clear_mm: float = Field(
        0.4, ge=0, description="Ruling ink is dilated by this much before it is removed from "
                                "the text ink.")
    speck_mm2: float = Field(
        0.12, ge=0, description="Ink components smaller than this area are noise.")
    remnant_length_mm: float = Field(
        8.0, gt=0,
        description="A line-like piece (Lines.h_pieces / v_pieces) at least this long is "
                    "ruling ink wherever it lies, also off every grid edge (a line the grid "
                    "lost): no character is that long, and left in the text ink it joins "
                    "the text lines of a whole column into one.")
    remnant_side_mm: tuple[float, float] = Field(
        (0.4, 0.8),
        description="The bands beside such a long piece (offset from it, width) where paper "
                    "tells a line from a chain of strokes through stacked characters.")
    remnant_max_side_ink: float = Field(
        0.1, gt=0, le=1,
        description="A long piece with at most this ink fraction in the bands on both sides is "
                    "a line: the shorter pieces on it elsewhere in the table (its stub between "
                    "two numbers) are cleared too.")
    min_ink_mm2: float = Field(
        0.3, ge=0, description="A cell holding less text ink than this area is empty.")
    text_line_gap_mm: float = Field(
        0.7, ge=0, description="Row gaps in a cell's ink shorter than this do not split text lines.")
    min_text_line_mm: float = Field(
        1.4, gt=0, description="Text lines lower than this are joined to their nearest "
                               "neighbour (parts of one character).")
    text_line_pad_mm: float = Field(
        0.5, ge=0, description="Padding added around each text-line box (clipped to the cell).")
    edge_remnant_run_mm: float = Field(
        2.5, gt=0,
        description="In a cell merged over rows, horizontal ink runs this long near an "
                    "inner row edge (within band_mm) are what is left of the missed line, "
                    "not text: the text lines on either side are separated there.")
    text_block_gap_mm: float = Field(
        2.0, gt=0,
        description="A cell merged over rows is cut into blocks of columns where its ink "
                    "leaves a gap this wide over its whole height (labels of two label "
                    "columns whose line was missed), and each block into text lines.")
    text_piece_gap_mm: float = Field(
        4.5, gt=0,
        description="A text line is cut where its ink leaves a gap this wide (more than a "
                    "full-width character or space at 10.5 pt, so a label's punctuation "
                    "（，）never cuts it; value cells are 10 mm and wider): numbers that "
                    "stand apart in a cell merged over a missed line are read, and "
                    "placed, one by one. A piece with less ink than "
                    "min_ink_mm2 (a speck) is dropped.")


class ContinuationSettings(_Frozen):
    """Tables continued across a page break (``layout.tables.link_continuations``)."""

    edge_fraction: float = Field(
        0.3, gt=0, le=1,
        description="'Near the page bottom/top': the previous table ends in the last, "
                    "and the next starts in the first, this fraction of the page height.")
    column_tolerance: float = Field(
        0.03, ge=0,
        description="Column edges match when they differ by at most this fraction of "
                    "the table width.")
    accept_same_column_count: bool = Field(
        True, description="Also link tables whose column count matches even when the "
                          "edges do not (a rescaled or shifted scan).")
    share_columns: bool = Field(
        True, description="Parts of a continued table take each other's column edges when "
                          "one lacks an edge that every cell on its page spans (a label "
                          "merged over two label columns), so all parts have equal columns.")


class RegionSettings(_Frozen):
    """Free-text regions outside tables (``layout.tables.text_regions``)."""

    table_margin_mm: float = Field(
        1.5, ge=0, description="Margin around a table that is not free text.")
    min_region_mm: float = Field(
        2.0, gt=0, description="Regions lower or narrower than this are dropped.")
    join_gap_mm: float = Field(
        8.0, ge=0, description="Ink rows closer than this belong to one region.")


class TextLayerSettings(_Frozen):
    """Born-digital pages read from their text layer (``layout.text_layer``, ``layout.vector_grid``).

    A page whose text layer passes :func:`layout.assess_text_layer` gets its
    tables from the PDF's vector ruling and its cell text from the layer's
    characters: no OCR call. Any other page goes through OCR with the reason.
    """

    enabled: bool = Field(True, description="Read usable text layers; False sends every page to OCR.")
    max_object_depth: int = Field(
        4, ge=1, description="Form XObjects nested this deep are searched for ruling paths and images.")
    ruling_max_thickness_mm: float = Field(
        0.8, gt=0, description="A dark path at most this thick across is a ruling line "
                               "(Word/WPS borders are 0.1–0.5 mm; a shaded cell is thicker).")
    ruling_max_grey: float = Field(
        160.0, ge=0, le=255, description="Darkest grey level (0 black … 255 white) a ruling path may "
                                        "have: a white border draws nothing.")
    min_chars: int = Field(20, ge=1, description="Fewer printed characters than this: no usable text layer.")
    margin_fraction: float = Field(
        0.08, ge=0, lt=0.5, description="The top and bottom this fraction of the page are header "
                                        "and footer: text only there is no body text.")
    max_image_coverage: float = Field(
        0.15, gt=0, le=1, description="An image covering at least this share of the page sends it "
                                      "to OCR: a scan with an added text layer, or a table pasted "
                                      "in as a picture, whose text the layer does not hold (a seal "
                                      "or a logo is a few per cent).")
    max_unmapped_share: float = Field(
        0.02, ge=0, le=1, description="Largest share of glyphs without a Unicode mapping (or "
                                      "mapped to private-use code points).")
    min_cjk_share: float = Field(
        0.3, ge=0, le=1, description="Smallest share of Chinese characters among the printed ones; "
                                     "below it the glyphs map to the wrong code points.")
    separators: str = Field(
        "·•・.．。,，", description="Characters that, between two Chinese characters, make "
                             "interleaved (garbled) text when frequent.")
    max_spaced_share: float = Field(
        0.2, ge=0, le=1, description="Largest share of Chinese characters followed by a "
                                     "separator and another Chinese character.")
    snap_mm: float = Field(
        0.8, gt=0, description="Ruling positions closer than this across are one grid edge.")
    join_mm: float = Field(
        1.0, ge=0, description="Rulings that come this close belong to one table.")
    min_table_mm: float = Field(
        10.0, gt=0, description="A table spans at least this much each way.")
    presence_fraction: float = Field(
        0.5, gt=0, le=1, description="A ruling covering at least this share of a cell side draws it.")
    line_overlap: float = Field(
        0.5, gt=0, le=1, description="Characters whose boxes overlap vertically by at least this "
                                     "share of the lower one's height are on one text line.")


class LayoutSettings(_Frozen):
    """All settings of the layout stage.

    Build it once with :meth:`resolve` and hand each function its section.
    """

    raster: RasterSettings = RasterSettings()
    orient: OrientSettings = OrientSettings()
    edges: ScanEdgeSettings = ScanEdgeSettings()
    binarize: BinarizeSettings = BinarizeSettings()
    lines: LineSettings = LineSettings()
    rectify: RectifySettings = RectifySettings()
    grid: GridSettings = GridSettings()
    continuation: ContinuationSettings = ContinuationSettings()
    regions: RegionSettings = RegionSettings()
    text_layer: TextLayerSettings = TextLayerSettings()

    @classmethod
    def resolve(cls, settings: "LayoutSettings | dict[str, Any] | None" = None) -> "LayoutSettings":
        """Return settings from None (defaults), a dict (validated) or an instance."""
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            return cls.model_validate(settings)
        raise TypeError(f"LayoutSettings.resolve expects None, a dict or LayoutSettings, "
                        f"got {type(settings).__name__}")
