"""Screens outside the forms: the main menu, "Sáng kiến của tôi", one initiative, confirmations, language."""

from __future__ import annotations

from dataclasses import replace

from conversations import form
from conversations.flows import LANGUAGES, SUBMISSION
from conversations.attachments import sent_along
from conversations.text import id_after, record_id
from conversations.model import (
    Choice,
    Context,
    DeleteDraft,
    ItemRef,
    Reply,
    Result,
    SendForm,
    SetLocale,
    State,
    Withdraw,
)

WITHDRAWABLE = ("submitted",)
EDITABLE = ("draft", "needs_changes")  # a draft, or one sent back by the reviewer to complete and send again


def _drafts(ctx: Context) -> list[ItemRef]:
    return [i for i in ctx.items or () if i.status == "draft"]


def menu(ctx: Context, lead: tuple[Reply, ...] = (), effects: tuple = ()) -> Result:
    offered: list[Choice] = []
    drafts = _drafts(ctx)
    returned = [i for i in ctx.items or () if i.status == "needs_changes"]
    if returned:
        title = returned[0].answers.get("title")
        offered.append(Choice(f"open:{returned[0].id}", key="choice.assess.complete", params={"title": title}))
    elif drafts:
        title = drafts[0].answers.get("title")
        offered.append(Choice(f"open:{drafts[0].id}", key="choice.continue_draft", params={"title": title}))
    offered += [Choice("/new", key="choice.new"), Choice("/mine", key="choice.mine")]
    if ctx.powers:
        offered.append(Choice("/canbo", key="choice.staff_menu.open"))
    offered += [Choice("/help", key="choice.help"), Choice("/language", key="choice.language")]
    name = ctx.member.name if ctx.member else ctx.display_name
    reply = Reply("menu.main", {"name": name, "drafts": len(drafts)}, tuple(offered))
    return Result(State(), (*lead, reply), effects)


def my_items(ctx: Context, lead: tuple[Reply, ...] = ()) -> Result:
    items = list(ctx.items or ())
    if not items:
        return menu(ctx, lead=(*lead, Reply("mine.empty")))
    offered = [
        Choice(f"item:{i.id}", key="mine.item", params={"status": i.status, "code": i.code, "title": i.answers.get("title")})
        for i in items
    ]
    reply = Reply("mine.list", {"count": len(items)}, (*offered, Choice("/back", key="choice.back")))
    return Result(State(flow="mine"), (*lead, reply))


def item_view(ctx: Context, item: ItemRef, lead: tuple[Reply, ...] = (), files: bool = False) -> Result:
    """One of the person's initiatives; `files`: its voice notes and photos sent along (when it is opened)."""
    if item.status == "draft":
        actions = [Choice("/continue", key="choice.continue"), Choice("/delete", key="choice.delete_draft")]
    elif item.status == "needs_changes":
        actions = [Choice("/continue", key="choice.assess.complete_again")]
    else:
        actions = [Choice("/withdraw", key="choice.withdraw")] if item.status in WITHDRAWABLE else []
    actions.append(Choice("/form", key="choice.assess.form"))
    params = {"answers": dict(item.answers), "status": item.status, "code": item.code, "note": item.note}
    reply = Reply("item.detail", params, (*actions, Choice("/back", key="choice.back")), actions=True)
    along = sent_along(item.answers) if files else ()
    return Result(State(flow="item", meta={"item": item.id}), (*lead, *along, reply))


def open_draft(item_id: object, ctx: Context) -> Result:
    """Continue a draft at the step where it stopped."""
    item = find_item(ctx, record_id(item_id))
    if item is None or item.status not in EDITABLE:
        return menu(ctx, lead=(Reply("error.gone"),))
    if item.status == "needs_changes":  # sent back: everything in sight, to change what the reviewer asked
        step = SUBMISSION.steps[-1].key
    else:
        step = item.step if item.step in {s.key for s in SUBMISSION.steps} else first_unanswered(item.answers)
    opened = State(flow="submit", step=step, answers=dict(item.answers), meta={"draft": item.id})
    lead = Reply("draft.resumed", {"title": item.answers.get("title")})
    return form.ask(SUBMISSION, opened, ctx, lead=(lead,))


def first_unanswered(answers) -> str:
    return next((s.key for s in SUBMISSION.steps if not form.answered(s, answers)), SUBMISSION.steps[-1].key)


def find_item(ctx: Context, item_id: object) -> ItemRef | None:
    return next((i for i in ctx.items or () if i.id == item_id), None)


def shown(state: State, ctx: Context) -> tuple[Choice, ...]:
    """The choices of the screen this state is on, rebuilt from the same context so numbers mean what was shown."""
    item = find_item(ctx, state.meta.get("item"))
    if state.flow == "mine":
        screen_result = my_items(ctx)
    elif state.flow == "item" and item:
        screen_result = item_view(ctx, item)
    elif state.flow == "confirm" and item:
        screen_result = _ask_confirm(item, state.meta.get("action", "delete"))
    elif state.flow == "language":
        screen_result = language()
    else:
        screen_result = menu(ctx)
    return screen_result.replies[-1].choices


def screen(state: State, intent: str | None, ctx: Context) -> Result | None:
    """Read a choice on one of these screens; None when it is not theirs to answer."""
    if state.flow == "mine" and intent and intent.startswith("item:"):
        item = find_item(ctx, id_after(intent, "item:"))
        return item_view(ctx, item, files=True) if item else my_items(ctx, lead=(Reply("error.gone"),))
    if state.flow == "mine" and intent == "/back":
        return menu(ctx)
    if state.flow == "item":
        return _item_action(state, intent, ctx)
    if state.flow == "confirm":
        return _confirm(state, intent, ctx)
    if state.flow == "language":
        chosen = intent if intent in LANGUAGES else None
        if chosen:
            return menu(ctx, lead=(Reply("language.changed", {"locale": chosen}),), effects=(SetLocale(chosen),))
        if intent == "/back":
            return menu(ctx)
        return language(lead=(Reply("error.choose_one", {"count": len(LANGUAGES)}),))
    return None


def language(lead: tuple[Reply, ...] = ()) -> Result:
    offered = tuple(Choice(code, key=f"language.{code}") for code in LANGUAGES)
    return Result(State(flow="language"), (*lead, Reply("language.pick", {}, offered)))


def _item_action(state: State, intent: str | None, ctx: Context) -> Result | None:
    item = find_item(ctx, state.meta.get("item"))
    if item is None:
        return my_items(ctx, lead=(Reply("error.gone"),))
    if intent == "/back":
        return my_items(ctx)
    if intent == "/delete" and item.status == "draft":
        return _ask_confirm(item, "delete")
    if intent == "/withdraw" and item.status in WITHDRAWABLE:
        return _ask_confirm(item, "withdraw")
    if intent in ("/continue", f"open:{item.id}") and item.status in EDITABLE:
        return open_draft(item.id, ctx)
    if intent == "/form":
        shown_again = item_view(ctx, item, lead=(Reply("form.sent"),))
        return replace(shown_again, effects=(SendForm(item.id),))
    return item_view(ctx, item, lead=(Reply("error.choose_one", {"count": 0}),))


def _ask_confirm(item: ItemRef, action: str) -> Result:
    offered = (Choice("/yes", key=f"choice.yes_{action}"), Choice("/no", key="choice.no_keep"))
    params = {"title": item.answers.get("title"), "code": item.code}
    reply = Reply(f"confirm.{action}", params, offered, actions=True)
    return Result(State(flow="confirm", meta={"item": item.id, "action": action}), (reply,))


def _confirm(state: State, intent: str | None, ctx: Context) -> Result:
    item = find_item(ctx, state.meta.get("item"))
    if item is None:
        return my_items(ctx, lead=(Reply("error.gone"),))
    action = state.meta.get("action")
    if intent == "/yes":
        if action == "delete" and item.status == "draft":
            return menu(without(ctx, item.id), lead=(Reply("draft.deleted"),), effects=(DeleteDraft(item.id),))
        if action == "withdraw" and item.status in WITHDRAWABLE:
            done = Reply("item.withdrawn", {"code": item.code})
            return menu(ctx, lead=(done,), effects=(Withdraw(item.id),))
    if intent in ("/no", "/back"):
        return item_view(ctx, item)
    return _ask_confirm(item, action or "delete")


def without(ctx: Context, item_id: int | None) -> Context:
    """The context as it will be once this item is no longer a draft of the person's."""
    return replace(ctx, items=tuple(i for i in ctx.items or () if i.id != item_id))
