"""DOCX -> PDF with LibreOffice headless -> grey page images at RENDER_DPI.

`render_docx_pages(spec)` builds the Word version of a sample report
(`docx_document.build_document`), converts it with a real LibreOffice
(`soffice --headless --convert-to pdf`, a private throw-away user profile
per call so parallel runs do not clash), rasterises the PDF with pypdfium2
at `render.RENDER_DPI` into mode "L" A4 pages, and reads the PDF's text
layer to report where the section 三 matrix fragments and the section 四
table were printed (page and first/last row key, found by the printed row
labels — facts of this layout, not predictions).

The page images are clean (no scanner effects); damaging and scanning them
is someone else's job. LibreOffice must be installed
(`scripts/install-libreoffice.sh`).

    python -m samples.generate.libreoffice s01_jishishan_2021 --out /tmp/docx
"""
from __future__ import annotations

import argparse
import dataclasses
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pypdfium2 as pdfium
from PIL import Image

from . import content
from .build import truth_of
from .docx_document import APPEALS, MATRIX, DocxReport, DocxStyle, build_document, row_labels
from .document import A4_MM
from .render import PT_PER_INCH, RENDER_DPI, Table, mm_to_px
from .spec import SampleSpec

SOFFICE = "soffice"
CONVERT_TIMEOUT_S = 180.0           # a cold LibreOffice start with a fresh profile takes ~5 s
PAPER = 255                         # grey level used when padding a page to exact A4 px
_WS = re.compile(r"\s+")
MAX_CONVERSIONS = 3                 # first try + one page-break fix per table


@dataclass
class DocxRender:
    """One sample rendered through Word-format + LibreOffice.

    pages:  clean page images, mode "L", RENDER_DPI, exactly A4 in px
            (`render.mm_to_px` of 210 × 297 mm);
    tables: per table fragment {"table": "applications" | "appeals",
            "page": 1-based, "first_row", "last_row": row keys (None for the
            section 四 table, which has no row keys), "note"} in print order;
    truth:  `build.truth_of(spec)` (the same truth as the Pillow renderer);
    pdf, docx: the intermediate files' bytes;
    style:  the DocxStyle used (with the page breaks render_docx_pages added)."""
    pages: list[Image.Image]
    tables: list[dict]
    truth: dict = field(default_factory=dict)
    pdf: bytes = b""
    docx: bytes = b""
    style: DocxStyle = DocxStyle()


def soffice_path() -> Optional[str]:
    """Path of the LibreOffice `soffice` binary, or None if not installed."""
    return shutil.which(SOFFICE)


def docx_to_pdf(docx_path: Path, out_dir: Path, timeout_s: float = CONVERT_TIMEOUT_S) -> Path:
    """Convert `docx_path` to `<out_dir>/<stem>.pdf` with LibreOffice headless,
    using a fresh private user profile (removed afterwards). Raises
    RuntimeError if soffice is missing, fails or writes no PDF, and
    subprocess.TimeoutExpired after `timeout_s` seconds."""
    exe = soffice_path()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) not found: run scripts/install-libreoffice.sh")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", "--convert-to", "pdf", "--outdir", str(out_dir),
               str(docx_path)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / (docx_path.stem + ".pdf")
    if proc.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"soffice failed (rc {proc.returncode}): {proc.stderr.strip()[:500]}")
    return pdf


