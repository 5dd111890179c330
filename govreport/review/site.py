"""``govreport review``: a static site for settling an extract's flagged values.

::

    OUT/review/index.html              every report of the batch, with its counts
    OUT/review/reports/<name>.html     one report: its pages, grids and boxes, the
                                       flagged values and the failed checks
    OUT/review/reports/<name>/p001.jpg its page images, re-rendered from the source
    OUT/review/static/review.{css,js}

No server and nothing from outside the folder: the pages open from disk. The
reviewer's decisions stay in the browser's local storage (one store per
site, named after the reports it was made from, so a site made again after
``apply-corrections`` starts empty) and are downloaded as ``corrections.json``
for :func:`govreport.review.apply_corrections`.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from models import Report

from ..atomic import write_atomic
from ..settings import Settings
from ..tables import batch_reports
from .images import SourceUnavailable, write_page_images

__all__ = ["SiteResult", "build_site"]

_HERE = Path(__file__).parent
_STATIC = ("review.css", "review.js")


@dataclass
class SiteResult:
    """What ``build_site`` wrote: the index, the report pages, and what went wrong."""

    index: Path
    reports: int = 0
    flagged: int = 0
    images: int = 0
    problems: list[str] = field(default_factory=list)  # "<name>: why" per report shown incomplete


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def _shown(value: Any) -> str:
    if value is None:
        return "blank"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _status(f: Any, in_failed_check: set[str], key: str) -> str:
    if f.corrected is not None:
        return "corrected"
    if f.review:
        return "flagged"
    return "check" if key in in_failed_check else "read"


def _report_view(report: Report) -> dict[str, Any]:
    """What the report page shows, in plain data: flags, failed checks, boxes per page."""
    failed = [c for c in report.checks if c.status == "failed"]
    in_failed = {k for c in failed for k in c.keys}
    flags = [
        {"key": k, "label": f.label, "raw": f.raw, "value_shown": _shown(f.value),
         "value_text": "" if f.value is None else _shown(f.value), "reasons": f.reasons,
         "page": f.page, "confidence": f.confidence}
        for k, f in report.fields.items() if f.review
    ]
    by_page: dict[int, list[dict[str, Any]]] = {}
    for k, f in report.fields.items():
        by_page.setdefault(f.page, []).append(
            {"key": k, "bbox": f.bbox, "status": _status(f, in_failed, k), "flagged": f.review,
             "value_shown": _shown(f.value)})
    pages = [{"number": p.number, "width": p.width, "height": p.height, "image": None,
              "tables": [t.cells for t in p.tables], "fields": by_page.get(p.number, [])}
             for p in report.pages]
    checks = [{"rule": c.rule, "keys": c.keys, "detail": c.detail.replace("!=", "≠")} for c in failed]
    return {"flags": flags, "failed_checks": checks, "pages": pages}


def _summary_row(name: str, file: str, report: Report | None, error: str | None) -> dict[str, Any]:
    fields = report.fields if report else {}
    return {
        "output": name, "file": file, "page": None, "images_problem": None,
        "agency": report.meta.agency if report else None,
        "year": report.meta.year if report else None,
        "pages": report.source.pages if report else 0,
        "fields": len(fields), "flagged": sum(f.review for f in fields.values()),
        "settled": sum(f.corrected is not None for f in fields.values()),
        "failed_checks": sum(c.status == "failed" for c in report.checks) if report else 0,
        "error": error,
    }


def build_site(out_dir: Path, site_dir: Path | None = None,
               settings: Settings | None = None) -> SiteResult:
    """Write the review site of the extract in ``out_dir`` to ``site_dir`` (default ``out_dir/review``).

    Every report of the batch gets a row in the index; a readable report
    gets its page (an error report only its row). A report whose source is
    gone or changed is shown without page images, and named in
    :attr:`SiteResult.problems`.
    """
    settings = settings or Settings()
    site_dir = Path(site_dir) if site_dir else out_dir / "review"
    (site_dir / "reports").mkdir(parents=True, exist_ok=True)
    (site_dir / "static").mkdir(exist_ok=True)
    for name in _STATIC:
        shutil.copyfile(_HERE / "static" / name, site_dir / "static" / name)
    env = _environment()
    refs = batch_reports(out_dir)
    texts: dict[str, bytes] = {}
    for ref in refs:
        try:
            texts[ref.output] = (out_dir / ref.output).read_bytes()
        except OSError:
            pass
    # one local store per set of reports: a site made after apply-corrections starts empty
    site_id = hashlib.sha256(b"".join(hashlib.sha256(t).digest() for t in texts.values())).hexdigest()[:16]
    storage_key = f"govreport-review:{site_id}"
    result = SiteResult(index=site_dir / "index.html")
    rows = []
    for ref in refs:
        report = None
        error = None
        if ref.output not in texts:
            error = "the output file is missing"
        else:
            try:
                report = Report.model_validate_json(texts[ref.output])
                error = report.error
            except ValueError as exc:
                error = f"the output is not a report ({str(exc).splitlines()[0]})"
        row = _summary_row(ref.output, ref.file, report, error)
        rows.append(row)
        if report is None or report.error is not None:
            continue
        stem = ref.output.removesuffix(".json")
        view = _report_view(report)
        images_problem = None
        try:
            images = write_page_images(report, site_dir / "reports", stem, settings.layout,
                                       settings.review)
        except SourceUnavailable as exc:
            images, images_problem = [], str(exc)
            result.problems.append(f"{ref.output}: {exc}")
        by_number = {im.number: im.file for im in images}
        for p in view["pages"]:
            p["image"] = by_number.get(p["number"])
        html = env.get_template("report.html.j2").render(
            root="../", r=row, images_problem=images_problem, **view,
            data={"output": ref.output, "storage_key": storage_key, "zoom": settings.review.zoom})
        write_atomic(site_dir / "reports" / f"{stem}.html", html.encode("utf-8"))
        row["page"] = f"reports/{stem}.html"
        row["images_problem"] = images_problem
        result.reports += 1
        result.flagged += len(view["flags"])
        result.images += len(images)
    totals = {"flagged": sum(r["flagged"] for r in rows),
              "failed_checks": sum(r["failed_checks"] for r in rows),
              "errors": sum(bool(r["error"]) for r in rows)}
    html = env.get_template("index.html.j2").render(
        root="", out_dir=str(out_dir), reports=rows, totals=totals,
        data={"output": None, "storage_key": storage_key, "zoom": settings.review.zoom})
    write_atomic(result.index, html.encode("utf-8"))
    return result
