"""Consistency rules, schema key lists and the output document."""
import json

import pytest

from mapping import map_tables
from models import Source, build_report, keys_for, keys_to_review, run_checks
from models.schema import RESULT_ROWS_2019, RESULT_ROWS_2021, all_keys, application_rows
from test_mapping_fixtures import appeals_table, app_grid, make_table, pro_tables, PRO_2019


def by_rule(checks):
    return {c.rule: c for c in checks}


# ------------------------------------------------------------- schema


def test_keys_for_templates():
    k19, k21 = keys_for("2019", "2019"), keys_for("2021", "2021")
    assert len(k19) == len(set(k19)) and len(k21) == len(set(k21))
    assert "proactive.procurement.amount_wan_yuan" in k19
    assert "proactive.procurement.items" not in k21
    assert "proactive.fees.amount_wan_yuan" in k21 and "proactive.fees.amount_wan_yuan" not in k19
    assert "proactive.fees.change" in k19 and "proactive.penalty.change" in k19
    assert "applications.other.total" in k19 and "applications.other.total" not in k21
    assert "applications.other_overdue_fee.commercial" in k21
    assert sum(k.startswith("applications.") for k in k19) == 23 * 7
    assert sum(k.startswith("applications.") for k in k21) == 25 * 7
    assert sum(k.startswith("appeals.") for k in k21) == 15
    assert set(keys_for("2019", "2021")) == {
        *(k for k in k19 if k.startswith("proactive.")),
        *(k for k in k21 if not k.startswith("proactive.")),
    }
    assert set(all_keys()) == set(k19) | set(k21)
    with pytest.raises(ValueError):
        keys_for("2020", "2021")


def test_spec_example_keys_exist():
    for k in ["proactive.rules.issued", "proactive.licensing.decisions", "proactive.penalty.change",
              "proactive.fees.amount_wan_yuan", "proactive.procurement.items",
              "applications.new.natural_person", "applications.total.total",
              "applications.withheld_third_party.commercial"]:
        assert k in all_keys()


def test_result_rows():
    assert RESULT_ROWS_2019[0] == "disclosed" and RESULT_ROWS_2019[-1] == "other"
    assert RESULT_ROWS_2021[-3:] == ("other_overdue_correction", "other_overdue_fee", "other_other")
    assert "total" not in RESULT_ROWS_2021 and "new" not in RESULT_ROWS_2019
    assert len(application_rows("2021")) == 25 and len(application_rows("2019")) == 23


# ------------------------------------------------------------- rules


def test_balance_passes_fails_and_not_applicable():
    v = {
        "applications.new.total": 3, "applications.carried_over.total": 1,
        "applications.total.total": 2, "applications.carried_forward.total": 2,
        "applications.new.commercial": 0, "applications.carried_over.commercial": 0,
        "applications.total.commercial": 1, "applications.carried_forward.commercial": 0,
    }
    c = by_rule(run_checks(v, {"applications": "2021"}))
    assert c["applications.balance.total"].status == "passed"
    bad = c["applications.balance.commercial"]
    assert bad.status == "failed" and bad.detail == "0 + 0 != 1 + 0"
    assert bad.keys == ["applications.new.commercial", "applications.carried_over.commercial",
                        "applications.total.commercial", "applications.carried_forward.commercial"]
    assert c["applications.balance.research"].status == "not_applicable"


def test_nulls_are_left_out_of_sums():
    v = {"applications.new.total": 5, "applications.carried_over.total": None,
         "applications.total.total": 5, "applications.carried_forward.total": None}
    chk = by_rule(run_checks(v, {"applications": "2019"}))["applications.balance.total"]
    assert chk.status == "passed" and chk.detail == "5 + null == 5 + null"


