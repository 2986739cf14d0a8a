"""Errors with end-user messages. The CLI prints them as one `Error: ...` line and exits 1."""

from __future__ import annotations


class RecommenderError(Exception):
    """Base class for every expected failure; the message is shown to the user as is."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message} Hint: {self.hint}" if self.hint else message


class DataFileNotFound(RecommenderError):
    """A MovieLens file or folder the user pointed at does not exist."""


class MalformedDataLine(RecommenderError):
    """A data file line that cannot be parsed or breaks a rule (range, duplicate, unknown id)."""


class DatasetUnavailable(RecommenderError):
    """A dataset could not be downloaded or verified."""


class WarehouseLocked(RecommenderError):
    """Another process holds the warehouse file open for writing."""


class WarehouseNotFound(RecommenderError):
    """The warehouse file does not exist or lacks a step that must run first."""


class AuditFailed(RecommenderError):
    """One or more audits returned rows; the build was not swapped in."""


class SqlFileError(RecommenderError):
    """A file in sql/ is malformed, references an unknown object or forms a cycle."""


class UnknownMovie(RecommenderError):
    """No movie matches the given id or title."""


class UnknownUser(RecommenderError):
    """No user has the given id."""


class InvalidInput(RecommenderError):
    """A value given by the user is out of range or malformed."""


class MissingTemplateVariables(RecommenderError):
    """A prompt template needs variables the context does not provide."""


class ProviderError(RecommenderError):
    """An LLM provider failed (HTTP error, timeout, malformed or rejected reply)."""
