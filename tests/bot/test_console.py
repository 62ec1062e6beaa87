"""The terminal chat end to end: a whole conversation piped into `sangkien chat`, as a person would."""

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from bot.channels.console import ConsoleChat
from tests import db_templates, forked

REGISTRATION = ["/start", "Nguyễn Thị Hoa", "truong mam non kim hy", "2"]
SUBMISSION_FIRST_HALF = [
    "Sáng kiến mới",
    "Cải tiến giá kẹp phôi máy tiện",
    "sản xuất kinh doanh",
    "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm",
]
SUBMISSION_SECOND_HALF = [
    "@voice ghi-am-giai-phap.ogg",  # the solution, said rather than typed
    "Giảm hàng hỏng từ 20 xuống 2 sản phẩm mỗi ca",
    "1,5 tỷ",
    "đúng",
    "bo qua",  # first applied date: skipped
    "Lê Văn Nam, Phạm Thị Thu",
    "xong",
    "@photo anh-truoc-sau.jpg Ảnh trước và sau",
    "xong",
    "Sửa một mục",
    "1",
    "Gá định vị kẹp phôi cho máy tiện",
    "Gửi sáng kiến",
]


@pytest.fixture
def env(tmp_path: Path) -> dict:
    environment = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}", "PYTHONUTF8": "1"}
    # What `sangkien db upgrade` and `sangkien demo-data` make (tests/bot/test_cli.py runs those), copied.
    db_templates.sqlite.copy(tmp_path / "chat.db", demo=True)
    environment["DB_FILE"] = str(tmp_path / "chat.db")
    return environment


def chat(env: dict, lines: list[str], *args: str) -> str:
    result = forked.run(["chat", *args], env, input="\n".join(lines) + "\n", timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def code_in(output: str) -> str:
    return re.search(r"SK-\d{4}-\d{6}", output).group(0)


def rows(env: dict, sql: str) -> list[tuple]:
    with sqlite3.connect(env["DB_FILE"]) as conn:
        return conn.execute(sql).fetchall()


def test_a_piped_conversation_stores_a_complete_initiative(env):
    output = chat(env, REGISTRATION + SUBMISSION_FIRST_HALF + SUBMISSION_SECOND_HALF, "--session", "s1")
    assert code_in(output)
    [(code, status, title, field, value, applied, coauthors)] = rows(
        env, "SELECT code, status, title, field, estimated_value, first_applied_on, coauthors FROM initiatives"
    )
    assert code == code_in(output) and status == "submitted"
    assert title == "Gá định vị kẹp phôi cho máy tiện"  # the edit from the review
    assert field == "Sản xuất kinh doanh" and value == 1_500_000_000 and applied is None
    assert json.loads(coauthors) == ["Lê Văn Nam", "Phạm Thị Thu"]
    assert rows(env, "SELECT field, kind, file_ref FROM attachments ORDER BY id") == [
        ("solution", "voice", "ghi-am-giai-phap.ogg"),
        ("attachments", "photo", "anh-truoc-sau.jpg"),
    ]
    assert rows(env, "SELECT from_status, to_status FROM status_changes") == [("draft", "submitted")]


def test_replaying_the_same_session_creates_nothing_new(env):
    lines = REGISTRATION + SUBMISSION_FIRST_HALF + SUBMISSION_SECOND_HALF
    chat(env, lines, "--session", "s1")
    counts = [rows(env, f"SELECT count(*) FROM {t}") for t in ("initiatives", "status_changes", "outbox", "members")]
    output = chat(env, lines, "--session", "s1")
    assert output.strip() == ""
    assert [rows(env, f"SELECT count(*) FROM {t}") for t in ("initiatives", "status_changes", "outbox", "members")] == counts


def test_a_killed_process_resumes_the_draft_at_the_same_step(env):
    process = forked.start(["chat"], env, stdin=subprocess.PIPE)
    process.stdin.write("\n".join(REGISTRATION + SUBMISSION_FIRST_HALF) + "\n")
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if rows(env, "SELECT current_step FROM initiatives") == [("solution",)]:
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdin.close()
    assert rows(env, "SELECT title, problem FROM initiatives") == [
        ("Cải tiến giá kẹp phôi máy tiện", "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm")
    ]
    output = chat(env, SUBMISSION_SECOND_HALF)
    assert rows(env, "SELECT status, problem FROM initiatives") == [
        ("submitted", "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm")
    ]
    assert code_in(output)


def test_run_without_a_token_opens_the_terminal_chat(env):
    result = forked.run(["run"], env, input="xin chào\n")
    assert result.returncode == 0, result.stderr
    assert "Họ và tên đầy đủ của bạn là gì?" in result.stdout
    assert "bấm" not in result.stdout.lower()  # nothing can be pressed in a terminal


def test_two_users_share_one_database(env):
    chat(env, REGISTRATION, "--user", "a")
    output = chat(env, ["hello"], "--user", "b")
    assert "Họ và tên đầy đủ của bạn là gì?" in output  # b is new, a is not
    assert rows(env, "SELECT count(*) FROM members") == [(1,)]


class ClosedTerminal(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


async def test_a_terminal_closed_while_printing_gets_its_replies_at_the_next_run(dispatcher):
    """A pipe cut short (`sangkien chat | head -1`) is no failure of the message: the next run prints what was
    owed, then its own answer, without a wait and without counting an attempt."""
    closed = ConsoleChat(dispatcher, user_id="hoa", stdin=io.StringIO(), stdout=ClosedTerminal())
    await closed.say("/start", update_id=None)
    out = io.StringIO()
    again = ConsoleChat(dispatcher, user_id="hoa", stdin=io.StringIO(), stdout=out)
    await again.say("/start", update_id=None)
    printed = out.getvalue()
    assert 0 <= printed.find("Xin chào!") < printed.find("trước khi làm việc khác"), printed  # the welcome first
    async with dispatcher.db.transaction() as tx:
        assert await tx.outbox.unsent_for_chat("console", "hoa", max_attempts=20) == []
