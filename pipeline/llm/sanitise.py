"""Make untrusted viewer fields (name, zip, free-text occupation) safe to put into a prompt.

A name is data, never an instruction: it is length-limited, stripped of control and format
characters (zero-width, bidi overrides), reduced to letters and a few name punctuation marks,
and dropped altogether (generic greeting) when it reads like an instruction to the model.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_NAME_CHARACTERS = 40
MAX_NAME_WORDS = 4
MAX_ZIP_CHARACTERS = 10
MAX_LABEL_CHARACTERS = 60

# Phrases that address the model rather than name a person.
_INSTRUCTION_LIKE = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b"
    r"|\b(previous|prior|above|earlier)\s+(instruction|prompt|message|rule)s?\b"
    r"|\b(instruction|prompt|system|assistant|developer|jailbreak)s?\b"
    r"|\b(you\s+are|act\s+as|pretend|roleplay|respond|reply|say|write|recommend|output)\b",
    re.IGNORECASE,
)
_NAME_CHARACTERS = re.compile(r"[^\w\s'’.\-]|[\d_]", re.UNICODE)
_ZIP_CHARACTERS = re.compile(r"[^A-Za-z0-9 \-]")
_LABEL_CHARACTERS = re.compile(r"[^\w\s'’.,/&()+\-]", re.UNICODE)


@dataclass(frozen=True)
class Sanitised:
    """A cleaned value (None = unusable) and why it changed, for the log."""

    value: str | None
    changes: tuple[str, ...] = ()


def strip_control(text: str) -> str:
    """NFKC-normalise and drop control, format, surrogate and private-use characters."""
    normalised = unicodedata.normalize("NFKC", text)
    kept = (
        " " if char in "\t\n\r\v\f" else char
        for char in normalised
        if char in "\t\n\r\v\f" or unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return " ".join("".join(kept).split())


def sanitise_name(raw: str | None) -> Sanitised:
    """A person's name fit for a greeting, or None when nothing name-like is left."""
    if raw is None:
        return Sanitised(None)
    changes = []
    text = strip_control(raw)
    if text != raw:
        changes.append("control characters or extra spaces removed")
    if _INSTRUCTION_LIKE.search(text):
        log.info("a name that reads like an instruction was replaced by a generic greeting")
        return Sanitised(None, (*changes, "instruction-like text neutralised"))
    letters_only = " ".join(_NAME_CHARACTERS.sub(" ", text).split())
    if letters_only != text:
        changes.append("characters other than letters, spaces, ' . - removed")
    words = letters_only.split()
    if len(words) > MAX_NAME_WORDS:
        words = words[:MAX_NAME_WORDS]
        changes.append(f"cut to {MAX_NAME_WORDS} words")
    name = " ".join(words)
    if len(name) > MAX_NAME_CHARACTERS:
        name = (
            name[:MAX_NAME_CHARACTERS].rsplit(" ", 1)[0]
            if " " in name[:MAX_NAME_CHARACTERS]
            else name[:MAX_NAME_CHARACTERS]
        )
        changes.append(f"cut to {MAX_NAME_CHARACTERS} characters")
    name = name.strip(" .-'’")
    if not any(char.isalpha() for char in name):
        return Sanitised(None, (*changes, "no letters left"))
    return Sanitised(name, tuple(changes))


def sanitise_zip(raw: str | None) -> Sanitised:
    """A zip/postal code: letters, digits, space and hyphen, at most 10 characters."""
    if raw is None:
        return Sanitised(None)
    text = _ZIP_CHARACTERS.sub("", strip_control(raw))[:MAX_ZIP_CHARACTERS].strip()
    changes = ("reduced to letters, digits, space and hyphen",) if text != raw else ()
    return Sanitised(text or None, changes)


def sanitise_label(raw: str | None) -> Sanitised:
    """A short free-text label (occupation, cluster label) with no control or markup characters."""
    if raw is None:
        return Sanitised(None)
    text = strip_control(raw)
    if _INSTRUCTION_LIKE.search(text):
        return Sanitised(None, ("instruction-like text neutralised",))
    cleaned = " ".join(_LABEL_CHARACTERS.sub(" ", text).split())[:MAX_LABEL_CHARACTERS].strip()
    changes = ("unsafe characters removed",) if cleaned != raw else ()
    return Sanitised(cleaned or None, changes)
