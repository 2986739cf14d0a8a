"""Serving speed and ranking quality: one user's recommendations from a built warehouse.

Run: python -m bench.bench_serving [--quick] [--out-dir bench/out]

Cases (every figure is measured in this run):
- latency, ML-100K: recommend_for_user for 100 seeded random users per method (after one
  warm-up call), median and p95 in ms, against the goal of 50 ms, on two paths: `live`
  (scored now, use_stored=False; figures `<method>_latency_*`) and `stored` (the fresh list
  in marts.user_recommendations, filled first as `watchit recommend --all --store` does;
  figures `<method>_stored_latency_*`, and `<method>_store_all_users_seconds` for the fill).
  The reference measured in the same run is reading the same user's rated movies
  (`select movie_id from staging.stg_ratings where user_id = ?`), reported as a ratio of
  the median and of the p95, so a busy or slow machine shows up in both numbers.
- batch, ML-100K (not --quick): recommend_for_users for all 943 users per method, seconds.
- ranking, ML-100K (not --quick): precision@10 on a per-user temporal holdout (each user's
  last 10 ratings; relevant = 4 stars or more) of the shipped ranking (predicted rating *
  ln(1 + support)) against ranking the same candidates by predicted rating alone.
- latency, 1M generated ratings (not --quick): the hybrid, live and stored, on a warehouse
  generated with pipeline.synthetic.generate_movielens (skipped with a note when that module
  is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipeline import cf, load, recommend, sqlfiles
from pipeline import warehouse as wh

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_ML100K = BENCH_DIR.parent.parent / "shared" / "data" / "ml-100k"
GOAL_MS = 50.0
USERS_SAMPLED = 100
HOLDOUT_PER_USER = 10
Row = dict[str, object]


def log(message: str) -> None:
    print(f"[bench_serving {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build_warehouse(data_dir: Path, path: Path) -> Path:
    """Load a MovieLens folder and run the CF build with its defaults (the real pipeline)."""
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, data_dir))
    with wh.rebuild(path, start_from_existing=True) as con:
        cf.build_models(con, cf.CfConfig())
    return path


def _milliseconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def store_lists(path: Path, case: str, methods: tuple[str, ...]) -> list[Row]:
    """Fill marts.user_recommendations (top 10, every user) the way `watchit recommend --all
    --store` does, one rebuild per method; seconds per method."""
    rows: list[Row] = []
    for method in methods:
        started = time.perf_counter()
        with wh.rebuild(path, start_from_existing=True) as con:
            stored = recommend.store_recommendations(con, method, 10)
            wh.record_build_info(con, "recommend", parameters={"method": method, "n": 10})
        seconds = time.perf_counter() - started
        rows.append(
            {
                "benchmark": "serving",
                "case": case,
                "figure": f"{method}_store_all_users_seconds",
                "value": round(seconds, 2),
                "unit": "s",
                "note": f"recommend --all --store: top 10 of {stored['user_id'].n_unique()} users, "
                "incl. the warehouse copy + audits + swap",
            }
        )
        log(f"{case} {method}: stored every user's top 10 in {seconds:.1f} s")
    return rows


def latency_rows(
    path: Path,
    case: str,
    methods: tuple[str, ...],
    seed: int,
    paths: tuple[str, ...] = ("live",),
) -> list[Row]:
    """Median/p95 of recommend_for_user over sampled users per method and path (live = scored
    now, use_stored=False; stored = read from marts.user_recommendations, which must be filled
    and fresh), with the rated-movies read as the in-run reference."""
    con = wh.connect(path)
    try:
        user_ids = recommend.known_user_ids(con)
        sample = random.Random(seed).sample(user_ids, min(USERS_SAMPLED, len(user_ids)))
        reference = [
            _milliseconds(
                lambda user_id=user_id: con.execute(
                    "select movie_id from staging.stg_ratings where user_id = ?", [user_id]
                ).fetchall()
            )
            for user_id in sample
        ]
        reference_median = statistics.median(reference)
        rows: list[Row] = [
            {
                "benchmark": "serving",
                "case": case,
                "figure": "reference_rated_movies_read_median_ms",
                "value": round(reference_median, 3),
                "unit": "ms",
                "note": "read one user's rated movies (the in-run reference)",
            }
        ]
        for serving_path in paths:
            for method in methods:
                rows += _path_rows(con, case, method, serving_path, sample, reference_median)
        return rows
    finally:
        con.close()


def _path_rows(
    con: object,
    case: str,
    method: str,
    serving_path: str,
    sample: list[int],
    reference_median: float,
) -> list[Row]:
    use_stored = serving_path == "stored"
    if use_stored:
        # Measuring the live path by mistake would look like a slow stored read.
        missing = [
            user_id
            for user_id in sample
            if recommend.stored_recommendations(con, user_id, method, 10) is None  # type: ignore[arg-type]
        ]
        assert not missing, f"no fresh stored {method} list for users {missing[:5]}"
    recommend.recommend_for_user(con, sample[0], method, 10, use_stored)  # type: ignore[arg-type]  # warm-up
    timings = [
        _milliseconds(
            lambda user_id=user_id: recommend.recommend_for_user(
                con,  # type: ignore[arg-type]
                user_id,
                method,
                10,
                use_stored,
            )
        )
        for user_id in sample
    ]
    median, p95 = statistics.median(timings), _percentile(timings, 0.95)
    verdict = "meets" if median < GOAL_MS else "misses"
    prefix = method if serving_path == "live" else f"{method}_stored"
    what = "scored live" if serving_path == "live" else "read from marts.user_recommendations"
    log(f"{case} {prefix}: median {median:.1f} ms, p95 {p95:.1f} ms")
    return [
        {
            "benchmark": "serving",
            "case": case,
            "figure": f"{prefix}_latency_median_ms",
            "value": round(median, 1),
            "unit": "ms",
            "note": f"{len(sample)} random users, top 10, {what}; {verdict} the {GOAL_MS:g} ms goal",
        },
        {
            "benchmark": "serving",
            "case": case,
            "figure": f"{prefix}_latency_p95_ms",
            "value": round(p95, 1),
            "unit": "ms",
            "note": f"{len(sample)} random users, top 10, {what}",
        },
        {
            "benchmark": "serving",
            "case": case,
            "figure": f"{prefix}_latency_ratio_to_reference",
            "value": round(median / reference_median, 1),
            "unit": "x",
            "note": "median latency / median rated-movies read, same run",
        },
        {
            "benchmark": "serving",
            "case": case,
            "figure": f"{prefix}_latency_p95_ratio_to_reference",
            "value": round(p95 / reference_median, 1),
            "unit": "x",
            "note": "p95 latency / median rated-movies read, same run",
        },
    ]


def batch_rows(path: Path, case: str, methods: tuple[str, ...]) -> list[Row]:
    con = wh.connect(path)
    rows: list[Row] = []
    try:
        for method in methods:
            started = time.perf_counter()
            frame = recommend.recommend_for_users(con, None, method=method, n=10)
            seconds = time.perf_counter() - started
            rows.append(
                {
                    "benchmark": "serving",
                    "case": case,
                    "figure": f"{method}_all_users_seconds",
                    "value": round(seconds, 2),
                    "unit": "s",
                    "note": f"top 10 for all {frame['user_id'].n_unique()} users in one call",
                }
            )
            log(f"{case} {method}: all users in {seconds:.1f} s")
    finally:
        con.close()
    return rows


def write_temporal_holdout(data_dir: Path, folder: Path) -> pl.DataFrame:
    """Copy ML-100K without each user's last 10 ratings; return the held-out ratings."""
    folder.mkdir(parents=True, exist_ok=True)
    ratings = pl.read_csv(
        data_dir / "u.data",
        separator="\t",
        has_header=False,
        new_columns=["user_id", "movie_id", "rating", "rated_at"],
    ).sort(["user_id", "rated_at", "movie_id"])
    position_from_end = pl.int_range(pl.len()).reverse().over("user_id")
    kept = ratings.filter(position_from_end >= HOLDOUT_PER_USER)
    kept.write_csv(folder / "u.data", separator="\t", include_header=False)
    for name in ("u.item", "u.user", "u.genre", "u.occupation"):
        (folder / name).write_bytes((data_dir / name).read_bytes())
    return ratings.filter(position_from_end < HOLDOUT_PER_USER)


