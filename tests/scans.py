"""A rendered sample page through the stress set's scanner, turned upright:
the real page images the layout tests run on."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from layout import LayoutSettings, orient_page
from layout.types import Page
from samples.generate.damage import Damage
from samples.generate.scan import ScanParams, scan_damaged


def scanned_page(clean: Image.Image, number: int, params: ScanParams, damage: Damage, seed: int,
                 settings: LayoutSettings) -> Page:
    """`clean` (a page of ``samples.generate.build.render_pages``) scanned with
    `params` and `damage`, as page `number`, deskewed and upright."""
    data = scan_damaged(clean, params, damage, np.random.default_rng(seed))
    grey = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))[:, :, ::-1].copy()
    return orient_page(Page(number, grey, float(params.dpi)), settings.orient, settings.binarize,
                       settings.edges)
