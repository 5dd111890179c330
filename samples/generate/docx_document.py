"""The report of a `SampleSpec` as a Word document (python-docx), Word-style.

This is the second renderer of the generator: instead of drawing the pages
with Pillow (render.py / document.py), it writes the *same* report — same
block list from `build.blocks_for`, same `render.Table` cells (row/col,
spans, texts, label variants, printed values), hence the same truth — as a
DOCX the way an office clerk would make it in Word or WPS:

- A4 portrait with Word's "normal" margins, body text with a first-line
  indent of two characters, headings kept with the next paragraph;
- tables in the built-in "Table Grid" style with table-level borders
  (`w:tblBorders`, outer and inner widths set separately), a fixed layout
  with explicit column widths, real merged cells (`_Cell.merge`, i.e.
  `w:gridSpan` / `w:vMerge`), and a grey fill (`w:shd`) on the header rows
  of the section 三 matrix and the section 四 table;
- narrow label columns in the section 三 matrix, so the row labels wrap
  over two or three lines as in real reports;
- the section 四 heading and table following the end of the matrix
  directly (no page break forced);
- a centred page number "— N —" in the footer (a PAGE field).

Fonts: every run carries `w:rFonts` with `w:ascii`, `w:hAnsi`, `w:eastAsia`
and `w:cs` set to a CJK family that fontconfig resolves on this machine
(fonts-noto-cjk, fonts-wqy-*, fonts-arphic-*; see scripts/install-fonts.sh),
and the theme-font attributes of the template are removed, so LibreOffice
does not substitute a random font.

`libreoffice.py` turns the document into PDF and page images.
Units: mm for lengths, pt for type sizes and rule widths.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, Optional

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from .build import blocks_for
from .content import HEADINGS
from .document import A4_MM, PageBreak, Para, TableBlock
from .render import MM_PER_INCH, PT_PER_INCH, Table
from .spec import SampleSpec

#: generator font name (spec.body_font etc., see render.FONT_FILES) -> fontconfig
#: family as `fc-list :lang=zh family` prints it. "<name>_bold" = same family, bold.
FONT_FAMILIES: dict[str, str] = {
    "serif": "Noto Serif CJK SC",
    "sans": "Noto Sans CJK SC",
    "uming": "AR PL UMing CN",
    "ukai": "AR PL UKai CN",
    "wqy": "WenQuanYi Micro Hei",
    "zenhei": "WenQuanYi Zen Hei",
}
BOLD_SUFFIX = "_bold"
TABLE_STYLE = "Table Grid"          # built-in Word style (网格型) of the default template
EIGHTHS_PER_PT = 8                  # w:sz of borders is in eighths of a point
TWIPS_PER_PT = 20                   # dxa (twentieths of a point)
MATRIX = "applications"             # TableBlock names from build.blocks_for
APPEALS = "appeals"
PROACTIVE = "proactive"
WIDE_CODEPOINT = 0x2E80             # from here on (CJK, full-width forms) glyphs are 1 em wide
NARROW_EM = 0.6                     # width of other glyphs (digits, '.', '-'), em
VALUE_SLACK_MM = 1.0                # room beyond the widest value (mm)

#: child order of the OOXML property elements we touch (ECMA-376 part 1, §17.4)
_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                "shd", "tblLayout", "tblCellMar", "tblLook"]
_TCPR_ORDER = ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
               "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"]
_TRPR_ORDER = ["cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
               "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden"]


@dataclass(frozen=True)
class DocxStyle:
    """Knobs of the Word look. Lengths in mm, sizes and widths in pt.

    Fields left `None` take the sample's own value from the `SampleSpec`
    (fonts, sizes, rule widths, header repetition)."""
    # -- page (Word 2016 zh-CN "普通" margins: 2.54 cm top/bottom, 3.18 cm left/right)
    margin_top_mm: float = 25.4
    margin_bottom_mm: float = 25.4
    margin_left_mm: float = 31.8
    margin_right_mm: float = 31.8
    footer_distance_mm: float = 17.5        # page edge to footer baseline area
    # -- fonts: generator font names (keys of FONT_FAMILIES, optional "_bold")
    body_font: Optional[str] = None         # None: spec.body_font
    heading_font: Optional[str] = None      # None: spec.heading_font
    title_font: Optional[str] = None        # None: spec.title_font
    table_font: Optional[str] = None        # None: spec.table_font
    latin_font: Optional[str] = None        # family for digits/Latin; None: same as CJK
    body_pt: Optional[float] = None         # None: spec.body_pt
    table_pt: Optional[float] = None        # None: spec.table_pt
    #: line pitch as a multiple of the type size, set as Word "exactly" spacing
    #: (font-independent: AR PL UMing's "single" spacing is far tighter than Noto's)
    body_line_pitch: float = 1.8
    table_line_pitch: float = 1.35
    # -- page number in the footer
    page_number_format: str = "— {} —"      # "{}" is replaced by the PAGE field
    footer_pt: float = 14.0                 # 四号, as in 公文
    footer_font: str = "serif"
    # -- tables
    inner_pt: Optional[float] = None        # inner rules (insideH/V); None: spec.inner_pt
    outer_pt: Optional[float] = None        # outer frame; None: spec.outer_pt
    header_fill: str = "D9D9D9"             # hex RGB of the header-row shading (白色，背景1，深色15%)
    shade_proactive_header: bool = False    # also shade the 信息内容 rows of section 二
    header_bold: bool = False
    value_align: Literal["center", "left"] = "center"
    cell_margin_mm: float = 1.0             # left/right cell margin (Word's default: 1.9)
    min_row_mm: float = 0.0                 # minimum ("at least") row height; 0 = auto
    #: widths of the three label columns of the section 三 matrix; the seven
    #: value columns share the rest of the text width
    matrix_label_mm: tuple[float, float, float] = (12.0, 16.0, 50.0)
    matrix_min_leaf_mm: float = 36.0        # the leaf-label column shrinks to fit values
    repeat_matrix_header: Optional[bool] = None   # None: spec.matrix_split == "repeat_header"
    rows_can_split: bool = False            # False: w:cantSplit on every row
    # keep-with-next on table paragraphs: Word honours these, LibreOffice 7.4
    # does not (it breaks inside tables regardless)
    keep_appeals_together: bool = True      # every row of the section 四 table
    keep_header_with_body: bool = True      # header rows of 三/四 with the first body row
    # hence a clerk's manual
    # fix is modelled instead: a page break before the heading of section
    # 三 / 四 (libreoffice.render_docx_pages sets these when a table header
    # would otherwise be torn from its body)
    break_before_applications: bool = False
    break_before_appeals: bool = False

    @property
    def text_width_mm(self) -> float:
        """Width of the type area on A4 (mm)."""
        return A4_MM[0] - self.margin_left_mm - self.margin_right_mm


@dataclass
class DocxReport:
    """A built document plus the tables it printed (copies of the block
    list's tables with the docx column widths)."""
    document: DocxDocument
    tables: dict[str, list[Table]]      # TableBlock name -> tables, in print order
    style: DocxStyle


# ---- small unit helpers -------------------------------------------------------
def mm_to_pt(mm: float) -> float:
    """Millimetres to points."""
    return mm * PT_PER_INCH / MM_PER_INCH


def _dxa(mm: float) -> str:
    """Millimetres as an OOXML twentieth-of-a-point string."""
    return str(int(round(mm_to_pt(mm) * TWIPS_PER_PT)))


def _insert_ordered(parent, child, order: list[str]) -> None:
    """Insert `child` into `parent` keeping the schema order `order`
    (local names); replaces an existing element of the same name."""
    name = child.tag.split("}")[1]
    old = parent.find(qn("w:" + name))
    if old is not None:
        parent.replace(old, child)
        return
    later = order[order.index(name) + 1:]
    for el in parent:
        if el.tag.split("}")[-1] in later:
            el.addprevious(child)
            return
    parent.append(child)


def _el(tag: str, **attrs: str):
    """A new `w:` element with `w:` attributes."""
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn("w:" + k), v)
    return e


