"""Rating-prediction quality of WatchIt's CF methods vs scikit-surprise on the same seeded folds.

Run: python -m bench.rating_quality [--data-dir ../shared/data/ml-100k] [--folds 5] [--seed 0]
     [--quick] [--out-dir bench/out]

The folds are pipeline.splits' seeded k-fold (Surprise's KFold protocol, stored in
eval.split_assignments). For each fold a scratch copy of the loaded warehouse keeps only the
fold's training ratings (pipeline.splits.training_copy), `cf.build_models` builds every model
there (its blend weights are fitted on a validation holdout of those training ratings, never on
the test part), and the test pairs are predicted with every method. The Surprise peers
(bench/peers.py) are fitted on exactly the same training ratings. --quick runs fold 0 only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.peers import surprise_rating_scores
from pipeline import cf, load, splits, sqlfiles
from pipeline import warehouse as wh

PEER_TO_BEAT = ("surprise KNNBaseline item pearson_baseline", "surprise SVD")


def _load(data_dir: Path, path: Path, config: splits.SplitConfig) -> None:
    with wh.rebuild(path, start_from_existing=False) as con:
        wh.apply_sql_layers(con, sqlfiles.LOAD_LAYERS)
        load.record_dataset(con, load.load_dataset(con, data_dir))
        splits.make_split(con, config)


def _watchit_scores(copy: splits.TrainingCopy, cf_config: cf.CfConfig) -> list[dict]:
    started = time.perf_counter()
    cf.build_models(copy.con, cf_config)
    build_seconds = time.perf_counter() - started
    truth = copy.test_ratings["rating"].to_numpy().astype(float)
    scores = []
    for method in cf.METHODS:
        started = time.perf_counter()
        predicted = cf.predict_ratings(copy.con, copy.test_ratings, method)
        predict_seconds = time.perf_counter() - started
        errors = predicted["predicted_rating"].to_numpy() - truth
        scores.append(
            {
                "algorithm": f"watchit {method}",
                "rmse": float(np.sqrt(np.mean(errors**2))),
                "mae": float(np.mean(np.abs(errors))),
                "fit_seconds": build_seconds,  # one build fits every method
                "predict_seconds": predict_seconds,
                "fallback_share": float(predicted["is_fallback"].mean()),
            }
        )
    return scores


def run(
    data_dir: Path,
    folds: int = 5,
    seed: int = 0,
    quick: bool = False,
    cf_config: cf.CfConfig | None = None,
    with_peers: bool = True,
) -> list[dict]:
    """RMSE/MAE/time rows {"benchmark","case","figure","value","unit","note"}, means over folds."""
    config = splits.SplitConfig(protocol="kfold", seed=seed, count_folds=folds)
    cf_config = cf_config or cf.CfConfig()
    used_folds = [0] if quick else list(config.folds)
    per_algorithm: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="watchit-rating-quality-") as folder:
        base = Path(folder) / "loaded.duckdb"
        _load(Path(data_dir), base, config)
        for fold in used_folds:
            con = wh.connect(base)
            train, test = splits.train_and_test(con, config, fold)
            con.close()
            with splits.training_copy(base, config, fold, work_dir=Path(folder)) as copy:
                scores = _watchit_scores(copy, cf_config)
            if with_peers:
                scores += surprise_rating_scores(train, test, seed)
            for score in scores:
                per_algorithm.setdefault(score["algorithm"], []).append(score)
            print(
                f"fold {fold}: "
                + ", ".join(f"{score['algorithm']}={score['rmse']:.4f}" for score in scores),
                file=sys.stderr,
            )
    note = f"{Path(data_dir).name}, {folds}-fold CV seed {seed}, folds {used_folds}"
    rows = []
    for algorithm, scores in per_algorithm.items():
        for figure, unit in (
            ("rmse", "stars"),
            ("mae", "stars"),
            ("fit_seconds", "s"),
            ("predict_seconds", "s"),
        ):
            values = [score[figure] for score in scores]
            rows.append(
                {
                    "benchmark": "rating_quality",
                    "case": algorithm,
                    "figure": figure,
                    "value": float(np.mean(values)),
                    "unit": unit,
                    "note": note + " (per fold: " + ", ".join(f"{v:.4f}" for v in values) + ")",
                }
            )
    if with_peers:
        rows.append(_margin_row(rows, note))
    return rows


def _margin_row(rows: list[dict], note: str) -> dict:
    """Hybrid RMSE minus the better of the two peers issue 3 names (negative = hybrid wins)."""
    rmse = {row["case"]: row["value"] for row in rows if row["figure"] == "rmse"}
    best_peer = min(PEER_TO_BEAT, key=lambda name: rmse[name])
    return {
        "benchmark": "rating_quality",
        "case": "watchit hybrid vs " + best_peer,
        "figure": "rmse_difference",
        "value": rmse["watchit hybrid"] - rmse[best_peer],
        "unit": "stars",
        "note": note + "; negative means the hybrid is more accurate",
    }


def plot(rows: list[dict], path: Path) -> None:
    """Bar chart of mean RMSE per algorithm (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rmse = sorted(
        ((row["value"], row["case"]) for row in rows if row["figure"] == "rmse"), reverse=True
    )
    figure, axes = plt.subplots(figsize=(8, 0.4 * len(rmse) + 1.2))
    colours = ["tab:blue" if case.startswith("watchit") else "tab:grey" for _, case in rmse]
    axes.barh([case for _, case in rmse], [value for value, _ in rmse], color=colours)
    for index, (value, _) in enumerate(rmse):
        axes.text(value, index, f" {value:.4f}", va="center", fontsize=8)
    axes.set_xlim(min(value for value, _ in rmse) - 0.05, max(value for value, _ in rmse) + 0.03)
    axes.set_xlabel("RMSE (stars, lower is better)")
    axes.set_title(rows[0]["note"].split(" (per fold")[0], fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/ml-100k"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="fold 0 only")
    parser.add_argument("--no-peers", action="store_true", help="skip scikit-surprise")
    parser.add_argument("--out-dir", type=Path, default=Path("bench/out"))
    arguments = parser.parse_args()
    rows = run(
        arguments.data_dir,
        arguments.folds,
        arguments.seed,
        arguments.quick,
        with_peers=not arguments.no_peers,
    )
    arguments.out_dir.mkdir(parents=True, exist_ok=True)
    (arguments.out_dir / "rating_quality.json").write_text(json.dumps(rows, indent=2) + "\n")
    plot(rows, arguments.out_dir / "rating_quality.png")
    for row in rows:
        if row["figure"] in {"rmse", "rmse_difference", "fit_seconds"}:
            print(f"{row['case']:48s} {row['figure']:16s} {row['value']:.4f} {row['unit']}")


if __name__ == "__main__":
    main()
