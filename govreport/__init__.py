"""govreport: scanned 政府信息公开工作年度报告 in, checked structured JSON out.

    >>> import govreport
    >>> report = govreport.extract("scans/jishishan-2021.pdf")
    >>> report.fields["applications.new.total"].value
"""
from models import Report

from .pipeline import Pipeline, extract
from .settings import Settings

__version__ = "0.1.0"
__all__ = ["extract", "Pipeline", "Settings", "Report", "__version__"]
