"""The README documents every command, and every command documents itself."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from pipeline.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_and_an_example() -> None:
    for name, command in _commands().items():
        help_text = command.help or ""  # type: ignore[attr-defined]
        assert help_text.strip(), f"watchit {name} has no help text"
        assert "Example:" in help_text, f"watchit {name} help has no Example: line"
        for parameter in command.params:  # type: ignore[attr-defined]
            if parameter.name in {"help"}:
                continue
            assert getattr(parameter, "help", None), f"watchit {name} {parameter.name} has no help"


def test_every_command_appears_in_the_readme() -> None:
    missing = [name for name in _commands() if f"watchit {name}" not in README]
    assert not missing, f"README does not mention: {missing}"


def test_readme_setup_shows_exactly_two_commands() -> None:
    setup = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(just \w+)\s*$", setup, flags=re.MULTILINE)
    assert commands == ["just demo", "just test"]
