"""Secrets never reach the logs: a filter that masks bot tokens and webhook secrets in every record.

Telegram tokens ("123456:ABC-def_ghi") turn up inside request URLs ("/bot123456:ABC-def_ghi/sendMessage")
in library log lines and tracebacks, so both the plain and the URL-encoded form of each secret are masked.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Iterable

MASK = "***"


class RedactSecrets(logging.Filter):
    """Replaces each secret with *** in the formatted message and the exception text; never drops a record."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        forms: set[str] = set()
        for secret in secrets or ():
            if secret:
                forms.add(secret)
                forms.add(urllib.parse.quote(secret, safe=""))
        # Longest first, so a secret that contains another is masked whole.
        self.secrets: tuple[str, ...] = tuple(sorted(forms, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # bad %-args: keep what there is, masked, rather than let it leak via handleError
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(secrets: Iterable[str | None]) -> RedactSecrets:
    """Add one RedactSecrets to the root logger and to each of its current handlers (records that propagate
    from other loggers skip the root logger's own filters, but not its handlers'); returns the filter."""
    redaction = RedactSecrets(secrets)
    root = logging.getLogger()
    root.addFilter(redaction)
    for handler in root.handlers:
        handler.addFilter(redaction)
    return redaction


def remove_redaction(redaction: RedactSecrets) -> None:
    """Undo install_redaction (a stopped bot leaves the process's logging as it found it)."""
    root = logging.getLogger()
    root.removeFilter(redaction)
    for handler in root.handlers:
        handler.removeFilter(redaction)
