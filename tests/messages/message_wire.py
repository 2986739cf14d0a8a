"""Real wire formats of the three providers: response bodies and request-shape checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.llm.providers import (
    GeminiProvider,
    OllamaProvider,
    OpenAICompatibleProvider,
    Provider,
)

API_KEY = "sk-test-SECRET-6f1e2d"


def ollama_reply(text: str) -> dict[str, Any]:
    # Shape of Ollama's /api/chat answer with "stream": false (docs/api.md).
    return {
        "model": "llama3.2",
        "created_at": "2024-07-22T20:33:28.123648Z",
        "message": {"role": "assistant", "content": text},
        "done_reason": "stop",
        "done": True,
        "total_duration": 1561323375,
        "load_duration": 26116041,
        "prompt_eval_count": 112,
        "eval_count": 61,
    }


def openai_reply(text: str) -> dict[str, Any]:
    # Shape of a chat.completion object (OpenAI API reference; llama-server and vLLM match it).
    return {
        "id": "chatcmpl-abc123",
        "object": "chat.completion",
        "created": 1721680408,
        "model": "local-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 112, "completion_tokens": 61, "total_tokens": 173},
    }


def gemini_reply(text: str) -> dict[str, Any]:
    # Shape of a GenerateContentResponse (Gemini API reference).
    return {
        "candidates": [
            {
                "content": {"parts": [{"text": text}], "role": "model"},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {
            "promptTokenCount": 112,
            "candidatesTokenCount": 61,
            "totalTokenCount": 173,
        },
        "modelVersion": "gemini-2.0-flash",
    }


def check_ollama_request(body: dict[str, Any], headers: Any) -> None:
    assert body["model"] == "llama3.2"
    assert body["stream"] is False
    assert [message["role"] for message in body["messages"]] == ["system", "user"]
    assert "WatchIt" in body["messages"][0]["content"]
    assert body["options"]["temperature"] == 0.3


def check_openai_request(body: dict[str, Any], headers: Any) -> None:
    assert body["model"] == "local-model"
    assert body["stream"] is False
    assert [message["role"] for message in body["messages"]] == ["system", "user"]
    assert "WatchIt" in body["messages"][0]["content"]
    assert body["temperature"] == 0.3
    assert body["max_tokens"] > 0
    assert headers.get("Authorization") == f"Bearer {API_KEY}"


def check_gemini_request(body: dict[str, Any], headers: Any) -> None:
    assert "WatchIt" in body["systemInstruction"]["parts"][0]["text"]
    assert body["contents"][0]["role"] == "user"
    assert "Recommended movies" in body["contents"][0]["parts"][0]["text"]
    assert body["generationConfig"]["temperature"] == 0.3
    assert headers.get("x-goog-api-key") == API_KEY
    assert "key=" not in headers.get("Referer", "")


@dataclass(frozen=True)
class WireCase:
    name: str
    path: str
    reply: Callable[[str], dict[str, Any]]
    check_request: Callable[[dict[str, Any], Any], None]
    make: Callable[[str, float], Provider]


CASES = [
    WireCase(
        "ollama",
        "/api/chat",
        ollama_reply,
        check_ollama_request,
        lambda url, timeout: OllamaProvider("llama3.2", url, timeout, 0.3),
    ),
    WireCase(
        "openai",
        "/v1/chat/completions",
        openai_reply,
        check_openai_request,
        lambda url, timeout: OpenAICompatibleProvider(
            "local-model", url, timeout, 0.3, api_key=API_KEY
        ),
    ),
    WireCase(
        "gemini",
        "/v1beta/models/gemini-2.0-flash:generateContent",
        gemini_reply,
        check_gemini_request,
        lambda url, timeout: GeminiProvider("gemini-2.0-flash", url, timeout, 0.3, api_key=API_KEY),
    ),
]
