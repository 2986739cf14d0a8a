"""A spinner on stderr that also logs each step, for the long-running commands."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console


@contextlib.contextmanager
def step_progress(console: Console, title: str) -> Iterator[Callable[[str], None]]:
    """Show `title...`; the yielded function names the current step and logs it."""
    with console.status(f"{title}...") as status:

        def report(message: str) -> None:
            status.update(f"{message}...")
            console.log(message)

        yield report
