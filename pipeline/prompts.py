"""Render the prompt templates in prompts/ from plain data (never a connection).

One Environment: StrictUndefined (a missing variable fails instead of rendering ""), no
autoescape ("Schindler's" must stay as is), trim_blocks/lstrip_blocks for readable templates.
Before rendering, the template's undeclared variables are compared with the context and one
error names every missing one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import jinja2
import jinja2.meta

from pipeline.errors import MissingTemplateVariables
from pipeline.resources import prompts_dir

TEMPLATES = ("system.md.j2", "user.md.j2", "offline_message.md.j2")
# Bump by hand for changes outside the templates that alter messages (guard rules, context);
# template edits change the hash part on their own. Part of every cache key.
PROMPT_SCHEMA = "1"


def _and_join(items: Iterable[Any]) -> str:
    """["A", "B", "C"] -> "A, B and C"."""
    names = [str(item) for item in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _titled(movie: Mapping[str, Any]) -> str:
    """A movie as a sentence names it: "The Matrix (1999)"."""
    return f"{movie['title']} ({movie['year']})" if movie.get("year") else str(movie["title"])


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(prompts_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(and_join=_and_join, titled=_titled)
    return env


@cache
def required_variables(template_name: str) -> frozenset[str]:
    env = environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, template_name)
    return frozenset(jinja2.meta.find_undeclared_variables(env.parse(source)))


def render(template_name: str, context: Mapping[str, Any]) -> str:
    """Render prompts/<template_name>; every missing variable is reported at once."""
    missing = sorted(required_variables(template_name) - set(context))
    if missing:
        raise MissingTemplateVariables(
            f"template {template_name} is missing variables: {', '.join(missing)}"
        )
    try:
        return environment().get_template(template_name).render(**context)
    except jinja2.UndefinedError as error:
        # A missing attribute of a given variable (viewer.name), found only while rendering.
        raise MissingTemplateVariables(f"template {template_name}: {error.message}") from None


@cache
def prompt_version() -> str:
    """PROMPT_SCHEMA plus a hash of every template's text: changes whenever the wording does."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update(name.encode() + b"\0" + (prompts_dir() / name).read_bytes() + b"\0")
    return f"{PROMPT_SCHEMA}-{digest.hexdigest()[:12]}"
