"""Pairs files are read strictly; outputs appear whole or not at all."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline import batch_files
from pipeline.errors import InvalidInput, MalformedDataLine


def test_pairs_keep_order_duplicates_extra_columns_and_skip_blank_lines(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("note,movie_id,user_id\nx,5,1\n\ny,5,1\nz,7,2\n", encoding="utf-8")
    frame = batch_files.read_pairs(pairs)
    assert frame.to_dicts() == [
        {"user_id": 1, "movie_id": 5},
        {"user_id": 1, "movie_id": 5},
        {"user_id": 2, "movie_id": 7},
    ]
    assert frame.schema == {"user_id": pl.Int32, "movie_id": pl.Int32}


def test_non_ascii_digits_and_huge_ids_are_rejected(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("user_id,movie_id\n1,²\n", encoding="utf-8")
    with pytest.raises(MalformedDataLine, match="line 2: movie_id"):
        batch_files.read_pairs(pairs)
    pairs.write_text("user_id,movie_id\n99999999999,1\n", encoding="utf-8")
    with pytest.raises(MalformedDataLine, match="line 2: user_id"):
        batch_files.read_pairs(pairs)


def test_failed_write_leaves_neither_file_nor_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    nested = pl.DataFrame({"user_id": [1], "movies": [[1, 2]]})  # CSV cannot hold a list
    with pytest.raises(pl.exceptions.ComputeError):
        batch_files.write_frame(nested, target)
    assert not target.exists()
    assert not (tmp_path / "out.csv.tmp").exists()


def test_existing_output_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    batch_files.write_frame(pl.DataFrame({"a": [1, 2, 3]}), target)
    batch_files.write_frame(pl.DataFrame({"a": [4]}), target)
    assert pl.read_parquet(target)["a"].to_list() == [4]


def test_output_needs_a_known_extension_and_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"end the name with \.csv or \.parquet"):
        batch_files.check_output_path(tmp_path / "out.json")
    with pytest.raises(Exception, match="does not exist"):
        batch_files.check_output_path(tmp_path / "missing" / "out.csv")