def _fit(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Crop or pad (with paper white, at the right/bottom) to exactly `size` px;
    the PDF's A4 (595.28 × 841.89 pt) can round to ±1 px of render.mm_to_px."""
    if img.size == size:
        return img
    out = Image.new("L", size, PAPER)
    out.paste(img.crop((0, 0, min(size[0], img.width), min(size[1], img.height))), (0, 0))
    return out


def pdf_pages(pdf: bytes, dpi: int = RENDER_DPI) -> list[Image.Image]:
    """Rasterise every page of `pdf` to a grey (mode "L") image at `dpi`,
    fitted to the exact A4 size in px at that dpi."""
    doc = pdfium.PdfDocument(pdf)
    size = (mm_to_px(A4_MM[0], dpi), mm_to_px(A4_MM[1], dpi))
    try:
        pages = []
        for page in doc:
            bmp = page.render(scale=dpi / PT_PER_INCH, grayscale=True, draw_annots=False)
            img = bmp.to_pil().convert("L")
            pages.append(_fit(img, size))
            page.close()
        return pages
    finally:
        doc.close()


def pdf_texts(pdf: bytes) -> list[str]:
    """The text layer of every page (pypdfium2 get_text_range)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in doc:
            tp = page.get_textpage()
            out.append(tp.get_text_range())
            tp.close()
            page.close()
        return out
    finally:
        doc.close()


def normalise(text: str) -> str:
    """Text without any whitespace (cell labels wrap over lines in the PDF)."""
    return _WS.sub("", text)


class _Reader:
    """Sequential search through the pages' whitespace-free text layer."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = [normalise(t) for t in texts]
        self.page, self.pos = 0, 0

    def find(self, needle: str) -> int:
        """0-based page of the next occurrence of `needle` at or after the
        cursor; moves the cursor behind it. LookupError if absent."""
        n = normalise(needle)
        for p in range(self.page, len(self.texts)):
            i = self.texts[p].find(n, self.pos if p == self.page else 0)
            if i >= 0:
                self.page, self.pos = p, i + len(n)
                return p
        raise LookupError(f"{needle!r} not found in the PDF text after page {self.page + 1}")


def _appeals_values(t: Table) -> str:
    """The printed value row of the section 四 table, whitespace-free."""
    last = t.n_rows - 1
    return normalise("".join(c.text for c in sorted(t.cells, key=lambda c: c.col)
                             if c.row == last))


def _header_texts(t: Table) -> list[str]:
    """Texts of the header cells of a table, in cell order."""
    return [c.text for c in t.cells if c.row < t.header_rows and c.text]


def locate_tables(texts: list[str], report: DocxReport, repeat_header: bool) -> list[dict]:
    """Fragments of the section 三 matrix (pages of its row labels, in row
    order) and the page of the section 四 table, from the page texts.

    A fragment is a maximal run of matrix rows on one page; `note` says
    "header rows repeated" for continuation fragments when the matrix
    repeats its header, and flags a section 四 table whose header and value
    row are not on one page."""
    matrix = report.tables[MATRIX][0]
    rd = _Reader(texts)
    rd.find(content.HEADINGS["applications"])
    frags: list[dict] = []
    for key, label in row_labels(matrix).items():
        page = rd.find(label)
        if not frags or frags[-1]["page"] != page + 1:
            note = "header rows repeated" if frags and repeat_header else ""
            frags.append({"table": MATRIX, "page": page + 1, "first_row": key,
                          "last_row": key, "note": note})
        frags[-1]["last_row"] = key
    rd.find(content.HEADINGS["appeals"])
    appeals = report.tables[APPEALS][0]
    page = rd.find(_header_texts(appeals)[0])
    for lab in _header_texts(appeals)[1:]:
        rd.find(lab)
    whole = rd.page == page and normalise(texts[page]).startswith(_appeals_values(appeals), rd.pos)
    frags.append({"table": APPEALS, "page": page + 1, "first_row": None, "last_row": None,
                  "note": "" if whole else "split: header and value row on different pages"})
    return frags


def torn_headers(texts: list[str], report: DocxReport) -> set[str]:
    """Names of the tables ("applications", "appeals") whose heading, header
    rows and first body row are not all on one page (checked in the text
    layer: heading, every header cell text, then the first row label or the
    value row)."""
    out: set[str] = set()
    for name in (MATRIX, APPEALS):
        t = report.tables[name][0]
        rd = _Reader(texts)
        try:
            pages = {rd.find(content.HEADINGS[name])}
            for lab in _header_texts(t):
                pages.add(rd.find(lab))
            if name == MATRIX:
                pages.add(rd.find(next(iter(row_labels(t).values()))))
            elif not normalise(texts[rd.page]).startswith(_appeals_values(t), rd.pos):
                pages.add(rd.page + 1)
        except LookupError:         # a header text itself was cut by the page end
            pages = {-1, -2}
        if len(pages) > 1:
            out.add(name)
    return out


def _convert(report: DocxReport, name: str, timeout_s: float) -> tuple[bytes, bytes]:
    """Save the document, convert it; returns (docx bytes, pdf bytes)."""
    with tempfile.TemporaryDirectory(prefix="docx-render-") as tmp:
        docx_path = Path(tmp) / f"{name}.docx"
        report.document.save(str(docx_path))
        pdf_path = docx_to_pdf(docx_path, Path(tmp) / "pdf", timeout_s)
        return docx_path.read_bytes(), pdf_path.read_bytes()


def render_docx_pages(spec: SampleSpec, style: DocxStyle = DocxStyle(),
                      timeout_s: float = CONVERT_TIMEOUT_S, fix_breaks: bool = True) -> DocxRender:
    """Build the DOCX of `spec`, convert it with LibreOffice, rasterise at
    RENDER_DPI and locate the tables in the PDF text layer.

    With `fix_breaks`, a table whose header rows would be torn from its
    heading or body by the page end gets a page break before its heading
    (as a clerk would insert in Word) and the document is converted again;
    the style actually used is `DocxRender.style`."""
    for _ in range(MAX_CONVERSIONS):
        report = build_document(spec, style)
        docx, pdf = _convert(report, spec.name, timeout_s)
        texts = pdf_texts(pdf)
        torn = torn_headers(texts, report) if fix_breaks else set()
        if not torn:
            break
        style = dataclasses.replace(
            style, break_before_applications=style.break_before_applications or MATRIX in torn,
            break_before_appeals=style.break_before_appeals or APPEALS in torn)
    repeat = (style.repeat_matrix_header if style.repeat_matrix_header is not None
              else spec.matrix_split == "repeat_header")
    tables = locate_tables(texts, report, repeat)
    return DocxRender(pdf_pages(pdf), tables, truth_of(spec), pdf, docx, style)


def main(argv: list[str] | None = None) -> int:
    """CLI: write <name>.docx, <name>.pdf and <name>-pN.png for the named samples."""
    from .catalog import all_specs
    ap = argparse.ArgumentParser(description="Render samples via DOCX + LibreOffice.")
    ap.add_argument("names", nargs="*", help="sample names (default: all)")
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    args = ap.parse_args(argv)
    specs = [s for s in all_specs() if not args.names or s.name in args.names]
    if not specs:
        print("no such sample", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        r = render_docx_pages(spec)
        (args.out / f"{spec.name}.docx").write_bytes(r.docx)
        (args.out / f"{spec.name}.pdf").write_bytes(r.pdf)
        for i, page in enumerate(r.pages):
            page.save(args.out / f"{spec.name}-p{i + 1}.png")
        print(spec.name, len(r.pages), "pages", r.tables)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
