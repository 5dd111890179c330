"""The batch's inputs: which files and folders are reports, and what each is named.

What is a report
----------------
- A file named on the command line (or matched by a glob) is one report,
  whatever its suffix (a wrong one gets an ``error`` output, not a crash).
- A folder is walked recursively (hidden entries skipped) for ``.pdf``,
  ``.png``, ``.jpg``, ``.jpeg``, ``.tif``, ``.tiff``. A folder whose supported
  files are *all images* is ONE report: the pages of one scan, in name order.
  Otherwise every PDF or image in it is its own report. To read a folder of
  images as separate one-page reports, pass the files (``scans/*.png``).

Naming: see :func:`name_units`.
"""
from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["PDF_SUFFIXES", "IMAGE_SUFFIXES", "InputsError", "Unit", "find_units", "name_units"]

PDF_SUFFIXES = frozenset({".pdf"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
SUPPORTED_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES
RESERVED_STEMS = frozenset({"summary", "dataset", "review"})
"""Stems of the batch's own outputs; a report with such a stem is renamed."""

NAME_HASH_HEX = 8


class InputsError(ValueError):
    """The command line names no usable input (exit code 2)."""


@dataclass(frozen=True)
class Unit:
    """One report to extract: a file, or a folder of page images.

    ``name`` is the output stem: the report goes to ``<out>/<name>.json``.
    """

    path: Path
    name: str

    @property
    def output_file(self) -> str:
        """The file name of this report's JSON in the output folder."""
        return f"{self.name}.json"


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk_folder(folder: Path, exclude: frozenset[Path] = frozenset()) -> list[Path]:
    """The reports in ``folder``: files, or folders that hold only page images.

    Hidden entries and the folders in ``exclude`` (resolved paths) are skipped.
    """
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d for d in dirs
            if not _is_hidden(d) and (Path(root) / d).resolve() not in exclude
        )
        supported = sorted(
            f for f in files
            if not _is_hidden(f) and Path(f).suffix.lower() in SUPPORTED_SUFFIXES
        )
        if not supported:
            continue
        if all(Path(f).suffix.lower() in IMAGE_SUFFIXES for f in supported):
            found.append(Path(root))
        else:
            found.extend(Path(root) / f for f in supported)
    return found


def _expand(argument: str, exclude: frozenset[Path]) -> list[Path]:
    """The reports one command-line argument stands for (see module docstring)."""
    path = Path(argument)
    if path.is_dir():
        return _walk_folder(path, exclude)
    if path.exists() or path.is_symlink():
        return [path]
    if glob.has_magic(argument):
        matches = [Path(m) for m in sorted(glob.glob(argument, recursive=True))]
        found: list[Path] = []
        for match in matches:
            if match.is_dir():
                found.extend(_walk_folder(match, exclude))
            elif match.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(match)
        return found
    raise InputsError(f"no such file or folder: {argument}")


def find_units(arguments: Sequence[str], exclude: Iterable[Path] = ()) -> list[Unit]:
    """Every report the arguments name, each once, with its output name.

    Order: the arguments' order, each folder walked in name order. Folders in
    ``exclude`` (the output and debug folders) are not walked, so that a
    second run does not read the first one's debug images as reports.

    Raises
    ------
    InputsError : an argument names nothing that exists, or nothing was found.
    """
    skip = frozenset(Path(p).resolve() for p in exclude)
    seen: set[Path] = set()
    paths: list[Path] = []
    for argument in arguments:
        for path in _expand(argument, skip):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                paths.append(path)
    if not paths:
        raise InputsError(
            "no inputs found: give PDF or image files, folders holding them, or globs "
            f"({', '.join(sorted(SUPPORTED_SUFFIXES))})"
        )
    return name_units(paths)


def _stem(path: Path) -> str:
    return path.name if path.is_dir() else path.stem


def _path_hash(path: Path) -> str:
    return hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:NAME_HASH_HEX]


def name_units(paths: Sequence[Path]) -> list[Unit]:
    """Give each report a distinct output stem (rule in the module docstring)."""
    stems = [_stem(p) for p in paths]
    counts: dict[str, int] = {}
    for stem in stems:
        counts[stem.casefold()] = counts.get(stem.casefold(), 0) + 1
    clashing = [
        counts[s.casefold()] > 1 or s.casefold() in RESERVED_STEMS or not s for s in stems
    ]
    names = [
        f"{p.resolve().parent.name}__{s}" if clash else s
        for p, s, clash in zip(paths, stems, clashing)
    ]
    counts = {}
    for name in names:
        counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
    names = [
        f"{s}-{_path_hash(p)}" if counts[n.casefold()] > 1 else n
        for p, s, n in zip(paths, stems, names)
    ]
    return [Unit(path=p, name=n) for p, n in zip(paths, names)]
