"""LLM providers over plain HTTP: Ollama, any OpenAI-compatible server, Gemini; and `offline`.

Each provider turns (system prompt, user prompt) into the reply text, or raises a ProviderError
from pipeline.llm.http. Wire formats:
- ollama:  POST {url}/api/chat  {"model", "messages", "stream": false, "options": {...}}
- openai:  POST {url}/v1/chat/completions (or {url}/chat/completions when url ends in /v1)
           {"model", "messages", "temperature", "max_tokens", "stream": false};
           works with OpenAI, llama.cpp `llama-server`, vLLM and LM Studio.
- gemini:  POST {url}/v1beta/models/{model}:generateContent, key in the x-goog-api-key header,
           {"systemInstruction", "contents", "generationConfig"}.
API keys are read from the environment only, kept out of repr() and never logged.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pipeline.errors import InvalidInput, ProviderError
from pipeline.llm.http import FinalProviderError, RetryableProviderError, dig, post_json

PROVIDERS = ("offline", "ollama", "openai", "gemini")
DEFAULT_MODELS = {
    "offline": "template",
    "ollama": "llama3.2",
    "openai": "gpt-4o-mini",
    "gemini": "gemini-2.0-flash",
}
DEFAULT_URLS = {
    "offline": "",
    "ollama": "http://localhost:11434",
    "openai": "https://api.openai.com",
    "gemini": "https://generativelanguage.googleapis.com",
}
# Environment variables holding keys, first match wins.
KEY_VARIABLES = {
    "openai": ("WATCHIT_OPENAI_API_KEY", "OPENAI_API_KEY"),
    "gemini": ("WATCHIT_GEMINI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"),
}
MAX_OUTPUT_TOKENS = 300


@dataclass(frozen=True)
class LlmConfig:
    """Which model to ask and how; the CLI fills it from options and WATCHIT_LLM_* variables."""

    provider: str = "offline"
    model: str | None = None  # None: the provider's default (DEFAULT_MODELS)
    url: str | None = None  # None: the provider's default (DEFAULT_URLS)
    timeout_seconds: float = 60.0
    temperature: float = 0.7

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise InvalidInput(
                f"unknown LLM provider {self.provider!r}.",
                hint=f"use one of: {', '.join(PROVIDERS)}.",
            )
        if self.timeout_seconds <= 0:
            raise InvalidInput(f"timeout must be positive, got {self.timeout_seconds}.")
        if not 0 <= self.temperature <= 2:
            raise InvalidInput(f"temperature must be between 0 and 2, got {self.temperature}.")

    @property
    def model_name(self) -> str:
        return self.model or DEFAULT_MODELS[self.provider]

    @property
    def base_url(self) -> str:
        return (self.url or DEFAULT_URLS[self.provider]).rstrip("/")


class Provider(Protocol):
    # Read-only properties: the providers are frozen dataclasses.
    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    def complete(self, system: str, user: str) -> str:
        """The model's reply text; raises a ProviderError subclass on failure."""
        ...

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in any output (API keys)."""
        ...


@dataclass(frozen=True)
class OllamaProvider:
    model: str
    url: str
    timeout_seconds: float
    temperature: float
    name: str = "ollama"

    @property
    def secrets(self) -> tuple[str, ...]:
        return ()

    def complete(self, system: str, user: str) -> str:
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "stream": False,
            "options": {"temperature": self.temperature, "num_predict": MAX_OUTPUT_TOKENS},
        }
        try:
            reply = post_json(
                f"{self.url}/api/chat",
                body,
                headers={},
                timeout=self.timeout_seconds,
                provider="ollama",
            )
        except FinalProviderError as error:
            if "HTTP 404" in str(error):
                raise FinalProviderError(f"{error} (run `ollama pull {self.model}`)") from None
            raise
        if isinstance(reply.get("error"), str):
            raise RetryableProviderError(f"ollama reported an error: {reply['error'][:160]}")
        if reply.get("done_reason") == "length":
            raise RetryableProviderError("ollama stopped at the token limit (reply cut off)")
        return _text(dig(reply, "message", "content"), "ollama", "message.content")


@dataclass(frozen=True)
class OpenAICompatibleProvider:
    model: str
    url: str
    timeout_seconds: float
    temperature: float
    api_key: str | None = field(default=None, repr=False)
    name: str = "openai"

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.api_key,) if self.api_key else ()

    @property
    def endpoint(self) -> str:
        # Accept both "http://host:8080" and "http://host:8080/v1" as the base URL.
        base = self.url if self.url.endswith("/v1") else f"{self.url}/v1"
        return f"{base}/chat/completions"

    def complete(self, system: str, user: str) -> str:
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": self.temperature,
            "max_tokens": MAX_OUTPUT_TOKENS,
            "stream": False,
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        reply = post_json(
            self.endpoint,
            body,
            headers=headers,
            timeout=self.timeout_seconds,
            provider="openai",
            secrets=self.secrets,
        )
        choice = dig(reply, "choices", 0)
        if choice is None:
            raise RetryableProviderError("openai reply has no choices[0]")
        refusal = dig(choice, "message", "refusal")
        if refusal:
            raise RetryableProviderError("openai refused: " + str(refusal)[:160])
        finish = choice.get("finish_reason")
        if finish == "length":
            raise RetryableProviderError("openai stopped at the token limit (reply cut off)")
        if finish == "content_filter":
            raise FinalProviderError("openai blocked the reply (content_filter)")
        return _text(dig(choice, "message", "content"), "openai", "choices[0].message.content")


@dataclass(frozen=True)
class GeminiProvider:
    model: str
    url: str
    timeout_seconds: float
    temperature: float
    api_key: str = field(repr=False)
    name: str = "gemini"

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.api_key,)

    @property
    def endpoint(self) -> str:
        model = self.model.removeprefix("models/")
        return f"{self.url}/v1beta/models/{urllib.parse.quote(model, safe='-._')}:generateContent"

    def complete(self, system: str, user: str) -> str:
        body = {
            "systemInstruction": {"parts": [{"text": system}]},
            "contents": [{"role": "user", "parts": [{"text": user}]}],
            "generationConfig": {
                "temperature": self.temperature,
                "maxOutputTokens": MAX_OUTPUT_TOKENS,
            },
        }
        reply = post_json(
            self.endpoint,
            body,
            headers={"x-goog-api-key": self.api_key},
            timeout=self.timeout_seconds,
            provider="gemini",
            secrets=self.secrets,
        )
        block = dig(reply, "promptFeedback", "blockReason")
        if block:
            raise FinalProviderError(f"gemini blocked the prompt ({block})")
        candidate = dig(reply, "candidates", 0)
        if candidate is None:
            raise RetryableProviderError("gemini reply has no candidates[0]")
        finish = candidate.get("finishReason")
        if finish == "MAX_TOKENS":
            raise RetryableProviderError("gemini stopped at the token limit (reply cut off)")
        if finish in {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT"}:
            raise RetryableProviderError(f"gemini withheld the reply ({finish})")
        parts = dig(candidate, "content", "parts")
        if not isinstance(parts, list):
            raise RetryableProviderError("gemini reply has no candidates[0].content.parts")
        # Thinking models add parts flagged "thought"; only the answer parts count.
        texts = [
            part["text"]
            for part in parts
            if isinstance(part, dict)
            and isinstance(part.get("text"), str)
            and not part.get("thought")
        ]
        return _text(
            "".join(texts) if texts else None, "gemini", "candidates[0].content.parts[].text"
        )


def _text(value: Any, provider: str, where: str) -> str:
    if not isinstance(value, str):
        raise RetryableProviderError(f"{provider} reply has no text at {where}")
    if not value.strip():
        raise RetryableProviderError(f"{provider} sent an empty reply")
    return value


def api_key(provider: str, env: Mapping[str, str]) -> str | None:
    for variable in KEY_VARIABLES.get(provider, ()):
        value = env.get(variable, "").strip()
        if value:
            return value
    return None


def make_provider(config: LlmConfig, env: Mapping[str, str] | None = None) -> Provider | None:
    """The provider for `config`, or None for `offline` (the template writes the message)."""
    env = os.environ if env is None else env
    if config.provider == "offline":
        return None
    model, url = config.model_name, config.base_url
    timeout, temperature = config.timeout_seconds, config.temperature
    if config.provider == "ollama":
        return OllamaProvider(model, url, timeout, temperature)
    key = api_key(config.provider, env)
    if config.provider == "openai":
        if key is None and config.base_url == DEFAULT_URLS["openai"]:
            raise ProviderError(
                "api.openai.com needs an API key and none is set.",
                hint="export OPENAI_API_KEY (or WATCHIT_OPENAI_API_KEY), or point --llm-url "
                "at a local server such as llama-server.",
            )
        return OpenAICompatibleProvider(model, url, timeout, temperature, api_key=key)
    if key is None:
        raise ProviderError(
            "gemini needs an API key and none is set.",
            hint="export GEMINI_API_KEY (or WATCHIT_GEMINI_API_KEY), or use --provider offline.",
        )
    return GeminiProvider(model, url, timeout, temperature, api_key=key)
