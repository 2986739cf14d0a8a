"""Load MovieLens files (ML-1M `.dat` layout or ML-100K `u.*` layout) into the raw tables.

DuckDB reads each file as numbered lines; every rule is checked in SQL before any row reaches a
raw table, and the first offending line is reported as `<file> line N: <problem>: "<line>"`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.errors import DataFileNotFound, MalformedDataLine

log = logging.getLogger(__name__)

ML1M_AGE_CODES = (1, 18, 25, 35, 45, 50, 56)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # "int" or "text"
    check: str | None = None  # SQL predicate on the typed column, e.g. "rating between 1 and 5"
    problem: str | None = None  # what a failing check means, for the message


@dataclass(frozen=True)
class FileSpec:
    file_name: str
    table: str
    separator: str
    columns: tuple[Column, ...]
    encoding: str = "latin-1"
    unique_key: tuple[str, ...] = ()
    # The last field of u.item is spread over 19 flag columns; they are rejoined into one.
    trailing_flags: int = 0


RATINGS_COLUMNS = (
    Column("user_id", "int"),
    Column("movie_id", "int"),
    Column("rating", "int", "rating between 1 and 5", "rating outside 1..5"),
    Column("rated_at_epoch", "int", "rated_at_epoch >= 0", "negative timestamp"),
)

LAYOUTS: dict[str, tuple[FileSpec, ...]] = {
    "ml-1m": (
        FileSpec(
            "users.dat",
            "raw.users_ml1m",
            "::",
            (
                Column("user_id", "int"),
                Column("gender", "text", "gender in ('M', 'F')", "gender is not M or F"),
                Column(
                    "age_code",
                    "int",
                    f"age_code in {ML1M_AGE_CODES}",
                    f"age code not one of {', '.join(map(str, ML1M_AGE_CODES))}",
                ),
                Column(
                    "occupation_code",
                    "int",
                    "occupation_code between 0 and 20",
                    "occupation code outside 0..20",
                ),
                Column("zip_code"),
            ),
            unique_key=("user_id",),
        ),
        FileSpec(
            "movies.dat",
            "raw.movies_ml1m",
            "::",
            (Column("movie_id", "int"), Column("title"), Column("genres")),
            unique_key=("movie_id",),
        ),
        FileSpec(
            "ratings.dat", "raw.ratings", "::", RATINGS_COLUMNS, unique_key=("user_id", "movie_id")
        ),
    ),
    "ml-100k": (
        FileSpec("u.occupation", "raw.occupations_ml100k", "\x1f", (Column("occupation"),)),
        FileSpec(
            "u.genre",
            "raw.genres_ml100k",
            "|",
            (Column("genre"), Column("genre_index", "int")),
            unique_key=("genre_index",),
        ),
        FileSpec(
            "u.user",
            "raw.users_ml100k",
            "|",
            (
                Column("user_id", "int"),
                Column("age", "int", "age between 1 and 120", "age outside 1..120"),
                Column("gender", "text", "gender in ('M', 'F')", "gender is not M or F"),
                Column(
                    "occupation",
                    "text",
                    "occupation in (select occupation from raw.occupations_ml100k)",
                    "occupation not listed in u.occupation",
                ),
                Column("zip_code"),
            ),
            unique_key=("user_id",),
        ),
        FileSpec(
            "u.item",
            "raw.movies_ml100k",
            "|",
            (
                Column("movie_id", "int"),
                Column("title"),
                Column("release_date"),
                Column("video_release_date"),
                Column("imdb_url"),
                Column("genre_flags"),
            ),
            unique_key=("movie_id",),
            trailing_flags=19,
        ),
        FileSpec(
            "u.data", "raw.ratings", "\t", RATINGS_COLUMNS, unique_key=("user_id", "movie_id")
        ),
    ),
}


@dataclass(frozen=True)
class LoadSummary:
    layout: str
    source_dir: Path
    count_ratings: int
    count_users: int
    count_movies: int
    checksums: dict[str, str]


def detect_layout(data_dir: Path) -> str:
    """ml-1m if the folder has ratings.dat or movies.dat, ml-100k if it has u.data or u.item."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataFileNotFound(
            f"{data_dir} is not a folder.",
            hint="run `watchit download` or pass --data-dir with the unzipped MovieLens folder.",
        )
    if (data_dir / "ratings.dat").exists() or (data_dir / "movies.dat").exists():
        return "ml-1m"
    if (data_dir / "u.data").exists() or (data_dir / "u.item").exists():
        return "ml-100k"
    raise DataFileNotFound(
        f"{data_dir} holds neither MovieLens 1M files (ratings.dat, users.dat, movies.dat) "
        "nor MovieLens 100K files (u.data, u.user, u.item).",
        hint="unzip ml-1m.zip there, or run `watchit download`.",
    )


