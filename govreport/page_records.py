"""The output's record of each page: its size, how it was turned and read, its grids."""
from __future__ import annotations

from typing import Sequence

import models
from layout.types import Box, Page, Table

__all__ = ["page_info", "table_grid", "scanned_among_digital"]


def table_grid(table: Table) -> models.TableGrid:
    def box(b: Box) -> Box:
        return tuple(int(v) for v in b)  # type: ignore[return-value]

    return models.TableGrid(bbox=box(table.bbox), cells=[box(cell.bbox) for cell in table.cells])


def page_info(page: Page, ocr_reason: str | None, tables: Sequence[Table] = ()) -> models.PageInfo:
    return models.PageInfo(number=page.number, width=page.width, height=page.height,
                           dpi=round(float(page.dpi), 2), rotation=page.rotation,
                           skew_degrees=round(float(page.skew_degrees), 3),
                           homography=[[round(v, 8) for v in row] for row in page.homography]
                           if page.homography else None,
                           read_by="ocr" if ocr_reason else "text_layer", read_by_reason=ocr_reason,
                           tables=[table_grid(t) for t in tables])


def scanned_among_digital(pages: Sequence[models.PageInfo]) -> list[str]:
    """Warnings for the pages without a text layer in a document whose other pages
    have one (a page scanned back into an exported PDF, or pasted in as an image):
    in a plain scan that is every page and no news."""
    if not any(p.read_by == "text_layer" for p in pages):
        return []
    return [f"page {p.number}: no text layer (a scanned page in a born-digital PDF); read by OCR"
            for p in pages if p.read_by == "ocr" and p.read_by_reason == "no text layer"]
