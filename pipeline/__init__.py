"""WatchIt: a DuckDB-centred MovieLens recommender."""

__version__ = "0.1.0"
