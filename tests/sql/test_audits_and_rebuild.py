"""Audits catch broken data, and a failing rebuild never replaces the previous warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import sqlfiles
from pipeline import warehouse as wh
from pipeline.errors import AuditFailed


def test_clean_warehouse_passes_every_audit(warehouse: Path) -> None:
    con = wh.connect(warehouse)
    assert wh.run_audits(con) == []


def test_duplicate_rating_fails_the_unique_audit_and_keeps_the_old_file(warehouse: Path) -> None:
    before = warehouse.read_bytes()
    with pytest.raises(AuditFailed, match="stg_ratings__unique_user_movie: 1 offending row"):
        with wh.rebuild(warehouse, start_from_existing=True) as con:
            con.execute("insert into raw.ratings values (1, 1, 5, 978300760, 99)")
    assert warehouse.read_bytes() == before
    assert not warehouse.with_name(warehouse.name + ".tmp").exists()


def test_exception_inside_rebuild_removes_the_temporary_file(warehouse: Path) -> None:
    with pytest.raises(RuntimeError):
        with wh.rebuild(warehouse, start_from_existing=True) as con:
            con.execute("delete from raw.ratings")
            raise RuntimeError("interrupted")
    con = wh.connect(warehouse)
    assert con.execute("select count(*) from raw.ratings").fetchone() == (10,)
    assert not warehouse.with_name(warehouse.name + ".tmp").exists()


def test_app_schema_survives_a_reload(warehouse: Path, movielens_dir) -> None:
    from pipeline import load

    con = wh.connect(warehouse, read_only=False)
    con.execute("create table app.notes (note varchar)")
    con.execute("insert into app.notes values ('kept')")
    con.close()
    with wh.rebuild(warehouse, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        con.execute("create table app.notes (note varchar)")  # as if defined in sql/app/
        load.load_dataset(con, movielens_dir("again"))
        assert wh.carry_over_schema(con, warehouse, "app") == 1
    con = wh.connect(warehouse)
    assert con.execute("select note from app.notes").fetchall() == [("kept",)]


def test_every_sql_file_reads_only_its_own_or_lower_layers() -> None:
    rank = {layer: index for index, layer in enumerate(sqlfiles.LAYERS)}
    for sql_object in sqlfiles.ordered_objects():
        for reference in sql_object.references:
            assert rank[reference.split(".")[0]] <= rank[sql_object.schema], (
                f"{sql_object.path.name} reads {reference} from a higher layer"
            )