# ---- fonts ----------------------------------------------------------------------
def font_family(name: str) -> tuple[str, bool]:
    """Generator font name ("serif", "sans_bold", …) -> (fontconfig family, bold)."""
    bold = name.endswith(BOLD_SUFFIX)
    base = name[: -len(BOLD_SUFFIX)] if bold else name
    if base not in FONT_FAMILIES:
        raise KeyError(f"no CJK family for font {name!r}; known: {sorted(FONT_FAMILIES)}")
    return FONT_FAMILIES[base], bold


def _set_rfonts(rpr, east_asia: str, latin: Optional[str]) -> None:
    """Set w:rFonts of a w:rPr to explicit families (CJK for w:eastAsia,
    `latin` or the CJK family for the rest) and drop theme-font attributes."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = _el("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn("w:" + attr), None)
    lat = latin or east_asia
    rfonts.set(qn("w:ascii"), lat)
    rfonts.set(qn("w:hAnsi"), lat)
    rfonts.set(qn("w:cs"), lat)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def _add_run(par: Paragraph, text: str, font: str, size_pt: float, style: DocxStyle,
             bold: bool = False):
    """Append a run with explicit CJK fonts; '\\n' in `text` becomes a line break."""
    family, font_bold = font_family(font)
    run = par.add_run()
    for i, piece in enumerate(text.split("\n")):
        if i:
            run.add_break(WD_BREAK.LINE)
        if piece:
            run.add_text(piece)
    run.font.size = Pt(size_pt)
    run.font.bold = bold or font_bold or None
    _set_rfonts(run._r.get_or_add_rPr(), family, style.latin_font)
    return run


def _setup_defaults(doc: DocxDocument, spec: SampleSpec, style: DocxStyle) -> None:
    """Document defaults and the Normal style: body font, zh-CN language,
    no spacing after paragraphs (Word zh-CN look)."""
    family, _ = font_family(spec.body_font)
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    _set_rfonts(rpr, family, style.latin_font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(spec.body_pt)
    _set_rfonts(normal.element.get_or_add_rPr(), family, style.latin_font)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.widow_control = True


def _setup_page(doc: DocxDocument, style: DocxStyle) -> None:
    """A4 portrait, margins, footer with the centred page number field."""
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    sec.top_margin, sec.bottom_margin = Mm(style.margin_top_mm), Mm(style.margin_bottom_mm)
    sec.left_margin, sec.right_margin = Mm(style.margin_left_mm), Mm(style.margin_right_mm)
    sec.footer_distance = Mm(style.footer_distance_mm)
    par = sec.footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = style.page_number_format.partition("{}")
    if before:
        _add_run(par, before, style.footer_font, style.footer_pt, style)
    add_page_field(par, style.footer_font, style.footer_pt, style)
    if after:
        _add_run(par, after, style.footer_font, style.footer_pt, style)


def add_page_field(par: Paragraph, font: str, size_pt: float, style: DocxStyle) -> None:
    """Append a complex PAGE field (fldChar begin / instrText / separate /
    cached result "1" / end) to `par`."""
    parts = [("fldChar", "begin"), ("instrText", " PAGE "), ("fldChar", "separate"),
             ("text", "1"), ("fldChar", "end")]
    for kind, val in parts:
        run = _add_run(par, val if kind == "text" else "", font, size_pt, style)
        if kind == "fldChar":
            run._r.append(_el("w:fldChar", fldCharType=val))
        elif kind == "instrText":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = val
            run._r.append(instr)


# ---- paragraphs ---------------------------------------------------------------------
def _exact_spacing(pf, pitch_pt: float) -> None:
    """Word "exactly" line spacing of `pitch_pt` points."""
    pf.line_spacing = Pt(pitch_pt)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def _add_para(doc: DocxDocument, p: Para, spec: SampleSpec, style: DocxStyle) -> None:
    """A block-list paragraph: font, size, alignment, first-line indent in
    characters, spacing in mm; headings keep with the next paragraph."""
    size = p.size_pt
    par = doc.add_paragraph()
    pf = par.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if p.align == "center" else WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Pt(p.indent_chars * size) if p.indent_chars else None
    pf.space_before = Pt(mm_to_pt(p.space_before_mm))
    pf.space_after = Pt(mm_to_pt(p.space_after_mm))
    _exact_spacing(pf, style.body_line_pitch * size)
    pf.keep_with_next = p.heading or None
    if p.heading and ((style.break_before_applications and p.text == HEADINGS["applications"])
                      or (style.break_before_appeals and p.text == HEADINGS["appeals"])):
        pf.page_break_before = True
    _add_run(par, p.text, p.font, size, style)


# ---- tables -------------------------------------------------------------------------
def text_em(text: str) -> float:
    """Width of one line of `text` in em: CJK and full-width characters 1 em,
    everything else (ASCII digits, '.', '-') about half an em."""
    return sum(1.0 if ord(ch) >= WIDE_CODEPOINT else NARROW_EM for ch in text)


def docx_col_widths(t: Table, name: str, size_pt: float, style: DocxStyle) -> list[float]:
    """Column widths (mm) for the docx. The matrix gets `style.matrix_label_mm`
    label columns and equal value columns; a value column whose widest
    printed value at `size_pt` would not fit on one line is widened at the
    expense of the leaf-label column (down to `style.matrix_min_leaf_mm`),
    as a clerk would drag the column border in Word. Other tables are scaled
    to the type area."""
    width = style.text_width_mm
    if name != MATRIX:
        scale = width / sum(t.col_widths_mm)
        return [w * scale for w in t.col_widths_mm]
    labels = list(style.matrix_label_mm)
    n_val = len(t.col_widths_mm) - len(labels)
    base = (width - sum(labels)) / n_val
    em_mm = size_pt * MM_PER_INCH / PT_PER_INCH
    values = []
    for j in range(len(labels), len(labels) + n_val):
        widest = max((text_em(c.text) for c in t.cells if c.key is not None and c.col == j),
                     default=0.0)
        values.append(max(base, widest * em_mm + 2 * style.cell_margin_mm + VALUE_SLACK_MM))
    labels[-1] = width - sum(labels[:-1]) - sum(values)
    if labels[-1] < style.matrix_min_leaf_mm:          # values still wrap, leaf stays legible
        labels[-1] = style.matrix_min_leaf_mm
        scale = (width - sum(labels)) / sum(values)
        values = [v * scale for v in values]
    return labels + values


def _table_props(tbl: DocxTable, widths_mm: list[float], style: DocxStyle,
                 inner_pt: float, outer_pt: float) -> None:
    """Table style, width, centring, fixed layout, borders, cell margins."""
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False                                    # w:tblLayout fixed
    tblpr = tbl._tbl.tblPr
    _insert_ordered(tblpr, _el("w:tblW", w=_dxa(sum(widths_mm)), type="dxa"), _TBLPR_ORDER)
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        pt = inner_pt if side.startswith("inside") else outer_pt
        borders.append(_el("w:" + side, val="single", sz=str(int(round(pt * EIGHTHS_PER_PT))),
                           space="0", color="000000"))
    _insert_ordered(tblpr, borders, _TBLPR_ORDER)
    mar = _el("w:tblCellMar")
    for side, mm in (("top", 0.0), ("left", style.cell_margin_mm),
                     ("bottom", 0.0), ("right", style.cell_margin_mm)):
        mar.append(_el("w:" + side, w=_dxa(mm), type="dxa"))
    _insert_ordered(tblpr, mar, _TBLPR_ORDER)
    for i, w in enumerate(widths_mm):
        tbl.columns[i].width = Mm(w)                       # w:gridCol
    for row in tbl.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Mm(widths_mm[i])                  # w:tcW


def _shade_row(tr, fill: str) -> None:
    """Grey fill on every w:tc of a w:tr (merged continuations included)."""
    for tc in tr.findall(qn("w:tc")):
        _insert_ordered(tc.get_or_add_tcPr(), _el("w:shd", val="clear", color="auto", fill=fill),
                        _TCPR_ORDER)


def _row_props(tr, style: DocxStyle, header: bool, repeat: bool) -> None:
    """w:cantSplit, minimum height, repeated header rows."""
    trpr = tr.get_or_add_trPr()
    if not style.rows_can_split:
        _insert_ordered(trpr, _el("w:cantSplit"), _TRPR_ORDER)
    if style.min_row_mm > 0:
        _insert_ordered(trpr, _el("w:trHeight", val=_dxa(style.min_row_mm), hRule="atLeast"),
                        _TRPR_ORDER)
    if header and repeat:
        _insert_ordered(trpr, _el("w:tblHeader"), _TRPR_ORDER)


def _fill_cell(cell, text: str, align: str, valign: str, vertical: bool, font: str,
               size_pt: float, style: DocxStyle, bold: bool, keep_next: bool) -> None:
    """Write a cell's text (one character per line if `vertical`)."""
    for extra in cell.paragraphs[1:]:                      # left over from merging
        extra._p.getparent().remove(extra._p)
    par = cell.paragraphs[0]
    pf = par.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT if align == "left" else WD_ALIGN_PARAGRAPH.CENTER
    pf.first_line_indent = Pt(0)
    pf.space_before = pf.space_after = Pt(0)
    _exact_spacing(pf, style.table_line_pitch * size_pt)
    pf.keep_with_next = keep_next or None
    cell.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.TOP if valign == "top"
                               else WD_CELL_VERTICAL_ALIGNMENT.CENTER)
    if vertical:
        text = "\n".join(ch for ch in text if ch not in " \n")
    if text:
        _add_run(par, text, font, size_pt, style, bold=bold)


