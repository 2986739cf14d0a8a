"""Issue 2: a load killed with SIGKILL, or blocked by another process, never damages the warehouse."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from movielens_files import write_movielens_dir
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.synthetic import generate_movielens

WATCHIT = [sys.executable, "-m", "pipeline.cli"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def previous_warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    result = CliRunner().invoke(
        app,
        [
            "--warehouse",
            str(path),
            "load",
            "--data-dir",
            str(write_movielens_dir(tmp_path / "good")),
        ],
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def big_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large enough that a load takes a noticeable time, so it can be killed half-way."""
    return generate_movielens(tmp_path_factory.mktemp("big") / "ml-1m", 2_000, 1_500, 400_000)


def count_ratings(warehouse: Path) -> str:
    result = CliRunner().invoke(
        app,
        [
            "--warehouse",
            str(warehouse),
            "sql",
            "select count(*) as n from staging.stg_ratings",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("delay_after_tmp_appears", [0.0, 0.4])
def test_kill_9_during_load_leaves_the_previous_warehouse_identical(
    previous_warehouse: Path, big_dataset: Path, delay_after_tmp_appears: float
) -> None:
    before = digest(previous_warehouse)
    tmp_file = previous_warehouse.with_name(previous_warehouse.name + ".tmp")
    load = subprocess.Popen(
        [*WATCHIT, "--warehouse", str(previous_warehouse), "load", "--data-dir", str(big_dataset)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not tmp_file.exists() and load.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(delay_after_tmp_appears)
    os.kill(load.pid, signal.SIGKILL)
    load.wait(timeout=30)
    assert load.returncode == -signal.SIGKILL, "the load finished before it could be killed"

    assert digest(previous_warehouse) == before
    assert count_ratings(previous_warehouse) == "n\n10\n"
    # The next load cleans up the killed one's temporary file and succeeds.
    rerun = CliRunner().invoke(
        app, ["--warehouse", str(previous_warehouse), "load", "--data-dir", str(big_dataset)]
    )
    assert rerun.exit_code == 0, rerun.output
    assert count_ratings(previous_warehouse) == "n\n400000\n"
    assert not tmp_file.exists()


def test_warehouse_held_open_by_another_process_gives_a_clear_error(
    previous_warehouse: Path, tmp_path: Path
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "con.execute('create table main.held as select 1 as x')\n"
            "print('ready', flush=True)\n"
            "time.sleep(120)\n",
            str(previous_warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        expected = (
            f"Error: {previous_warehouse} is open in another program (PID {holder.pid}). "
            "Close it (a BI tool?) and retry.\n"
        )
        for args in (
            ["load", "--data-dir", str(write_movielens_dir(tmp_path / "new"))],
            ["sql", "select 1"],
        ):
            # In this process; the holder is the other one.
            result = CliRunner().invoke(app, ["--warehouse", str(previous_warehouse), *args])
            assert result.exit_code == 1
            assert result.stderr == expected
        assert not previous_warehouse.with_name(previous_warehouse.name + ".tmp").exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert count_ratings(previous_warehouse) == "n\n10\n"
