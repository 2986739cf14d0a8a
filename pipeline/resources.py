"""Locate the sql/ and prompts/ folders, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name` ("sql" or "prompts"): the repository's copy first, else the wheel's."""
    for candidate in (_PACKAGE_DIR.parent / name, _PACKAGE_DIR / "_resources" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"WatchIt resource folder '{name}' is missing from the installation")


def sql_dir() -> Path:
    return resource_dir("sql")


def prompts_dir() -> Path:
    return resource_dir("prompts")
