"""Scan damage beyond the ordinary scanner: faded / broken / dropped-out ruling lines,
perspective (page lifted off the glass), scanner edge (paper rotated on a dark
lid with a soft shadow) and speckle on binarised scans.

Every function works on numpy arrays of grey levels (0 = black ink,
255 = white paper; float32 or uint8), vectorised with numpy/OpenCV (loops run
over ruling lines or dot sizes, never over pixels). Units are spelt out in
names and docstrings: `*_mm` millimetres on the paper, `*_px` pixels at the
`dpi` argument, `*_fraction` plain ratios.

Ruling-line damage needs the *clean* rendered page (either renderer, 300 dpi,
near-binary): `ruling_lines` isolates the ruling with long horizontal and
vertical morphological openings (text strokes are far shorter than
`RulingParams.min_line_mm`) and dilates it by one pixel, so the damage touches
the ruling and never the text.

Order in a scan (`Damage.apply_lines` at 300 dpi before the scanner's
resample, then `Damage.apply_paper` / `speckle` inside `scan.scan_damaged`):

1. dropped-out, then faded / broken ruling (ink on the paper, at RENDER_DPI);
2. scanner's ink/paper levels; perspective (paper geometry);
3. scanner edge (paper placed rotated on the lid, shadow at its edge) or the
   plain skew of `scan.ScanParams`;
4. light, blur, noise, resample (scan.py); binarise + speckle, or JPEG.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional

import cv2
import numpy as np

MM_PER_INCH = 25.4
PAPER_WHITE = 255.0
INK_THRESHOLD = 128          # clean-page grey level below which a pixel is ink
LINE_KINDS = ("faded", "broken", "dropout")
PAPER_KINDS = ("perspective", "scanner_edge")
ALL_KINDS = LINE_KINDS + PAPER_KINDS + ("binarised",)


def mm_px(mm: float, dpi: float) -> float:
    """Millimetres on paper to (fractional) pixels at `dpi`."""
    return mm * dpi / MM_PER_INCH


# ---- ruling lines ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RulingParams:
    """How ruling lines are told from text on a clean page."""
    min_line_mm: float = 8.0      # a ruling run is at least this long (text strokes are shorter)
    dilate_px: int = 1            # grow the found ruling by this many px (anti-aliased edges)


@dataclass(frozen=True)
class Ruling:
    """Ruling lines of a clean page: masks of the same shape as the page."""
    horizontal: np.ndarray        # bool, horizontal lines (dilated)
    vertical: np.ndarray          # bool, vertical lines (dilated)

    @property
    def mask(self) -> np.ndarray:
        """All ruling pixels (bool)."""
        return self.horizontal | self.vertical


def ruling_lines(clean: np.ndarray, dpi: int, params: RulingParams = RulingParams()) -> Ruling:
    """Horizontal and vertical ruling of a clean page (grey, 0 ink … 255 paper)
    rendered at `dpi`: ink runs ≥ `params.min_line_mm` long, dilated by
    `params.dilate_px` px."""
    ink = (np.asarray(clean) < INK_THRESHOLD).astype(np.uint8)
    run = max(3, int(round(mm_px(params.min_line_mm, dpi))))
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run)))
    if params.dilate_px > 0:
        k = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * params.dilate_px + 1,) * 2)
        hor, ver = cv2.dilate(hor, k), cv2.dilate(ver, k)
    return Ruling(hor.astype(bool), ver.astype(bool))


def ruling_mask(clean: np.ndarray, dpi: int, params: RulingParams = RulingParams()) -> np.ndarray:
    """Bool mask of the ruling lines of a clean page rendered at `dpi`
    (see `ruling_lines`)."""
    return ruling_lines(clean, dpi, params).mask


def _line_boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x, y, w, h) in px of the connected ruling lines of `mask`."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, n)]  # type: ignore[misc]


# ---- random fields and gap patterns ---------------------------------------------------------
def smooth_field(shape: tuple[int, int], blob_px: float, low: float, high: float,
                 rng: np.random.Generator) -> np.ndarray:
    """A smooth random field over `shape` with values in [low, high] that
    varies over blobs of about `blob_px` px (bicubic upsampling of a coarse
    uniform grid of that pitch, stretched to fill the range)."""
    h, w = shape
    gh, gw = int(math.ceil(h / blob_px)) + 2, int(math.ceil(w / blob_px)) + 2
    coarse = rng.uniform(0.0, 1.0, (gh, gw)).astype(np.float32)
    big = cv2.resize(coarse, (int(round(gw * blob_px)), int(round(gh * blob_px))),
                     interpolation=cv2.INTER_CUBIC)[:h, :w]
    lo, hi = float(big.min()), float(big.max())
    t = (big - lo) / max(hi - lo, 1e-6)
    return (low + (high - low) * np.clip(t, 0.0, 1.0)).astype(np.float32)


def gap_profile(length_px: int, fraction: float, piece_px: tuple[float, float],
                rng: np.random.Generator) -> np.ndarray:
    """Bool array of `length_px`: True where the line has a gap. The gaps
    cover `fraction` of the length (to the pixel) in pieces of roughly
    `piece_px` (min, max) px, separated by solid runs of random length (at
    least half a minimum piece, so gaps never merge)."""
    total_gap = int(round(fraction * length_px))
    if total_gap <= 0 or length_px <= 0:
        return np.zeros(max(length_px, 0), bool)
    mean_piece = 0.5 * (piece_px[0] + piece_px[1])
    n = max(1, int(round(total_gap / mean_piece)))
    raw = rng.uniform(piece_px[0], piece_px[1], n)
    pieces = np.floor(raw * total_gap / raw.sum()).astype(int)
    pieces[: total_gap - int(pieces.sum())] += 1          # spread the rounding remainder
    solid_total = length_px - total_gap
    min_solid = min(int(piece_px[0] // 2), solid_total // max(n - 1, 1))
    solids = np.zeros(n + 1, int)
    solids[1:-1] = min_solid                               # between two gaps
    spare = solid_total - int(solids.sum())
    share = np.floor(rng.dirichlet(np.ones(n + 1)) * spare).astype(int)
    share[-1] += spare - int(share.sum())
    solids += share
    runs = np.empty(2 * n + 1, int)
    runs[0::2], runs[1::2] = solids, pieces
    values = np.zeros(2 * n + 1, bool)
    values[1::2] = True
    return np.repeat(values, runs)


# ---- faded / broken ruling ------------------------------------------------------------------
@dataclass(frozen=True)
class FadeParams:
    """Faded ruling: darkness × a smooth field, plus paper-white gaps."""
    darkness: tuple[float, float] = (0.15, 0.85)   # range of the darkness multiplier
    blob_mm: float = 3.0                            # size of the field's blobs on paper
    gap_fraction: float = 0.15                      # share of each line's length left white
    gap_mm: tuple[float, float] = (0.5, 2.0)        # length of one gap on paper


@dataclass(frozen=True)
class BreakParams:
    """Broken ruling: long gaps, the rest faded."""
    gap_fraction: tuple[float, float] = (0.205, 0.245)  # per-line gap share, drawn per line
    gap_mm: tuple[float, float] = (2.0, 4.0)            # length of one gap on paper
    darkness: tuple[float, float] = (0.30, 1.00)        # fading of what is left
    blob_mm: float = 3.0


def _damage_ruling(page: np.ndarray, ruling: Ruling, dpi: int, rng: np.random.Generator,
                   darkness: tuple[float, float], blob_mm: float,
                   fraction_of: Callable[[np.random.Generator], float], gap_mm: tuple[float, float]) -> np.ndarray:
    """Shared body of fade/break: scale ink darkness on the ruling by a smooth
    field and whiten a gap pattern along every line. Gap shares are of each
    line's length outside its crossings with lines of the other direction
    (a crossing stays as dark as the crossing line)."""
    out = np.asarray(page, np.float32).copy()
    mask = ruling.mask
    fld = smooth_field(out.shape[:2], mm_px(blob_mm, dpi), darkness[0], darkness[1], rng)
    dark = PAPER_WHITE - out
    out[mask] = PAPER_WHITE - dark[mask] * fld[mask]
    gap = np.zeros(out.shape[:2], bool)
    piece = (mm_px(gap_mm[0], dpi), mm_px(gap_mm[1], dpi))
    for lines, axis in ((ruling.horizontal, 1), (ruling.vertical, 0)):
        other = ruling.vertical if axis == 1 else ruling.horizontal
        for x, y, w, h in _line_boxes(lines):
            box = (slice(y, y + h), slice(x, x + w))
            # crossings keep the crossing line; the gap share counts the free length only
            crossing = other[box].any(axis=0 if axis == 1 else 1)
            prof = np.zeros(crossing.size, bool)
            prof[~crossing] = gap_profile(int((~crossing).sum()), fraction_of(rng), piece, rng)
            along = prof[None, :] if axis == 1 else prof[:, None]
            gap[box] |= along & lines[box] & ~other[box]
    out[gap] = PAPER_WHITE
    return out


def fade_lines(page: np.ndarray, ruling: Ruling, dpi: int, rng: np.random.Generator,
               params: FadeParams = FadeParams()) -> np.ndarray:
    """Faded ruling on `page` (grey, same shape as the clean page whose
    `ruling` was found, px at `dpi`): each ruling pixel's darkness
    (255 − level) is multiplied by a smooth field in `params.darkness` varying
    over blobs of `params.blob_mm`; gaps of `params.gap_mm` pieces turn
    `params.gap_fraction` of each line's length paper white. Other pixels are
    returned unchanged (float32)."""
    return _damage_ruling(page, ruling, dpi, rng, params.darkness, params.blob_mm,
                          lambda r: params.gap_fraction, params.gap_mm)


def break_lines(page: np.ndarray, ruling: Ruling, dpi: int, rng: np.random.Generator,
                params: BreakParams = BreakParams()) -> np.ndarray:
    """Broken ruling: each line loses a share drawn from `params.gap_fraction`
    of its length in gaps of `params.gap_mm` (on paper), the rest keeps
    `params.darkness` (smooth field) of its darkness. Non-ruling pixels are
    unchanged (float32)."""
    return _damage_ruling(page, ruling, dpi, rng, params.darkness, params.blob_mm,
                          lambda r: float(r.uniform(*params.gap_fraction)), params.gap_mm)


@dataclass(frozen=True)
class DropoutParams:
    """Dropped-out ruling: whole segments between crossings gone without a
    trace (a toner dropout, a cell border set to none), the rest intact."""
    segment_fraction: float = 0.12                  # share of the segments that vanish


def dropout_lines(page: np.ndarray, ruling: Ruling, rng: np.random.Generator,
                  params: DropoutParams = DropoutParams()) -> np.ndarray:
    """Whole ruling segments of `page` (grey, the clean page's shape) painted
    paper white: every run of a line between two crossings with lines of the
    other direction vanishes with probability `params.segment_fraction`; the
    crossings themselves stay (the crossing line is whole). Non-ruling pixels
    are unchanged (float32)."""
    out = np.asarray(page, np.float32).copy()
    gone = np.zeros(out.shape[:2], bool)
    for lines, axis in ((ruling.horizontal, 1), (ruling.vertical, 0)):
        other = ruling.vertical if axis == 1 else ruling.horizontal
        for x, y, w, h in _line_boxes(lines):
            box = (slice(y, y + h), slice(x, x + w))
            crossing = other[box].any(axis=0 if axis == 1 else 1)
            edges = np.diff(np.r_[1, crossing.astype(np.int8), 1])
            starts, ends = np.nonzero(edges == -1)[0], np.nonzero(edges == 1)[0]
            drop = rng.random(starts.size) < params.segment_fraction
            prof = np.zeros(crossing.size, bool)
            for a, b in zip(starts[drop], ends[drop]):
                prof[a:b] = True
            along = prof[None, :] if axis == 1 else prof[:, None]
            gone[box] |= along & lines[box] & ~other[box]
    out[gone] = PAPER_WHITE
    return out


# ---- perspective ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PerspectiveParams:
    """A page lifted off the glass: the top edge leans in."""
    max_shift_fraction: float = 0.025     # max corner move, of the page width (x) / height (y)
    top_lean_fraction: tuple[float, float] = (0.5, 1.0)  # top corners move in by this × max
    bottom_jitter_fraction: float = 0.3   # bottom corners move by at most this × max


def perspective_corners(w: int, h: int, rng: np.random.Generator,
                        params: PerspectiveParams = PerspectiveParams()) -> np.ndarray:
    """Destination of the page corners TL, TR, BR, BL (px, float32 (4, 2)) for
    a `w`×`h` px page: top corners pulled inwards and down, bottom corners
    jittered; every move within `max_shift_fraction` of the page size."""
    mx, my = params.max_shift_fraction * w, params.max_shift_fraction * h
    lean = rng.uniform(*params.top_lean_fraction, 2)
    drop = rng.uniform(0.0, 1.0, 2)
    jit = rng.uniform(-1.0, 1.0, (2, 2)) * params.bottom_jitter_fraction
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    d = np.float32([[lean[0] * mx, drop[0] * my], [-lean[1] * mx, drop[1] * my],
                    [jit[0, 0] * mx, jit[0, 1] * my], [jit[1, 0] * mx, jit[1, 1] * my]])
    return src + d


def perspective(page: np.ndarray, rng: np.random.Generator,
                max_shift_fraction: float = 0.025, background: float = PAPER_WHITE,
                params: Optional[PerspectiveParams] = None) -> tuple[np.ndarray, np.ndarray]:
    """Warp `page` (grey, any dpi) as if its top lifted off the glass: each
    corner moves by at most `max_shift_fraction` of the page width/height.
    Straight lines stay straight but lose parallelism. Uncovered area gets
    `background`. Returns (warped float32 page, 3×3 homography src→dst px)."""
    p = params or PerspectiveParams(max_shift_fraction=max_shift_fraction)
    arr = np.asarray(page, np.float32)
    h, w = arr.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    hom = cv2.getPerspectiveTransform(src, perspective_corners(w, h, rng, p))
    out = cv2.warpPerspective(arr, hom, (w, h), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=float(background))
    return out, hom


def warp_mask(mask: np.ndarray, hom: np.ndarray) -> np.ndarray:
    """A bool mask warped by the homography `hom` (nearest neighbour)."""
    h, w = mask.shape[:2]
    return cv2.warpPerspective(mask.astype(np.uint8), hom, (w, h), flags=cv2.INTER_NEAREST,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=0).astype(bool)


# ---- scanner edge ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EdgeParams:
    """Paper on a dark scanner lid: placement and shadow."""
    lid_level: float = 45.0                   # grey level of the lid beyond the paper
    shadow_mm: float = 3.0                    # e-folding width of the edge shadow on paper
    shadow_depth: float = 0.35                # relative darkening right at the paper edge
    offset_mm: tuple[float, float] = (3.0, 7.0)   # paper shifted from the scan origin (x and y)


def scanner_edge(page: np.ndarray, rng: np.random.Generator, angle_deg: float, dpi: int,
                 lid_level: float = 45.0, shadow_mm: float = 3.0,
                 paper: Optional[np.ndarray] = None,
                 params: Optional[EdgeParams] = None) -> tuple[np.ndarray, np.ndarray]:
    """Place the paper `page` (grey, px at `dpi`) rotated by `angle_deg`
    (counter-clockwise) and shifted by `params.offset_mm` towards a random
    corner onto a lid of grey `lid_level`, so the lid shows beyond the paper on
    (at least) the two sides it moved away from. The paper darkens towards its
    edge (soft shadow, e-folding `shadow_mm`). `paper` is the bool mask of
    real paper in `page` (default: all). Returns (scan float32, paper mask)."""
    p = params or EdgeParams(lid_level=lid_level, shadow_mm=shadow_mm)
    arr = np.asarray(page, np.float32)
    h, w = arr.shape[:2]
    on = np.ones((h, w), np.uint8) if paper is None else paper.astype(np.uint8)
    sx, sy = rng.choice([-1.0, 1.0], 2)
    off = rng.uniform(*p.offset_mm, 2)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    m[0, 2] += sx * mm_px(off[0], dpi)
    m[1, 2] += sy * mm_px(off[1], dpi)
    moved = cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=PAPER_WHITE)
    mask = cv2.warpAffine(on, m, (w, h), flags=cv2.INTER_NEAREST,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    # distance to the paper edge, measured with the lid beyond the scan window counted as
    # lid too (pad by one px) so a paper edge outside the window casts no shadow
    padded = cv2.copyMakeBorder(mask, 1, 1, 1, 1, cv2.BORDER_REPLICATE)
    dist = cv2.distanceTransform(padded, cv2.DIST_L2, 5)[1:-1, 1:-1]
    shade = 1.0 - p.shadow_depth * np.exp(-dist / max(mm_px(p.shadow_mm, dpi), 1e-6))
    out = np.where(mask > 0, moved * shade, np.float32(p.lid_level)).astype(np.float32)
    # soften the paper/lid boundary by a pixel, as optics would
    edge = cv2.dilate(mask, np.ones((3, 3), np.uint8)) != cv2.erode(mask, np.ones((3, 3), np.uint8))
    out[edge] = cv2.GaussianBlur(out, (0, 0), 1.0)[edge]
    return out, mask.astype(bool)


# ---- speckle --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpeckleParams:
    """Dust dots on a binarised scan."""
    dots_per_cm2: float = 0.6                 # black dots on the paper
    white_fraction: float = 0.2               # extra white dots, as a share of black ones
    size_px: tuple[int, int] = (1, 3)         # dot diameter range, px at the scan dpi


def speckle(binary: np.ndarray, dpi: int, rng: np.random.Generator,
            params: SpeckleParams = SpeckleParams()) -> np.ndarray:
    """Add 1–3 px (`params.size_px`, px at `dpi`) black and white dots to a
    binarised page (uint8 0/255) at `params.dots_per_cm2`. Returns uint8."""
    out = np.asarray(binary, np.uint8).copy()
    h, w = out.shape
    area_cm2 = (h / dpi * 2.54) * (w / dpi * 2.54)
    n_black = rng.poisson(params.dots_per_cm2 * area_cm2)
    n_white = rng.poisson(params.dots_per_cm2 * params.white_fraction * area_cm2)
    for level, n in ((0, n_black), (255, n_white)):
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        sizes = rng.integers(params.size_px[0], params.size_px[1] + 1, n)
        for s in range(params.size_px[0], params.size_px[1] + 1):
            sel = sizes == s
            seeds = np.zeros((h, w), np.uint8)
            seeds[ys[sel], xs[sel]] = 1
            if s > 1:
                seeds = cv2.dilate(seeds, np.ones((s, s), np.uint8), anchor=(0, 0))
            out[seeds > 0] = level
    return out


# ---- the damage of one report ---------------------------------------------------------------
@dataclass(frozen=True)
class Damage:
    """Which damages a stress report gets, and their strengths. `kinds` is a
    subset of ALL_KINDS; the params of kinds not listed are ignored."""
    kinds: tuple[str, ...] = ()
    fade: FadeParams = field(default_factory=FadeParams)
    broken: BreakParams = field(default_factory=BreakParams)
    dropout: DropoutParams = field(default_factory=DropoutParams)
    perspective: PerspectiveParams = field(default_factory=PerspectiveParams)
    edge: EdgeParams = field(default_factory=EdgeParams)
    speckle: SpeckleParams = field(default_factory=SpeckleParams)
    ruling: RulingParams = field(default_factory=RulingParams)

    def __post_init__(self) -> None:
        bad = set(self.kinds) - set(ALL_KINDS)
        if bad:
            raise ValueError(f"unknown damage kinds {sorted(bad)}; known: {ALL_KINDS}")
        if "faded" in self.kinds and "broken" in self.kinds:
            raise ValueError("'faded' and 'broken' both rework the ruling: choose one")

    def has(self, kind: str) -> bool:
        """Whether `kind` is one of this damage's kinds."""
        return kind in self.kinds

    def apply_lines(self, clean: np.ndarray, dpi: int, rng: np.random.Generator) -> np.ndarray:
        """Ruling damage on a clean page rendered at `dpi` (float32 out)."""
        page = np.asarray(clean, np.float32)
        if not any(self.has(k) for k in LINE_KINDS):
            return page
        ruling = ruling_lines(clean, dpi, self.ruling)
        if self.has("dropout"):   # first: what is left may also fade or break
            page = dropout_lines(page, ruling, rng, self.dropout)
        if self.has("faded"):
            return fade_lines(page, ruling, dpi, rng, self.fade)
        if self.has("broken"):
            return break_lines(page, ruling, dpi, rng, self.broken)
        return page

    def apply_paper(self, page: np.ndarray, dpi: int, angle_deg: float, background: float,
                    rng: np.random.Generator) -> tuple[np.ndarray, bool]:
        """Paper geometry on a page already at scanner levels (px at `dpi`):
        perspective, then the scanner edge (which does the rotation by
        `angle_deg`). Returns (page, whether the rotation was done here)."""
        arr = np.asarray(page, np.float32)
        paper = None
        if self.has("perspective"):
            arr, hom = perspective(arr, rng, background=background, params=self.perspective)
            paper = warp_mask(np.ones(arr.shape[:2], bool), hom)
            if not self.has("scanner_edge"):   # flatbed lid beyond a lifted page: paper level
                arr[~paper] = background
        if self.has("scanner_edge"):
            arr, _ = scanner_edge(arr, rng, angle_deg, dpi, paper=paper, params=self.edge)
            return arr, True
        return arr, False

    def apply(self, clean: np.ndarray, dpi: int, rng: np.random.Generator,
              angle_deg: float = 0.0, background: float = PAPER_WHITE) -> np.ndarray:
        """All array-level damage of one clean page at `dpi` (no scanner
        noise/blur/JPEG; see scan.scan_damaged for the full scan): ruling,
        perspective, scanner edge (or a plain rotation by `angle_deg`)."""
        arr = self.apply_lines(clean, dpi, rng)
        arr, rotated = self.apply_paper(arr, dpi, angle_deg, background, rng)
        if angle_deg and not rotated:
            h, w = arr.shape[:2]
            m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
            arr = cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=float(background))
        return arr

    def describe(self) -> dict:
        """The damage for the manifest: kinds and the parameters of each."""
        names = {"faded": "fade", "broken": "broken", "dropout": "dropout", "perspective": "perspective",
                 "scanner_edge": "edge", "binarised": "speckle"}
        return {"kinds": list(self.kinds),
                "params": {k: asdict(getattr(self, names[k])) for k in self.kinds}}
