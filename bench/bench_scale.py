"""The 10M-rating build: does the whole `watchit build` complete, in how long, within 24 GB?

Run: python -m bench.bench_scale [--out-dir bench/out]   (30 minutes or more on 2 cores)

bench/bench_similarity.py's measurement (generate, load, similarity table vs scipy, whole
build as a subprocess with its peak RSS) at 10M generated ratings: 60,400 users x 11,719
movies (ML-1M's users scaled by 10, movies by sqrt(10)). A module of its own so that the 1M
figures can be re-measured without this run; `just bench --quick-speed` skips it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import bench_similarity

SIZE = 10_000_000


def run(out_dir: Path, quick: bool = False, seed: int = 7) -> list[dict]:
    """The 10M rows; none in quick mode (the run states that it was skipped)."""
    if quick:
        return []
    return bench_similarity.run(out_dir, seed=seed, sizes=(SIZE,), benchmark="bench_scale")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=Path("bench/out"))
    arguments = parser.parse_args()
    for row in run(arguments.out_dir):
        print(f"{row['case']:40s} {row['figure']:34s} {row['value']:10.2f} {row['unit']}")


if __name__ == "__main__":
    main()
