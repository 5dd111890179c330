"""Opening inputs: PDFs (scan image or rendered), images, folders, and bad input errors."""
from __future__ import annotations

from pathlib import Path

import cv2
import img2pdf
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from layout import InputError, LayoutSettings, open_document
from layout.raster import natural_key
from layout.settings import RasterSettings, mm_to_px, odd_px
from test_layout_synth import page_image, section3_spec

RASTER = RasterSettings()


def _png(path: Path, img: np.ndarray, dpi: float | None = None) -> Path:
    Image.fromarray(img[:, :, ::-1]).save(path, dpi=(dpi, dpi) if dpi else None)
    return path


def _scan_pdf(path: Path, dpi: int, pages: int = 1) -> Path:
    imgs = []
    for i in range(pages):
        ok, buf = cv2.imencode(".png", page_image(dpi, [section3_spec()], seed=i))
        imgs.append(buf.tobytes())
    path.write_bytes(img2pdf.convert(imgs, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
    return path


def test_scanned_pdf_takes_embedded_image_at_its_dpi(tmp_path: Path) -> None:
    pdf = _scan_pdf(tmp_path / "scan.pdf", 150, pages=3)
    with open_document(pdf, RASTER) as doc:
        assert (doc.kind, len(doc)) == ("pdf", 3)
        pages = iter(doc)
        first = next(pages)  # lazy: one page decoded at a time
        assert first.number == 1 and first.dpi == pytest.approx(150, abs=0.5)
        assert first.image.shape == (round(mm_to_px(297, 150)), round(mm_to_px(210, 150)), 3)
        assert [p.number for p in pages] == [2, 3]


def test_vector_pdf_page_is_rendered_at_settings_dpi(tmp_path: Path) -> None:
    doc = pdfium.PdfDocument.new()
    doc.new_page(595.0, 842.0)
    doc.save(tmp_path / "blank.pdf")
    with open_document(tmp_path / "blank.pdf", RasterSettings(render_dpi=100)) as d:
        page = next(iter(d))
    assert page.dpi == 100
    assert np.abs(np.array(page.image.shape[:2]) - (842 * 100 / 72, 595 * 100 / 72)).max() <= 1


def test_images_tiff_and_folder(tmp_path: Path) -> None:
    img = page_image(200, [section3_spec()])
    page = next(iter(open_document(_png(tmp_path / "a.png", img, 200), RASTER)))
    assert page.dpi == pytest.approx(200, abs=0.01) and page.image.shape == img.shape
    # no dpi metadata: assumed A4 from the short side
    page = next(iter(open_document(_png(tmp_path / "b.png", img), RASTER)))
    assert page.dpi == pytest.approx(200, abs=1)
    frames = [Image.fromarray(img[:, :, ::-1]), Image.fromarray(img[::-1, :, ::-1])]
    frames[0].save(tmp_path / "m.tif", save_all=True, append_images=frames[1:], dpi=(200, 200))
    assert [p.number for p in open_document(tmp_path / "m.tif", RASTER)] == [1, 2]
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, shade in (("p10.png", 10), ("p2.png", 2), ("p1.png", 1)):
        _png(folder / name, np.full((900, 640, 3), 255 - shade, np.uint8), 77)
    pages = list(open_document(folder, RASTER))
    assert [int(255 - p.image[0, 0, 0]) for p in pages] == [1, 2, 10]  # natural order
    assert sorted(["p10", "p2", "p1"], key=natural_key) == ["p1", "p2", "p10"]


def test_huge_image_is_downscaled(tmp_path: Path) -> None:
    img = np.full((10000, 10000, 3), 255, np.uint8)
    path = tmp_path / "huge.png"
    cv2.imwrite(str(path), img)
    page = next(iter(open_document(path, RasterSettings(max_pixels=20_000_000))))
    assert page.image.shape[0] * page.image.shape[1] <= 20_000_000
    assert page.dpi == pytest.approx(10000 / (210 / 25.4) * page.image.shape[1] / 10000, rel=1e-3)


def test_fine_scans_are_resampled_to_max_dpi(tmp_path: Path) -> None:
    """A 600-dpi A4 scan comes out at ``max_dpi`` with its size scaled alike."""
    width, height = round(210 / 25.4 * 600), round(297 / 25.4 * 600)
    path = tmp_path / "fine.png"
    Image.fromarray(np.full((height, width, 3), 255, np.uint8)).save(path, dpi=(600, 600))
    settings = RasterSettings(max_dpi=300)
    page = next(iter(open_document(path, settings)))
    assert page.dpi == pytest.approx(300, rel=0.01)
    assert page.image.shape[1] == pytest.approx(width / 2, rel=0.01)
    assert page.image.shape[0] == pytest.approx(height / 2, rel=0.01)


@pytest.mark.parametrize("case, message", [
    ("missing", "does not exist"),
    ("empty", "empty"),
    ("text_as_pdf", "neither a PDF nor an image"),
    ("truncated", "corrupt or truncated"),
    ("encrypted", "encrypted"),
    ("no_pages", "no pages"),
    ("tiny_image", "too small"),
    ("empty_folder", "no page images"),
])
def test_bad_input_raises_input_error(tmp_path: Path, case: str, message: str) -> None:
    path = tmp_path / "in.pdf"
    if case == "empty":
        path.write_bytes(b"")
    elif case == "text_as_pdf":
        path.write_text("this is not a PDF\n" * 20)
    elif case == "truncated":
        data = _scan_pdf(tmp_path / "ok.pdf", 100).read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif case == "encrypted":
        pikepdf = pytest.importorskip("pikepdf")
        _scan_pdf(tmp_path / "ok.pdf", 100)
        with pikepdf.open(tmp_path / "ok.pdf") as pdf:
            pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="secret"))
    elif case == "no_pages":
        pikepdf = pytest.importorskip("pikepdf")
        pikepdf.new().save(path)
    elif case == "tiny_image":
        path = _png(tmp_path / "tiny.png", np.full((40, 40, 3), 255, np.uint8))
    elif case == "empty_folder":
        path = tmp_path / "nothing"
        path.mkdir()
    with pytest.raises(InputError, match=message) as err:
        list(open_document(path, RASTER))
    assert str(path) in str(err.value)


def test_settings_validation_and_units() -> None:
    assert mm_to_px(25.4, 300) == 300
    assert odd_px(1.0, 200) % 2 == 1
    s = LayoutSettings.resolve({"grid": {"snap_mm": 2.0}})
    assert s.grid.snap_mm == 2.0 and LayoutSettings.resolve(s) is s
    with pytest.raises(ValueError, match="snap_mm"):
        LayoutSettings.resolve({"grid": {"snap_mm": -1}})
    with pytest.raises(ValueError):
        LayoutSettings.resolve({"grid": {"no_such_field": 1}})
    with pytest.raises(ValueError, match="plausible_short_side_mm"):
        RasterSettings(plausible_short_side_mm=(300.0, 100.0))
    with pytest.raises(Exception):
        s.grid.snap_mm = 3.0  # frozen
