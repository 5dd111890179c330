"""``govreport apply-corrections``: a reviewer's decisions written into the reports.

The review site offers the decisions as ``corrections.json``::

    {"<name>.json": {"<key>": {"value": 12, "action": "correct"},
                     "<key>": {"value": 3, "action": "accept"}}}

``accept`` says the value read is right (``value`` must be that value);
``correct`` sets the value typed (``null``: the cell is blank). Each settled
field gets ``review: false`` and a ``corrected`` member keeping the value
read, the action and the reasons it was flagged; the consistency rules are
run again on the settled values, and the fields they flag are recomputed (a
settled field is never flagged again, even when a rule it belongs to still
fails: the failed check stays in ``checks``, a finding about the document).

Every decision is checked before anything is written: an unknown report or
key, a value that is not a number or null, an ``accept`` of another value
than the one read: each is named in one :class:`CorrectionsError` and no file
changes. The reports are then written one by one, atomically, and
``dataset.csv`` and ``review.csv`` rebuilt; applying the same file again
changes nothing, so a run cut short is finished by running it again.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from models import Correction, FieldValue, Report, failed_reason, keys_to_review, run_checks

from ..atomic import write_atomic
from ..tables import batch_reports, write_tables

__all__ = ["ACTIONS", "CorrectionsError", "Decision", "AppliedReport", "read_corrections",
           "settle", "apply_corrections"]

ACTIONS = ("accept", "correct")

Number = int | float


class CorrectionsError(ValueError):
    """The corrections cannot be applied; the message names every problem, one per line."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one field."""

    value: Number | None
    action: str  # one of ACTIONS


@dataclass(frozen=True)
class AppliedReport:
    """What applying did to one report."""

    output: str
    settled: int          # decisions written
    still_flagged: int    # fields with review: true after
    failed_checks: int    # checks failed after the rules ran again


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def parse_corrections(data: Any) -> dict[str, dict[str, Decision]]:
    """Decisions by report output name and key, from the parsed ``corrections.json``.

    Raises :class:`CorrectionsError` naming every malformed entry.
    """
    if not isinstance(data, dict):
        raise CorrectionsError(["corrections: the file must hold an object of reports "
                                '{"<name>.json": {"<key>": {"value": …, "action": …}}}'])
    problems: list[str] = []
    out: dict[str, dict[str, Decision]] = {}
    for name, entries in data.items():
        if not isinstance(entries, dict):
            problems.append(f"{name}: must be an object of keys")
            continue
        for key, entry in entries.items():
            where = f"{name}: {key}"
            if not isinstance(entry, dict) or set(entry) - {"value", "action"} or "action" not in entry \
                    or "value" not in entry:
                problems.append(f'{where}: must be {{"value": <number or null>, "action": '
                                f'"accept" or "correct"}}, not {json.dumps(entry, ensure_ascii=False)}')
                continue
            value, action = entry["value"], entry["action"]
            if action not in ACTIONS:
                problems.append(f"{where}: action must be \"accept\" or \"correct\", not "
                                f"{json.dumps(action, ensure_ascii=False)}")
            if value is not None and not _is_number(value):
                problems.append(f"{where}: value must be a number or null, not "
                                f"{json.dumps(value, ensure_ascii=False)}")
            if action in ACTIONS and (value is None or _is_number(value)):
                out.setdefault(name, {})[key] = Decision(value=value, action=action)
    if problems:
        raise CorrectionsError(problems)
    return out