def add_table(doc: DocxDocument, t: Table, name: str, spec: SampleSpec, style: DocxStyle) -> Table:
    """Write a `render.Table` as a Word table with real merges; returns the
    table with the docx column widths (a copy, the input is not changed)."""
    t = dataclasses.replace(t, col_widths_mm=docx_col_widths(t, name, spec.table_pt, style))
    n_cols = len(t.col_widths_mm)
    tbl = doc.add_table(rows=t.n_rows, cols=n_cols)
    tbl.style = doc.styles[TABLE_STYLE]
    _table_props(tbl, t.col_widths_mm, style, spec.inner_pt, spec.outer_pt)
    font, size = spec.table_font, spec.table_pt
    header_rows = t.header_rows if name in (MATRIX, APPEALS) else 0
    repeat = (style.repeat_matrix_header if style.repeat_matrix_header is not None
              else spec.matrix_split == "repeat_header") and name == MATRIX
    keep_all = style.keep_appeals_together and name == APPEALS
    shade_rows = set(range(header_rows))
    if name == PROACTIVE and style.shade_proactive_header:
        shade_rows |= {c.row for c in t.cells if c.text == "信息内容"}
    # merge first, write afterwards (python-docx moves the content of merged cells)
    merged = []
    for c in t.cells:
        a = tbl.cell(c.row, c.col)
        if c.rowspan > 1 or c.colspan > 1:
            a = a.merge(tbl.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
        merged.append((c, a))
    for c, cell in merged:
        is_header = c.row < header_rows
        align = style.value_align if c.key is not None else c.align
        _fill_cell(cell, c.text, align, c.valign, c.vertical, font, size, style,
                   bold=style.header_bold and is_header,
                   keep_next=(keep_all and c.row + c.rowspan < t.n_rows)
                   or (style.keep_header_with_body and is_header))
    trs = tbl._tbl.findall(qn("w:tr"))
    for r, tr in enumerate(trs):
        _row_props(tr, style, r < header_rows, repeat)
        if r in shade_rows:
            _shade_row(tr, style.header_fill)
    return t


# ---- the document -------------------------------------------------------------------
def docx_spec(spec: SampleSpec, style: DocxStyle = DocxStyle()) -> SampleSpec:
    """The spec as the docx renderer prints it: the style's font, size and
    rule overrides applied, and 'mid_row' turned into an ordinary
    row-boundary split (a Word table has no 'cut inside the label' trick).
    Cells, values and truth are unchanged."""
    over = {f: getattr(style, f) for f in ("body_font", "heading_font", "title_font",
                                           "table_font", "body_pt", "table_pt",
                                           "inner_pt", "outer_pt")
            if getattr(style, f) is not None}
    if spec.matrix_split == "mid_row":
        over.update(matrix_split="rows", matrix_cut_row=None)
    return dataclasses.replace(spec, **over) if over else spec


def build_document(spec: SampleSpec, style: DocxStyle = DocxStyle()) -> DocxReport:
    """The whole report of `spec` as a python-docx Document (blocks from
    `build.blocks_for`, so texts, tables and values are the generator's)."""
    spec = docx_spec(spec, style)
    doc = Document()
    _setup_defaults(doc, spec, style)
    _setup_page(doc, style)
    body = doc.element.body
    for p in list(body):                   # the template's empty first paragraph
        if p.tag == qn("w:p"):
            body.remove(p)
    tables: dict[str, list[Table]] = {}
    blocks = blocks_for(spec)
    for i, b in enumerate(blocks):
        if isinstance(b, Para):
            _add_para(doc, b, spec, style)
        elif isinstance(b, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(b, TableBlock):
            tables.setdefault(b.name, []).append(add_table(doc, b.table, b.name, spec, style))
            # Word needs a paragraph between two tables; it also gives the gap below
            gap = doc.add_paragraph()
            gap.paragraph_format.space_after = Pt(0)
            gap.paragraph_format.line_spacing = Pt(mm_to_pt(b.space_after_mm)) \
                if b.space_after_mm else None
    return DocxReport(doc, tables, style)


def row_labels(t: Table) -> dict[str, str]:
    """Row key -> printed row label (the single-row label cell of that row:
    the leaf label, or the merged label of a row without group)."""
    out: dict[str, str] = {}
    for r, key in sorted(t.row_keys.items()):
        cands = [c for c in t.cells if c.row == r and c.key is None and c.rowspan == 1 and c.text]
        if cands:
            out[key] = max(cands, key=lambda c: c.col).text
    return out

