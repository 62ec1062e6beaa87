"""Which staff screen answers a message: the entries (/duyet, /xuat, …) and the screen the person is on."""

from __future__ import annotations

from conversations.model import Reply
from conversations.text import fold
from handlers import campaign_wizard, campaigns, help_desk, invites, officer, on_behalf, review
from handlers.staff import ENTRIES, Call, Step, is_staff_state, outgoing_text, refuse, staff_menu

# Typed words are content on these screens, even when they look like a command word.
FREE_TEXT = {"reason", "relay", "behalf", "behalf_unit", "invite_unit", *campaign_wizard.FREE_TEXT}


async def step(call: Call) -> Step:
    flow = call.state.flow if is_staff_state(call.state) else None
    explicit = call.event.kind in ("command", "choice") or flow not in FREE_TEXT
    if flow is None or (call.intent in ENTRIES and explicit):
        return await _open(call, call.intent)
    return await ON_SCREEN[flow](call)


async def _open(call: Call, entry: str | None) -> Step:
    if entry == "/duyet":
        return await review.queue(call)
    if entry == "/baocao":
        messages = await officer.report_for(call.tx, call.member, call.incoming, call.locale, call.now, call.event.args)
        return staff_menu(call, lead=tuple(messages)) if call.scope.units("report") else Step(call.state, messages)
    if entry == "/xuat":
        return await _export(call)
    if entry == "/nhapho":
        return await on_behalf.start(call)
    if entry == "/yeucau":
        return await help_desk.waiting(call)
    if entry == "/nhan":
        args = call.event.args.strip().lstrip("#")
        return await help_desk.take(call, int(args) if args.isdecimal() else None)
    if entry == "/moi":
        return await invites.start(call)
    if entry == "/chiendich":
        return await campaigns.listing(call)
    return staff_menu(call)


async def _export(call: Call) -> Step:
    from handlers.exports import build_export

    words = fold(call.event.args).split()
    fmt = "csv" if "csv" in words else "xlsx"
    code = " ".join(w for w in call.event.args.split() if fold(w) not in ("csv", "xlsx"))
    units, refusal = await officer.units_asked(call.tx, call.scope, "export", code)
    if refusal:
        return refuse(refusal, {"code": code})
    phase = await call.tx.phases.current(call.now.date())
    messages = []
    for unit in units:
        for file in await build_export(call.tx, unit, phase, call.now, fmt=fmt, locale=call.locale,
                                       base_url=call.options.public_base_url):
            token = await call.tx.images.add(file.data, file.content_type, file.filename)
            params = {"unit": unit.name, "name": file.filename, "format": fmt}
            messages.append(outgoing_text(call, "exported.ready", params, document=token))
    return staff_menu(call, lead=tuple(messages))


async def _on_menu(call: Call) -> Step:
    return staff_menu(call, lead=(Reply("error.choose_one", {"count": 0}),))


async def _on_queue(call: Call) -> Step:
    intent = call.intent or ""
    if intent.startswith("rv:") and intent[3:].isdecimal():
        return await review.show(call, int(intent[3:]), files=True)
    return await review.queue(call, lead=(Reply("error.choose_one", {"count": 0}),))


async def _on_requests(call: Call) -> Step:
    intent = call.intent or ""
    if intent.startswith("take:") and intent[5:].isdecimal():
        return await help_desk.take(call, int(intent[5:]))
    return await help_desk.waiting(call, lead=(Reply("error.choose_one", {"count": 0}),))


ON_SCREEN = {
    "staff": _on_menu,
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
