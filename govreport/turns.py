"""Threads that run side by side: numbered steps taken in order, and a shared pixel budget."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

__all__ = ["Turns", "PixelBudget"]

T = TypeVar("T")


class Turns:
    """Lets numbered callers run one step strictly in the order of their numbers.

    ``take(k, step)`` waits until the calls numbered 0..k-1 have taken their
    turn, runs ``step()`` alone and returns its result: pages are taken from
    the document in order, while their layouts are computed side by side.
    """

    def __init__(self) -> None:
        self._next = 0
        self._ready = threading.Condition()

    def take(self, number: int, step: Callable[[], T]) -> T:
        with self._ready:
            self._ready.wait_for(lambda: self._next == number)
            try:
                return step()
            finally:
                self._next += 1
                self._ready.notify_all()


class PixelBudget:
    """Work on pages side by side only while their pixels fit one budget.

    ``with budget.hold(pixels):`` waits until the pages held by other threads
    and this one fit in ``limit`` pixels together, then holds them until the
    block ends. A page larger than the whole budget waits until it is alone.
    Memory of a page's layout grows with its pixels: two 300-dpi pages at once
    cost twice what one does.
    """

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._held = 0.0
        self._free = threading.Condition()

    @contextmanager
    def hold(self, pixels: float) -> Iterator[None]:
        with self._free:
            self._free.wait_for(lambda: self._held == 0 or self._held + pixels <= self.limit)
            self._held += pixels
        try:
            yield
        finally:
            with self._free:
                self._held -= pixels
                self._free.notify_all()
