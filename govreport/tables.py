"""The tables written beside the reports: ``dataset.csv`` and ``review.csv``.

``dataset.csv`` has one row per report of the batch (its file, output, error,
pages, meta, how many fields are flagged and checks failed) and one column
per canonical key; ``review.csv`` one row per flagged field, with its page
and box. Both are UTF-8 with a BOM (Excel shows the Chinese text), rebuilt
from the reports' JSON by ``extract`` and ``apply-corrections``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from .atomic import write_atomic

__all__ = [
    "DATASET_FILE",
    "REVIEW_FILE",
    "ReportRef",
    "batch_reports",
    "canonical_keys",
    "iter_outputs",
    "read_csv",
    "write_tables",
]

DATASET_FILE = "dataset.csv"
REVIEW_FILE = "review.csv"


@dataclass(frozen=True)
class ReportRef:
    """One report of a batch: its input as named (``file``) and its output file name in OUT."""

    file: str
    output: str


def iter_outputs(refs: Iterable[ReportRef], out_dir: Path) -> Iterable[tuple[ReportRef, dict[str, Any]]]:
    """Each report with its output JSON as a dict, one at a time (missing ones left out)."""
    for ref in refs:
        try:
            yield ref, json.loads((out_dir / ref.output).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue


CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a BOM, so that Excel shows the Chinese text; pandas reads it as is."""

DATASET_INFO_COLUMNS = ("file", "output", "error", "pages", "agency", "year",
                        "template_proactive", "template_applications", "review_fields",
                        "failed_checks")
REVIEW_COLUMNS = ("file", "output", "key", "value", "raw", "page", "x0", "y0", "x1", "y1",
                  "confidence", "label", "reasons")


def canonical_keys(outputs: Iterable[dict[str, Any]]) -> list[str]:
    """Dataset columns: the canonical keys of ``models.schema`` when it lists
    them, followed by any other key the reports hold, sorted."""
    try:
        from models.schema import all_keys  # type: ignore[attr-defined]

        keys = list(all_keys())
    except (ImportError, AttributeError, TypeError):
        keys = []
    known = set(keys)
    extra: set[str] = set()
    for data in outputs:
        extra.update(k for k in (data.get("fields") or {}) if k not in known)
    return keys + sorted(extra)


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV text (RFC 4180 quoting, ``\\r\\n`` rows) encoded for Excel and pandas."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(CSV_ENCODING)


def _cell(value: Any) -> Any:
    """A CSV cell: empty for None, the value otherwise."""
    return "" if value is None else value


def _dataset_row(ref: ReportRef, data: dict[str, Any], keys: Sequence[str]) -> list[Any]:
    meta = data.get("meta") or {}
    template = meta.get("template") or {}
    fields = data.get("fields") or {}
    info = [
        ref.file, ref.output, data.get("error"),
        (data.get("source") or {}).get("pages"), meta.get("agency"), meta.get("year"),
        template.get("proactive"), template.get("applications"),
        sum(bool(f.get("review")) for f in fields.values()),
        sum(c.get("status") == "failed" for c in data.get("checks") or []),
    ]
    values = [(fields.get(k) or {}).get("value") for k in keys]
    return [_cell(v) for v in info + values]


def _review_rows(ref: ReportRef, data: dict[str, Any]) -> Iterable[list[Any]]:
    for key, f in (data.get("fields") or {}).items():
        if not f.get("review"):
            continue
        x0, y0, x1, y1 = (list(f.get("bbox") or []) + [None] * 4)[:4]
        yield [_cell(v) for v in (
            ref.file, ref.output, key, f.get("value"), f.get("raw"), f.get("page"),
            x0, y0, x1, y1, f.get("confidence"), f.get("label"),
            "; ".join(f.get("reasons") or []),
        )]


def write_tables(refs: Sequence[ReportRef], out_dir: Path) -> None:
    """Write ``dataset.csv`` and ``review.csv`` (atomically) for these reports.

    The reports are read back from ``out_dir`` one at a time, so skipped
    (earlier) reports are in the tables too and memory stays flat.
    """
    keys = canonical_keys(data for _, data in iter_outputs(refs, out_dir))
    write_atomic(out_dir / DATASET_FILE, _csv_bytes(
        [*DATASET_INFO_COLUMNS, *keys],
        (_dataset_row(r, d, keys) for r, d in iter_outputs(refs, out_dir)),
    ))
    write_atomic(out_dir / REVIEW_FILE, _csv_bytes(
        REVIEW_COLUMNS,
        (row for r, d in iter_outputs(refs, out_dir) for row in _review_rows(r, d)),
    ))


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV written here (``dataset.csv``, ``review.csv``), as dicts."""
    import csv
    import io

    return list(csv.DictReader(io.StringIO(path.read_text(encoding=CSV_ENCODING))))


def batch_reports(out_dir: Path) -> list[ReportRef]:
    """The reports of the last batch written to ``out_dir``, in its order.

    Read from ``dataset.csv`` (one row per report of the batch); when there
    is none, every ``*.json`` in ``out_dir`` that holds a report (a ``source``
    member), by name, its input taken from ``source.path``.
    """
    dataset = out_dir / DATASET_FILE
    if dataset.is_file():
        return [ReportRef(file=row["file"], output=row["output"]) for row in read_csv(dataset)]
    refs = []
    for path in sorted(out_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("source"), dict):
            refs.append(ReportRef(file=str(data["source"].get("path", "")), output=path.name))
    return refs
