"""Speed and memory of the CF build on generated ratings, with scipy as the in-run reference.

Run: python -m bench.bench_similarity [--out-dir bench/out]   (1M ratings; 10M: bench/bench_scale.py)

For each size it generates MovieLens-format files with
pipeline.synthetic.generate_movielens, loads them with the real loader, and measures:
- similarity: the full movie-movie similarity table the models read
  (marts.movie_similarities: co-rating count, Pearson-baseline and shrunk similarity of every
  pair with >= min_support common raters, both directions), filled block by block in DuckDB
  in a fresh process, as a ratio to scipy's sparse products on the same residuals in this
  run (Z^T Z, (Z*Z)^T B and B^T B: the dot products, co-rated norms and co-rating counts the
  table needs for all pairs). Both sides start from the stored residuals: the ALS baseline
  (reported on its own) and building the CSR matrix are excluded.
- build: the whole `watchit build` (validation build, blend fit, final build, latent factors,
  audits, atomic swap) as a subprocess, wall time and that process's peak RSS (os.wait4).
Every figure is measured in this run; nothing is hard-coded.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SIZES = (1_000_000,)
GOALS = {"similarity_ratio": 3.0, "build_seconds_1m": 60.0, "peak_rss_gb_1m": 4.0}


def shape_for(n_ratings: int) -> tuple[int, int]:
    """Users and movies for a size, with ML-1M's proportions at 1M (6040 x 3706)."""
    scale = n_ratings / 1_000_000
    return max(50, int(6040 * scale)), max(50, int(3706 * scale**0.5))


def prepare_warehouse(work: Path, n_ratings: int, seed: int) -> tuple[Path, int, int]:
    """Generate ML-1M-format files and load them into a fresh warehouse with the real loader."""
    from pipeline import load, sqlfiles, synthetic
    from pipeline import warehouse as wh

    n_users, n_movies = shape_for(n_ratings)
    data_dir = synthetic.generate_movielens(
        work / f"generated_{n_ratings}", n_users, n_movies, n_ratings, seed
    )
    path = work / f"bench_{n_ratings}.duckdb"
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, data_dir))
    for leftover in data_dir.iterdir():
        leftover.unlink()  # the warehouse holds the ratings now; free the disk
    data_dir.rmdir()
    return path, n_users, n_movies


def scipy_seconds(path: Path) -> float:
    """scipy's sparse products for the same table: co-rated Pearson-baseline of all movie pairs.

    On the baseline residuals Z the warehouse computed (read, not timed), with B the 0/1
    pattern: Z^T Z (dot products), (Z*Z)^T B (co-rated squared norms) and B^T B (counts).
    """
    import duckdb
    import scipy.sparse as sparse

    con = duckdb.connect(str(path), read_only=True)
    users, movies, residuals = (
        con.sql(
            "select user_id, movie_id, baseline_residual from intermediate.int_ratings_centered"
        )
        .fetchnumpy()
        .values()
    )
    con.close()
    matrix = sparse.csr_matrix((residuals, (users, movies)))
    started = time.perf_counter()
    binary = matrix.copy()
    binary.data[:] = 1.0
    products = matrix.T @ matrix
    corated_norms = (matrix.multiply(matrix)).T @ binary
    counts = binary.T @ binary
    assert products.nnz and corated_norms.nnz and counts.nnz
    return time.perf_counter() - started


def _run_child(arguments: list[str]) -> tuple[float, float, float, str]:
    """Run a Python child; return (wall s, its CPU s (user + system), peak RSS in GB, stdout).

    CPU seconds matter on a shared machine: wall time there includes waiting for the cores.
    """
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, *arguments], stdout=stdout, stderr=stderr)
        # wait4 reaps this child and returns its own rusage (RUSAGE_CHILDREN would mix runs).
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"child {arguments} failed: {stderr.read()[-2000:]}")
        cpu_seconds = usage.ru_utime + usage.ru_stime
        return seconds, cpu_seconds, usage.ru_maxrss / 1024 / 1024, stdout.read()


def similarity_child(path: Path) -> None:
    """Child body: the intermediate layer, then marts.movie_similarities alone (timed); JSON."""
    from pipeline import cf, similarity_blocks, sqlfiles
    from pipeline import warehouse as wh

    con = wh.connect(path, read_only=False)
    con.execute("set preserve_insertion_order = false")  # as cf.build_models does
    cf.write_parameters(con, cf.CfConfig(), is_validation_build=False)
    started = time.perf_counter()
    wh.apply_sql_layers(con, ("intermediate",))  # baseline + residuals table, similarity views
    baseline_seconds = time.perf_counter() - started
    con.execute("create schema if not exists marts")
    table = next(
        obj
        for obj in sqlfiles.ordered_objects(sqlfiles.BUILD_LAYERS)
        if obj.qualified_name == "marts.movie_similarities"
    )
    con.execute(table.text)
    started = time.perf_counter()
    similarity_blocks.fill_movie_similarities(con, progress=lambda message: None)
    seconds = time.perf_counter() - started
    (rows,) = con.execute("select count(*) from marts.movie_similarities").fetchone()
    con.execute("drop table marts.movie_similarities")
    con.close()
    print(json.dumps({"seconds": seconds, "rows": rows, "baseline_seconds": baseline_seconds}))


