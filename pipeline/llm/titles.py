"""Movie titles as people write them: "Matrix, The (1999)" is "The Matrix" in a sentence.

MovieLens stores titles with the year in parentheses, a trailing article after a comma
("Matrix, The") and sometimes an alternative title in parentheses ("Seven (Se7en) (1995)").
"""

from __future__ import annotations

import re
import unicodedata

# Articles MovieLens moves to the end of a title ("Misérables, Les", "Dolce Vita, La").
# (Not the Italian "i": it would turn "I.Q." into the one-letter title "Q".)
ARTICLES = frozenset(
    "the a an les la le l' il el los las das der die den det lo gli un une".split()
)
_TRAILING_PARENTHESES = re.compile(r"\s*\(([^()]*)\)\s*$")
_TRAILING_ARTICLE = re.compile(r"^(?P<body>.+),\s+(?P<article>[^\s,]+)$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_YEAR = re.compile(r"^\d{4}$")


def fold(text: str) -> str:
    """Lowercase, strip accents and unify apostrophes, for comparisons only."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def words(text: str) -> list[str]:
    """The words of a text (apostrophes inside a word kept: "Schindler's")."""
    return [match.group(0).replace("’", "'") for match in _WORD.finditer(text)]


def _split_parentheses(title: str) -> tuple[str, list[str]]:
    """("Seven (Se7en) (1995)") -> ("Seven", ["Se7en"]); the year is dropped."""
    extras: list[str] = []
    rest = title.strip()
    while True:
        match = _TRAILING_PARENTHESES.search(rest)
        if not match or match.start() == 0:
            break
        inner = match.group(1).strip()
        if not _YEAR.match(inner):
            extras.insert(0, inner)
        rest = rest[: match.start()].rstrip()
    return rest, extras


def _article_first(name: str) -> str:
    """ "Matrix, The" -> "The Matrix"; "Misérables, Les" -> "Les Misérables"."""
    match = _TRAILING_ARTICLE.match(name)
    if match and fold(match.group("article")) in ARTICLES:
        article = match.group("article")
        joiner = "" if article.endswith("'") else " "
        return f"{article}{joiner}{match.group('body')}"
    return name


def display_title(title: str) -> str:
    """How a sentence would name the movie: "Matrix, The (1999)" -> "The Matrix"."""
    main, _ = _split_parentheses(title)
    return _article_first(main)


def title_variants(title: str) -> list[str]:
    """Every way a reply may name the movie: main title both article orders, and alternatives."""
    main, extras = _split_parentheses(title)
    variants = [_article_first(main), main]
    variants += [_article_first(extra) for extra in extras]
    unique: list[str] = []
    for variant in variants:
        if variant and variant not in unique:
            unique.append(variant)
    return unique
