"""The staff screens' own openers (menu, report, export, taking a request) and which screen reads a message next."""

from __future__ import annotations

from conversations.model import Choice, Reply
from conversations.text import fold, id_after, record_id
from handlers import campaign_wizard, campaigns, help_desk, invites, officer, on_behalf, review
from handlers.staff import Call, Step, outgoing_text, refuse, screen, staff_menu, with_lead

# Typed words are content on these screens, even when they look like a command word.
FREE_TEXT = {"reason", "relay", "behalf", "behalf_unit", "invite_unit", *campaign_wizard.FREE_TEXT}


async def menu(call: Call) -> Step:
    return staff_menu(call)


async def report(call: Call) -> Step:
    return await _report(call, call.event.args)


async def export(call: Call) -> Step:
    return await _export(call)


async def take(call: Call) -> Step:
    """/nhan 12: the support request to take; without a number, the list of those waiting to choose from."""
    if not call.scope.units("review"):
        return refuse()
    asked = call.event.args.strip().lstrip("#")
    return await help_desk.take(call, record_id(asked)) if asked else await help_desk.waiting(call)


async def _report(call: Call, asked: str) -> Step:
    units, refusal = await officer.units_asked(call.tx, call.scope, "report", asked, pick=True)
    if refusal is not None and refusal.choices:
        return _which(refusal, "/baocao")
    messages = [refusal] if refusal is not None else []
    for unit in units:
        messages += await officer.unit_report(call.tx, unit, call.incoming, call.locale, call.now)
    return staff_menu(call, lead=tuple(messages)) if call.scope.units("report") else Step(call.state, messages)


async def _export(call: Call, asked: str | None = None, fmt: str = "xlsx") -> Step:
    from handlers.exports import build_export

    if asked is None:
        fmt = "csv" if "csv" in fold(call.event.args).split() else "xlsx"
        asked = " ".join(w for w in call.event.args.split() if fold(w) not in ("csv", "xlsx"))
    units, refusal = await officer.units_asked(call.tx, call.scope, "export", asked, pick=True)
    if refusal is not None and refusal.choices:
        return _which(refusal, "/xuat", fmt=fmt)
    if refusal is not None:
        return refuse(refusal.key, refusal.params)
    phase = await call.tx.phases.current(call.now.date())
    messages = []
    for unit in units:
        for file in await build_export(call.tx, unit, phase, call.now, fmt=fmt, locale=call.locale,
                                       base_url=call.options.public_base_url):
            token = await call.tx.images.add(file.data, file.content_type, file.filename)
            params = {"unit": unit.name, "name": file.filename, "format": fmt}
            messages.append(outgoing_text(call, "exported.ready", params, document=token))
    return staff_menu(call, lead=tuple(messages))


def _which(asked: Reply, entry: str, **meta) -> Step:
    """The units a typed name fits, to pick from; the pick (or a better name) goes back to `entry`."""
    reply = Reply(asked.key, asked.params, (*asked.choices, Choice("/canbo", key="choice.back")))
    return screen("pick_unit", [reply], entry=entry, query=asked.params["query"], **meta)


async def _on_pick(call: Call) -> Step:
    """A unit picked among those a name fitted, or another name typed: the report or the export goes on."""
    intent, meta = call.intent or "", call.state.meta
    typed = call.event.text.strip() if call.event.kind == "text" and not intent else ""
    if intent.startswith("unit:"):  # a unit shown (a forged or stale id finds none: the list again)
        unit_id = id_after(intent, "unit:")
        unit = await call.tx.units.get(unit_id) if unit_id else None
        typed = unit.code if unit is not None else ""
    if intent == "/explain":  # "ko biết", "giúp với": how to pick, with the list again
        shown = meta.get("shown", ())
        example = shown[0][2] if shown and shown[0][2] else ""
        again = await _on_pick_name(call, meta["query"])
        return with_lead(again, Reply("report.pick_help", {"count": max(len(shown) - 1, 0), "example": example}))
    if not typed or typed.isdecimal():  # neither a unit shown nor a name: the same list again
        again = await _on_pick_name(call, meta["query"])
        return with_lead(again, Reply("error.choose_one", {"count": len(meta.get("shown", ()))}))
    return await _on_pick_name(call, typed)


async def _on_pick_name(call: Call, asked: str) -> Step:
    meta = call.state.meta
    return await (_export(call, asked, meta.get("fmt", "xlsx")) if meta["entry"] == "/xuat" else _report(call, asked))


async def _on_menu(call: Call) -> Step:
    return staff_menu(call, lead=(Reply("error.choose_one", {"count": 0}),))


async def _on_queue(call: Call) -> Step:
    intent = call.intent or ""
    if intent.startswith("rv:"):  # an id no initiative has is "gone", like one withdrawn meanwhile
        return await review.show(call, id_after(intent, "rv:") or 0, files=True)
    return await review.queue(call, lead=(Reply("error.choose_one", {"count": 0}),))


async def _on_requests(call: Call) -> Step:
    intent = call.intent or ""
    if intent.startswith("take:"):
        return await help_desk.take(call, id_after(intent, "take:"))
    return await help_desk.waiting(call, lead=(Reply("error.choose_one", {"count": 0}),))


ON_SCREEN = {
    "staff": _on_menu,
    "pick_unit": _on_pick,
    "queue": _on_queue,
    "reviewing": review.on_item,
    "confirm_valid": review.on_confirm,
    "reason": review.on_reason,
    "requests": _on_requests,
    "relay": help_desk.relay,
    "behalf": on_behalf.on_name,
    "behalf_unit": on_behalf.on_unit,
    "invite_role": invites.on_role,
    "invite_unit": invites.on_unit,
    "campaigns": campaigns.on_list,
    "campaign": campaigns.on_campaign,
    "campaign_edit": campaigns.on_edit,
    "campaign_cancel": campaigns.on_cancel,
    **{flow: campaign_wizard.on_answer for flow in campaign_wizard.FLOWS},
}
