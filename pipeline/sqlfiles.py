"""Discover the files in sql/, order them by what they read, and expose the audits.

One object per file: `sql/<schema>/<name>.sql` creates `<schema>.<name>`. Order is layer order,
then a topological sort of each file's references (DuckDB binds views when they are created).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.errors import SqlFileError
from pipeline.resources import sql_dir

# Lower layers first; a file may only read its own layer or a lower one.
LAYERS = ("meta", "raw", "app", "staging", "intermediate", "marts", "eval")
# `app` holds what users create in WatchIt (sign-ups, their ratings); a reload carries it over.
LOAD_LAYERS = ("meta", "raw", "app", "staging")
BUILD_LAYERS = ("intermediate", "marts")

_COMMENTS_AND_STRINGS = re.compile(r"/\*.*?\*/|--[^\n]*|'(?:[^']|'')*'", re.DOTALL)
_REFERENCE = re.compile(r"\b(" + "|".join(LAYERS) + r")\.([a-z_][a-z0-9_]*)\b", re.IGNORECASE)

__all__ = [
    "SqlFileError",
    "SqlObject",
    "Audit",
    "ordered_objects",
    "audits",
    "references",
    "query",
    "compose",
]


@dataclass(frozen=True)
class SqlObject:
    schema: str
    name: str
    path: Path
    text: str
    references: frozenset[str]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Audit:
    name: str
    query: str
    references: frozenset[str]


def references(sql_text: str) -> frozenset[str]:
    """Qualified names (`schema.object`) a SQL text mentions outside comments and strings."""
    code = _COMMENTS_AND_STRINGS.sub(" ", sql_text)
    return frozenset(
        f"{schema.lower()}.{name.lower()}" for schema, name in _REFERENCE.findall(code)
    )


@cache
def _all_objects() -> dict[str, SqlObject]:
    objects = {}
    for layer in LAYERS:
        folder = sql_dir() / layer
        for path in sorted(folder.glob("*.sql")) if folder.is_dir() else []:
            text = path.read_text(encoding="utf-8")
            sql_object = SqlObject(layer, path.stem, path, text, references(text))
            objects[sql_object.qualified_name] = sql_object
    return objects


def ordered_objects(layers: tuple[str, ...] = LAYERS) -> list[SqlObject]:
    """The objects of `layers`, each after everything it reads; unknown reads and cycles fail."""
    objects = _all_objects()
    for sql_object in objects.values():
        unknown = sorted(
            ref for ref in sql_object.references - {sql_object.qualified_name} if ref not in objects
        )
        if unknown:
            raise SqlFileError(
                f"{sql_object.path.name} reads unknown object(s): {', '.join(unknown)}"
            )
    ordered: list[SqlObject] = []
    done: set[str] = set()
    for layer in layers:
        pending = {name: obj for name, obj in objects.items() if obj.schema == layer}
        while pending:
            ready = sorted(
                name
                for name, obj in pending.items()
                if all(
                    ref in done or ref == name or objects[ref].schema != layer
                    for ref in obj.references
                )
            )
            if not ready:
                raise SqlFileError(
                    f"sql/{layer}/ has a reference cycle among: {', '.join(sorted(pending))}"
                )
            for name in ready:
                ordered.append(pending.pop(name))
                done.add(name)
    return ordered


@cache
def audits() -> tuple[Audit, ...]:
    folder = sql_dir() / "audits"
    found = []
    for path in sorted(folder.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        query = (
            _COMMENTS_AND_STRINGS.sub(
                lambda match: match.group(0) if match.group(0).startswith("'") else " ", text
            )
            .strip()
            .rstrip(";")
        )
        found.append(Audit(path.stem, query, references(text)))
    return tuple(found)


@cache
def query(name: str) -> str:
    """Text of `sql/queries/<name>.sql`: a parametrised SELECT that Python runs with `?` or `$name` values."""
    path = sql_dir() / "queries" / f"{name}.sql"
    if not path.is_file():
        raise SqlFileError(f"query file sql/queries/{name}.sql does not exist")
    return path.read_text(encoding="utf-8")


def compose(steps: Sequence[tuple[str, str]], final: str) -> str:
    """One statement from a chain of query texts: each (name, text) step becomes a CTE named
    after the relation the later texts read, and `final` is selected from them.

    A run of several query files is then planned and executed once, with no temp tables:
    on ML-100K one live recommendation took 38 ms this way against 49 ms as one statement per
    file (bench_serving).
    """
    ctes = ",\n".join(f"{name} as (\n{text}\n)" for name, text in steps)
    return f"with {ctes}\nselect * from (\n{final}\n)"
