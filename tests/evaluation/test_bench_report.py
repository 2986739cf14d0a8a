"""bench/run.py's markdown report, and the README quoting bench/results.md verbatim."""

from __future__ import annotations

from pathlib import Path

from bench import run as bench_run

ROOT = Path(__file__).resolve().parents[2]
HEADER = {
    "generated_at": "2026-01-01 00:00 UTC",
    "code_version": "abc123",
    "mode": "quick",
    "machine": "test",
}


def _row(benchmark: str, case: str, figure: str, value: float | None, note: str = "n") -> dict:
    return {
        "benchmark": benchmark,
        "case": case,
        "figure": figure,
        "value": value,
        "unit": "",
        "note": note,
    }


def test_markdown_orders_rating_table_by_rmse_and_shows_missing_as_dash() -> None:
    rows = [
        _row(
            "rating_quality",
            "surprise SVD",
            "rmse",
            0.9345,
            "ml-100k, 5-fold CV seed 0 (per fold: 0.93)",
        ),
        _row("rating_quality", "surprise SVD", "mae", 0.7371),
        _row("rating_quality", "watchit hybrid", "rmse", 0.9101),
        _row("rating_quality", "watchit hybrid", "mae", 0.7150),
        _row("top_n", "popular", "precision_at_10", 0.04, "temporal"),
        _row("top_n", "popular", "ndcg_at_10", 0.05, "temporal"),
        _row("top_n", "hybrid", "precision_at_10", 0.08, "temporal"),
        _row("top_n", "hybrid", "ndcg_at_10", 0.12, "temporal"),
        _row("top_n", "hybrid", "novelty_at_10", None, "temporal"),
        _row("bench_similarity", "1M ratings", "ratio_to_scipy", 2.5, "same run"),
    ]
    text = bench_run.markdown(rows, ["ML-1M quality skipped: no ratings.dat"], HEADER)
    lines = text.splitlines()
    hybrid = next(i for i, line in enumerate(lines) if line.startswith("| watchit hybrid"))
    svd = next(i for i, line in enumerate(lines) if line.startswith("| surprise SVD"))
    assert hybrid < svd  # sorted by RMSE
    assert "| watchit hybrid | 0.9101 | 0.7150 | - | - |" in lines
    top_hybrid = next(line for line in lines if line.startswith("| hybrid"))
    assert top_hybrid.startswith("| hybrid | 0.080 |") and "| - |" in top_hybrid
    assert "| bench_similarity | 1M ratings | ratio_to_scipy | 2.500 |" in text
    assert "- ML-1M quality skipped: no ratings.dat" in text
    assert "code `abc123`" in text


def test_readme_quotes_the_committed_bench_results_verbatim() -> None:
    # Issue 6: the figures a reader sees are the figures `just bench` wrote.
    results = ROOT / "bench" / "results.md"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert results.read_text(encoding="utf-8").strip() in readme
