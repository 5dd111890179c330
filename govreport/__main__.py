"""``python -m govreport``: the same as the ``govreport`` command."""
import sys

from .cli import main

sys.exit(main())
