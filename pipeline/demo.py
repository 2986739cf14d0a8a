"""Where `watchit demo` gets its ratings: a named local copy, else MovieLens 1M, else a sample.

The order follows what a newcomer expects: data they point at wins; otherwise the real
MovieLens 1M from GroupLens (checksum verified, reused once unpacked); and only when neither is
possible (no network, say) a generated sample in the same format, so the demo always runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pipeline import datasets, synthetic
from pipeline.errors import DatasetUnavailable

log = logging.getLogger(__name__)

# Big enough for every step to have something to say, small enough to build in seconds.
SAMPLE_USERS = 800
SAMPLE_MOVIES = 600
SAMPLE_SEED = 0


@dataclass(frozen=True)
class DemoData:
    folder: Path
    description: str  # one line telling the user which data the demo runs on, and why


def choose_data(
    named: Path | None,
    data_root: Path,
    sample_ratings: int,
    base_url: str = datasets.GROUPLENS_URL,
) -> DemoData:
    """A named local copy, else MovieLens 1M downloaded (or already unpacked), else a sample."""
    if named is not None:
        folder = datasets.install_from(named, data_root)
        return DemoData(folder, f"your local copy {named} (installed as {folder})")
    try:
        folder = datasets.download("ml-1m", data_root, base_url)
        return DemoData(folder, f"MovieLens 1M from GroupLens, checksum verified ({folder})")
    except DatasetUnavailable as error:
        folder = data_root / "sample"
        synthetic.generate_movielens(
            folder, SAMPLE_USERS, SAMPLE_MOVIES, sample_ratings, seed=SAMPLE_SEED
        )
        return DemoData(
            folder,
            f"a generated sample of {sample_ratings:,} ratings in MovieLens format ({folder}), "
            f"because MovieLens 1M could not be downloaded: {str(error.args[0]).rstrip('.')}. "
            "Name a local copy with `just demo ~/Downloads/ml-1m.zip`.",
        )
