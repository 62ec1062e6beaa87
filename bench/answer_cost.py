"""What one ordinary answer costs: SQL statements, transactions and CPU, in one process with no HTTP around it.

    .venv/bin/python -m bench.answer_cost [--engines sqlite,postgres] [--answers 300] [--json FILE]

Workers registered through the dispatcher each open "Sáng kiến mới", name their initiative and pick its
field; then each answers the next questions of the form (the problem, the solution, the benefit) as
Telegram's webhook handles them: the update in one transaction whose reply is held for the response
(bot/channels/telegram/webhook.py), then the reply marked sent with the others of that moment
(messaging/marks.py). The statements and transactions are counted by SQLAlchemy's events (the
pool's pings aside); the CPU is this process's, the database server's work not included.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from sqlalchemy import event

from bench.tree import fresh_database
from bot.app import options_from
from bot.channels.telegram.webhook import TelegramWebhook
from bot.settings import Settings
from handlers.dispatcher import Dispatcher
from messaging.marks import SentMarks
from messaging.messages import Incoming
from storage.db import Database

STATEMENTS, TRANSACTIONS, CPU_MS = 3, 1, 1.5  # the targets (issue 17)
REGISTER = ("/start", "Nguyễn Thị Hoa", "mam non kim hy", "Khác")
OPEN = ("Sáng kiến mới", "Cải tiến giá kẹp phôi máy tiện", "1")
ANSWERS = ("Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm", "Làm thêm gá định vị bằng thép tấm",
           "Giảm hàng hỏng từ 20 xuống 2 sản phẩm mỗi ca")


class Worker:
    def __init__(self, dispatcher: Dispatcher, webhook: TelegramWebhook, n: int) -> None:
        self.dispatcher, self.webhook, self.chat, self.said = dispatcher, webhook, str(9_000_000 + n), 0

    async def say(self, text: str) -> None:
        """As the webhook does: one transaction, the reply held for the response when it is the only one; then
        marked sent (or, for several replies, marked as the sender would once they went)."""
        self.said += 1
        incoming = Incoming(channel="telegram", chat_id=self.chat, user_id=self.chat, display_name="Hoa", text=text,
                            update_id=f"{self.chat}:{self.said}")

        async def claim(tx, messages) -> None:
            if len(messages) == 1:
                await self.webhook._claim(tx, messages[0])

        replies = await self.dispatcher.handle(incoming, claim)
        for reply in replies:
            await self.webhook.marks.mark(reply.outbox_id)


class Counter:
    def __init__(self, db: Database) -> None:
        self.statements = self.transactions = 0
        self.said: list[str] = []
        self.engine = db.engine.sync_engine

    def __enter__(self) -> "Counter":
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "begin", self._begun)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "begin", self._begun)

    def _statement(self, conn, cursor, sql: str, *_) -> None:
        self.statements += 1
        self.said.append(" ".join(sql.split()))

    def _begun(self, *_) -> None:
        self.transactions += 1


async def measure(engine: str, answers: int) -> dict:
    async with fresh_database(engine) as url:
        settings = Settings(_env_file=None, database_url=url)
        db = Database.from_url(url, pool_size=settings.database_pool_size)
        try:
            dispatcher = Dispatcher(db, options_from(settings))
            webhook = TelegramWebhook(db, SentMarks(db), "telegram", flush=lambda chat: asyncio.sleep(0, 0))
            workers = [Worker(dispatcher, webhook, n) for n in range(-(-answers // len(ANSWERS)))]
            for worker in workers:
                for text in (*REGISTER, *OPEN):
                    await worker.say(text)
            with Counter(db) as alone:  # one answer and its mark, nothing else going on
                await workers[0].say(ANSWERS[0])
            with Counter(db) as update:  # the update's own transaction, its mark aside
                held = workers[1]
                marks, held.webhook.marks = held.webhook.marks, _Unmarked()
                await held.say(ANSWERS[0])
                held.webhook.marks = marks
            done = 0
            started = time.process_time()
            with Counter(db) as many:
                for text in ANSWERS:
                    for worker in workers[2:]:
                        if done < answers:
                            await worker.say(text)
                            done += 1
            cpu = time.process_time() - started
        finally:
            await db.close()
    return {"statements": update.statements, "transactions": update.transactions, "said": [what(s) for s in update.said],
            "with_mark": {"statements": alone.statements, "transactions": alone.transactions},
            "answers": done, "cpu_ms": round(1000 * cpu / max(1, done), 2),
            "per_answer_in_bulk": {"statements": round(many.statements / max(1, done), 2),
                                   "transactions": round(many.transactions / max(1, done), 2)}}


def what(sql: str) -> str:
    """A statement in a few words: its verb and table (and what a SELECT joins)."""
    words = sql.replace("(", " ").split()
    verb = words[0]
    if verb == "SELECT":
        tables = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("FROM", "JOIN")]
        return f"SELECT {', '.join(dict.fromkeys(t for t in tables if not t.startswith('SELECT')))}"
    table = words[2] if verb in ("INSERT", "DELETE") else words[1]
    return f"{verb} {table}" + (" ... ON CONFLICT" if "ON CONFLICT" in sql else "")


class _Unmarked:
    async def mark(self, outbox_id: int) -> None:
        """Counted apart: the mark of a reply given in a webhook response is shared with the others of its moment."""


def section(results: dict) -> tuple[list[str], list[dict]]:
    """Its rows for results.md (under the pipeline) and its targets."""
    md = ["### An ordinary answer", "", "    .venv/bin/python -m bench.answer_cost --engines sqlite,postgres", "",
          __doc__.split("\n\n", 2)[2].replace("\n", " ").strip(), "",
          "| engine | statements / transactions of the update | with its reply's mark, alone | per answer, one after "
          "another | CPU ms per answer (this process) |", "|---|---:|---:|---:|---:|"]
    targets = []
    for engine, r in results.items():
        if "skipped" in r:
            md.append(f"| {engine} | {r['skipped']} | | | |")
            continue
        bulk = r["per_answer_in_bulk"]
        md.append(f"| {engine} | {r['statements']} / {r['transactions']} | {r['with_mark']['statements']} / "
                  f"{r['with_mark']['transactions']} | {bulk['statements']} / {bulk['transactions']} | {r['cpu_ms']} |")
        targets += [
            {"part": "pipeline", "figure": f"{engine}: statements of an ordinary answer", "measured": str(r["statements"]),
             "target": f"<= {STATEMENTS}", "met": r["statements"] <= STATEMENTS},
            {"part": "pipeline", "figure": f"{engine}: transactions of an ordinary answer",
             "measured": str(r["transactions"]), "target": f"<= {TRANSACTIONS}", "met": r["transactions"] <= TRANSACTIONS},
        ]
    said = next((r["said"] for r in results.values() if "said" in r), [])
    if said and any(not t["met"] for t in targets):
        md += ["", f"**Missed: at most {STATEMENTS} statements in {TRANSACTIONS} transaction.** The update's statements, "
               "in order:", "", *(f"{n}. `{s}`" for n, s in enumerate(said, 1)), "",
               "The update's id must be recorded first (a repeated delivery changes nothing); the sender, their roles "
               "and their conversation are one read; their initiatives another (the menu after any step numbers "
               "them, and a draft the support team changed is noticed); the draft, the conversation and the reply "
               "are three writes, and holding the reply for the webhook response one more (on PostgreSQL after the "
               "chat's transaction lock, so that two workers answering one chat at once keep its replies in order). "
               "The reply's mark is a second transaction, shared by every reply written in a response at that moment."]
    return md + [""], targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    from bench.tree import postgres_problem

    async def each() -> dict:
        out = {}
        for engine in args.engines.split(","):
            problem = await postgres_problem() if engine == "postgres" else None
            out[engine] = {"skipped": f"PostgreSQL not reachable ({problem})"} if problem else await measure(engine, args.answers)
            print(engine, json.dumps(out[engine], ensure_ascii=False), flush=True)
        return out

    results = asyncio.run(each())
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
