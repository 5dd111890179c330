"""Mapping on grids a damaged scan leaves: a ruling line the layout missed
joins two cells (their text lines still sit in their own rows), and a header
whose cells could not be read (the template's column order, checked by the
row sums, keys the columns)."""
from dataclasses import replace

from mapping import ReadLine, map_tables
from mapping.types import ReadCell, ReadTable
from test_mapping_fixtures import PRO_2019, app_grid, appeals_table, make_table, split_grid

VALUES = {  # each row's applicant columns add up to its total (勾稽关系)
    "new": ["1", "2", "3", "4", "5", "6", "21"],
    "carried_over": ["3", "0", "1", "0", "0", "0", "4"],
    "disclosed": ["5", "1", "0", "0", "2", "0", "8"],
    "total": ["9", "8", "7", "6", "5", "4", "39"],
}
NATURAL, TOTAL = 3, 9  # grid columns of 自然人 and 总计 in app_grid


def _slot(table: ReadTable, r: int, c: int) -> ReadCell:
    return next(x for x in table.cells if (x.row, x.col) == (r, c))


def _row_of(grid, first_label: str) -> int:
    return next(i for i, row in enumerate(grid) if any(first_label in t for t in row))


def join_rows(table: ReadTable, r: int, c: int) -> ReadTable:
    """Cells (r, c) and (r + 1, c) joined into one cell over both rows, as a
    missed line between them leaves it: one text, two text lines each in its
    own row."""
    a, b = _slot(table, r, c), _slot(table, r + 1, c)
    lines = tuple(ReadLine((x.bbox[0] + 5, x.bbox[1] + 8, x.bbox[2] - 5, x.bbox[3] - 8), x.text, x.confidence)
                  for x in (a, b) if x.text)
    joined = ReadCell(r, c, a.row_span + b.row_span, a.col_span, (a.bbox[0], a.bbox[1], a.bbox[2], b.bbox[3]),
                      a.text + b.text, min(a.confidence, b.confidence), lines)
    cells = tuple(joined if x is a else x for x in table.cells if x is not b)
    return replace(table, cells=cells)


def test_value_cell_over_two_rows_reads_each_row_from_its_line():
    grid = app_grid("2021", VALUES)
    r = _row_of(grid, "一、本年新收")
    m = map_tables([join_rows(make_table(grid, 3), r, NATURAL)])
    new, old = m.values["applications.new.natural_person"], m.values["applications.carried_over.natural_person"]
    assert (new.value, old.value) == (1, 3)
    assert not new.review and not old.review
    assert new.bbox != old.bbox  # each its own row's part of the joined cell


def test_innermost_label_over_two_rows_labels_each_row_from_its_line():
    grid = app_grid("2021", VALUES)
    r = _row_of(grid, "1.属于国家秘密")
    m = map_tables([join_rows(make_table(grid, 3), r, 2)])
    assert "applications.withheld_state_secret.total" in m.values
    assert "applications.withheld_prohibited_by_law.total" in m.values
    assert not [k for k, v in m.values.items() if v.review]


def test_joined_cell_with_one_line_is_not_split():
    grid = app_grid("2021", VALUES)
    r = _row_of(grid, "一、本年新收")
    table = join_rows(make_table(grid, 3), r, NATURAL)
    joined = _slot(table, r, NATURAL)
    one_line = replace(joined, text="1", lines=joined.lines[:1])
    table = replace(table, cells=tuple(one_line if x is joined else x for x in table.cells))
    m = map_tables([table])
    assert m.values["applications.new.natural_person"].value == 1
    assert "applications.carried_over.natural_person" not in m.values  # not guessed


def _unread_header(grid, garbage: str = "丨"):
    """The leaf header row of app_grid (自然人 … 总计) unreadable."""
    grid = [list(r) for r in grid]
    for row in grid[:3]:
        for c in range(NATURAL, TOTAL + 1):
            if row[c] not in ("<", "^"):
                row[c] = garbage
    return grid


