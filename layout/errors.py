"""Errors of the layout stage."""
from __future__ import annotations

__all__ = ["InputError"]


class InputError(Exception):
    """The input cannot be read as a report; ``str(err)`` tells the user why.

    Parameters
    ----------
    message : str
        What is wrong, in words a user understands ("the PDF is encrypted").
    path : str, optional
        The offending file, added to the message.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)
