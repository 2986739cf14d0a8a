"""Sample recommendations and replies shared by the message tests."""

from __future__ import annotations

from pipeline.messages import MovieItem

MOVIES = (
    MovieItem(50, "Star Wars (1977)", 1977, ("Action", "Adventure", "Sci-Fi")),
    MovieItem(2571, "Matrix, The (1999)", 1999, ("Action", "Sci-Fi", "Thriller")),
    MovieItem(
        750,
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1963)",
        1963,
        ("Comedy", "War"),
    ),
    MovieItem(9, "M*A*S*H (1970)", 1970, ("Comedy", "War")),
    MovieItem(2, "Misérables, Les (1995)", 1995, ("Drama", "Musical")),
)
OTHER_MOVIES = [
    (1, "Toy Story (1995)"),
    (3, "Big (1988)"),
    (4, "Heat (1995)"),
    (5, "Seven (Se7en) (1995)"),
    (6, "Net, The (1995)"),
    (7, "unknown"),
    (8, "187 (1997)"),
    (10, "Romance (1999)"),
    (11, "Go (1999)"),
]
GOOD_REPLY = (
    "Hi Maria, as a programmer in the 25-34 crowd you will love Star Wars and The Matrix. "
    "Save Dr. Strangelove for a night when you want to laugh at the end of the world!"
)
