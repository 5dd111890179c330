"""Scanner simulation on rendered pages (numpy/OpenCV, vectorised).

Input pages are RENDER_DPI images; everything after `resample` works in
pixels at the sample's dpi.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
import cv2
import numpy as np
from PIL import Image, ImageDraw

from .damage import Damage, speckle
from .render import RENDER_DPI, font, mm_to_px

SEAL_RGB = (205, 35, 45)
SEAL_DIAMETER_MM = 42.0
BLACK_BELOW = 110.0    # stress binarisation: anything darker is black (a dark lid stays black)


@dataclass(frozen=True)
class ScanParams:
    """Degradations of one page. Lengths in px at `dpi`, levels in 0–255."""
    dpi: int
    skew_deg: float = 0.0          # counter-clockwise
    rotate90: int = 0              # quarter turns counter-clockwise (np.rot90 k)
    blur_sigma_px: float = 0.0
    noise_sigma: float = 0.0
    paper_level: float = 250.0     # white paper grey level
    ink_level: float = 20.0        # black ink grey level
    light: str = "none"            # 'none' | 'gradient' | 'vignette'
    light_strength: float = 0.0    # max relative darkening
    binarise: bool = False
    jpeg_quality: int = 70


def draw_seal(page: Image.Image, center_px: tuple[int, int], text: str,
              opacity: float = 0.8) -> Image.Image:
    """A red round seal (ring, star, agency name on an arc) blended over `page`
    (RENDER_DPI) like ink: darkens, never lightens. Returns an RGB image."""
    d = mm_to_px(SEAL_DIAMETER_MM)
    mask = Image.new("L", (d, d), 0)
    dr = ImageDraw.Draw(mask)
    ring = mm_to_px(1.2)
    dr.ellipse([0, 0, d - 1, d - 1], outline=255, width=ring)
    c, r_star = d / 2, d * 0.17
    pts = [(c + r_star * (1 if k % 2 == 0 else 0.38) * math.sin(math.pi * k / 5),
            c - r_star * (1 if k % 2 == 0 else 0.38) * math.cos(math.pi * k / 5))
           for k in range(10)]
    dr.polygon(pts, fill=255)
    fnt = font("sans_bold", 15)
    n = len(text)
    span = min(250.0, 24.0 * n)                 # degrees of arc used by the text
    for i, ch in enumerate(text):
        ang = -span / 2 + span * (i + 0.5) / n   # 0 = top
        glyph = Image.new("L", (fnt.size * 2, fnt.size * 2), 0)
        ImageDraw.Draw(glyph).text((fnt.size, fnt.size), ch, font=fnt, fill=255, anchor="mm")
        glyph = glyph.rotate(-ang, resample=Image.BICUBIC)
        rr = d / 2 - ring - fnt.size * 0.75
        gx = c + rr * math.sin(math.radians(ang)) - fnt.size
        gy = c - rr * math.cos(math.radians(ang)) - fnt.size
        mask.paste(255, (int(gx), int(gy)), glyph)
    a = np.asarray(mask, np.float32)[..., None] / 255.0 * opacity
    rgb = np.asarray(page.convert("RGB"), np.float32)
    x0, y0 = center_px[0] - d // 2, center_px[1] - d // 2
    region = rgb[y0:y0 + d, x0:x0 + d]
    seal = np.minimum(region, np.array(SEAL_RGB, np.float32))
    rgb[y0:y0 + d, x0:x0 + d] = region * (1 - a) + seal * a
    return Image.fromarray(rgb.astype(np.uint8), "RGB")


def _light_field(h: int, w: int, kind: str, strength: float,
                 rng: np.random.Generator) -> np.ndarray:
    """Multiplicative illumination field in (0, 1], shape (h, w)."""
    if kind == "none" or strength <= 0:
        return np.ones((h, w), np.float32)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "gradient":
        ang = rng.uniform(0, 2 * math.pi)
        t = (x / w) * math.cos(ang) + (y / h) * math.sin(ang)
        t = (t - t.min()) / (t.max() - t.min())
        return (1 - strength * t).astype(np.float32)
    cx, cy = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.4, 0.6)
    r2 = ((x - cx) / (w / 2)) ** 2 + ((y - cy) / (h / 2)) ** 2
    return (1 - strength * np.clip(r2 / 2, 0, 1)).astype(np.float32)


def scan_page(page: Image.Image, p: ScanParams, rng: np.random.Generator) -> bytes:
    """Degrade one RENDER_DPI page (L or RGB) and return it as JPEG bytes
    tagged with p.dpi (so img2pdf sizes the page as A4)."""
    arr = np.asarray(page, np.float32)
    if p.dpi != RENDER_DPI:
        h, w = arr.shape[:2]
        size = (round(w * p.dpi / RENDER_DPI), round(h * p.dpi / RENDER_DPI))
        arr = cv2.resize(arr, size, interpolation=cv2.INTER_AREA)
    colour = arr.ndim == 3
    h, w = arr.shape[:2]
    arr = p.ink_level + (p.paper_level - p.ink_level) * (arr / 255.0)
    light = _light_field(h, w, p.light, p.light_strength, rng)
    arr = arr * (light[..., None] if colour else light)
    if p.skew_deg:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), p.skew_deg, 1.0)
        border = tuple([float(p.paper_level * light.mean())] * (3 if colour else 1))
        arr = cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    if p.blur_sigma_px > 0:
        arr = cv2.GaussianBlur(arr, (0, 0), p.blur_sigma_px)
    if p.noise_sigma > 0:
        arr = arr + rng.normal(0, p.noise_sigma, arr.shape).astype(np.float32)
    if p.binarise:
        g = np.clip(arr, 0, 255).astype(np.uint8)
        if colour:
            g = cv2.cvtColor(g, cv2.COLOR_RGB2GRAY)
        g = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                  blockSize=2 * (p.dpi // 10) + 1, C=15)
        arr, colour = g.astype(np.float32), False
    if p.rotate90:
        arr = np.ascontiguousarray(np.rot90(arr, p.rotate90))
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB" if colour else "L")
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=p.jpeg_quality, dpi=(p.dpi, p.dpi), optimize=True)
    return buf.getvalue()


def seal_center(bbox: tuple[int, int, int, int], rng: np.random.Generator) -> tuple[int, int]:
    """A seal centre over the right half of a table bbox (px at RENDER_DPI)."""
    x0, y0, x1, y1 = bbox
    d = mm_to_px(SEAL_DIAMETER_MM)
    cx = int(x0 + (x1 - x0) * rng.uniform(0.55, 0.8))
    cy = int((y0 + y1) / 2 + rng.uniform(-0.2, 0.2) * d)
    return cx, cy


# ---- stress scans: damage.py on top of the scanner ------------------------------------------
def _binarise(arr: np.ndarray, dpi: int) -> np.ndarray:
    """Black and white (uint8 0/255) as office scanners do: adaptive
    threshold over ~5 mm windows, and everything below BLACK_BELOW black (so
    large dark areas such as a scanner lid do not turn white)."""
    g = np.clip(arr, 0, 255).astype(np.uint8)
    out = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                blockSize=2 * (dpi // 10) + 1, C=15)
    out[g < BLACK_BELOW] = 0
    return out


def g4_tiff(binary: np.ndarray, dpi: int) -> bytes:
    """A 0/255 page as a one-strip CCITT G4 TIFF tagged with `dpi` (img2pdf
    embeds it as-is, /Filter /CCITTFaxDecode)."""
    img = Image.fromarray(np.ascontiguousarray(binary), "L").convert("1", dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, "TIFF", compression="group4", dpi=(dpi, dpi),
             strip_size=img.width * img.height)   # one strip: img2pdf needs it to pass G4 through
    return buf.getvalue()


def scan_damaged(page: Image.Image, p: ScanParams, damage: Damage,
                 rng: np.random.Generator) -> bytes:
    """Scan a clean RENDER_DPI page (either renderer; grey) with `damage`:
    ruling damage at RENDER_DPI, resample to p.dpi, scanner levels, paper
    geometry (perspective, scanner edge, else plain skew by p.skew_deg), light,
    blur, noise, then binarise + speckle → G4 TIFF (if 'binarised' or
    p.binarise) or JPEG at p.jpeg_quality. Returns the image file bytes."""
    arr = damage.apply_lines(np.asarray(page.convert("L")), RENDER_DPI, rng)
    if p.dpi != RENDER_DPI:
        h, w = arr.shape
        arr = cv2.resize(arr, (round(w * p.dpi / RENDER_DPI), round(h * p.dpi / RENDER_DPI)),
                         interpolation=cv2.INTER_AREA)
    h, w = arr.shape
    arr = p.ink_level + (p.paper_level - p.ink_level) * (arr / 255.0)
    arr, rotated = damage.apply_paper(arr, p.dpi, p.skew_deg, p.paper_level, rng)
    if p.skew_deg and not rotated:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), p.skew_deg, 1.0)
        arr = cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=float(p.paper_level))
    arr = arr * _light_field(h, w, p.light, p.light_strength, rng)
    if p.blur_sigma_px > 0:
        arr = cv2.GaussianBlur(arr, (0, 0), p.blur_sigma_px)
    if p.noise_sigma > 0:
        arr = arr + rng.normal(0, p.noise_sigma, arr.shape).astype(np.float32)
    if p.rotate90:
        arr = np.ascontiguousarray(np.rot90(arr, p.rotate90))
    if p.binarise or damage.has("binarised"):
        return g4_tiff(speckle(_binarise(arr, p.dpi), p.dpi, rng, damage.speckle), p.dpi)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=p.jpeg_quality, dpi=(p.dpi, p.dpi), optimize=True)
    return buf.getvalue()