def load_dataset(con: duckdb.DuckDBPyConnection, data_dir: Path) -> LoadSummary:
    """Validate and load every file of the folder's layout into the (empty) raw tables."""
    data_dir = Path(data_dir)
    layout = detect_layout(data_dir)
    specs = LAYOUTS[layout]
    missing = [spec.file_name for spec in specs if not (data_dir / spec.file_name).is_file()]
    if missing:
        raise DataFileNotFound(
            f"{data_dir / missing[0]} not found"
            + (f" (also missing: {', '.join(missing[1:])})" if missing[1:] else "")
            + ".",
            hint=f"unzip the {layout} archive into {data_dir} or pass --data-dir.",
        )
    checksums = {}
    for spec in specs:
        path = data_dir / spec.file_name
        log.info("loading %s", path)
        checksums[spec.file_name] = _sha256(path)
        _load_file(con, path, spec, _encoding_of(path, spec))
    _check_references(con, data_dir, layout)
    count_ratings, count_users, count_movies = _counts(con)
    return LoadSummary(layout, data_dir, count_ratings, count_users, count_movies, checksums)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _encoding_of(path: Path, spec: FileSpec) -> str:
    """MovieLens files are latin-1. Reject UTF-16 and binary files, and UTF-8 re-encodings."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        # UTF-16 has a byte-order mark or NULs from the start; a stray NUL is on its own line.
        line_number = head[: max(head.find(b"\x00"), 0)].count(b"\n") + 1
        raise MalformedDataLine(
            f"{path} line {line_number}: not a latin-1 text file (NUL bytes; UTF-16 or binary?).",
            hint="MovieLens files are plain latin-1 text; re-download the archive.",
        )
    if path.stat().st_size > 50_000_000:
        return spec.encoding  # rating files are ASCII digits; a sample check is enough
    data = path.read_bytes()
    if not data.isascii():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return spec.encoding  # not UTF-8, so genuinely latin-1
        line_number = next(i for i, line in enumerate(text.splitlines(), 1) if not line.isascii())
        raise MalformedDataLine(
            f"{path} line {line_number}: text is UTF-8 encoded, but MovieLens files are latin-1.",
            hint="convert it back with `iconv -f utf-8 -t latin1` or re-download the archive.",
        )
    return spec.encoding


# Every line of a file with its 1-based number, read as one text column (no CSV parsing).
_NUMBERED_LINES = (
    "select row_number() over () as line_number, line "
    "from read_csv($path, columns = {'line': 'VARCHAR'}, delim = chr(31), quote = '', "
    "    escape = '', header = false, auto_detect = false, encoding = $encoding)"
)


def _fail(path: Path, line_number: int, problem: str, line: str | None, more: int) -> None:
    shown = (line or "")[:120]
    extra = f" ({more} more bad line{'s' if more != 1 else ''} after it)" if more else ""
    raise MalformedDataLine(f'{path} line {line_number}: {problem}: "{shown}"{extra}')


def _load_file(con: duckdb.DuckDBPyConnection, path: Path, spec: FileSpec, encoding: str) -> None:
    field_count = len(spec.columns) + max(spec.trailing_flags - 1, 0)
    typed = []
    for index, column in enumerate(spec.columns, start=1):
        if column.name == "genre_flags" and spec.trailing_flags:
            expression = f"array_to_string(fields[{index}:{index + spec.trailing_flags - 1}], '|')"
        elif column.kind == "int":
            # Plain digits only: DuckDB's cast alone turns "4.5" into 5 and "1e3" into 1000.
            expression = (
                f"case when regexp_full_match(fields[{index}], ' *[+-]?[0-9]+ *') "
                f"then try_cast(fields[{index}] as bigint) end"
            )
        else:
            expression = f"fields[{index}]"
        typed.append(f"{expression} as {column.name}")
    # One pass over the file: split and type every line; a NULL int column marks a field that
    # is not a whole number, field_count a line with too few or too many fields.
    # The line text is not kept (a third of the memory): a failure reads its line back.
    con.execute(
        "create or replace temp table typed_lines as "
        "select line_number, line_number as source_line, len(fields) as field_count, "
        f"{', '.join(typed)} "
        "from ("
        "  select line_number, line, string_split(line, $separator) as fields "
        f"  from ({_NUMBERED_LINES}) where trim(coalesce(line, '')) <> ''"
        ")",
        {"separator": spec.separator, "path": str(path), "encoding": encoding},
    )

    def fail(bad: tuple[int, int], problem: str) -> None:
        line = con.execute(
            f"select line from ({_NUMBERED_LINES}) where line_number = $line_number",
            {"path": str(path), "encoding": encoding, "line_number": bad[0]},
        ).fetchone()
        _fail(path, bad[0], problem, line[0] if line else None, bad[1])

    sep_name = {"\t": "tab", "\x1f": "line"}.get(spec.separator, f"'{spec.separator}'")
    # Rules in the order they are reported; each failing line breaks the first rule it meets.
    rules = [(f"field_count <> {field_count}", "")]
    rules += [
        (f"{column.name} is null", f"{column.name} is not a whole number")
        for column in spec.columns
        if column.kind == "int"
    ]
    rules += [
        (f"not ({column.check})", column.problem or f"{column.name} check failed")
        for column in spec.columns
        if column.check
    ]
    key = ", ".join(spec.unique_key)
    # Count every rule's offenders in a single scan; look up the first bad line only on failure.
    counts = con.execute(
        "select "
        + ", ".join(f"count(*) filter (where {condition})" for condition, _ in rules)
        + (f", count(*) - count(distinct ({key}))" if key else ", 0")
        + " from typed_lines"
    ).fetchone()
    assert counts is not None
    for (condition, problem), count in zip(rules, counts[:-1], strict=True):
        if not count:
            continue
        bad = _first_bad_typed(con, condition)
        assert bad is not None
        if not problem:
            got = con.execute(
                "select field_count from typed_lines where line_number = ?", [bad[0]]
            ).fetchone()
            assert got is not None
            problem = f"expected {field_count} {sep_name}-separated fields, got {got[0]}"
        fail(bad, problem)
    if counts[-1]:
        bad = _first_bad_typed(
            con, f"row_number() over (partition by {key} order by line_number) > 1", window=True
        )
        assert bad is not None
        fail(bad, f"duplicate {' and '.join(spec.unique_key)}")
    names = ", ".join(column.name for column in spec.columns)
    # typed_lines is in file order and DuckDB preserves insertion order: no sort needed.
    con.execute(
        f"insert into {spec.table} ({names}{_source_line(spec)}) "
        f"select {names}{_source_line(spec)} from typed_lines"
    )
    con.execute("drop table typed_lines")


def _source_line(spec: FileSpec) -> str:
    return "" if spec.table == "raw.genres_ml100k" else ", source_line"


def _first_bad_typed(
    con: duckdb.DuckDBPyConnection, condition: str, window: bool = False
) -> tuple[int, int] | None:
    """(first offending line number, how many more offend) or None."""
    source = "typed_lines"
    if window:
        source = f"(select *, {condition} as is_bad from typed_lines)"
        condition = "is_bad"
    row = con.execute(
        f"select min(line_number), count(*) from {source} where {condition}"
    ).fetchone()
    if row is None or row[1] == 0:
        return None
    return row[0], row[1] - 1


def _check_references(con: duckdb.DuckDBPyConnection, data_dir: Path, layout: str) -> None:
    """Every rating must name a user and a movie from the same dataset."""
    ratings_file = data_dir / ("ratings.dat" if layout == "ml-1m" else "u.data")
    users_table, users_file = (
        ("raw.users_ml1m", "users.dat") if layout == "ml-1m" else ("raw.users_ml100k", "u.user")
    )
    movies_table, movies_file = (
        ("raw.movies_ml1m", "movies.dat") if layout == "ml-1m" else ("raw.movies_ml100k", "u.item")
    )
    for key, table, file_name in (
        ("user_id", users_table, users_file),
        ("movie_id", movies_table, movies_file),
    ):
        row = con.execute(
            f"select min(source_line), count(*), arg_min({key}, source_line) from raw.ratings "
            f"where {key} not in (select {key} from {table})"
        ).fetchone()
        assert row is not None
        if row[1]:
            more = row[1] - 1
            extra = f" ({more} more such line{'s' if more != 1 else ''})" if more else ""
            raise MalformedDataLine(
                f"{ratings_file} line {row[0]}: {key} {row[2]} is not in {file_name}{extra}"
            )


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    row = con.execute(
        "select (select count(*) from raw.ratings), "
        "(select count(*) from raw.users_ml1m) + (select count(*) from raw.users_ml100k), "
        "(select count(*) from raw.movies_ml1m) + (select count(*) from raw.movies_ml100k)"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def record_dataset(con: duckdb.DuckDBPyConnection, summary: LoadSummary) -> None:
    con.execute(
        "insert into meta.datasets values (?, ?, ?, ?, ?, (now() at time zone 'UTC'))",
        [
            summary.layout,
            str(summary.source_dir),
            summary.count_ratings,
            summary.count_users,
            summary.count_movies,
        ],
    )
