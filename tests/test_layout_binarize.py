"""The local paper level and the faint-line evidence of ``layout.binarize``.

``paper_level`` is checked against the definition computed the slow way (the
mean of the non-ink pixels of each window, page edges mirrored), and
``ink_masks`` against a faded line drawn on a grey, unevenly lit page.
"""
from __future__ import annotations

import numpy as np

from layout.binarize import ink_masks, paper_level
from layout.settings import BinarizeSettings, odd_px


def _paper_level_by_definition(gray: np.ndarray, ink: np.ndarray, block: int) -> np.ndarray:
    r = block // 2
    g = np.pad(gray.astype(np.float64), r, mode="symmetric")  # cv2.BORDER_REFLECT
    paper = np.pad((ink == 0).astype(np.float64), r, mode="symmetric")
    h, w = gray.shape
    out = np.empty((h, w))
    for y in range(h):
        for x in range(w):
            win_p = paper[y:y + block, x:x + block]
            n = win_p.sum()
            out[y, x] = (g[y:y + block, x:x + block] * win_p).sum() / n if n > 0.5 else gray[y, x]
    return out


def test_paper_level_is_the_mean_of_the_paper_pixels_in_each_window() -> None:
    rng = np.random.default_rng(0)
    dpi, block_mm = 50.0, 5.0  # a 9-px window (odd_px), small enough to check every pixel
    gray = rng.integers(150, 256, size=(40, 33)).astype(np.uint8)
    ink = np.where(rng.random(gray.shape) < 0.3, 255, 0).astype(np.uint8)
    ink[5:20, 5:20] = 255  # a window with no paper at all: the pixel's own grey
    got = paper_level(gray, ink, dpi, block_mm)
    want = _paper_level_by_definition(gray, ink, odd_px(block_mm, dpi))
    assert got.dtype == np.float32 and got.shape == gray.shape
    np.testing.assert_allclose(got, want, atol=1e-3)


def test_a_faded_line_on_uneven_paper_is_faint_ink_of_its_direction_only() -> None:
    dpi = 200.0
    h, w = 400, 600
    light = np.linspace(200, 245, w, dtype=np.float32)[None, :].repeat(h, axis=0)  # uneven light
    page = light.copy()
    page[200:202, 50:550] -= 14  # a horizontal line faded below the text threshold
    page += np.random.default_rng(1).normal(0, 2.0, page.shape).astype(np.float32)
    gray = np.clip(page, 0, 255).astype(np.uint8)
    masks = ink_masks(gray, dpi, BinarizeSettings())
    assert not masks.ink[200:202, 60:540].any()  # too faint for the ink mask
    assert (masks.faint_h[200:202, 60:540] > 0).mean() > 0.9
    assert (masks.faint_v[200:202, 60:540] > 0).mean() < 0.1
    assert (masks.faint_h[50:150] > 0).mean() < 0.01  # plain paper, however lit, is not ink
    assert masks.dark[200:202, 60:540].mean() > 8 and masks.dark[50:150].mean() < 3