def bench_size(
    n_ratings: int, work: Path, seed: int, benchmark: str = "bench_similarity"
) -> list[dict]:
    path, n_users, n_movies = prepare_warehouse(work, n_ratings, seed)
    case = f"{n_ratings / 1e6:g}M ratings ({n_users} users x {n_movies} movies)"
    _, similarity_cpu, similarity_rss, out = _run_child(
        ["-m", "bench.bench_similarity", "--similarity", str(path)]
    )
    similarity = json.loads(out.strip().splitlines()[-1])
    reference = scipy_seconds(path)  # reads the residuals the child stored
    build_seconds, build_cpu, build_rss, _ = _run_child(
        ["-c", "from pipeline.cli import app; app()", "--warehouse", str(path), "build"]
    )
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    (pairs,) = con.execute("select count(*) from marts.movie_similarities").fetchone()
    (user_pairs,) = con.execute("select count(*) from marts.user_similarities").fetchone()
    con.close()
    path.unlink()

    def row(figure: str, value: float, unit: str, note: str) -> dict:
        return {
            "benchmark": benchmark,
            "case": case,
            "figure": figure,
            "value": value,
            "unit": unit,
            "note": note,
        }

    return [
        row(
            "scipy_sparse_products_seconds",
            reference,
            "s",
            "Z^T Z, (Z*Z)^T B, B^T B on the same residuals Z (B = rated 0/1)",
        ),
        row(
            "baseline_and_residuals_seconds",
            similarity["baseline_seconds"],
            "s",
            "intermediate layer (ALS biases, residuals table); excluded from both sides",
        ),
        row(
            "movie_similarity_seconds",
            similarity["seconds"],
            "s",
            f"marts.movie_similarities (count, Pearson-baseline, shrunk; both directions), "
            f"{similarity['rows']:,} rows (min_support 3), filled in blocks",
        ),
        row(
            "movie_similarity_ratio_to_scipy",
            similarity["seconds"] / reference,
            "x",
            f"goal <= {GOALS['similarity_ratio']:g}x",
        ),
        row("movie_similarity_peak_rss", similarity_rss, "GB", "similarity-only process"),
        row(
            "movie_similarity_process_cpu_seconds",
            similarity_cpu,
            "s",
            "user + system CPU of that process (incl. interpreter start and intermediate layer)",
        ),
        row(
            "build_seconds",
            build_seconds,
            "s",
            "`watchit build` subprocess incl. interpreter start"
            + ("; goal < 60 s at 1M" if n_ratings == 1_000_000 else ""),
        ),
        row(
            "build_peak_rss",
            build_rss,
            "GB",
            "peak RSS of that process; goal "
            + ("< 4 GB at 1M" if n_ratings == 1_000_000 else "within 24 GB at 10M"),
        ),
        row("build_cpu_seconds", build_cpu, "s", "user + system CPU of that process (2 threads)"),
        row("movie_similarity_rows", float(pairs), "rows", "after the build"),
        row("user_similarity_rows", float(user_pairs), "rows", "after the build"),
    ]


def run(
    out_dir: Path,
    quick: bool = False,
    seed: int = 7,
    sizes: tuple[int, ...] = SIZES,
    benchmark: str = "bench_similarity",
) -> list[dict]:
    """Benchmark each size of generated ratings; write JSON and PNG to out_dir.

    `quick` is accepted for bench/run.py's interface; 1M is already the quick size.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix=f"watchit-{benchmark}-") as work:
        for n_ratings in sizes:
            rows += bench_size(n_ratings, Path(work), seed, benchmark)
            for row in rows[-12:]:
                print(json.dumps(row), file=sys.stderr)
    (out_dir / f"{benchmark}.json").write_text(json.dumps(rows, indent=2) + "\n")
    plot(rows, out_dir / f"{benchmark}.png")
    return rows


def plot(rows: list[dict], path: Path) -> None:
    """Seconds per case: scipy reference, similarity table, whole build (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cases = list(dict.fromkeys(row["case"] for row in rows))
    figures = ("scipy_sparse_products_seconds", "movie_similarity_seconds", "build_seconds")
    value = {(row["case"], row["figure"]): row["value"] for row in rows}
    figure, axes = plt.subplots(figsize=(8, 3 + 0.5 * len(cases)))
    positions = np.arange(len(cases))
    for offset, name in enumerate(figures):
        heights = [value[(case, name)] for case in cases]
        bars = axes.barh(positions + offset * 0.27, heights, height=0.25, label=name)
        axes.bar_label(bars, fmt="%.1f s", fontsize=8)
    axes.set_yticks(positions + 0.27, cases, fontsize=8)
    axes.set_xscale("log")
    axes.set_xlabel("seconds (log scale)")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=Path("bench/out"))
    parser.add_argument("--similarity", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.similarity:
        similarity_child(arguments.similarity)
        return
    for row in run(arguments.out_dir):
        print(f"{row['case']:40s} {row['figure']:34s} {row['value']:10.2f} {row['unit']}")


if __name__ == "__main__":
    main()
