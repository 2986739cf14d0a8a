"""Every WatchIt benchmark in one process: quality on real ML-100K, then the speed modules.

Run: just bench [--quick]   (or: python -m bench.run [--quick] [--data-dir DIR] [--out-dir bench])

Order:
1. Rating prediction, k-fold on ML-100K: WatchIt's CF methods and the scikit-surprise peers
   fitted on the SAME seeded folds (bench.rating_quality, folds from pipeline.splits).
2. Top-N on a per-user temporal holdout (each user's last 10 ratings; relevant = rated >= 4)
   for every recommendation method, popularity included (pipeline.evaluation).
3. Cold start on a user-level holdout (pipeline.cold_start_eval), when present.
4. ML-1M rating quality when $WATCHIT_ML1M has ratings.dat (skipped otherwise, and said so).
5. Speed: bench_load, bench_similarity (1M), bench_serving, bench_scale (10M; skipped with
   --quick / --quick-speed) `run(out_dir, quick)`, each if present.

Writes bench/results.json (every row, with notes) and bench/results.md (the tables the README
shows verbatim) and prints the same tables. Every figure comes from this run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import math
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pipeline import cold_start_eval, evaluation, load, sqlfiles
from pipeline import warehouse as wh

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_ML100K = BENCH_DIR.parent.parent / "shared" / "data" / "ml-100k"
SPEED_MODULES = ("bench_load", "bench_similarity", "bench_serving", "bench_scale")

Row = dict[str, object]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_warehouse(data_dir: Path, path: Path) -> Path:
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, data_dir))
    return path


def rating_quality_rows(data_dir: Path, quick: bool, notes: list[str]) -> list[Row]:
    from bench import rating_quality

    peers = importlib.util.find_spec("surprise") is not None
    if not peers:
        notes.append("scikit-surprise is not installed: peers skipped (pip install -e '.[bench]')")
    return rating_quality.run(data_dir, folds=5, seed=0, quick=quick, with_peers=peers)


def top_n_rows(data_dir: Path, quick: bool, work: Path) -> list[Row]:
    path = load_warehouse(data_dir, work / "top_n.duckdb")
    config = evaluation.EvaluationConfig(seed=0)
    evaluation.prepare_splits(path, config, ["temporal"])
    methods = ("item", "popular") if quick else None
    results, curves = evaluation.evaluate_top_n(path, config, methods, progress=log)
    if not curves.is_empty():
        curves.write_csv(work / "curves.csv")
    note = (
        f"{data_dir.name}, each user's last {config.holdout_ratings_per_user} ratings held out, "
        f"relevant = rated >= {config.relevance_threshold:g}, lists of {config.k}"
    )
    return [
        {
            "benchmark": "top_n",
            "case": result.method,
            "figure": result.metric,
            "value": result.value,
            "unit": _unit(result.metric),
            "note": note,
        }
        for result in results
    ]


def cold_start_rows(data_dir: Path, work: Path) -> list[Row]:
    path = load_warehouse(data_dir, work / "cold_start.duckdb")
    frame = cold_start_eval.evaluate_cold_start(path, seed=0, progress=log)
    return [
        {
            "benchmark": "cold_start",
            "case": str(row["method"]),
            "figure": str(row["metric"]),
            "value": row["value"],
            "unit": "",
            "note": f"{data_dir.name}, 10% of users held out (seed 0), "
            f"{row.get('count_users', '?')} users",
        }
        for row in frame.to_dicts()
    ]


def ml1m_rows(quick: bool, notes: list[str]) -> list[Row]:
    folder = os.environ.get("WATCHIT_ML1M")
    if not folder or not (Path(folder) / "ratings.dat").is_file():
        notes.append(
            f"ML-1M quality skipped: no ratings.dat in $WATCHIT_ML1M ({folder or 'unset'})"
        )
        return []
    if quick:
        notes.append("ML-1M quality skipped in --quick mode")
        return []
    from bench import rating_quality

    rows = rating_quality.run(Path(folder), folds=5, seed=0, quick=True, with_peers=False)
    for row in rows:
        row["benchmark"] = "rating_quality_ml1m"
    return rows


def speed_rows(
    out_dir: Path, quick: bool, notes: list[str], modules: tuple[str, ...] = SPEED_MODULES
) -> list[Row]:
    rows: list[Row] = []
    for name in modules:
        log(f"running bench/{name}.py")
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            module_rows = module.run(out_dir / "out", quick=quick)
            if not module_rows and quick:
                notes.append(f"bench/{name}.py skipped: it has no quick mode")
            rows += module_rows
        except Exception as error:  # one broken benchmark must not lose the others' figures
            notes.append(f"bench/{name}.py failed: {type(error).__name__}: {error}")
            log(notes[-1])
        log(f"bench/{name}.py took {time.perf_counter() - started:.0f} s")
    return rows


def _unit(metric: str) -> str:
    if metric.endswith("seconds"):
        return "s"
    if metric.startswith("milliseconds"):
        return "ms"
    if metric.startswith("count"):
        return ""
    if metric.startswith("novelty"):
        return "bits"
    return "share" if metric.startswith("coverage") else ""


# ---------------------------------------------------------------- markdown


def _number(value: object, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, (int, float)):
        if float(value).is_integer() and abs(value) >= 1:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _table(header: list[str], lines: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out)


def _pivot(rows: list[Row], benchmark: str) -> dict[str, dict[str, object]]:
    table: dict[str, dict[str, object]] = {}
    for row in rows:
        if row["benchmark"] == benchmark:
            table.setdefault(str(row["case"]), {})[str(row["figure"])] = row["value"]
    return table


def markdown(rows: list[Row], notes: list[str], header: dict[str, str]) -> str:
    parts = [
        "<!-- Generated by `just bench` (bench/run.py); do not edit by hand. -->",
        f"Run {header['generated_at']} on code `{header['code_version']}` "
        f"({header['mode']}, {header['machine']}).",
    ]
    quality = _pivot(rows, "rating_quality")
    if quality:
        ordered = sorted(
            (case for case in quality if "rmse" in quality[case]),
            key=lambda case: quality[case]["rmse"],  # type: ignore[arg-type,return-value]
        )
        note = next(
            str(r["note"]).split(" (per fold")[0]
            for r in rows
            if r["benchmark"] == "rating_quality"
        )
        parts += [
            f"\n### Rating prediction (RMSE/MAE, lower is better; {note})\n",
            _table(
                ["algorithm", "RMSE", "MAE", "fit s", "predict s"],
                [
                    [
                        case,
                        _number(quality[case].get("rmse")),
                        _number(quality[case].get("mae")),
                        _number(quality[case].get("fit_seconds"), 2),
                        _number(quality[case].get("predict_seconds"), 2),
                    ]
                    for case in ordered
                ],
            ),
        ]
        parts.append(
            "\nWatchIt's fit s is one `build` (validation build, blend fit, refit on all "
            "training ratings) shared by all its methods."
        )
        margins = [
            r
            for r in rows
            if r["benchmark"] == "rating_quality" and r["figure"] == "rmse_difference"
        ]
        for margin in margins:
            parts.append(
                f"\n{margin['case']}: RMSE difference {_number(margin['value'])} ({margin['note']})."
            )
    top_n = _pivot(rows, "top_n")
    if top_n:
        note = next(str(r["note"]) for r in rows if r["benchmark"] == "top_n")
        columns = [
            ("precision_at_10", "P@10"),
            ("recall_at_10", "R@10"),
            ("ndcg_at_10", "nDCG@10"),
            ("map_at_10", "MAP@10"),
            ("hit_rate_at_10", "HR@10"),
            ("coverage_at_10", "coverage"),
            ("novelty_at_10", "novelty (bits)"),
            ("milliseconds_per_user", "ms/user"),
        ]
        ordered = sorted(top_n, key=lambda case: -float(top_n[case].get("ndcg_at_10") or 0))  # type: ignore[arg-type]
        parts += [
            f"\n### Top-N (higher is better; {note})\n",
            _table(
                ["method", *(label for _, label in columns), "users"],
                [
                    [
                        case,
                        *(
                            _number(
                                top_n[case].get(metric),
                                3 if metric != "milliseconds_per_user" else 1,
                            )
                            for metric, _ in columns
                        ),
                        _number(top_n[case].get("count_users")),
                    ]
                    for case in ordered
                ],
            ),
        ]
    cold = [row for row in rows if row["benchmark"] == "cold_start"]
    if cold:
        parts += [f"\n### Cold start ({cold[0]['note']})\n", cold_start_tables(cold)]
    ml1m = _pivot(rows, "rating_quality_ml1m")
    if ml1m:
        parts += [
            "\n### Rating prediction on ML-1M (fold 0 of 5)\n",
            _table(
                ["algorithm", "RMSE", "MAE"],
                [[case, _number(v.get("rmse")), _number(v.get("mae"))] for case, v in ml1m.items()],
            ),
        ]
    speed = [
        r
        for r in rows
        if r["benchmark"] not in {"rating_quality", "top_n", "cold_start", "rating_quality_ml1m"}
    ]
    if speed:
        parts += [
            "\n### Speed (ratios are to a reference measured in the same run)\n",
            _table(
                ["benchmark", "case", "figure", "value", "unit", "note"],
                [
                    [
                        str(r["benchmark"]),
                        str(r["case"]),
                        str(r["figure"]),
                        _number(r["value"], 3),
                        str(r["unit"]),
                        str(r["note"]),
                    ]
                    for r in speed
                ],
            ),
        ]
    if notes:
        parts += ["\nNotes:\n", *(f"- {note}" for note in notes)]
    return "\n".join(parts) + "\n"


def cold_start_tables(cold: list[Row]) -> str:
    """Single figures as a list; the onboarding curve as one row per method, one column per count."""
    pattern = re.compile(r"^ndcg_at_10_after_(\d+)_ratings$")
    curve: dict[str, dict[int, object]] = {}
    single = []
    for row in cold:
        match = pattern.match(str(row["figure"]))
        if match:
            curve.setdefault(str(row["case"]), {})[int(match.group(1))] = row["value"]
        else:
            single.append([str(row["case"]), str(row["figure"]), _number(row["value"], 3)])
    parts = [_table(["method", "figure", "value"], single)] if single else []
    if curve:
        counts = sorted({count for values in curve.values() for count in values})
        parts.append("\nnDCG@10 after m onboarding ratings:\n")
        parts.append(
            _table(
                ["method", *(f"m={count}" for count in counts)],
                [
                    [method, *(_number(values.get(count), 3) for count in counts)]
                    for method, values in curve.items()
                ],
            )
        )
    return "\n".join(parts)


def print_rich(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="WatchIt benchmarks")
    for column in ("benchmark", "case", "figure", "value", "unit"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for row in rows:
        table.add_row(
            str(row["benchmark"]),
            str(row["case"]),
            str(row["figure"]),
            _number(row["value"]),
            str(row["unit"]),
        )
    Console(width=160).print(table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one fold, fewer methods, small sizes")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("WATCHIT_ML100K", DEFAULT_ML100K))
    )
    parser.add_argument("--out-dir", type=Path, default=BENCH_DIR, help="where results.json/.md go")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite results.md from the existing results.json (no measuring)",
    )
    parser.add_argument(
        "--speed-only",
        action="store_true",
        help="run only the speed modules and merge their rows into the existing results.json "
        "(its quality rows are kept and the merge is stated in the notes)",
    )
    parser.add_argument(
        "--quick-speed",
        action="store_true",
        help="full quality figures, but the speed modules in their --quick mode",
    )
    parser.add_argument(
        "--modules",
        default="",
        help="with --speed-only: comma-separated speed modules to re-measure (default: all)",
    )
    args = parser.parse_args(argv)
    if args.render_only:
        saved = json.loads((args.out_dir / "results.json").read_text(encoding="utf-8"))
        header = {key: saved[key] for key in ("generated_at", "code_version", "mode", "machine")}
        (args.out_dir / "results.md").write_text(
            markdown(saved["rows"], saved["notes"], header), encoding="utf-8"
        )
        print_rich(saved["rows"])
        return
    if not (args.data_dir / "u.data").is_file():
        parser.error(f"{args.data_dir}/u.data not found; set WATCHIT_ML100K or pass --data-dir")
    started = time.perf_counter()
    notes: list[str] = []
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[Path], list[Row]]]] = [
        (
            "rating quality (k-fold, peers on the same folds)",
            lambda work: rating_quality_rows(args.data_dir, args.quick, notes),
        ),
        (
            "top-N (temporal holdout)",
            lambda work: top_n_rows(args.data_dir, args.quick, work),
        ),
        ("cold start (user holdout)", lambda work: cold_start_rows(args.data_dir, work)),
        ("ML-1M quality", lambda work: ml1m_rows(args.quick, notes)),
    ]
    speed_quick = args.quick or args.quick_speed
    for name in SPEED_MODULES:  # one step each, so results are written after every module
        steps.append(
            (
                f"speed: bench/{name}.py",
                lambda work, name=name: speed_rows(args.out_dir, speed_quick, notes, (name,)),  # type: ignore[misc]
            )
        )
    if args.quick_speed and not args.quick:
        notes.append("speed modules ran in --quick mode (--quick-speed); quality is the full run")
    if args.speed_only:
        merge_speed_rows(args, notes)
        return
    header = {
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "code_version": evaluation.code_version(),
        "mode": "quick"
        if args.quick
        else ("full quality, quick speed" if args.quick_speed else "full"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
    }
    with tempfile.TemporaryDirectory(prefix="watchit-bench-") as folder:
        for position, (title, step) in enumerate(steps):
            log(title)
            step_started = time.perf_counter()
            rows += step(Path(folder))
            log(f"{title} took {time.perf_counter() - step_started:.0f} s")
            # Written after every step, so an interrupted run still shows what it measured.
            remaining = [name for name, _ in steps[position + 1 :]]
            pending = (
                [f"incomplete run: not yet measured: {', '.join(remaining)}"] if remaining else []
            )
            write_outputs(args.out_dir, rows, notes + pending, header)
    notes.append(f"total bench time {time.perf_counter() - started:.0f} s")
    clean = write_outputs(args.out_dir, rows, notes, header)
    print_rich(clean)
    for note in notes:
        print(f"note: {note}")
    log(f"wrote {args.out_dir / 'results.json'} and {args.out_dir / 'results.md'}")


def merge_speed_rows(args: argparse.Namespace, notes: list[str]) -> None:
    """Replace the speed rows of results.json by a fresh measurement; keep everything else."""
    saved = json.loads((args.out_dir / "results.json").read_text(encoding="utf-8"))
    quality = {"rating_quality", "top_n", "cold_start", "rating_quality_ml1m"}
    modules = tuple(args.modules.split(",")) if args.modules else SPEED_MODULES
    started = time.perf_counter()
    rows = speed_rows(args.out_dir, args.quick, notes, modules)
    measured = {row["benchmark"] for row in rows}
    # Without --modules every speed row is replaced; with it, only the re-measured benchmarks.
    kept = [
        row
        for row in saved["rows"]
        if row["benchmark"] in quality or (args.modules and row["benchmark"] not in measured)
    ]
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    kept_notes = [
        note
        for note in saved["notes"]
        if not note.startswith(("incomplete run", "total bench time"))
        and not note.startswith(tuple(f"bench/{name}.py" for name in modules))
    ]
    notes = kept_notes + notes
    notes.append(
        f"{', '.join(modules)} measured separately by `python -m bench.run --speed-only"
        f"{' --quick' if args.quick else ''}{' --modules ' + args.modules if args.modules else ''}`"
        f" at {stamp} on code "
        f"`{evaluation.code_version()}` in {time.perf_counter() - started:.0f} s"
    )
    header = {key: saved[key] for key in ("generated_at", "code_version", "mode", "machine")}
    clean = write_outputs(args.out_dir, kept + rows, notes, header)
    print_rich(clean)
    for note in notes:
        print(f"note: {note}")


def write_outputs(
    out_dir: Path, rows: list[Row], notes: list[str], header: dict[str, str]
) -> list[Row]:
    out_dir.mkdir(parents=True, exist_ok=True)
    clean = [
        {
            **row,
            "value": None
            if isinstance(row["value"], float) and math.isnan(row["value"])
            else row["value"],
        }
        for row in rows
    ]
    (out_dir / "results.json").write_text(
        json.dumps({**header, "notes": notes, "rows": clean}, indent=2, default=str) + "\n",
        encoding="utf-8",
    )
    (out_dir / "results.md").write_text(markdown(clean, notes, header), encoding="utf-8")
    return clean


if __name__ == "__main__":
    main()
