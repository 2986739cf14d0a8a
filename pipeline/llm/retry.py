"""Ask a provider until a reply passes the guard, with bounded retries and backoff.

Policy (documented in the README):
- retried: HTTP 5xx, HTTP 429 (waiting Retry-After when given), timeout, malformed JSON, an
  empty or cut-off reply, a refusal, a reply the guard rejects;
- not retried: other HTTP 4xx (wrong key, unknown model), an unreachable server, a blocked prompt;
- at most `max_attempts` calls; waits grow `backoff_seconds * 2**n` and never exceed
  `max_wait_seconds` (a longer Retry-After ends the attempts instead).
The caller falls back to the offline message when no attempt succeeds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.errors import ProviderError
from pipeline.llm.guard import Verdict
from pipeline.llm.http import RetryableProviderError, redact
from pipeline.llm.providers import Provider

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_seconds: float = 1.0
    max_wait_seconds: float = 30.0


@dataclass(frozen=True)
class Generation:
    """The accepted message, or None with the reason the last attempt failed."""

    message: str | None
    attempts: int
    failure: str | None = None
    provider_failed: bool = False  # the provider itself failed (not the guard)


class CircuitBreaker:
    """Stop asking a provider that failed `threshold` messages in a row.

    A batch against a dead or hung server would otherwise wait timeout x attempts per user;
    guard rejections do not count (the server works, the model just wrote a bad message).
    Thread-safe: batch threads share one breaker.
    """

    def __init__(self, threshold: int = 5) -> None:
        self.threshold = threshold
        self._failures_in_a_row = 0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._failures_in_a_row >= self.threshold

    def record(self, generation: Generation) -> None:
        with self._lock:
            if generation.provider_failed:
                self._failures_in_a_row += 1
            else:
                self._failures_in_a_row = 0


def generate(
    provider: Provider,
    system: str,
    user: str,
    check: Callable[[str], Verdict],
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> Generation:
    failure = "no attempt was made"
    provider_failed = False
    for attempt in range(1, policy.max_attempts + 1):
        retry_after: float | None = None
        try:
            reply = provider.complete(system, user)
        except RetryableProviderError as error:
            failure, retry_after, provider_failed = str(error), error.retry_after, True
        except ProviderError as error:
            return Generation(None, attempt, redact(str(error), provider.secrets), True)
        else:
            verdict = check(reply)
            if verdict.ok:
                return Generation(verdict.message, attempt)
            failure, provider_failed = "the reply " + "; ".join(verdict.problems), False
        failure = redact(failure, provider.secrets)
        log.info(
            "%s attempt %d/%d failed: %s", provider.name, attempt, policy.max_attempts, failure
        )
        if attempt == policy.max_attempts:
            break
        wait = (
            retry_after if retry_after is not None else policy.backoff_seconds * 2 ** (attempt - 1)
        )
        if wait > policy.max_wait_seconds:
            return Generation(
                None,
                attempt,
                f"{failure} (asked to wait {wait:.0f} s, more than the {policy.max_wait_seconds:g} s limit)",
                provider_failed,
            )
        sleep(wait)
    return Generation(
        None,
        policy.max_attempts,
        f"{failure} (after {policy.max_attempts} attempts)",
        provider_failed,
    )
