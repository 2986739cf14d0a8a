"""Golden renders of every prompt template, and the StrictUndefined contract.

Regenerate the golden files after an intended wording change with:
    WATCHIT_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/messages/test_prompts.py
then review the diff of tests/messages/golden/ before committing.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from pipeline import prompts
from pipeline.errors import MissingTemplateVariables
from pipeline.messages import MessageRequest, MovieItem, build_prompt, offline_message

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("WATCHIT_REGENERATE_GOLDEN") == "1"


def anonymous(request: MessageRequest) -> MessageRequest:
    return dataclasses.replace(
        request, name=None, occupation="none", cluster_label=None, age_bucket="56+"
    )


def renders(request: MessageRequest) -> dict[str, str]:
    prompt = build_prompt(request)
    generic = anonymous(request)
    single = dataclasses.replace(request, movies=request.movies[:1])
    return {
        "system.txt": prompt.system,
        "user_maria.txt": prompt.user,
        "user_generic.txt": build_prompt(generic).user,
        "offline_maria.txt": offline_message(request) + "\n",
        "offline_generic.txt": offline_message(generic) + "\n",
        "offline_single_movie.txt": offline_message(single) + "\n",
    }


def test_rendered_prompts_match_the_golden_files(request_for_maria) -> None:
    for name, text in renders(request_for_maria).items():
        path = GOLDEN / name
        if REGENERATE:
            path.write_text(text, encoding="utf-8")
        assert path.is_file(), f"{path} is missing; run with WATCHIT_REGENERATE_GOLDEN=1"
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} changed; if intended, regenerate with WATCHIT_REGENERATE_GOLDEN=1 and review the diff"
        )


def test_every_missing_variable_is_named_at_once() -> None:
    with pytest.raises(MissingTemplateVariables) as error:
        prompts.render("offline_message.md.j2", {"platform": "WatchIt"})
    assert str(error.value) == "template offline_message.md.j2 is missing variables: movies, viewer"


def test_a_missing_attribute_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(MissingTemplateVariables, match="name"):
        prompts.render("user.md.j2", {"viewer": {"occupation": "x"}, "movies": []})


def test_titles_are_not_html_escaped() -> None:
    request = MessageRequest(
        movies=(MovieItem(318, "Schindler's List (1993)", 1993, ("Drama", "War")),)
    )
    assert "Schindler's List (1993)" in build_prompt(request).user
    assert "Schindler's List (1993)" in offline_message(request)


def test_the_prompt_version_follows_the_template_text() -> None:
    version = prompts.prompt_version()
    assert (
        version.startswith(prompts.PROMPT_SCHEMA + "-")
        and len(version) == len(prompts.PROMPT_SCHEMA) + 13
    )


def test_the_prompt_hash_changes_with_the_data(request_for_maria) -> None:
    other = dataclasses.replace(request_for_maria, movies=request_for_maria.movies[::-1])
    assert build_prompt(request_for_maria).hash != build_prompt(other).hash
    assert (
        build_prompt(request_for_maria).hash
        == build_prompt(dataclasses.replace(request_for_maria)).hash
    )
