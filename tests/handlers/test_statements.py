"""What an ordinary answer costs the database: the fast path of issue 17 (the figures are in bench/results.md)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from messaging.messages import Incoming
from tests.handlers.talk import Person


@contextmanager
def counted(db):
    """The SQL statements and transactions run while inside (the pool's pings and savepoints aside)."""
    seen = {"statements": [], "transactions": 0}

    def statement(conn, cursor, sql, params, context, executemany):
        seen["statements"].append(" ".join(sql.split())[-150:])

    def begun(conn):
        seen["transactions"] += 1

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begun)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begun)


def said(person: Person, text: str) -> Incoming:
    return Incoming(channel=person.channel, chat_id=person.user_id, user_id=person.user_id, display_name=person.name,
                    text=text, update_id=f"answer:{text}")


async def test_an_answer_of_the_form_is_one_transaction_of_few_statements(dispatcher, demo_db):
    hoa = Person(dispatcher)
    await hoa.register()
    for text in ("Sáng kiến mới", "Cải tiến giá kẹp phôi máy tiện", "1"):
        await hoa.say(text)
    with counted(demo_db) as seen:
        replies = await dispatcher.handle(said(hoa, "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm"))
    assert replies and seen["transactions"] == 1
    # The update's id; the sender with their unit, roles and conversation; their initiatives with their files (the
    # menu numbers them, and a draft changed elsewhere is noticed); the draft; the state; the reply.
    assert len(seen["statements"]) <= 6, "\n".join(seen["statements"])
