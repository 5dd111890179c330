"""The review loop: see every flagged value on its page, settle it, write it back.

::

    from govreport.review import build_site, apply_corrections
    build_site(Path("out"))                       # out/review/index.html
    apply_corrections(Path("out"), Path("corrections.json"))

``govreport review`` and ``govreport apply-corrections`` are these two.
"""
from .corrections import AppliedReport, CorrectionsError, Decision, apply_corrections, read_corrections, settle
from ..settings import ReviewSettings
from .site import SiteResult, build_site

__all__ = [
    "AppliedReport",
    "CorrectionsError",
    "Decision",
    "ReviewSettings",
    "SiteResult",
    "apply_corrections",
    "build_site",
    "read_corrections",
    "settle",
]
