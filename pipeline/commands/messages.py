"""The `message` command: a short personal message introducing a recommendation list."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from enum import Enum
from pathlib import Path

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline import messages, warehouse
from pipeline.errors import RecommenderError, WarehouseLocked
from pipeline.llm.providers import PROVIDERS, LlmConfig, Provider, make_provider
from pipeline.llm.retry import RetryPolicy
from pipeline.llm.sanitise import sanitise_name
from pipeline.llm.titles import display_title
from pipeline.output import print_rows

# Batch results are written every this many messages (and seconds), so a stopped run keeps what
# it paid for without reopening the warehouse for every message.
STORE_EVERY = 25
STORE_EVERY_SECONDS = 5.0


class MessageFormat(str, Enum):
    text = "text"
    json = "json"


class Gender(str, Enum):
    F = "F"
    M = "M"


def message(
    ctx: typer.Context,
    user: int = typer.Option(
        None, "--user", "-u", min=1, help="Write the message for this user id."
    ),
    all_users: bool = typer.Option(
        False,
        "--all",
        help="Write messages for many users (see --limit) into app.recommendation_messages.",
    ),
    limit: int = typer.Option(
        20, "--limit", min=1, help="With --all: at most this many users, lowest id first."
    ),
    age: int = typer.Option(
        None,
        "--age",
        min=1,
        max=120,
        help="New viewer: age in years (with --gender, --occupation).",
    ),
    gender: Gender = typer.Option(
        None, "--gender", case_sensitive=False, help="New viewer: M or F."
    ),
    occupation: str = typer.Option(
        None, "--occupation", help="New viewer: occupation, e.g. programmer."
    ),
    zip_code: str = typer.Option(None, "--zip", help="New viewer: zip code (optional)."),
    name: str = typer.Option(
        None,
        "--name",
        help="Name to greet (sanitised; instruction-like text gives a generic greeting).",
    ),
    method: str = typer.Option(
        "hybrid",
        "--method",
        help="Recommendation method for known users: hybrid, item, user, popular or cluster.",
    ),
    count: int = typer.Option(
        5, "--count", "-n", min=1, max=20, help="Number of recommended movies to introduce."
    ),
    provider: str = typer.Option(
        "offline",
        "--provider",
        envvar="WATCHIT_LLM_PROVIDER",
        click_type=click.Choice(PROVIDERS),
        help=f"Who writes the message: {', '.join(PROVIDERS)} (offline needs no model).",
    ),
    model: str = typer.Option(
        None,
        "--model",
        envvar="WATCHIT_LLM_MODEL",
        help="Model name (default per provider, e.g. llama3.2).",
    ),
    llm_url: str = typer.Option(
        None,
        "--llm-url",
        envvar="WATCHIT_LLM_URL",
        help="Provider base URL, e.g. http://localhost:11434 (ollama) or http://localhost:8080/v1 (llama-server).",
    ),
    timeout: float = typer.Option(
        60.0,
        "--timeout",
        min=0.1,
        envvar="WATCHIT_LLM_TIMEOUT",
        help="Seconds to wait for one model reply.",
    ),
    temperature: float = typer.Option(
        0.7,
        "--temperature",
        min=0.0,
        max=2.0,
        envvar="WATCHIT_LLM_TEMPERATURE",
        help="Sampling temperature.",
    ),
    max_attempts: int = typer.Option(
        3,
        "--max-attempts",
        min=1,
        max=10,
        envvar="WATCHIT_LLM_MAX_ATTEMPTS",
        help="Calls per message before falling back to the offline message.",
    ),
    backoff: float = typer.Option(
        1.0,
        "--backoff",
        min=0.0,
        envvar="WATCHIT_LLM_BACKOFF",
        help="Seconds before the first retry, doubled for each further one (Retry-After wins).",
    ),
    refresh: bool = typer.Option(
        False, "--refresh", help="Ignore cached messages and ask the model again."
    ),
    concurrency: int = typer.Option(
        4, "--concurrency", min=1, max=32, help="With --all: model calls in flight at once."
    ),
    output_format: MessageFormat = typer.Option(
        MessageFormat.text, "--format", "-f", help="Output format: text or json."
    ),
) -> None:
    """Write a short, friendly message introducing someone's recommendations.

    The message names the viewer (or greets generically), their occupation and age group, their
    taste cluster when `watchit cluster` has run, and two or three of the recommended movies.
    The default provider `offline` writes it from a template with no model; ollama, openai
    (any OpenAI-compatible server: llama.cpp, vLLM, LM Studio) and gemini ask a model, check the
    reply (only recommended titles, 2-3 sentences, no markdown), retry, and fall back to the
    offline message when the model fails; `source` and `fallback_reason` say what happened.
    API keys are read from OPENAI_API_KEY / GEMINI_API_KEY only. Model replies are cached in
    app.message_cache; --all stores every message in app.recommendation_messages.

    Example: watchit message --user 42 --provider ollama --model llama3.2
    """
    modes = [user is not None, all_users, age is not None]
    if sum(modes) != 1:
        raise click.UsageError(
            "give exactly one of --user, --all or --age (with --gender and --occupation)."
        )
    if age is not None and (gender is None or occupation is None):
        raise click.UsageError("--age needs --gender and --occupation as well.")
    config = LlmConfig(
        provider=provider,
        model=model,
        url=llm_url,
        timeout_seconds=timeout,
        temperature=temperature,
    )
    llm = make_provider(config, os.environ)
    policy = RetryPolicy(max_attempts=max_attempts, backoff_seconds=backoff)
    path: Path = ctx.obj.warehouse
    console = Console(stderr=True)
    if name is not None and sanitise_name(name).value != name:
        console.print("Note: the name was sanitised before reaching the prompt.", highlight=False)

    if all_users:
        _write_batch(
            path, llm, policy, method, count, limit, concurrency, refresh, output_format, console
        )
        return

    con = warehouse.connect(path, read_only=True)
    try:
        if user is not None:
            request = messages.request_for_user(con, user, method, count, name)
        else:
            request = messages.request_for_new_viewer(
                con,
                age=age,
                gender=gender.value,
                occupation=occupation,
                zip_code=zip_code,
                name=name,
                n=count,
            )
        catalogue = messages.load_catalogue(con)
        cached = {}
        if llm is not None and not refresh:
            cached = messages.cached_results(con, llm, [messages.build_prompt(request).hash])
    finally:
        con.close()
    (result,) = messages.write_messages(
        [request], llm, catalogue, cached=cached, policy=policy, concurrency=1
    )
    _print_one(request, result, output_format)
    try:
        messages.store_results(path, [result], record_batch=False)
    except WarehouseLocked as error:
        console.print(f"Warning: the message was not cached: {error}", highlight=False)


def _write_batch(
    path: Path,
    llm: Provider | None,
    policy: RetryPolicy,
    method: str,
    count: int,
    limit: int,
    concurrency: int,
    refresh: bool,
    output_format: MessageFormat,
    console: Console,
) -> None:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        con = warehouse.connect(path, read_only=True)
        try:
            user_ids = messages.batch_user_ids(con, limit)
            if not user_ids:
                raise RecommenderError(
                    "the warehouse has no users with ratings.", hint="run `watchit load` first."
                )
            task = progress.add_task(f"recommending ({method})", total=len(user_ids))
            requests = messages.requests_for_users(con, user_ids, method, count)
            progress.update(task, completed=len(user_ids))
            catalogue = messages.load_catalogue(con)
            cached = {}
            if llm is not None and not refresh:
                hashes = [messages.build_prompt(request).hash for request in requests]
                cached = messages.cached_results(con, llm, hashes)
        finally:
            con.close()
        task = progress.add_task("writing messages", total=len(requests))
        results: list[messages.MessageResult] = []
        unsaved: list[messages.MessageResult] = []
        stored_at = time.monotonic()
        for result in messages.write_messages(
            requests, llm, catalogue, cached=cached, concurrency=concurrency, policy=policy
        ):
            results.append(result)
            unsaved.append(result)
            progress.advance(task)
            if len(unsaved) >= STORE_EVERY and time.monotonic() - stored_at >= STORE_EVERY_SECONDS:
                messages.store_results(path, unsaved, record_batch=True)
                unsaved, stored_at = [], time.monotonic()
        messages.store_results(path, unsaved, record_batch=True)
    results.sort(key=lambda result: result.user_id or 0)
    by_source = {
        source: sum(r.source == source for r in results)
        for source in ("llm", "offline", "fallback")
    }
    cached_count = sum(r.is_cached for r in results)
    console.print(
        f"Stored {len(results)} messages in app.recommendation_messages: "
        + ", ".join(f"{number} {source}" for source, number in by_source.items() if number)
        + (f" ({cached_count} from the cache)" if cached_count else "")
        + ".",
        highlight=False,
    )
    if output_format is MessageFormat.json:
        typer.echo(
            json.dumps([_record(result) for result in results], ensure_ascii=False, indent=2)
        )
    else:
        print_rows(
            ["user_id", "source", "fallback_reason", "message"],
            [(r.user_id, r.source, r.fallback_reason or "", r.message) for r in results],
        )


def _record(result: messages.MessageResult) -> dict[str, object]:
    return asdict(result)


def _print_one(
    request: messages.MessageRequest, result: messages.MessageResult, output_format: MessageFormat
) -> None:
    if output_format is MessageFormat.json:
        record = _record(result)
        record["recommendations"] = [asdict(movie) for movie in request.movies]
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    typer.echo(result.message)
    typer.echo("")
    for rank, movie in enumerate(request.movies, start=1):
        year = f" ({movie.release_year})" if movie.release_year else ""
        typer.echo(f"{rank}. {display_title(movie.title)}{year}  [{', '.join(movie.genres)}]")
    typer.echo("")
    who = f"{result.provider}/{result.model}"
    if result.source == "fallback":
        typer.echo(f"source: fallback (offline message; {who} failed: {result.fallback_reason})")
    elif result.source == "llm":
        typer.echo(f"source: llm ({who}{', cached' if result.is_cached else ''})")
    else:
        typer.echo("source: offline (template, no model)")


def register(app: typer.Typer) -> None:
    """Add the message command to the app."""
    app.command("message")(message)