def test_unread_header_keyed_by_template_order_confirmed_by_row_sums():
    m = map_tables([make_table(_unread_header(app_grid("2021", VALUES)), 3)])
    v = m.values
    assert [v[f"applications.new.{c}"].value for c in ("natural_person", "research", "other_org", "total")] \
        == [1, 3, 6, 21]
    assert v["applications.total.social_welfare"].value == 6
    assert not [k for k, x in v.items() if x.review]


def test_unread_header_without_confirmation_is_reviewed():
    m = map_tables([make_table(_unread_header(app_grid("2021")), 3)])  # all zeros: sums tell nothing
    v = m.values
    assert v["applications.new.total"].value == 0
    assert v["applications.new.total"].review
    assert any("template's column order" in r for r in v["applications.new.total"].reasons)


def test_header_merged_over_two_columns_is_overruled_by_row_sums():
    grid = app_grid("2021", VALUES)
    grid[2][NATURAL + 1], grid[2][NATURAL + 2] = "商业企业", "<"  # 科研机构's border missed
    m = map_tables([make_table(grid, 3)])
    assert m.values["applications.new.commercial"].value == 2
    assert m.values["applications.new.research"].value == 3
    assert not m.values["applications.new.research"].review


def test_appeals_unread_header_keyed_by_template_order():
    vals = ["1", "2", "3", "4", "10", "0", "1", "0", "1", "2", "0", "0", "0", "0", "0"]
    table = appeals_table(vals)
    leaves = {(1, c) for c in range(5)} | {(2, c) for c in range(5, 15)}  # group cells still read
    cells = tuple(replace(c, text="口") if (c.row, c.col) in leaves else c for c in table.cells)
    v = map_tables([replace(table, cells=cells)]).values
    assert (v["appeals.review.upheld"].value, v["appeals.review.total"].value) == (1, 10)
    assert v["appeals.litigation_direct.total"].value == 2
    assert v["appeals.litigation_after_review.upheld"].value == 0
    assert len(v) == 15
    assert not [k for k, x in v.items() if x.review]


def test_header_cell_joined_with_the_value_under_it():
    """A missed line under a header leaf joins it with the first body row's
    value: the header still ends where the row labels start."""
    grid = app_grid("2021", VALUES)
    r = _row_of(grid, "一、本年新收")
    m = map_tables([join_rows(make_table(grid, 3), r - 1, NATURAL + 3)])  # 社会公益组织 / 4
    v = m.values
    assert [v[f"applications.new.{c}"].value for c in ("natural_person", "social_welfare", "total")] == [1, 4, 21]
    assert not [k for k, x in v.items() if x.review]


def test_stray_label_fragment_between_parts_passes_no_columns_on():
    """A piece of the label columns found as a table of its own (its lines
    found apart from the matrix's) is left out; the next part continues the
    matrix with the matrix's columns."""
    grid = app_grid("2021", VALUES)
    top, bottom = split_grid(grid, 12)
    stray = [row[1:3] for row in bottom[:3]]
    tables = [make_table(top, 3), make_table(stray, 3, label_cols=2, y0=900), make_table(bottom, 4)]
    whole = map_tables([make_table(grid, 3)])
    m = map_tables(tables)
    assert {k: x.value for k, x in m.values.items()} == {k: x.value for k, x in whole.values.items()}
    assert any("no number under the columns" in w for w in m.warnings)


def test_label_over_two_rows_belongs_to_the_row_it_is_printed_in():
    """Section 二: the line between 行政许可's label and the label below it
    is missed and 行政许可 was not read: the one label left is the lower
    row's (its line sits there); the upper row's key comes from its place,
    marked for review, never from the lower row's label."""
    from test_mapping_fixtures import PRO_2019, pro_tables
    grid = [list(r) for r in PRO_2019]
    r = next(i for i, row in enumerate(grid) if row[0] == "行政许可")
    table = pro_tables(grid)[0]
    upper, lower = _slot(table, r, 0), _slot(table, r + 1, 0)
    line = ReadLine((lower.bbox[0] + 5, lower.bbox[1] + 8, lower.bbox[2] - 5, lower.bbox[3] - 8),
                    lower.text, lower.confidence)
    joined = ReadCell(r, 0, 2, 1, (upper.bbox[0], upper.bbox[1], upper.bbox[2], lower.bbox[3]),
                      lower.text, lower.confidence, (line,))
    table = replace(table, cells=tuple(joined if x is upper else x for x in table.cells if x is not lower))
    v = map_tables([table]).values
    assert v["proactive.other_services.prev_year_items"].value == 270
    assert not v["proactive.other_services.prev_year_items"].review
    assert v["proactive.licensing.prev_year_items"].value == 914
    assert v["proactive.licensing.prev_year_items"].review


