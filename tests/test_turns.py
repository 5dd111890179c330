"""The pipeline's thread helpers (govreport.turns), with real threads."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from govreport.turns import PixelBudget, Turns


def test_turns_run_in_number_order_whatever_the_start_order():
    turns, taken = Turns(), []
    with ThreadPoolExecutor(max_workers=4) as pool:
        # submitted backwards: each still waits for the ones before it
        futures = [pool.submit(turns.take, k, lambda k=k: taken.append(k) or k) for k in (3, 2, 1, 0)]
        assert [f.result(timeout=10) for f in futures] == [3, 2, 1, 0]
    assert taken == [0, 1, 2, 3]


def test_pixel_budget_keeps_large_pages_apart():
    budget, lock = PixelBudget(8e6), threading.Lock()
    held, most = [0.0], [0.0]

    def work(pixels: float) -> None:
        with budget.hold(pixels):
            with lock:
                held[0] += pixels
                most[0] = max(most[0], held[0])
            time.sleep(0.05)
            with lock:
                held[0] -= pixels

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(work, [8.7e6, 8.7e6, 3.9e6, 3.9e6, 3.9e6]))
    # a 300-dpi page (8.7 Mpx) alone; two 200-dpi pages (3.9 Mpx) together
    assert most[0] == 8.7e6
    assert held[0] == 0.0

    pairs = PixelBudget(8e6)
    together = threading.Barrier(2, timeout=5)  # two small pages must run at once

    def both(pixels: float) -> None:
        with pairs.hold(pixels):
            together.wait()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(both, [3.9e6, 3.9e6]))
