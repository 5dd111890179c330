"""Numbered steps taken strictly in order by threads that run side by side."""
from __future__ import annotations

import threading
from typing import Callable, TypeVar

__all__ = ["Turns"]

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
