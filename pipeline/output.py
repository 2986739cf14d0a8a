"""Print query results as a rich table, CSV or JSON on stdout."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Sequence
from enum import Enum
from typing import Any

from rich.console import Console
from rich.table import Table


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def print_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    output_format: OutputFormat = OutputFormat.table,
    title: str | None = None,
) -> None:
    if output_format is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_plain(value) for value in row] for row in rows])
    elif output_format is OutputFormat.json:
        records = [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*["" if value is None else str(_plain(value)) for value in row])
        Console(soft_wrap=False).print(table)
