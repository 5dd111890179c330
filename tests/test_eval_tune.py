"""``govreport eval`` and ``govreport tune`` through the real CLI on real samples."""
from __future__ import annotations

import json
import shutil

import pytest

from govreport.cli import main
from govreport.evaluate import find_samples, score_report, values_equal
from govreport.settings import Settings
from govreport.tune import SEARCH_SPACE, current_value, split_samples

from conftest import SAMPLES

# Two small 150-dpi reports keep the tuning run to about a minute.
SMALL = ("s09_appeals_fail_2023", "s15_noisy_skew_2022")


@pytest.fixture(scope="module")
def small_set(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small_set")
    for name in SMALL:
        shutil.copy(SAMPLES / f"{name}.pdf", folder)
        shutil.copy(SAMPLES / f"{name}.truth.json", folder)
    return folder


def test_values_equal_follows_the_value_rules():
    assert values_equal(None, None)
    assert not values_equal(None, 0), "blank is null, never 0"
    assert values_equal(534.865, 534.865)
    assert not values_equal(534.865, 534.86)
    assert values_equal(-10, -10.0)


def test_score_counts_wrong_unflagged_values_as_silent(sample_report):
    sample = find_samples(SAMPLES)[0]
    report, seconds = sample_report(sample.name)
    key = next(iter(sample.truth["fields"]))
    field = report.fields[key]
    wrong = (field.value or 0) + 7
    bad = report.model_copy(update={"fields": {**report.fields,
                                               key: field.model_copy(update={"value": wrong, "review": False})}})
    flagged = report.model_copy(update={"fields": {**report.fields,
                                                   key: field.model_copy(update={"value": wrong, "review": True})}})
    assert len(score_report(sample.name, sample.truth, bad, seconds).silent_errors) == 1
    score = score_report(sample.name, sample.truth, flagged, seconds)
    assert score.silent_errors == [] and score.wrong_reviewed == [key]


def test_needless_review_counts_right_values_flagged_for_nothing(sample_report):
    """A right value marked review is needless, unless a rule the truth
    expects to fail reads it (the report's own numbers break that rule)."""
    sample = next(s for s in find_samples(SAMPLES) if s.truth.get("expected_failed_rules"))
    report, seconds = sample_report(sample.name)
    expected = set(sample.truth["expected_failed_rules"])
    deserved = {k for c in report.checks if c.rule in expected for k in c.keys}
    assert deserved and all(report.fields[k].review for k in deserved if k in report.fields)
    base = score_report(sample.name, sample.truth, report, seconds)
    assert base.right_counted == base.correct - len(deserved & set(report.fields))
    key = next(k for k, v in sample.truth["fields"].items()
               if k not in deserved and not report.fields[k].review and report.fields[k].value == v)
    flagged = report.model_copy(update={"fields": {**report.fields,
                                                   key: report.fields[key].model_copy(update={"review": True})}})
    assert score_report(sample.name, sample.truth, flagged, seconds).needless == base.needless + 1


def test_search_space_names_real_settings():
    settings = Settings()
    for param in SEARCH_SPACE:
        value = current_value(settings, param.path)
        assert param.low <= value <= param.high, param.path


def test_holdout_split_is_deterministic():
    samples = find_samples(SAMPLES)
    train, holdout = split_samples(samples, 4)
    assert len(holdout) == len(samples) // 4 and not set(s.name for s in train) & set(s.name for s in holdout)
    assert split_samples(list(reversed(samples)), 4) == (train, holdout)


def test_eval_cli_prints_table_writes_json_and_holds_bounds(small_set, tmp_path, capsys):
    scores = tmp_path / "scores.json"
    code = main(["eval", str(small_set), "--json", str(scores),
                 "--min-accuracy", "0.99", "--max-silent-errors", "0"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "overall" in out and all(name in out for name in SMALL)
    data = json.loads(scores.read_text(encoding="utf-8"))
    assert data["accuracy"] >= 0.99 and data["silent_errors"] == 0
    assert {s["name"] for s in data["samples"]} == set(SMALL)
    assert "needless" in out and 0.0 <= data["needless_rate"] <= 1.0
    # An impossible bound makes eval fail, so CI can hold the line.
    assert main(["eval", str(small_set), "--min-accuracy", "1.01"]) == 1
    assert main(["eval", str(small_set), "--max-needless-review", "-0.01"]) == 1


def test_short_tune_writes_a_profile_that_eval_accepts(small_set, tmp_path, capsys):
    profile = tmp_path / "profile.toml"
    code = main(["tune", str(small_set), "-o", str(profile), "--trials", "2", "--holdout-every", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "holdout_best" in out and "train_best" in out
    Settings.resolve(profile)  # a valid profile (possibly empty: defaults were best)
    assert main(["eval", str(small_set), "--profile", str(profile), "--max-silent-errors", "0"]) == 0
