"""Run watchit commands in the cluster tests and insist they succeed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app


def invoke_ok(runner: CliRunner, path: Path, *args: str, input: str | None = None) -> str:
    result = runner.invoke(app, ["--warehouse", str(path), *args], input=input)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout
