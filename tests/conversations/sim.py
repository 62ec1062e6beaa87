"""An in-memory stand-in for the handler: fills the Context the engine asks for and applies its effects.

It lets the engine's tests read like conversations without a database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.settings import DEFAULT_FIELDS, DEFAULT_TARGET_GROUPS
from conversations import engine, reading
from conversations.model import (
    Context,
    DeleteDraft,
    Event,
    ItemRef,
    Media,
    MemberRef,
    Register,
    RequestHelp,
    Result,
    SaveDraft,
    State,
    Submit,
    UnitRef,
    Withdraw,
)
from conversations.text import fold, nfc
from locales import button_labels
from messaging.render import label

UNITS = (
    UnitRef(1, "LDLD-HN", "Liên đoàn Lao động thành phố Hà Nội"),
    UnitRef(2, "CDCS-MN-KIMHY", "Công đoàn cơ sở Trường Mầm non Kim Hỷ"),
    UnitRef(3, "CDCS-TH-NGHIATAN", "Công đoàn cơ sở Trường Tiểu học Nghĩa Tân"),
    UnitRef(4, "CDCS-TH-DICHVONG", "Công đoàn cơ sở Trường Tiểu học Dịch Vọng"),
)
START = datetime(2026, 11, 21, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


class Sim:
    def __init__(self, *, registered: bool = True, display_name: str = "Nguyễn Thị Hoa", hears: bool = False) -> None:
        self.state = State()
        self.hears = hears  # a transcriber runs: voice notes' words come back as "heard" events
        self.now = START
        self.display_name = display_name
        self.member = MemberRef(7, display_name, UNITS[1]) if registered else None
        self.drafts: dict[int, dict] = {}  # id -> {"answers", "step", "status", "code"}
        self.effects: list = []
        self.help_requests: list[RequestHelp] = []
        self.last: Result | None = None
        self.intent: str | None = None  # what the last event meant, as the engine read it
        self.deep_link: UnitRef | None = None

    def context(self, event: Event) -> Context:
        ctx = Context(
            now=self.now,
            fields=tuple(DEFAULT_FIELDS),
            target_groups=tuple(DEFAULT_TARGET_GROUPS),
            display_name=self.display_name,
            member=self.member,
            resume_after=timedelta(hours=1),
            label=lambda choice: label(choice, "vi"),  # as the handler: a press arrives as its label
            buttons=button_labels(),
            hears=self.hears,
        )
        needs = engine.needs(self.state, event)
        if "units" in needs:
            words = fold(event.text).split()
            ctx = replace(ctx, units=tuple(u for u in UNITS if all(w in fold(u.name + " " + u.code) for w in words)))
        if "deep_link" in needs:
            ctx = replace(ctx, deep_link_unit=next((u for u in UNITS if u.code == event.args), None))
        if "items" in needs and self.member is not None:  # as the handler: only what the engine asks for
            items = [
                ItemRef(i, d["status"], d["code"], d["answers"], d["step"], self.now)
                for i, d in sorted(self.drafts.items(), reverse=True)
            ]
            ctx = replace(ctx, items=tuple(items))
        return ctx

    def send(self, text: str = "", *, kind: str = "text", media: Media | None = None) -> Result:
        text = nfc(text)
        if kind == "text" and text.startswith("/"):
            head, _, args = text.partition(" ")
            event = Event("command", text=text, command=head[1:], args=args)
        else:
            event = Event(kind, text=text, media=media)
        return self.event(event)

    def event(self, event: Event) -> Result:
        ctx = self.context(event)
        read = reading.as_pressed(self.state, event, ctx)
        self.intent = reading.intent_of(self.state, read, ctx) if self.member else None
        result = engine.step(self.state, event, ctx)
        self.last = result
        self.state = result.state
        for effect in result.effects:
            self.apply(effect)
        return result

    def apply(self, effect) -> None:
        self.effects.append(effect)
        if isinstance(effect, Register):
            self.member = MemberRef(7, effect.name, next(u for u in UNITS if u.id == effect.unit_id))
        elif isinstance(effect, SaveDraft):
            draft_id = self.state.meta.get("draft") or max(self.drafts, default=0) + 1
            self.drafts[draft_id] = {"answers": dict(effect.answers), "step": effect.step, "status": "draft", "code": None}
            if self.state.flow == "submit":
                self.state = self.state.with_meta(draft=draft_id)
        elif isinstance(effect, Submit):
            draft_id = effect.draft_id or max(self.drafts, default=0) + 1
            code = f"SK-2026-{draft_id:06d}"
            self.drafts[draft_id] = {"answers": dict(effect.answers), "step": None, "status": "submitted", "code": code}
        elif isinstance(effect, DeleteDraft):
            self.drafts.pop(effect.initiative_id, None)
        elif isinstance(effect, Withdraw):
            self.drafts[effect.initiative_id]["status"] = "withdrawn"
        elif isinstance(effect, RequestHelp):
            self.help_requests.append(effect)

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.last.replies] if self.last else []

    @property
    def prompt(self):
        return self.last.replies[-1]

    def values(self) -> list[str]:
        return [c.value for c in self.prompt.choices]