def test_a_mark_apart_from_the_number_is_no_part_of_it():
    """A line remnant inside a value cell, apart from its number (its own
    text piece), reads as "|": the number is the cell's value, unflagged; two
    numbers in one cell are not resolved."""
    grid = app_grid("2021", VALUES)
    r = _row_of(grid, "一、本年新收")
    table = make_table(grid, 3)
    cell = _slot(table, r, NATURAL)
    x0, y0, x1, y1 = cell.bbox
    def with_pieces(*texts):
        lines = tuple(ReadLine((x0 + 5 + 20 * i, y0 + 8, x0 + 15 + 20 * i, y1 - 8), t, 0.95)
                      for i, t in enumerate(texts))
        return replace(cell, text="".join(texts), lines=lines)
    for pieces, value, review in ((("1", "|"), 1, False), (("1", "7"), 17, True)):
        t = replace(table, cells=tuple(with_pieces(*pieces) if x is cell else x for x in table.cells))
        got = map_tables([t]).values["applications.new.natural_person"]
        assert (got.value, got.review) == (value, review), pieces


def test_group_headers_side_by_side_in_one_cell_name_their_own_columns():
    """Section 四: the line between 未经复议直接起诉 and 复议后起诉 is missed,
    one header cell spans both groups' ten columns with both labels in it:
    each column takes the label above it; no column is taken twice. (The
    review group's 总计 does not add up, as printed: the row sums confirm no
    order here.)"""
    from test_mapping_fixtures import appeals_grid
    vals = ["1", "2", "3", "4", "11", "0", "1", "0", "1", "2", "3", "0", "0", "0", "3"]
    grid = appeals_grid(vals)
    grid[1][10] = "<"
    table = make_table(grid, 4, label_cols=0)
    cell = _slot(table, 1, 5)
    x0, y0, x1, y1 = cell.bbox
    half = (x0 + x1) // 2
    lines = (ReadLine((x0 + 20, y0 + 8, half - 20, y1 - 8), "未经复议直接起诉", 0.95),
             ReadLine((half + 40, y0 + 8, x1 - 40, y1 - 8), "复议后起诉", 0.95))
    joined = replace(cell, text="未经复议直接起诉复议后起诉", lines=lines)
    m = map_tables([replace(table, cells=tuple(joined if x is cell else x for x in table.cells))])
    v = m.values
    assert v["appeals.litigation_direct.total"].value == 2
    assert [v[f"appeals.litigation_after_review.{c}"].value for c in ("upheld", "total")] == [3, 3]
    assert not [w for w in m.warnings if "found twice" in w]
    assert not [k for k, x in v.items() if k.startswith("appeals.litigation") and x.review]


def test_garbled_row_label_keyed_by_its_sub_tables_columns():
    """Section 二: two stacked text lines read as one leave 政府集中采购
    garbled past matching ("政信集内察购"); its header row says 采购项目数量
    and 采购总金额 (第二十条第（九）项), which only 政府集中采购 has, the one
    row of that sub-table: the row is keyed from them, a sure key. Both rows
    of 第二十条第（六）项 garbled: its columns allow either key for each, and
    neither is guessed."""
    from test_mapping_fixtures import PRO_2019, pro_tables
    grid = [list(r) for r in PRO_2019]
    grid[next(i for i, row in enumerate(grid) if row[0] == "政府集中采购")][0] = "政信集内察购"
    v = map_tables(pro_tables(grid)).values
    items = v["proactive.procurement.items"]
    assert items.value == 5 and not items.review and items.label.startswith("政信集内察购")
    assert v["proactive.fees.prev_year_items"].value == 0 and not v["proactive.fees.prev_year_items"].review
    grid[next(i for i, row in enumerate(grid) if row[0] == "行政强制")][0] = "行攻强炽"
    grid[next(i for i, row in enumerate(grid) if row[0] == "行政处罚")][0] = "行攻处骂"
    v = map_tables(pro_tables(grid)).values
    assert "proactive.penalty.prev_year_items" not in v  # two garbled rows, two keys: not guessed


