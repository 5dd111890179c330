"""The batch worker's heap: freed page-sized blocks are reused (glibc mallopt)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


_FAULTS = """
import resource, sys, threading
import numpy as np
from govreport.worker import return_freed_memory, reuse_freed_heap
if sys.argv[1] == "reuse":
    assert reuse_freed_heap(32)

def lay_out():  # a page's masks, held together, then freed, in a layout thread
    masks = [np.ones(mb * 2**20, np.uint8) for mb in (26, 9, 9, 17, 9, 9, 26)]
    del masks

def page():
    t = threading.Thread(target=lay_out)
    t.start()
    t.join()

page()  # the first page: the heap grows once
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    page()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

def resident_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20

held = resident_mb()
return_freed_memory()  # after each report
print(faults, held - resident_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_reused_heap_serves_page_sized_blocks_without_page_faults():
    """With heap_reuse the blocks a layout thread frees (a 300-dpi mask is
    8.7 MB, its BGR page 26 MB) are served again from the heap, page after
    page; without, they come from fresh mappings whose every 4 KB page
    faults in. The heap kept goes back to the system when the report ends."""
    faults, returned = {}, {}
    for mode in ("reuse", "default"):
        run = subprocess.run([sys.executable, "-c", _FAULTS, mode], cwd=ROOT, check=True,
                             capture_output=True, text=True)
        faults[mode], returned[mode] = (float(v) for v in run.stdout.split())
    assert faults["default"] > 10 * 1000, faults  # ten pages, each re-faulting its masks
    assert faults["reuse"] < 10 * 100, faults
    # the heap kept for reuse still goes back to the system after each report
    assert returned["reuse"] > 80, returned
