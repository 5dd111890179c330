"""The Ray engine (``--engine ray``) on a real local Ray instance, real pipeline.

Few and real, since Ray's start-up costs seconds: one Ray instance for the
module (``ray.init(num_cpus=2)``, two actors of one CPU each) that the
batches join, and one command-line batch that starts and stops Ray itself.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govreport.batch import DIE_ON_ENV, BatchOptions, find_units, run_batch
from govreport.engines.ray_data import INSTALL_HINT, LOST_MESSAGE

ray = pytest.importorskip("ray", reason="the Ray engine's tests need govreport[ray]")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SAME_AS_LOCAL = ("s08_balance_fail_2022.pdf", "s10_rot90_2021.pdf", "digital/d06_mixed_2023.pdf")
"""A subset of conftest's REVIEW_SAMPLES (extracted there by the local engine):
a failed rule with flags, turned pages, text layer beside a scanned page."""


def _without_timing(path: Path) -> dict:
    report = json.loads(path.read_text(encoding="utf-8"))
    report.pop("timing")
    return report


def _report_mtimes(out: Path) -> dict[str, int]:
    """mtime of each report's JSON (summary.json is rewritten by every run)."""
    return {p.name: p.stat().st_mtime_ns for p in out.glob("*.json") if p.name != "summary.json"}


@pytest.fixture(scope="module")
def local_ray():
    """A Ray instance for this module; the batches below join it."""
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def ray_extract(local_ray, tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("ray") / "out"
    units = find_units([str(SAMPLES / name) for name in SAME_AS_LOCAL])
    summary = run_batch(units, BatchOptions(out_dir=out, quiet=True, engine="ray"))
    return out, summary


def test_ray_gives_the_same_json_as_local_mode(ray_extract, review_extract: Path) -> None:
    out, summary = ray_extract
    assert (summary.exit_code, summary.count("extracted"), summary.jobs) == (0, 3, 2)
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["engine"] == "ray" and data["threads_per_job"] == 1
    for name in SAME_AS_LOCAL:
        stem = Path(name).stem
        ray_report = _without_timing(out / f"{stem}.json")
        assert ray_report["fields"], stem
        assert ray_report == _without_timing(review_extract / f"{stem}.json"), stem
    rows = (out / "dataset.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + len(SAME_AS_LOCAL)
    assert (out / "review.csv").exists()


def test_a_rerun_on_ray_skips_everything(ray_extract) -> None:
    out, _ = ray_extract
    before = _report_mtimes(out)
    assert len(before) == len(SAME_AS_LOCAL)
    units = find_units([str(SAMPLES / name) for name in SAME_AS_LOCAL])
    rerun = run_batch(units, BatchOptions(out_dir=out, quiet=True, engine="ray"))
    assert rerun.count("skipped") == len(SAME_AS_LOCAL) and rerun.exit_code == 0
    after = _report_mtimes(out)
    assert after == before


def test_a_killed_actor_costs_one_report(local_ray, tmp_path: Path, monkeypatch) -> None:
    sample = SAMPLES / "s01_jishishan_2021.pdf"
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.pdf", "die.pdf", "b.pdf"):
        shutil.copy(sample, inputs / name)
    monkeypatch.setenv(DIE_ON_ENV, "die.pdf")  # reaches the actors through their runtime_env
    out = tmp_path / "out"
    summary = run_batch(find_units([str(inputs)]), BatchOptions(out_dir=out, quiet=True,
                                                                engine="ray"))
    status = {Path(r.file).name: r.status for r in summary.results}
    assert status == {"a.pdf": "extracted", "b.pdf": "extracted", "die.pdf": "failed"}
    assert summary.exit_code == 1
    died = json.loads((out / "die.json").read_text(encoding="utf-8"))
    assert died["error"] == LOST_MESSAGE and died["fields"] == {}
    assert json.loads((out / "a.json").read_text(encoding="utf-8"))["fields"]
    assert not list(out.glob("*.tmp*")) and not list(out.glob(".*"))  # nothing half-written


def test_the_command_line_on_ray_with_a_broken_input(tmp_path: Path) -> None:
    """``govreport extract --engine ray`` starts its own Ray instance (none is running
    in the subprocess); a broken file gets its error output, the good one its values."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLES / "s02_jianshan_2023.pdf", inputs / "good.pdf")
    data = (SAMPLES / "s02_jianshan_2023.pdf").read_bytes()
    (inputs / "truncated.pdf").write_bytes(data[: len(data) // 3])
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    done = subprocess.run([sys.executable, "-m", "govreport", "extract", str(inputs), "-o",
                           str(out), "--engine", "ray"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["engine"], summary["extracted"], summary["failed"]) == ("ray", 1, 1)
    broken = json.loads((out / "truncated.json").read_text(encoding="utf-8"))
    assert "Traceback" not in broken["error"] and broken["fields"] == {}
    assert json.loads((out / "good.json").read_text(encoding="utf-8"))["fields"]
    assert "truncated.pdf" in done.stderr  # the closing lines name the failure


def test_without_ray_the_engine_says_how_to_install_it(tmp_path: Path) -> None:
    """Ray made unimportable in a fresh interpreter: the batch stops with the hint
    (exit 1); local mode never imports Ray at all."""
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(b"")
    script = (
        "import sys; sys.modules['ray'] = None\n"  # `import ray` now raises ImportError
        "from govreport.cli import main\n"
        f"code = main(['extract', {str(pdf)!r}, '-o', {str(tmp_path / 'o')!r}, '-q', "
        "'--engine', 'ray'])\n"
        "assert code == 1, code\n"
        "del sys.modules['ray']\n"
        f"main(['extract', {str(pdf)!r}, '-o', {str(tmp_path / 'l')!r}, '-q', '-j', '1'])\n"
        "assert 'ray' not in sys.modules, 'local mode imported Ray'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert INSTALL_HINT in done.stderr
