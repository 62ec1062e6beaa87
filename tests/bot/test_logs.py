"""Secrets never reach the logs: tokens are masked in messages, %-args and tracebacks."""

from __future__ import annotations

import io
import logging
import urllib.parse

import pytest

from bot.logs import RedactSecrets, install_redaction

TOKEN = "123456:ABC-def_ghi"
SECRET = "webhook-secret-42"


@pytest.fixture
def stream():
    """A StringIO handler on the root logger, removed afterwards."""
    root = logging.getLogger()
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    yield output
    root.removeHandler(handler)


@pytest.fixture
def install(stream):
    """install_redaction, undone afterwards on the root logger and on every handler it reached."""
    installed: list[tuple[RedactSecrets, list[logging.Handler]]] = []

    def install(secrets):
        redaction = install_redaction(secrets)
        installed.append((redaction, list(logging.getLogger().handlers)))
        return redaction

    yield install
    for redaction, handlers in installed:
        logging.getLogger().removeFilter(redaction)
        for handler in handlers:
            handler.removeFilter(redaction)


def test_a_token_inside_a_url_is_masked(stream, install):
    install([TOKEN])
    logging.getLogger("aiogram.test").warning("POST https://api.telegram.org/bot%s/sendMessage failed" % TOKEN)
    text = stream.getvalue()
    assert TOKEN not in text
    assert "https://api.telegram.org/bot***/sendMessage failed" in text


def test_percent_args_are_masked(stream, install):
    install([TOKEN, SECRET])
    logging.getLogger("bot.test").warning("token=%s secret=%r n=%d", TOKEN, SECRET, 3)
    text = stream.getvalue()
    assert TOKEN not in text and SECRET not in text
    assert "token=*** secret='***' n=3" in text


def test_the_url_encoded_form_is_masked(stream, install):
    install([TOKEN])
    encoded = urllib.parse.quote(TOKEN, safe="")
    assert encoded != TOKEN
    logging.getLogger("bot.test").warning("GET /proxy?to=%s", encoded)
    text = stream.getvalue()
    assert encoded not in text and TOKEN not in text
    assert "GET /proxy?to=***" in text


def test_exception_text_is_masked(stream, install):
    install([TOKEN])
    try:
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError:
        logging.getLogger("bot.test").exception("polling stopped")
    text = stream.getvalue()
    assert TOKEN not in text
    assert "Traceback" in text
    assert "RuntimeError: cannot reach https://api.telegram.org/bot***/getMe" in text
    assert "polling stopped" in text


def test_records_on_the_root_logger_itself_are_masked(stream, install):
    install([TOKEN])
    logging.getLogger().warning("token %s", TOKEN)
    assert stream.getvalue() == "WARNING root token ***\n"


def test_a_line_without_secrets_is_unchanged(stream, install):
    install([TOKEN])
    logging.getLogger("bot.test").warning("Đã gửi %d sáng kiến", 2)
    assert stream.getvalue() == "WARNING bot.test Đã gửi 2 sáng kiến\n"


def test_empty_secrets_are_ignored(stream, install):
    redaction = install(["", None])
    assert redaction.secrets == ()
    logging.getLogger("bot.test").warning("plain %s text", "*")
    assert stream.getvalue() == "WARNING bot.test plain * text\n"


def test_install_adds_the_filter_to_the_root_logger_and_its_handlers(stream, install):
    redaction = install([TOKEN])
    root = logging.getLogger()
    assert redaction in root.filters
    assert all(redaction in handler.filters for handler in root.handlers)


def test_longer_secrets_are_masked_first():
    redaction = RedactSecrets(["abc", "abcdef", ""])
    assert redaction.secrets[0] == "abcdef"
    assert redaction.redact("x abcdef y abc") == "x *** y ***"


def test_the_filter_keeps_every_record_and_clears_args():
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "a %s b", (TOKEN,), None)
    assert RedactSecrets([TOKEN]).filter(record) is True
    assert record.msg == "a *** b"
    assert record.args is None
    assert record.getMessage() == "a *** b"


def test_caplog_sees_masked_messages(caplog):
    redaction = RedactSecrets([TOKEN])
    caplog.handler.addFilter(redaction)
    try:
        with caplog.at_level(logging.INFO, logger="bot.test"):
            logging.getLogger("bot.test").info("token %s", TOKEN)
    finally:
        caplog.handler.removeFilter(redaction)
    assert caplog.messages == ["token ***"]
    assert TOKEN not in caplog.text


def test_no_filter_is_left_behind():
    root = logging.getLogger()
    assert not [f for f in root.filters if isinstance(f, RedactSecrets)]
    assert not [f for h in root.handlers for f in h.filters if isinstance(f, RedactSecrets)]
