"""Born-digital samples (samples/digital/): the PDF LibreOffice exports, text layer kept.

    python -m samples.generate.digital [NAME ...] [--out DIR]

Each report is a Word-style DOCX of a stress-set report (``stress_catalog``:
same values, template, fonts and page breaks, none of its damage) converted
by a real LibreOffice (``libreoffice.render_docx_pages``), and written as the
PDF itself: characters with their fonts and positions, table borders as
vector paths. Two are spoilt on purpose, as real archives are:

- ``garbled``: every font's ``/ToUnicode`` map is removed from the file (the
  key renamed, same length, so the cross-reference table stays valid): the
  glyphs then map to no characters, as in a PDF made with a font subset
  that has no ToUnicode map. Every page must go to OCR, with a warning.
- ``mixed``: one page is replaced by a scan of itself (200 dpi, a slight
  skew, JPEG inside the PDF), as when a signed page is scanned back into the
  exported file. That page goes to OCR (no text layer), the rest do not.

The truth is ``build.truth_of`` of the spec, as for every other sample.
"""
from __future__ import annotations

import argparse
import dataclasses
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional

import img2pdf
import numpy as np
import pypdfium2 as pdfium

from .build import read_manifest, seed_of, write_manifest, write_truth
from .libreoffice import render_docx_pages
from .scan import ScanParams, scan_page
from .spec import SampleSpec
from .stress_catalog import all_stress_specs

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "digital"
#: what a mixed document's scanned page goes through (a plain office scan)
MIXED_SCAN = ScanParams(dpi=200, skew_deg=0.6, blur_sigma_px=0.5, noise_sigma=2.0, jpeg_quality=70)


@dataclass(frozen=True)
class DigitalSpec:
    """One born-digital sample: a stress report's Word layout, exported as it is.

    name : the sample's name; source : the stress report whose spec it takes;
    spoil : None, ``"garbled"`` or ``"mixed"`` (see the module docstring);
    scanned_page : 1-based page scanned back in (``mixed`` only).
    """

    name: str
    source: str
    spoil: Optional[Literal["garbled", "mixed"]] = None
    scanned_page: int = 2
    notes: str = ""


DIGITAL = (
    DigitalSpec("d01_digital_2021", "t19_lo_faded_2021", notes="2021 templates, Word style"),
    DigitalSpec("d02_digital_2019", "t20_lo_broken_2019", notes="2019 templates, uming font"),
    DigitalSpec("d03_digital_split_2020", "t21_lo_perspective_2020",
                notes="mixed templates, WPS-like style; section 三 split over pages 2-3"),
    DigitalSpec("d04_digital_wps_2019", "t28_lo_dropout_faded_2019",
                notes="2019 templates, WPS-like style, uming font"),
    DigitalSpec("d05_garbled_2022", "t22_lo_edge_2022", spoil="garbled",
                notes="2021 templates, sans font; no font has a ToUnicode map"),
    DigitalSpec("d06_mixed_2023", "t25_lo_broken_g4_2023", spoil="mixed", scanned_page=2,
                notes="WPS-like style; page 2, the first part of section 三, scanned back in "
                      "(JPEG, 200 dpi); its second part is on the digital page 3"),
)


def without_tounicode(pdf: bytes) -> bytes:
    """The PDF with every ``/ToUnicode`` key renamed (same length: offsets stay valid)."""
    if b"/ObjStm" in pdf:
        raise ValueError("fonts inside object streams: renaming bytes would not reach them")
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


def with_scanned_page(pdf: bytes, page_image, number: int, seed: int) -> bytes:
    """The PDF with page `number` (1-based) replaced by a JPEG scan of `page_image`."""
    jpeg = scan_page(page_image, MIXED_SCAN, np.random.default_rng(seed))
    scan = pdfium.PdfDocument(img2pdf.convert([jpeg], nodate=True, engine=img2pdf.Engine.internal))
    source = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    n = len(source)
    if number > n:
        raise ValueError(f"the document has {n} pages, no page {number} to scan")
    if number > 1:
        out.import_pages(source, list(range(number - 1)))
    out.import_pages(scan, [0])
    if number < n:
        out.import_pages(source, list(range(number, n)))
    buffer = io.BytesIO()
    out.save(buffer)
    for doc in (out, scan, source):
        doc.close()
    return buffer.getvalue()


def spec_of(digital: DigitalSpec) -> SampleSpec:
    """The stress spec the sample takes, renamed; damage and scan left out."""
    source = {s.name: s for s in all_stress_specs()}[digital.source]
    return dataclasses.replace(source, name=digital.name, damage=None, notes=digital.notes)


def build_digital(digital: DigitalSpec, out_dir: Path) -> dict:
    """Write <name>.pdf and <name>.truth.json; return the manifest entry."""
    spec = spec_of(digital)
    # the Word layout of the stress report: its seed, its style
    source_spec = {s.name: s for s in all_stress_specs()}[digital.source]
    rendered = render_docx_pages(source_spec, source_spec.docx_style)
    pdf = rendered.pdf
    if digital.spoil == "garbled":
        pdf = without_tounicode(pdf)
    elif digital.spoil == "mixed":
        pdf = with_scanned_page(pdf, rendered.pages[digital.scanned_page - 1], digital.scanned_page,
                                seed_of(digital.name))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{digital.name}.pdf").write_bytes(pdf)
    write_truth(spec, out_dir / f"{digital.name}.truth.json")
    return {"name": digital.name, "source": digital.source, "spoil": digital.spoil,
            "scanned_page": digital.scanned_page if digital.spoil == "mixed" else None,
            "pages": len(rendered.pages), "tables": [dict(t) for t in rendered.tables],
            "notes": digital.notes}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("names", nargs="*", help="sample names (default: all)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    manifest_path = args.out / "manifest.json"
    manifest = read_manifest(manifest_path)
    for digital in DIGITAL:
        if args.names and digital.name not in args.names:
            continue
        manifest[digital.name] = build_digital(digital, args.out)
        print(f"{digital.name}: {manifest[digital.name]['pages']} pages", file=sys.stderr)
    write_manifest(manifest_path, manifest, {d.name for d in DIGITAL})
    return 0


if __name__ == "__main__":
    sys.exit(main())
