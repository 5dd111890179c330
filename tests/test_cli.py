"""The command line: subcommands, argument errors and their exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from govreport import cli

REPO = Path(__file__).resolve().parents[1]


def test_schema_prints_the_report_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Report"
    assert {"source", "fields", "error", "timing"} <= set(schema["properties"])


def test_python_dash_m_runs_the_same_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "govreport", "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "extract" in done.stdout and "schema" in done.stdout


@pytest.mark.parametrize("argv", [
    [],                                   # no subcommand
    ["extract", "x.pdf"],                 # no -o
    ["extract", "x.pdf", "-o", "out", "--jobs", "0"],
    ["extract", "x.pdf", "-o", "out", "--bogus"],
    ["frobnicate"],
])
def test_argument_errors_exit_2(argv: list[str]) -> None:
    assert cli.main(argv) == 2


def test_no_inputs_found_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert cli.main(["extract", str(tmp_path / "empty"), "-o", str(tmp_path / "out")]) == 2
    assert "no inputs found" in capsys.readouterr().err
    assert cli.main(["extract", str(tmp_path / "missing.pdf"), "-o", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_unwritable_output_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.png"
    page.write_bytes(b"\x89PNG")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    assert cli.main(["extract", str(page), "-o", str(blocker / "out")]) == 2
    assert "cannot write to the output folder" in capsys.readouterr().err


def test_bad_profile_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.png"
    page.write_bytes(b"\x89PNG")
    profile = tmp_path / "p.toml"
    profile.write_text("[ocr]\nno_such_setting = 1\n")
    assert cli.main(["extract", str(page), "-o", str(tmp_path / "out"),
                     "--profile", str(profile)]) == 2
    assert "no_such_setting" in capsys.readouterr().err


def test_eval_and_tune_subcommands_are_registered() -> None:
    parser = cli.build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    assert {"extract", "schema", "eval", "tune"} <= set(choices)
