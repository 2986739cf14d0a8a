"""Output guard: a reply must name only recommended movies, in 2-3 plain sentences.

Every catalogue title is looked for in the reply (both "The Matrix" and "Matrix, The", and
alternative titles in parentheses). Short or one-word titles ("Big", "Heat", "Seven") are
ordinary words too, so they count only when written capitalised in the middle of a sentence,
or anywhere when followed by a year "(1996)". Known gap: a one-word title opening a sentence
without a year is not detected.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipeline.llm.titles import ARTICLES, fold, title_variants

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")
_YEAR_AFTER = re.compile(r"\s*\(\d{4}\)")
# Abbreviations whose period does not end a sentence.
_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "st", "jr", "sr", "vs", "no", "vol", "e.g", "i.e"}
)
_MARKDOWN_LINE = re.compile(r"^\s*(#{1,6}\s|[-*+•]\s|\d+[.)]\s|>\s|\|)", re.MULTILINE)
_MARKDOWN_INLINE = re.compile(r"\*|```|`|__|\[[^\]]*\]\([^)]*\)|https?://|www\.")
# Chatty wrappers around the message ("Sure! Here's a message for Maria:").
_PREAMBLE = re.compile(
    r"^\W*(sure|certainly|of course|absolutely)\b[^\n]{0,40}?[,.!:]"
    r"|^\W*here('s| is)\b[^.!?\n]{0,60}\b(message|note|recommendation|text)s?\b[^.!?\n]*:",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"\b(I'?m sorry|I am sorry|I apologi[sz]e|as an (AI|artificial intelligence|language model)"
    r"|I (cannot|can ?not|can't|won't|am unable to|'m unable to) "
    r"(help|assist|comply|provide|fulfil|fulfill|do that|create|write|recommend))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GuardConfig:
    """Limits a message must keep; the system prompt states the same numbers."""

    min_sentences: int = 2
    max_sentences: int = 3
    max_characters: int = 600


@dataclass(frozen=True)
class _Pattern:
    movie_id: int
    title: str
    folded: tuple[str, ...]
    strict: bool  # short/common: needs capitals, and a year when opening a sentence
    tail: str  # punctuation ending the title ("That Darn Cat!", "Better Off Dead...")


@dataclass(frozen=True)
class Mention:
    movie_id: int
    title: str
    key: tuple[str, ...]  # the folded words that matched
    start: int
    end: int


@dataclass
class Catalogue:
    """Every movie title of the warehouse, indexed by the first word of each way to write it."""

    titles: dict[int, str]
    keys: dict[int, set[tuple[str, ...]]] = field(default_factory=dict, repr=False)
    _by_first_word: dict[str, list[_Pattern]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str]]) -> Catalogue:
        catalogue = cls(titles={})
        for movie_id, title in rows:
            catalogue.titles[int(movie_id)] = title
            for variant in title_variants(title):
                pattern = _pattern(int(movie_id), title, variant)
                if pattern:
                    catalogue.keys.setdefault(pattern.movie_id, set()).add(pattern.folded)
                    catalogue._by_first_word.setdefault(pattern.folded[0], []).append(pattern)
        for patterns in catalogue._by_first_word.values():
            patterns.sort(key=lambda pattern: -len(pattern.folded))
        return catalogue

    def mentions(self, text: str, ignore_words: Iterable[str] = ()) -> list[Mention]:
        """Catalogue titles named in `text`, longest first where they overlap."""
        ignored = {fold(word) for word in ignore_words}
        tokens = list(_TOKEN.finditer(text))
        folded = [fold(token.group(0)) for token in tokens]
        found: list[Mention] = []
        taken: set[int] = set()
        candidates = []
        for index, word in enumerate(folded):
            for pattern in self._by_first_word.get(word, ()):
                size = len(pattern.folded)
                if tuple(folded[index : index + size]) != pattern.folded:
                    continue
                if pattern.strict and not _written_as_title(text, tokens, index, size, ignored):
                    continue
                candidates.append((size, index, pattern))
        # Longest match wins: "Star Wars" inside "Return of the Jedi"-style overlaps counts once.
        for size, index, pattern in sorted(candidates, key=lambda item: (-item[0], item[1])):
            span = set(range(index, index + size))
            if span & taken:
                continue
            taken |= span
            end = tokens[index + size - 1].end()
            if pattern.tail and text.startswith(pattern.tail, end):
                end += len(pattern.tail)
            found.append(
                Mention(pattern.movie_id, pattern.title, pattern.folded, tokens[index].start(), end)
            )
        return sorted(found, key=lambda mention: mention.start)


def _pattern(movie_id: int, title: str, variant: str) -> _Pattern | None:
    words = [match.group(0) for match in _TOKEN.finditer(variant)]
    folded = tuple(fold(word) for word in words)
    content = [word for word in folded if word not in ARTICLES]
    if not content or all(word.isdigit() for word in content):
        return None  # "187", "1-900": numbers in a message are ages or years
    if len(content) == 1 and len(content[0]) < 3:
        return None  # "Ed", "Go", "M": indistinguishable from ordinary text
    letters = sum(len(word) for word in content)
    strict = len(content) == 1 or (len(content) == 2 and letters < 10)
    last = list(_TOKEN.finditer(variant))[-1]
    return _Pattern(movie_id, title, folded, strict, variant[last.end() :].strip())


def _written_as_title(
    text: str, tokens: Sequence[re.Match[str]], index: int, size: int, ignored: set[str]
) -> bool:
    words = [token.group(0) for token in tokens[index : index + size]]
    content = [word for word in words if fold(word) not in ARTICLES]
    if not all(word[0].isupper() or word[0].isdigit() for word in content):
        return False
    if len(content) == 1 and fold(content[0]) in ignored:
        return False  # the viewer's name, job or a genre ("Romance")
    followed_by_year = bool(_YEAR_AFTER.match(text, tokens[index + size - 1].end()))
    if followed_by_year:
        return True
    before = text[: tokens[index].start()].rstrip(" \"'“‘(")
    opens_sentence = not before or before[-1] in ".!?:\n"
    return not opens_sentence


@dataclass(frozen=True)
class Verdict:
    """The cleaned message and every rule it breaks (empty: accepted)."""

    message: str
    problems: tuple[str, ...]
    mentioned_ids: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def clean(reply: str) -> str:
    """Trim whitespace and quotes some models wrap the whole message in."""
    text = reply.strip()
    while len(text) >= 2 and text[0] + text[-1] in {'""', "''", "“”", "‘’"}:
        text = text[1:-1].strip()
    return text


def check(
    reply: str,
    recommended_ids: Iterable[int],
    catalogue: Catalogue,
    config: GuardConfig = GuardConfig(),
    ignore_words: Iterable[str] = (),
) -> Verdict:
    """Check a model's reply against every rule; report all problems at once."""
    text = clean(reply)
    if not text:
        return Verdict(text, ("empty reply",))
    problems = []
    if _PREAMBLE.search(text):
        problems.append("starts with a preamble instead of the message")
    if _REFUSAL.search(text):
        problems.append("the reply looks like a refusal")
    mentions = catalogue.mentions(text, ignore_words)
    allowed = set(recommended_ids)
    # "Sabrina" names the recommended Sabrina (1954) even though Sabrina (1995) exists too.
    allowed_keys = {key for movie_id in allowed for key in catalogue.keys.get(movie_id, ())}
    strays = sorted(
        {
            mention.title
            for mention in mentions
            if mention.movie_id not in allowed and mention.key not in allowed_keys
        }
    )
    if strays:
        problems.append("names movies that were not recommended: " + "; ".join(strays))
    # Titles are masked first: "M*A*S*H" and "Dr. Strangelove" are not markdown or two sentences.
    # Recommended titles are masked wherever they appear verbatim, even those too short to detect.
    spans = [(mention.start, mention.end) for mention in mentions]
    spans += _verbatim_spans(text, [catalogue.titles[i] for i in allowed if i in catalogue.titles])
    masked = _mask(text, spans)
    if any(unicodedata.category(char) == "So" for char in masked):
        problems.append("contains emojis or symbols")
    if _MARKDOWN_LINE.search(masked) or _MARKDOWN_INLINE.search(masked):
        problems.append("contains markdown (headings, bullets, asterisks, code or links)")
    sentences = count_sentences(masked)
    if not config.min_sentences <= sentences <= config.max_sentences:
        problems.append(
            f"has {sentences} sentences, expected {config.min_sentences} to {config.max_sentences}"
        )
    flat = " ".join(text.split())
    if len(flat) > config.max_characters:
        problems.append(f"is {len(flat)} characters long, the limit is {config.max_characters}")
    mentioned = tuple(dict.fromkeys(mention.movie_id for mention in mentions))
    return Verdict(flat, tuple(problems), mentioned)


def _verbatim_spans(text: str, titles: Iterable[str]) -> list[tuple[int, int]]:
    folded_text = text.lower()
    spans = []
    for title in titles:
        for variant in title_variants(title):
            needle = variant.lower()
            start = folded_text.find(needle)
            while start != -1:
                spans.append((start, start + len(needle)))
                start = folded_text.find(needle, start + len(needle))
    return spans


def _mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Replace each span (overlaps merged) by the word "Title"."""
    pieces = []
    position = 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        pieces.append(text[position : max(start, position)])
        if start >= position:
            pieces.append("Title")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def count_sentences(text: str) -> int:
    """Sentences ended by . ! or ? (abbreviations like "Dr." do not end one)."""
    count = 0
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].split()
        last_word = before[-1].lower().rstrip(".") if before else ""
        if (
            match.group(0).startswith(".")
            and len(match.group(0)) == 1
            and last_word in _ABBREVIATIONS
        ):
            continue
        if text[start : match.start()].strip():
            count += 1
        start = match.end()
    if text[start:].strip(" \"'”’)"):
        count += 1  # a last sentence without a full stop
    return count