def test_appeals_leaf_joined_with_the_value_under_it():
    """Section 四: the line under the leaf 结果维持 of 未经复议直接起诉 is missed;
    the joined cell holds the label and the number, each in its own row: the
    value is the number ("结果维持1" is no value)."""
    from test_mapping_fixtures import appeals_table
    vals = ["1", "2", "3", "4", "10", "1", "1", "0", "1", "3", "0", "0", "0", "0", "0"]
    v = map_tables([join_rows(appeals_table(vals), 2, 5)]).values
    got = v["appeals.litigation_direct.upheld"]
    assert (got.value, got.review) == (1, False)
    assert v["appeals.litigation_direct.total"].value == 3


def _with_piece(table: ReadTable, r: int, c: int, piece: ReadLine) -> ReadTable:
    cell = next(x for x in table.cells if x.row == r and x.col == c)
    grown = replace(cell, lines=cell.lines + (piece,), confidence=min(cell.confidence, piece.confidence))
    return replace(table, cells=tuple(grown if x is cell else x for x in table.cells))


def test_a_speck_read_as_nothing_beside_a_number_is_left_out():
    """Between the two numbers of a cell over two rows lies a speck of dirt
    (a tenth of their height) that the recogniser reads as nothing, with
    confidence 0: it neither lowers the number's confidence nor flags it. A
    piece as tall as the number read as nothing stays a doubt (an unread digit)."""
    grid = app_grid("2021", VALUES)
    r = _row_of(grid, "一、本年新收")
    table = join_rows(make_table(grid, 3), r, NATURAL)
    joined = _slot(table, r, NATURAL)
    first = joined.lines[0]
    h = first.bbox[3] - first.bbox[1]
    x0 = first.bbox[0] + 10  # inside the column, under the number, still in its row
    speck = ReadLine((x0, first.bbox[3] + 2, x0 + 8, first.bbox[3] + 2 + max(1, h // 10)), "", 0.0)
    m = map_tables([_with_piece(table, r, NATURAL, speck)])
    new = m.values["applications.new.natural_person"]
    assert new.value == 1 and not new.review and new.confidence > 0.9
    tall = ReadLine((x0, first.bbox[1], x0 + 8, first.bbox[3]), "", 0.0)
    m = map_tables([_with_piece(table, r, NATURAL, tall)])
    assert m.values["applications.new.natural_person"].review


def join_cols(table: ReadTable, r: int, c0: int, c1: int) -> ReadTable:
    """Cells (r, c0) … (r, c1) joined into one cell over those columns, as the
    missed column lines between them leave it: one text, each cell's text a
    line of its own in its own slot."""
    parts = [_slot(table, r, c) for c in range(c0, c1 + 1)]
    lines = tuple(ReadLine((x.bbox[0] + 5, x.bbox[1] + 8, x.bbox[2] - 5, x.bbox[3] - 8), x.text, x.confidence)
                  for x in parts if x.text)
    first, last = parts[0], parts[-1]
    joined = ReadCell(r, c0, 1, c1 - c0 + 1, (first.bbox[0], first.bbox[1], last.bbox[2], last.bbox[3]),
                      "".join(x.text for x in parts), min(x.confidence for x in parts), lines)
    cells = tuple(joined if x is first else x for x in table.cells if x not in parts[1:])
    return replace(table, cells=cells)


def test_section_2_label_and_values_in_one_cell_read_slot_by_slot():
    """A (八) sub-table whose column lines were all missed: its header is one
    cell with two labels apart, its value row one cell with the label and
    two numbers apart (t04 of the stress set)."""
    grid = [list(r) for r in PRO_2019]
    fees = next(i for i, row in enumerate(grid) if row[0] == "行政事业性收费")
    grid[fees] = ["行政事业性收费", "7", "-2", ""]
    table = make_table(grid, 2, label_cols=1)
    table = join_cols(join_cols(table, fees - 1, 1, 2), fees, 0, 2)
    m = map_tables([table])
    prev, change = m.values["proactive.fees.prev_year_items"], m.values["proactive.fees.change"]
    assert (prev.value, change.value) == (7, -2)
    assert not prev.review and not change.review
    assert prev.bbox != change.bbox


def test_headerless_part_starts_at_its_first_row_when_its_label_is_split_over_rows():
    """A matrix part found without its header (the header's page was not
    read as a table), whose first two rows' line was missed across the label
    columns: 二、上年结转… and （一）予以公开 are read, each from its own lines
    of the joined cells, and 上年结转 garbled (score below review). The body
    starts at the first row: no row is taken for a header."""
    grid = app_grid("2021", VALUES)
    at = _row_of(grid, "二、上年结转")
    _, bottom = split_grid(grid, at)
    bottom[0][:3] = ["二、", "上年结转！府信息", "公开甲请数量"]
    bottom[1][1:3] = ["（一）", "予以公开"]
    table = make_table(bottom, 4)
    for c in (1, 2):
        table = join_rows(table, 0, c)
    v = map_tables([table]).values
    assert [v[f"applications.carried_over.{c}"].value for c in ("natural_person", "research", "total")] == [3, 1, 4]
    assert [v[f"applications.disclosed.{c}"].value for c in ("natural_person", "legal_services", "total")] == [5, 2, 8]


def test_section_2_header_corner_joined_with_the_headers_beside_it():
    """The (八) header row one cell, 信息内容 and 上一年项目数量 / 本年增/减
    apart in it (t27 of the stress set: every column line of the row missed)."""
    grid = [list(r) for r in PRO_2019]
    fees = next(i for i, row in enumerate(grid) if row[0] == "行政事业性收费")
    grid[fees] = ["行政事业性收费", "7", "-2", ""]
    table = join_cols(make_table(grid, 2, label_cols=1), fees - 1, 0, 2)
    m = map_tables([table])
    prev, change = m.values["proactive.fees.prev_year_items"], m.values["proactive.fees.change"]
    assert (prev.value, change.value) == (7, -2)
    assert not prev.review and not change.review


def test_section_2_header_corner_joined_with_the_label_below_it():
    """信息内容 and 行政许可 in one cell over two rows (the row line under the
    corner missed): the header row still names the columns of the row below."""
    grid = [list(r) for r in PRO_2019]
    header = next(i for i, row in enumerate(grid) if row[0] == "行政许可") - 1
    m = map_tables([join_rows(make_table(grid, 2, label_cols=1), header, 0)])
    decisions = m.values["proactive.licensing.decisions"]
    assert decisions.value == 914 and not decisions.review
    assert m.values["proactive.licensing.prev_year_items"].value == 914


def test_section_3_row_label_joined_with_the_first_number():
    """The column line between the labels and 自然人 missed in one row: the
    label cell runs over the first value column, the number apart in it
    (t03, t28 of the stress set)."""
    grid = app_grid("2021", VALUES)
    r = _row_of(grid, "二、上年结转")
    table = make_table(grid, 3)
    label = next(x for x in table.cells if x.row == r and x.col < NATURAL and x.col + x.col_span == NATURAL)
    value = _slot(table, r, NATURAL)
    lines = tuple(ReadLine((x.bbox[0] + 5, x.bbox[1] + 8, x.bbox[2] - 5, x.bbox[3] - 8), x.text, x.confidence)
                  for x in (label, value))
    joined = ReadCell(r, label.col, 1, label.col_span + 1, (label.bbox[0], label.bbox[1], value.bbox[2], value.bbox[3]),
                      label.text + value.text, min(label.confidence, value.confidence), lines)
    table = replace(table, cells=tuple(joined if x is label else x for x in table.cells if x is not value))
    m = map_tables([table])
    natural = m.values["applications.carried_over.natural_person"]
    assert natural.value == 3 and not natural.review
    assert m.values["applications.carried_over.total"].value == 4
