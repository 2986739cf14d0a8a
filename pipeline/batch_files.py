"""Files of batch scoring: read a pairs CSV strictly, write result frames atomically.

A pairs file is CSV with the header `user_id,movie_id` (more columns are ignored) and whole,
positive ids; the first bad line is reported as `<file> line N: <problem>`. Outputs are
written to `<name>.tmp` and renamed, so a crash never leaves half a file under the real name.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import polars as pl

from pipeline.errors import DataFileNotFound, InvalidInput, MalformedDataLine

PAIR_COLUMNS = ("user_id", "movie_id")
OUTPUT_SUFFIXES = (".csv", ".parquet")


def read_pairs(path: Path) -> pl.DataFrame:
    """user_id, movie_id (Int32) from a CSV file, in file order; duplicates are kept."""
    path = Path(path)
    if not path.is_file():
        raise DataFileNotFound(f"{path} not found.", hint="pass a CSV file with user_id,movie_id.")
    users: list[int] = []
    movies: list[int] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise MalformedDataLine(f"{path} is empty; expected the header user_id,movie_id.")
        names = [name.strip().lower() for name in header]
        missing = [name for name in PAIR_COLUMNS if name not in names]
        if missing:
            raise MalformedDataLine(
                f"{path} line 1: header {','.join(header)!r} lacks {', '.join(missing)}.",
                hint="the first line must be user_id,movie_id.",
            )
        positions = [names.index(name) for name in PAIR_COLUMNS]
        for line_number, row in enumerate(reader, start=2):
            if not any(field.strip() for field in row):
                continue  # blank lines carry no pair
            values = []
            for name, position in zip(PAIR_COLUMNS, positions, strict=True):
                raw = row[position].strip() if position < len(row) else ""
                if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or int(raw) > 2**31 - 1:
                    raise MalformedDataLine(
                        f"{path} line {line_number}: {name} must be a whole number >= 1, "
                        f"got {raw!r}: {','.join(row)!r}"
                    )
                values.append(int(raw))
            users.append(values[0])
            movies.append(values[1])
    return pl.DataFrame(
        {"user_id": users, "movie_id": movies}, schema=dict.fromkeys(PAIR_COLUMNS, pl.Int32)
    )


def check_output_path(path: Path) -> Path:
    """Fail before any work when the output's format or folder is wrong."""
    path = Path(path)
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InvalidInput(
            f"cannot tell the format of {path} from its extension.",
            hint=f"end the name with {' or '.join(OUTPUT_SUFFIXES)}.",
        )
    if not path.parent.is_dir():
        raise DataFileNotFound(f"folder {path.parent} does not exist.")
    return path


def write_frame(frame: pl.DataFrame, path: Path) -> None:
    """Write CSV or Parquet (by extension) to a temporary name, then rename it into place."""
    path = check_output_path(path)
    tmp_path = path.with_name(path.name + ".tmp")
    try:
        if path.suffix.lower() == ".parquet":
            frame.write_parquet(tmp_path)
        else:
            frame.write_csv(tmp_path)
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)
