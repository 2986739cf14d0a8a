"""MovieLens files in exact ML-1M format for tests: tiny defaults with the hard cases."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline import cf, load, sqlfiles
from pipeline import warehouse as wh

# Hard cases on purpose: a latin-1 title, a title with ':', the genre "Children's",
# a movie nobody rated (5), a user with a single rating (4).
DEFAULT_MOVIES = [
    (1, "Toy Story (1995)", "Animation|Children's|Comedy"),
    (2, "Misérables, Les (1995)", "Drama|Musical"),
    (3, "Star Wars: Episode IV - A New Hope (1977)", "Action|Adventure|Sci-Fi"),
    (4, "Alien (1979)", "Horror|Sci-Fi"),
    (5, "Nobody Rated This (1990)", "Documentary"),
]
DEFAULT_USERS = [
    (1, "F", 1, 10, "48067"),
    (2, "M", 56, 16, "70072"),
    (3, "M", 25, 15, "55117"),
    (4, "F", 45, 7, "02460"),
]
DEFAULT_RATINGS = [
    (1, 1, 5, 978300760),
    (1, 2, 3, 978302109),
    (1, 3, 4, 978301968),
    (2, 1, 4, 978298413),
    (2, 3, 5, 978299026),
    (2, 4, 2, 978299000),
    (3, 1, 3, 978297867),
    (3, 2, 4, 978298709),
    (3, 4, 5, 978298147),
    (4, 3, 4, 978294008),
]

Rows = Sequence[Sequence[object]]


def write_movielens_dir(
    folder: Path,
    ratings: Rows = DEFAULT_RATINGS,
    movies: Rows = DEFAULT_MOVIES,
    users: Rows = DEFAULT_USERS,
) -> Path:
    """Write ratings.dat, movies.dat and users.dat exactly as ML-1M does (:: separated, latin-1)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("ratings.dat", ratings), ("movies.dat", movies), ("users.dat", users)):
        text = "".join("::".join(str(field) for field in row) + "\n" for row in rows)
        (folder / name).write_bytes(text.encode("latin-1"))
    return folder


def load_and_build(path: Path, data_dir: Path, config: cf.CfConfig | None = None) -> Path:
    """A warehouse at `path` with `data_dir` loaded and the CF models built, as load + build do."""
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, data_dir))
    with wh.rebuild(path, start_from_existing=True) as con:
        cf.build_models(con, config or cf.CfConfig())
    return path