def precision_at_10(recommendations: pl.DataFrame, held_out: pl.DataFrame) -> float:
    relevant = held_out.filter(pl.col("rating") >= 4).select("user_id", "movie_id")
    users = relevant.select("user_id").unique()
    hits = (
        recommendations.join(relevant, on=["user_id", "movie_id"], how="semi")
        .group_by("user_id")
        .len()
    )
    per_user = users.join(hits, on="user_id", how="left").fill_null(0)
    return float((per_user["len"] / 10).mean())  # type: ignore[arg-type]


def ranking_rows(data_dir: Path, work: Path) -> list[Row]:
    """Precision@10 of the shipped score against ranking by predicted rating alone."""
    held_out = write_temporal_holdout(data_dir, work / "ml-100k-temporal")
    path = build_warehouse(work / "ml-100k-temporal", work / "temporal.duckdb")
    con = wh.connect(path)
    rows: list[Row] = []
    note = (
        f"ML-100K, each user's last {HOLDOUT_PER_USER} ratings held out, relevant = 4+ stars, "
        "users with a relevant held-out movie"
    )
    try:
        for method in ("hybrid", "item", "user", "popular"):
            shipped = recommend.recommend_for_users(con, None, method=method, n=10)
            rows.append(
                {
                    "benchmark": "serving",
                    "case": "ml-100k temporal holdout",
                    "figure": f"{method}_precision_at_10",
                    "value": round(precision_at_10(shipped, held_out), 4),
                    "unit": "",
                    "note": note,
                }
            )
        # Same item candidates, all of them scored, ranked by the predicted rating alone.
        everything = recommend.recommend_for_users(
            con, None, method="item", n=1000, max_candidates=100_000
        ).filter(~pl.col("explanation").str.starts_with("popular"))
        by_prediction = (
            everything.sort(
                ["user_id", "predicted_rating", "movie_id"], descending=[False, True, False]
            )
            .group_by("user_id", maintain_order=True)
            .head(10)
        )
        rows.append(
            {
                "benchmark": "serving",
                "case": "ml-100k temporal holdout",
                "figure": "item_by_predicted_rating_precision_at_10",
                "value": round(precision_at_10(by_prediction, held_out), 4),
                "unit": "",
                "note": note + "; every item candidate ranked by predicted rating alone",
            }
        )
    finally:
        con.close()
    for row in rows:
        log(f"{row['figure']}: {row['value']}")
    return rows


