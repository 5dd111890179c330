"""Read tables → canonical keys and values.

``map_tables`` works on the grid of each ``ReadTable`` generically:

- a grid column's *header path* is the text of the header cells covering it,
  top to bottom (a merged header cell covers several columns), its *leaf* the
  innermost one;
- a grid row's *label path* is the text of the label cells covering it, left
  to right (a merged label cell such as 三、本年度办理结果 or （三）不予公开
  covers several rows), its *leaf* the innermost one.

Leaves are matched onto the keys of ``models.schema`` (``mapping.labels``).

Each table is assigned a section from its labels (section 二 proactive,
section 三 applications, section 四 appeals); a table flagged
``continues_previous``, or a table without recognisable labels right after a
section 三 part with the same column count, continues the previous part.

Section 二 is read row by row, whether printed as one table with its
第二十条 title rows inside or as several small tables: a 信息内容 header row
sets the column keys for the rows below it.

Section 三 may be split over several parts (page breaks). A part without a
header inherits the previous part's column keys (a repeated header is
recognised and skipped); a row broken by the page break (8.属于行政查询事 /
项) is joined back.

Confidence of a field = OCR confidence of its cell × label certainty, where
label certainty is the lower of the row and column match scores / 100
(0.5 for a row key inferred from its position). Review is set, with a
reason, for: OCR confidence below ``min_value_confidence``; a value that is
not a clean number (``mapping.values``); a weak or ambiguous label match; a
key inferred from position; a row broken across pages with values on both
sides; a key found twice with different values; a field confidence below
``min_field_confidence``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Optional

from models.schema import SECTIONS

from .appeals import read_appeals
from .applications import AppPart, emit_applications, read_applications
from .collect import TITLE, Collector, vocab_for, vote
from .grid import Grid, is_label
from .labels import normalize
from .proactive import ProState, emit_proactive, read_proactive
from .settings import MappingSettings
from .types import Mapping, ReadTable, TableInfo

__all__ = ["map_tables", "classify_table"]


def classify_table(table: ReadTable, settings: Optional[MappingSettings] = None) -> Optional[str]:
    """"proactive", "applications", "appeals" or None, from the table's labels.

    Each distinct label cell votes for the sections whose vocabulary it
    matches with at least ``label_review_score``; a 第二十条 title counts for
    section 二. The section with most votes wins (None without any vote).
    """
    s = MappingSettings.resolve(settings)
    v = vocab_for(s)
    texts = [c.text for c in table.cells if is_label(c)]
    if not texts:
        return None
    votes = Counter()
    strong = s.label_review_score
    for name, matchers in (
        ("proactive", (v.pro_rows, v.pro_cols)),
        ("applications", (v.app_rows, v.app_cols)),
        ("appeals", (v.appeal_groups, v.appeal_cols)),
    ):
        for m in matchers:
            votes[name] += sum(1 for x in m.match_many(texts) if x.key and x.score >= strong)
    votes["proactive"] += sum(2 for t in texts if TITLE.search(normalize(t)) or "第二十条" in normalize(t))
    best = max(("proactive", "applications", "appeals"), key=lambda k: votes[k])
    return best if votes[best] > 0 else None


def map_tables(tables: Sequence[ReadTable], settings: Optional[MappingSettings] = None) -> Mapping:
    """Map a report's tables (in reading order across pages) onto canonical keys.

    Parameters
    ----------
    tables : every ``ReadTable`` of the report, in reading order.
    settings : ``MappingSettings`` (None: defaults).

    Returns
    -------
    Mapping with ``values`` (key → MappedValue), ``templates``
    (``{"proactive": ..., "applications": ...}`` for the sections whose
    template the labels tell), ``warnings`` and per-table ``tables`` info.
    Agency and year are not set here (see ``mapping.map_report``).
    """
    s = MappingSettings.resolve(settings)
    v = vocab_for(s)
    out = Collector(s)
    pro = ProState()
    parts: list[AppPart] = []
    infos: list[TableInfo] = []
    prev_section: Optional[str] = None
    prev_table: Optional[ReadTable] = None
    for ti, table in enumerate(tables):
        grid = Grid(table, s.speck_height_share)
        section = classify_table(table, s)
        continued = False
        if table.continues_previous and prev_section and (section in (None, prev_section)):
            section, continued = prev_section, True
        elif (section is None and prev_section == "applications" and prev_table is not None
              and table.n_cols == prev_table.n_cols):
            section, continued = "applications", True
        template = None
        if section == "proactive":
            read_proactive(grid, ti, pro, v, s)
            template = vote(pro.votes.get(ti, []))
        elif section == "applications":
            part = read_applications(grid, ti, parts[-1] if parts else None, v, s, out)
            if part is not None:
                parts.append(part)
                continued = continued or (len(parts) > 1 and not part.has_header)
        elif section == "appeals":
            read_appeals(grid, ti, v, s, out)
        else:
            out.warnings.append(f"table {ti} (page {table.page}) is not a table of the report; skipped")
        infos.append(TableInfo(ti, table.page, section, template, continued))
        prev_section, prev_table = section, table

    templates: dict[str, str] = {}
    emit_proactive(pro, out, s)
    pro_template = vote([t for vs in pro.votes.values() for t in vs])
    if pro_template:
        templates["proactive"] = pro_template
    elif pro.rows:
        out.warnings.append("section 二: the labels do not tell the template")
    if parts:
        app_template = emit_applications(parts, v, s, out)
        if app_template:
            templates["applications"] = app_template
            infos = [
                TableInfo(i.index, i.page, i.section, app_template, i.continued)
                if i.section == "applications" else i
                for i in infos
            ]
        else:
            out.warnings.append("section 三: the labels do not tell the template")
    out.flag_shared_cells()
    out.warnings.extend(_unread_sections(out.values, infos))
    return Mapping(values=out.values, templates=templates, warnings=tuple(out.warnings),
                   tables=tuple(infos))


_SECTION_NAMES = {"proactive": "二 (主动公开)", "applications": "三 (收到和处理申请)",
                  "appeals": "四 (行政复议、行政诉讼)"}


def _unread_sections(values: dict, infos: Sequence[TableInfo]) -> list[str]:
    """A warning for each section of the report of which no value was read:
    its values are missing, not zero, and the reader should know where."""
    out = []
    for section in SECTIONS:
        if any(key.startswith(section + ".") for key in values):
            continue
        tables = [f"table {i.index} (page {i.page})" for i in infos if i.section == section]
        where = (f"from {', '.join(tables)}" if tables
                 else "from any table (none was recognised as this section)")
        out.append(f"section {_SECTION_NAMES[section]}: no value read {where}; its values are missing")
    return out