def test_row_sum_and_results_sum():
    v = {f"applications.disclosed.{c}": 1 for c in
         ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org"]}
    v["applications.disclosed.total"] = 6
    v["applications.other_other.total"] = 2
    v["applications.total.total"] = 8
    c = by_rule(run_checks(v, {"applications": "2021"}))
    assert c["applications.row_sum.disclosed"].status == "passed"
    assert c["applications.row_sum.other_other"].status == "failed"  # null applicants, total 2
    assert c["applications.results_sum.total"].status == "passed"
    assert c["applications.row_sum.new"].status == "not_applicable"
    assert "applications.row_sum.other" not in c  # a 2019 row
    c19 = by_rule(run_checks(v, {"applications": "2019"}))
    assert "applications.row_sum.other_other" not in c19
    assert c19["applications.results_sum.total"].status == "failed"  # other_other is not a 2019 row
    assert "applications.other.total" in c19["applications.results_sum.total"].keys


def test_real_2023_appeals_case():
    v = {"appeals.review.upheld": 10, "appeals.review.corrected": 1, "appeals.review.other": 0,
         "appeals.review.pending": 0, "appeals.review.total": 0}
    c = by_rule(run_checks(v))
    chk = c["appeals.sum.review"]
    assert chk.status == "failed" and chk.detail == "10 + 1 + 0 + 0 != 0"
    assert c["appeals.sum.litigation_direct"].status == "not_applicable"
    flagged = keys_to_review(run_checks(v))
    assert set(flagged) == set(chk.keys)
    assert all("appeals.sum.review" in r[0] for r in flagged.values())


def test_check_order_and_names():
    names = [c.rule for c in run_checks({}, {"applications": "2021"})]
    assert names[:7] == [f"applications.balance.{c}" for c in
                         ["natural_person", "commercial", "research", "social_welfare",
                          "legal_services", "other_org", "total"]]
    assert names[-3:] == ["appeals.sum.review", "appeals.sum.litigation_direct",
                          "appeals.sum.litigation_after_review"]
    assert len(names) == 7 + 25 + 7 + 3
    assert all(c.status == "not_applicable" for c in run_checks({}, {"applications": "2021"}))


# ------------------------------------------------------------- build_report


SOURCE = Source(path="scans/x.pdf", sha256="0" * 64, pages=4)


def test_build_report_real_2023_case_end_to_end():
    appeals = ["10", "1", "", "", "0"] + ["0"] * 10
    tables = pro_tables(PRO_2019) + [make_table(app_grid("2019"), 3), appeals_table(appeals)]
    report = build_report(SOURCE, [], map_tables(tables))
    f = report.fields
    assert (f["appeals.review.upheld"].value, f["appeals.review.total"].value) == (10, 0)
    for k in ["appeals.review.upheld", "appeals.review.corrected", "appeals.review.other",
              "appeals.review.total"]:
        assert f[k].review and any("appeals.sum.review failed" in r for r in f[k].reasons)
    assert not f["appeals.litigation_direct.upheld"].review
    c = by_rule(report.checks)
    assert c["appeals.sum.review"].status == "failed"
    assert c["appeals.sum.litigation_direct"].status == "passed"
    assert c["applications.balance.total"].status == "passed"
    assert report.meta.template.proactive == "2019" and report.meta.template.applications == "2019"
    assert list(f)[0] == "proactive.rules.new_made"  # document order
    doc = json.loads(report.to_json())
    assert doc["fields"]["appeals.review.upheld"]["value"] == 10
    assert doc["fields"]["applications.new.total"]["label"] == "一、本年新收政府信息公开申请数量 / 总计"


def test_build_report_failed_balance_marks_fields_keeps_values():
    tables = [make_table(app_grid("2021", {"new": ["0"] * 6 + ["1"]}), 3)]
    report = build_report(SOURCE, [], map_tables(tables), warnings=["w"])
    c = by_rule(report.checks)
    assert c["applications.balance.total"].status == "failed"
    assert c["applications.balance.total"].detail == "1 + 0 != 0 + 0"
    assert c["applications.row_sum.new"].status == "failed"
    assert report.fields["applications.new.total"].value == 1
    assert report.fields["applications.new.total"].review
    # its row adds up, every cell read: confirmed, not what the balance points to
    assert not report.fields["applications.carried_forward.total"].review
    assert not report.fields["applications.disclosed.research"].review
    assert report.warnings[-1] == "w"


def test_only_total_column_filled_is_not_applicable_elsewhere():
    values = {}
    grid = app_grid("2019", values, default=[""] * 6 + ["0"])
    report = build_report(SOURCE, [], map_tables([make_table(grid, 3)]))
    c = by_rule(report.checks)
    assert c["applications.balance.total"].status == "passed"
    assert c["applications.balance.natural_person"].status == "not_applicable"
    # blank applicant cells drop out of the sum: 0 == 0
    assert c["applications.row_sum.new"].status == "passed"
    assert c["applications.row_sum.new"].detail == "null + null + null + null + null + null == 0"



def _zeros_2021() -> dict:
    return {k: 0 for k in keys_for("2021", "2021") if k.startswith("applications.")}


def test_failed_rules_mark_only_what_no_passing_rule_confirms():
    """One misread cell fails its row's sum and its column's: of the keys those
    two rules read, every other one is confirmed by a rule that holds with
    all its cells read (its own column's sum, its row's sum); the misread
    cell alone is marked, and both failed rules stay in the checks."""
    v = _zeros_2021()
    v["applications.withheld_state_secret.commercial"] = 5
    checks = run_checks(v, {"applications": "2021"})
    failed = {c.rule for c in checks if c.status == "failed"}
    assert failed == {"applications.row_sum.withheld_state_secret", "applications.results_sum.commercial"}
    flagged = keys_to_review(checks, v)
    assert set(flagged) == {"applications.withheld_state_secret.commercial"}
    assert len(flagged["applications.withheld_state_secret.commercial"]) == 2
    assert len(keys_to_review(checks)) > 20  # without the values: every key the failed rules read


def test_a_blank_is_confirmed_by_no_rule():
    v = _zeros_2021()
    v["applications.disclosed.research"] = None  # lost: the column's total says 1
    v["applications.total.research"] = 1
    v["applications.total.total"] = 1
    checks = run_checks(v, {"applications": "2021"})
    flagged = keys_to_review(checks, v)
    assert "applications.disclosed.research" in flagged
    assert "applications.withheld_state_secret.research" not in flagged  # its row sum holds


def test_errors_that_cancel_in_a_row_mark_all_keys_of_the_failed_rules():
    """Two cells of one row swapped: the row still adds up, both columns fail,
    and every key of those columns is confirmed by its row. No key is left
    that the failures point to: all of them are marked."""
    v = _zeros_2021()
    v["applications.disclosed.natural_person"] = 3
    v["applications.disclosed.total"] = 3
    v["applications.total.natural_person"] = 3
    v["applications.total.total"] = 3
    v["applications.new.natural_person"] = 3
    v["applications.new.total"] = 3
    assert all(c.status != "failed" for c in run_checks(v, {"applications": "2021"}))
    v["applications.disclosed.natural_person"], v["applications.disclosed.commercial"] = 0, 3
    checks = run_checks(v, {"applications": "2021"})
    failed = [c for c in checks if c.status == "failed"]
    assert {c.rule for c in failed} == {"applications.results_sum.natural_person", "applications.results_sum.commercial"}
    flagged = keys_to_review(checks, v)
    assert set(flagged) == {k for c in failed for k in c.keys}
