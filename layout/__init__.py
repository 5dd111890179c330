"""Layout stage: pages → upright images → ruled tables with merged and empty cells.

Typical use (the pipeline)::

    settings = LayoutSettings.resolve(cfg)
    with open_document(path, settings.raster, settings.text_layer) as doc:
        for raw in doc:                                  # lazy, one page at a time
            if raw.text_layer and assess_text_layer(raw.text_layer, settings.text_layer) is None:
                found = digital_layout(raw, settings.text_layer)  # born-digital: no OCR
                continue
            page = orient_page(raw, settings.orient, settings.binarize)
            # OCR decides 0° vs 180° on text crops; if upside down:
            #     page = flip_page(page)
            found = analyse_page(page, settings)         # .tables, .mask, ...
            regions = text_regions(found.mask, found.tables, page.dpi, settings.regions)
    tables = link_continuations(tables_by_page, heights, settings.continuation)
"""
from __future__ import annotations

from .errors import InputError
from .orient import flip_page, orient_page, rotate_quarter
from .raster import Document, open_document
from .replay import replay_page
from .settings import LayoutSettings, mm_to_px
from .tables import PageLayout, analyse_page, continues, find_tables, link_continuations, text_regions
from .text_layer import TextLayer, assess_text_layer, character_problem, placement_problem, read_text_layer
from .types import Box, Cell, Page, Table
from .vector_grid import DigitalLayout, digital_layout

__all__ = [
    "LayoutSettings",
    "InputError",
    "Document",
    "open_document",
    "orient_page",
    "flip_page",
    "rotate_quarter",
    "replay_page",
    "PageLayout",
    "analyse_page",
    "find_tables",
    "continues",
    "link_continuations",
    "text_regions",
    "TextLayer",
    "read_text_layer",
    "assess_text_layer",
    "placement_problem",
    "character_problem",
    "DigitalLayout",
    "digital_layout",
    "mm_to_px",
    "Box",
    "Page",
    "Table",
    "Cell",
]