def generated_rows(work: Path, seed: int) -> list[Row]:
    try:
        from pipeline import synthetic
    except ImportError:
        return [_skip("1M generated", "pipeline.synthetic is not available")]
    if not hasattr(synthetic, "generate_movielens"):
        return [_skip("1M generated", "pipeline.synthetic has no generate_movielens")]
    log("generating 1M ratings (6040 users x 3706 movies) and building")
    data_dir = synthetic.generate_movielens(work / "generated_1m", 6040, 3706, 1_000_000, seed)
    path = build_warehouse(data_dir, work / "generated_1m.duckdb")
    rows = store_lists(path, "1M generated", ("hybrid",))
    return rows + latency_rows(path, "1M generated", ("hybrid",), seed, paths=("live", "stored"))


def _skip(case: str, reason: str) -> Row:
    return {
        "benchmark": "serving",
        "case": case,
        "figure": "skipped",
        "value": None,
        "unit": "",
        "note": reason,
    }


def run(out_dir: Path, quick: bool = False, seed: int = 7) -> list[Row]:
    """Measure serving on ML-100K (and on 1M generated ratings unless quick); write JSON + PNG."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data_dir = Path(os.environ.get("WATCHIT_ML100K") or DEFAULT_ML100K)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="watchit-bench-serving-") as folder:
        work = Path(folder)
        if not (data_dir / "u.data").is_file():
            rows.append(_skip("ml-100k", f"no ML-100K at {data_dir} (set WATCHIT_ML100K)"))
        else:
            log(f"building ML-100K from {data_dir}")
            path = build_warehouse(data_dir, work / "ml100k.duckdb")
            methods = ("hybrid", "popular") if quick else ("hybrid", "item", "user", "popular")
            rows += store_lists(path, "ml-100k", methods)
            rows += latency_rows(path, "ml-100k", methods, seed, paths=("live", "stored"))
            if not quick:
                rows += batch_rows(path, "ml-100k", methods)
                rows += ranking_rows(data_dir, work)
        if not quick:
            rows += generated_rows(work, seed)
    (out_dir / "bench_serving.json").write_text(json.dumps(rows, indent=2) + "\n")
    plot(rows, out_dir / "bench_serving.png")
    return rows


def plot(rows: list[Row], path: Path) -> None:
    """Median and p95 latency per (case, method) against the goal (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    medians = {
        (str(row["case"]), str(row["figure"]).removesuffix("_latency_median_ms")): row["value"]
        for row in rows
        if str(row["figure"]).endswith("_latency_median_ms")
    }
    if not medians:
        return
    p95 = {
        (str(row["case"]), str(row["figure"]).removesuffix("_latency_p95_ms")): row["value"]
        for row in rows
        if str(row["figure"]).endswith("_latency_p95_ms")
    }
    labels = [f"{case}: {method}" for case, method in medians]
    figure, axes = plt.subplots(figsize=(8, 2.2 + 0.45 * len(labels)))
    positions = list(range(len(labels)))
    axes.barh([p + 0.2 for p in positions], list(p95.values()), height=0.4, label="p95")
    axes.barh([p - 0.2 for p in positions], list(medians.values()), height=0.4, label="median")
    axes.axvline(GOAL_MS, color="red", linestyle="--", label=f"goal {GOAL_MS:g} ms")
    axes.set_yticks(positions, labels)
    axes.set_xlabel("ms per recommend_for_user call (top 10)")
    axes.set_title("WatchIt serving latency")
    # Below the axes: inside, it hid the end of the longest bars.
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="ML-100K latency only (hybrid and popular)."
    )
    parser.add_argument("--out-dir", type=Path, default=BENCH_DIR / "out", help="Output folder.")
    arguments = parser.parse_args()
    for row in run(arguments.out_dir, quick=arguments.quick):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
