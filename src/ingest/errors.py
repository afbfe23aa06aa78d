"""The two ways a document can fail to become a record, each carrying a one-line reason."""


class IngestError(Exception):
    """Base class: `str(error)` is the one-line reason shown to users and stored."""

    exit_code = 2

    def __str__(self) -> str:
        text = super().__str__().strip()
        return text.splitlines()[0] if text else type(self).__name__


class InvalidInput(IngestError):
    """The bytes cannot be read as a report document (empty, truncated, encrypted, wrong type)."""

    exit_code = 2


class NotAReport(IngestError):
    """A readable document that is not an annual report (解读, 工作总结, notices)."""

    exit_code = 3


class LimitExceeded(InvalidInput):
    """The document breaks a configured limit (bytes, pages, time, memory)."""
