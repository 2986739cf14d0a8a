"""Every similarity object states formula, centring, support cut, zero-variance result and
range in its header and in COMMENT ON (users filed bugs on exactly these: Surprise #224,
#226, #216; LensKit PR #405)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import warehouse as wh
from pipeline.resources import sql_dir

SIMILARITY_FILES = (
    "intermediate/int_movie_similarities_computed.sql",
    "intermediate/int_user_similarities_computed.sql",
    "marts/movie_similarity_measures.sql",
    "marts/user_similarity_measures.sql",
)
# The tables the models read hold Pearson-baseline and the shrunk value only.
MODEL_TABLE_FILES = ("marts/movie_similarities.sql", "marts/user_similarities.sql")
# What a reader must find, as regexes over the lower-cased text.
REQUIRED = {
    "formula": r"sqrt\(sum",
    "pearson centring": r"co-rated means",
    "adjusted cosine centring": r"whole-profile",
    "support cut": r"min_support",
    "below-support pairs absent": r"absent",
    "zero variance gives null": r"zero variance",
    "null": r"null",
    "range": r"\[-1, 1\]",
    "shrinkage": r"n ?/ ?\(n ?\+ ?shrinkage\)",
}


MODEL_TABLE_REQUIRED = {
    name: pattern
    for name, pattern in REQUIRED.items()
    if name not in {"pearson centring", "adjusted cosine centring"}
}


def _required(relative: str) -> dict[str, str]:
    return MODEL_TABLE_REQUIRED if relative in MODEL_TABLE_FILES else REQUIRED


@pytest.mark.parametrize("relative", SIMILARITY_FILES + MODEL_TABLE_FILES)
def test_header_documents_the_similarity(relative: str) -> None:
    text = (sql_dir() / relative).read_text(encoding="utf-8")
    header = text[: text.index("*/")].lower()
    missing = [
        name for name, pattern in _required(relative).items() if not re.search(pattern, header)
    ]
    assert not missing, f"{relative} header lacks: {missing}"


@pytest.mark.parametrize("relative", SIMILARITY_FILES + MODEL_TABLE_FILES)
def test_comments_document_the_similarity_in_the_warehouse(relative: str, tmp_path: Path) -> None:
    from cf_helpers import build_cf_warehouse

    path = build_cf_warehouse(tmp_path, [(1, 1, 5), (1, 2, 4), (2, 1, 3), (2, 2, 2)])
    schema, name = relative.removesuffix(".sql").split("/")
    con = wh.connect(path)
    object_comment = con.execute(
        "select comment from duckdb_tables() where schema_name = ? and table_name = ? "
        "union all select comment from duckdb_views() where schema_name = ? and view_name = ?",
        [schema, name, schema, name],
    ).fetchone()
    columns = dict(
        con.execute(
            "select column_name, comment from duckdb_columns() "
            "where schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    )
    con.close()
    assert object_comment and object_comment[0]
    text = (object_comment[0] + " " + " ".join(str(c) for c in columns.values())).lower()
    missing = [
        name for name, pattern in _required(relative).items() if not re.search(pattern, text)
    ]
    assert not missing, f"COMMENT ON for {relative} lacks: {missing}"
    assert all(columns.values()), f"uncommented columns: {[c for c, v in columns.items() if not v]}"