def read_corrections(path: Path) -> dict[str, dict[str, Decision]]:
    """:func:`parse_corrections` of a file; an unreadable file is a :class:`CorrectionsError`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorrectionsError([f"{path}: cannot be read ({exc.strerror or exc})"]) from None
    except ValueError as exc:
        raise CorrectionsError([f"{path}: not JSON ({exc})"]) from None
    return parse_corrections(data)


def _same(a: Number | None, b: Number | None) -> bool:
    return a is None and b is None or (a is not None and b is not None and abs(a - b) < 1e-9)


def _settled_field(f: FieldValue, decision: Decision) -> FieldValue:
    """``f`` settled by ``decision`` (a field settled before keeps its value read)."""
    before = f.corrected
    action = decision.action
    if before is not None and action == "accept":
        action = before.action  # accepting a typed value keeps it typed
    corrected = Correction(
        from_=before.from_ if before else f.value,
        action=action,
        reasons=list(before.reasons) if before else list(f.reasons),
    )
    return f.model_copy(update={"value": decision.value, "review": False, "reasons": [],
                                "corrected": corrected})


def settle(report: Report, decisions: Mapping[str, Decision], name: str = "") -> Report:
    """``report`` with ``decisions`` applied and its consistency rules run again.

    Raises :class:`CorrectionsError` for a key the report does not hold, an
    ``accept`` whose value is not the value read, or a report without fields.
    """
    where = name or report.source.path
    problems = []
    if report.error is not None:
        problems.append(f"{where}: the report has no fields (it could not be read: {report.error})")
    for key, decision in decisions.items():
        f = report.fields.get(key)
        if f is None:
            if report.error is None:
                problems.append(f"{where}: no field {key} in this report")
        elif decision.action == "accept" and not _same(decision.value, f.value):
            problems.append(f"{where}: {key}: accept of {decision.value} but the value is {f.value} "
                            "(use \"correct\" to change it)")
    if problems:
        raise CorrectionsError(problems)

    fields = {k: _settled_field(f, decisions[k]) if k in decisions else f
              for k, f in report.fields.items()}
    values = {k: f.value for k, f in fields.items()}
    settled = {k for k, f in fields.items() if f.corrected is not None}
    checks = run_checks(values, report.meta.template)
    by_rules = keys_to_review(checks, values, settled)
    old_rule_reasons = {failed_reason(c) for c in report.checks if c.status == "failed"}
    for k, f in fields.items():
        if k in settled:
            continue
        own = [r for r in f.reasons if r not in old_rule_reasons]
        reasons = own + [r for r in by_rules.get(k, ()) if r not in own]
        flagged_without_reason = f.review and not f.reasons
        fields[k] = f.model_copy(update={"reasons": reasons,
                                         "review": bool(reasons) or flagged_without_reason})
    return report.model_copy(update={"fields": fields, "checks": checks})


def _load_report(path: Path) -> Report:
    return Report.model_validate_json(path.read_text(encoding="utf-8"))


def apply_corrections(out_dir: Path, corrections: Path | Mapping[str, Any]) -> list[AppliedReport]:
    """Apply ``corrections`` (a file, or its parsed content) to the reports in ``out_dir``.

    Returns what was done per report. Raises :class:`CorrectionsError` before
    writing anything when any decision cannot be applied.
    """
    decisions = (read_corrections(corrections) if isinstance(corrections, (str, Path))
                 else parse_corrections(corrections))
    refs = batch_reports(out_dir)
    known = {r.output for r in refs}
    problems: list[str] = []
    updated: list[tuple[str, Report, int]] = []
    for name, by_key in decisions.items():
        path = out_dir / name
        if name not in known and not (Path(name).name == name and name.endswith(".json")
                                      and path.is_file()):
            problems.append(f"{name}: no such report in {out_dir}")
            continue
        try:
            report = _load_report(path)
        except (OSError, ValueError) as exc:
            problems.append(f"{name}: the report cannot be read ({str(exc).splitlines()[0]})")
            continue
        try:
            updated.append((name, settle(report, by_key, name), len(by_key)))
        except CorrectionsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CorrectionsError(problems)
    done = []
    for name, report, count in updated:
        write_atomic(out_dir / name, report.to_json().encode("utf-8"))
        done.append(AppliedReport(
            output=name, settled=count,
            still_flagged=sum(f.review for f in report.fields.values()),
            failed_checks=sum(c.status == "failed" for c in report.checks)))
    write_tables(refs, out_dir)
    return done
