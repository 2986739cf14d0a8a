"""The output guard: titles in both word orders, short titles without false hits, sentences,
length and markdown."""

from __future__ import annotations

import pytest
from message_samples import GOOD_REPLY, MOVIES

from pipeline.llm import guard
from pipeline.llm.titles import display_title, title_variants

RECOMMENDED = [movie.movie_id for movie in MOVIES]


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Matrix, The (1999)", "The Matrix"),
        ("Misérables, Les (1995)", "Les Misérables"),
        ("Seven (Se7en) (1995)", "Seven"),
        ("Star Wars: Episode IV - A New Hope (1977)", "Star Wars: Episode IV - A New Hope"),
        ("unknown", "unknown"),
        (
            "Old Lady Who Walked in the Sea, The (Vieille qui marchait dans la mer, La) (1991)",
            "The Old Lady Who Walked in the Sea",
        ),
    ],
)
def test_display_titles_read_like_a_sentence(title: str, shown: str) -> None:
    assert display_title(title) == shown


def test_variants_cover_both_article_orders_and_alternative_titles() -> None:
    assert title_variants("Seven (Se7en) (1995)") == ["Seven", "Se7en"]
    assert title_variants("Matrix, The (1999)") == ["The Matrix", "Matrix, The"]


def check(text: str, recommended=RECOMMENDED, **kwargs) -> guard.Verdict:
    return guard.check(text, recommended, kwargs.pop("catalogue"), **kwargs)


def test_a_good_reply_passes(catalogue) -> None:
    verdict = check(GOOD_REPLY, catalogue=catalogue)
    assert verdict.ok, verdict.problems
    assert set(verdict.mentioned_ids) == {50, 2571}


@pytest.mark.parametrize(
    ("reply", "stray"),
    [
        ("Hi! Start with Star Wars. Then enjoy Toy Story tonight.", "Toy Story (1995)"),
        ("Hi! Start with Star Wars. Then enjoy TOY STORY tonight.", "Toy Story (1995)"),
        ("Hi! Start with Star Wars. The Net (1995) is a fun extra.", "Net, The (1995)"),
        ("Hi! Start with Star Wars and then watch Heat with friends.", "Heat (1995)"),
        ("Hi! Start with Star Wars. Heat (1995) is great too.", "Heat (1995)"),
        ("Hi! Start with Star Wars. You will also like Se7en.", "Seven (Se7en) (1995)"),
    ],
)
def test_unrecommended_titles_are_caught(catalogue, reply: str, stray: str) -> None:
    verdict = check(reply, catalogue=catalogue)
    assert verdict.problems == (f"names movies that were not recommended: {stray}",)


@pytest.mark.parametrize(
    "reply",
    [
        # Ordinary words that are also one-word titles: lowercase, or opening a sentence.
        "Big news, Maria: Star Wars tops your list. It brings the heat, and the net result is fun!",
        "Seven reasons to smile: Star Wars and The Matrix. Go grab some popcorn, it is an unknown treat!",
        # Ages and genres are not the movies "187" or "Romance".
        "At 187 minutes of fun, Star Wars and The Matrix are great. Enjoy some Romance too!",
    ],
)
def test_common_words_are_not_mistaken_for_titles(catalogue, reply: str) -> None:
    verdict = check(reply, catalogue=catalogue, ignore_words=["Romance"])
    assert not any("not recommended" in problem for problem in verdict.problems), verdict.problems


def test_the_longer_overlapping_title_wins(catalogue) -> None:
    # "Star Wars" is recommended; nothing shorter inside it may count as another movie.
    assert check("Hi! Star Wars (1977) is a classic. Enjoy it!", catalogue=catalogue).ok


def test_titles_with_asterisks_and_periods_are_not_markdown_or_sentence_ends(catalogue) -> None:
    reply = "Hi Maria! M*A*S*H and Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb are both yours."
    assert check(reply, catalogue=catalogue).ok


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("## Picks\nStar Wars is great. Enjoy!", "markdown"),
        ("Hi!\n- Star Wars\n- The Matrix", "markdown"),
        ("Hi! **Star Wars** is great.", "markdown"),
        ("Hi! Star Wars is great. Watch at https://example.com now.", "markdown"),
        ("Hi! ```Star Wars``` is great.", "markdown"),
        ("Star Wars is great.", "has 1 sentences"),
        ("Hi. Star Wars. The Matrix. Enjoy. Bye.", "has 5 sentences"),
        ("Hi Maria! " + "Star Wars is a wonderful film " * 30 + ".", "characters long"),
        ("I'm sorry, but I can't help with that. Please ask again.", "refusal"),
        ("", "empty reply"),
        ("Sure! Here is the message: Hi Maria, enjoy Star Wars. It is great!", "preamble"),
        ("Here's a personalised message for Maria: Hi, enjoy Star Wars. It is great!", "preamble"),
        ("Hi Maria \U0001f3ac! Star Wars is waiting. Enjoy \u2728", "emojis"),
    ],
)
def test_rules_report_each_problem(catalogue, reply: str, problem: str) -> None:
    verdict = check(reply, catalogue=catalogue)
    assert any(problem in found for found in verdict.problems), verdict.problems


def test_quotes_around_the_whole_message_are_removed(catalogue) -> None:
    verdict = check(f'"{GOOD_REPLY}"', catalogue=catalogue)
    assert verdict.ok and verdict.message == GOOD_REPLY


def test_enthusiasm_is_not_a_refusal_or_a_preamble(catalogue) -> None:
    assert check("Hi Maria! I can't wait for you to see Star Wars. Enjoy!", catalogue=catalogue).ok
    assert check("Here's to a great movie night, Maria! Star Wars awaits.", catalogue=catalogue).ok
