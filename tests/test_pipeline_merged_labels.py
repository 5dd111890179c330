"""Labels the layout could not separate are found by the text detector.

A broken scan can join the label cells of several rows and of two label
columns into one merged cell, its labels so close that no row gap parts
them: layout hands over one text line as tall as the block. The pipeline
then runs the real PP-OCR text detector on that block, so each label comes
back as its own line with its own box (which mapping places row by row).
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from govreport.pipeline import _Timer
from layout.types import Cell, Page, Table

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
DPI = 200
LEFT = "（三）不予公开"
LEAVES = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益"]


def _page() -> tuple[Page, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """A page with a merged label block: the group label left, four leaves
    right, rows 0.2 mm apart (closer than any text-line gap). Returns the
    page, the block's cell box and the one text line box layout would give."""
    size = round(10.5 / 72 * DPI)                      # 10.5 pt
    font = ImageFont.truetype(FONT, size)
    im = Image.new("L", (1400, 700), 250)
    draw = ImageDraw.Draw(im)
    x0, y0 = 100, 100
    step = size + round(0.2 / 25.4 * DPI)
    draw.text((x0, y0 + step), LEFT, font=font, fill=20)
    for i, text in enumerate(LEAVES):
        draw.text((x0 + 8 * size, y0 + i * step), text, font=font, fill=20)
    arr = np.asarray(im)
    ys, xs = np.nonzero(arr < 128)
    line = (int(xs.min()) - 3, int(ys.min()) - 3, int(xs.max()) + 4, int(ys.max()) + 4)
    cell = (x0 - 20, y0 - 20, 1300, y0 + 4 * step + 20)
    return Page(1, np.dstack([arr] * 3).copy(), float(DPI)), cell, line


def test_tall_line_of_a_cell_merged_over_rows_is_read_line_by_line(pipeline):
    page, cell_box, line_box = _page()
    cell = Cell(0, 0, 4, 2, cell_box, line_box, (line_box,))
    table = Table(1, cell_box, tuple(np.linspace(cell_box[1], cell_box[3], 5).astype(int).tolist()),
                  (cell_box[0], 600, cell_box[2]), (cell,))
    lines = pipeline._read_cells(page, [table], _Timer())[cell_box]
    texts = [line.text for line in lines]
    for leaf in LEAVES:
        assert any(leaf[2:6] in t for t in texts), (leaf, texts)
    tall = pipeline.settings.pipeline.detect_lines_taller_than_mm * DPI / 25.4
    assert all(line.bbox[3] - line.bbox[1] < tall for line in lines)
    assert [line.bbox[1] for line in lines] == sorted(line.bbox[1] for line in lines)


def test_labels_touching_the_edge_of_their_merged_cell_are_all_read(pipeline):
    """Tight rows (12 pt labels in rows barely taller): the block's top and
    bottom labels touch the cell's edges, and the detector would miss a line
    whose ink touches the crop's edge. With paper around the crop, each
    label comes back."""
    size = round(12 / 72 * DPI)
    font = ImageFont.truetype(FONT, size)
    im = Image.new("L", (1400, 500), 235)
    draw = ImageDraw.Draw(im)
    step = size + 2
    for i, text in enumerate(LEAVES[:3]):
        draw.text((100, 100 + i * step), text, font=font, fill=40)
    arr = np.asarray(im)
    ys, xs = np.nonzero(arr < 128)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    cell = Cell(0, 0, 3, 1, box, box, (box,))
    table = Table(1, box, tuple(np.linspace(box[1], box[3], 4).astype(int).tolist()), (box[0], box[2]), (cell,))
    page = Page(1, np.dstack([arr] * 3).copy(), float(DPI))
    texts = [line.text for line in pipeline._read_cells(page, [table], _Timer())[box]]
    for leaf in LEAVES[:3]:
        assert any(leaf[2:6] in t for t in texts), (leaf, texts)
