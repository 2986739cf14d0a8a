"""One JSON POST with every failure turned into a typed ProviderError that says if a retry helps.

API keys travel only in request headers; error texts never include headers, and any text taken
from a response is passed through `redact()` so a server echoing the key cannot leak it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import requests

from pipeline.errors import ProviderError

log = logging.getLogger(__name__)

_SNIPPET = 160


class RetryableProviderError(ProviderError):
    """A failure that may pass on a later attempt (5xx, 429, timeout, malformed or empty reply)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FinalProviderError(ProviderError):
    """A failure a retry will not fix (401, 404, unreachable server, blocked prompt)."""


def redact(text: str, secrets: Iterable[str | None]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def post_json(
    url: str,
    body: Mapping[str, Any],
    *,
    headers: Mapping[str, str],
    timeout: float,
    provider: str,
    secrets: Iterable[str | None] = (),
) -> dict[str, Any]:
    """POST `body` as JSON and return the decoded JSON object, or raise a ProviderError."""
    secrets = tuple(secrets)
    try:
        response = requests.post(url, json=body, headers=dict(headers), timeout=timeout)
    except requests.Timeout:
        raise RetryableProviderError(f"{provider} did not answer within {timeout:g} s") from None
    except requests.ConnectionError:
        raise FinalProviderError(
            f"{provider} is unreachable at {redact(url, secrets)} (is the server running?)"
        ) from None
    except requests.RequestException as error:
        raise FinalProviderError(
            f"{provider} request failed: {redact(type(error).__name__, secrets)}"
        ) from None
    if response.status_code != 200:
        snippet = redact(" ".join(response.text.split())[:_SNIPPET], secrets)
        message = f"{provider} answered HTTP {response.status_code}: {snippet}"
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableProviderError(message, _retry_after(response.headers.get("Retry-After")))
        raise FinalProviderError(message)
    try:
        decoded = response.json()
    except (json.JSONDecodeError, requests.JSONDecodeError, UnicodeDecodeError):
        snippet = redact(" ".join(response.text.split())[:_SNIPPET], secrets)
        raise RetryableProviderError(f"{provider} sent malformed JSON: {snippet!r}") from None
    if not isinstance(decoded, dict):
        raise RetryableProviderError(f"{provider} sent JSON that is not an object")
    return decoded


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def dig(document: Any, *path: str | int) -> Any:
    """document[path0][path1]... or None when any step is missing or of the wrong type."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(document, list) or len(document) <= step:
                return None
        elif not isinstance(document, dict) or step not in document:
            return None
        document = document[step]
    return document
