"""A fake Zalo Bot Platform API server for tests, built on aiohttp.web.

It listens on 127.0.0.1 with a port chosen by the OS, records every request and answers
the methods the bot uses with the shapes of the real API::

    async with FakeZaloAPI() as api:
        async with httpx.AsyncClient(base_url=f"{api.base_url}/bot{api.token}/") as client:
            api.push_update(text_update("6ede9afa6a4e8c10d55f", "Xin chào"))
            answer = (await client.post("getUpdates", json={"timeout": "30"})).json()
            ...
            await api.wait_for(lambda api: api.sent_texts("6ede9afa6a4e8c10d55f"))

Requests arrive as ``POST /bot<token>/<method>`` with a JSON body (a urlencoded body or a
query string is accepted as well; parameters are recorded exactly as sent). Answers are
``{"ok": true, "result": ...}`` or, with the same code as HTTP status,
``{"ok": false, "error_code": N, "description": "..."}``:

* a wrong token gives 401 "Unauthorized" (before anything else), an unknown method 404;
* ``getUpdates {"timeout"}`` gives ONE queued update as ``result`` (an object, not a
  list) and removes it; there is no offset. With nothing queued it waits up to
  ``min(timeout, 1.0)`` s for :meth:`FakeZaloAPI.push_update`, then answers 408
  "Request timeout" and counts one :attr:`FakeZaloAPI.idle_polls`;
* ``sendMessage {"chat_id", "text"}`` gives 400 "text is too long" for an empty text or
  one over 2000 characters, else ``{"message_id", "date"}`` (date in milliseconds);
* ``sendPhoto {"chat_id", "photo", "caption"?}``, ``sendVoice {"chat_id", "voice_url"}`` (400 unless the link
  ends in ".aac"), ``sendChatAction`` (``true``), and
  ``setWebhook {"url", "secret_token"}`` (400 unless the secret has 8..256 characters),
  ``getWebhookInfo``, ``deleteWebhook``.

:meth:`FakeZaloAPI.fail_next` makes the next calls of a method fail with a chosen status;
:meth:`FakeZaloAPI.block` makes a chat answer 403 (the bot was blocked, or left the group).
``api.flood = FloodControl(...)`` (the Telegram fake's) keeps flood limits on sendMessage and
sendPhoto; a chat counts as a group once an update from it said so, or when in ``api.groups``.

Module-level builders (:func:`text_update`, :func:`image_update`, :func:`voice_update`,
:func:`sticker_update`, :func:`unsupported_update`, and :func:`wrapped` for the documented webhook body)
make realistic update dicts; :func:`load_payload` reads the
recorded-style samples in ``tests/bot/zalo/payloads/``. Ids are strings and dates are in
milliseconds, as on the real platform.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from aiohttp import web

from tests.bot.telegram.fake_api import FloodControl

__all__ = [
    "BOT_ACCOUNT_NAME",
    "BOT_DISPLAY_NAME",
    "BOT_ID",
    "DEFAULT_TOKEN",
    "GROUP_MEMBER_ID",
    "PAYLOADS_DIR",
    "USER_ID",
    "Call",
    "FakeZaloAPI",
    "FloodControl",
    "image_update",
    "load_payload",
    "payload_names",
    "sticker_update",
    "text_update",
    "unsupported_update",
    "voice_update",
    "wrapped",
]

DEFAULT_TOKEN = "8421:zalo-TEST_token"
BOT_ID = "b0t1d"
BOT_DISPLAY_NAME = "Sáng kiến"
BOT_ACCOUNT_NAME = "bot.sangkien"
USER_ID = "6ede9afa6a4e8c10d55f"  # the private-chat user of the sample payloads
GROUP_MEMBER_ID = "a41c97e2f05b6d38c7e9"  # default sender in a GROUP chat built without user_id
PAYLOADS_DIR = Path(__file__).with_name("payloads")

LONG_POLL_CAP = 1.0  # getUpdates never holds a request longer than this (seconds)
DEFAULT_POLL_TIMEOUT = 30.0  # getUpdates without a timeout parameter
WAIT_FOR_INTERVAL = 0.02
MAX_TEXT_LENGTH = 2000
SECRET_LENGTHS = range(8, 257)
SENDING = frozenset({"sendMessage", "sendPhoto", "sendVoice"})  # the calls that count as messages

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _now_ms() -> int:
    return int(time.time() * 1000)


def _new_message_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Call:
    """One request the fake server received; ok is True once it was answered successfully."""

    method: str
    params: dict[str, Any]
    ok: bool = False
    status: int = 0  # HTTP status answered (0 while still being handled)
    at: float = field(default_factory=time.monotonic, compare=False)  # when it arrived


@dataclass
class _Failure:
    status: int
    error_code: int
    description: str
    remaining: int


class _ApiError(Exception):
    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description


def _error_body(error_code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": error_code, "description": description}


def _poll_wait(value: Any) -> float:
    """Seconds a getUpdates with this timeout parameter may wait for an update."""
    if value is None or value == "":
        seconds = DEFAULT_POLL_TIMEOUT
    elif isinstance(value, bool):
        raise _ApiError(400, "timeout must be a number")
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            raise _ApiError(400, "timeout must be a number") from None
    else:
        raise _ApiError(400, "timeout must be a number")
    return max(0.0, min(seconds, LONG_POLL_CAP))


class FakeZaloAPI:
    """A fake Zalo Bot Platform API server; see the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_id: str = BOT_ID,
        display_name: str = BOT_DISPLAY_NAME,
        account_name: str = BOT_ACCOUNT_NAME,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.display_name = display_name
        self.account_name = account_name
        self.calls: list[Call] = []
        self.idle_polls = 0
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_updated_at = 0
        self._updates: deque[dict[str, Any]] = deque()
        self._failures: dict[str, deque[_Failure]] = {}
        self._blocked: set[str] = set()
        self.groups: set[str] = set()
        self.cdn_files: dict[str, bytes] = {}  # what cdn() serves at /cdn/<name>, as Zalo's file links do
        self.cdn_fetches: list[str] = []
        self.flood: FloodControl | None = None
        self._update_pushed = asyncio.Event()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendVoice": self._send_voice,
            "sendChatAction": self._send_chat_action,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "deleteWebhook": self._delete_webhook,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeZaloAPI already started")
        self._stopping = False
        self._update_pushed = asyncio.Event()
        if self._updates:
            self._update_pushed.set()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host="127.0.0.1", port=0)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._stopping = True
        self._update_pushed.set()  # wake long-polling getUpdates so shutdown is immediate
        runner, self._runner = self._runner, None
        await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeZaloAPI is not running; call start() or use 'async with'")
        return f"http://127.0.0.1:{self._port}"

    @property
    def bot_info(self) -> dict[str, Any]:
        """What getMe answers."""
        return {
            "id": self.bot_id,
            "account_name": self.account_name,
            "account_type": "BASIC",
            "can_join_groups": True,
            "display_name": self.display_name,
        }

    # -- test controls -----------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update (a copy) for getUpdates, after those already queued."""
        self._updates.append(copy.deepcopy(update))
        chat = (update.get("message") or {}).get("chat") or {}
        if str(chat.get("chat_type", "")).upper() == "GROUP":
            self.groups.add(str(chat.get("id")))
        self._update_pushed.set()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet handed out by getUpdates."""
        return copy.deepcopy(list(self._updates))

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        error_code: int | None = None,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` answer HTTP `status` with
        ``{"ok": false, "error_code": error_code or status, "description": description}``.

        description defaults to the usual reason for the status ("Too Many Requests"...).
        Failures queued for one method are used in order. A wrong token still gives 401.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if description is None:
            description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        failure = _Failure(status, error_code if error_code is not None else status, description, times)
        self._failures.setdefault(method, deque()).append(failure)

    def block(self, chat_id: str) -> None:
        """Every message to chat_id is answered 403, as when a person blocked the bot or a group removed it."""
        self._blocked.add(str(chat_id))

    def unblock(self, chat_id: str) -> None:
        self._blocked.discard(str(chat_id))

    def throttled(self) -> list[Call]:
        """Calls answered 429, in order."""
        return [call for call in self.calls if call.status == 429]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent_texts(self, chat_id: str | None = None) -> list[str]:
        """Texts of successful sendMessage calls, in order (to chat_id only, when given)."""
        return [call.params.get("text", "") for call in self._successful("sendMessage", chat_id)]

    def sent_voices(self, chat_id: str | None = None) -> list[str]:
        """voice_url of successful sendVoice calls, in order (to chat_id only, when given)."""
        return [call.params.get("voice_url", "") for call in self._successful("sendVoice", chat_id)]

    def sent_photos(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Params of successful sendPhoto calls, in order (to chat_id only, when given)."""
        return [dict(call.params) for call in self._successful("sendPhoto", chat_id)]

    def _successful(self, method: str, chat_id: str | None) -> list[Call]:
        return [
            call
            for call in self.calls_to(method)
            if call.ok and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))
        ]

    async def wait_for(self, predicate: Callable[[FakeZaloAPI], Any], timeout: float = 10.0) -> None:
        """Poll predicate(self) every 0.02 s; AssertionError with the calls so far on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if predicate(self):
                return
            if loop.time() >= deadline:
                raise AssertionError(f"condition not met within {timeout} s; {self.summary()}")
            await asyncio.sleep(WAIT_FOR_INTERVAL)

    def summary(self, limit: int = 40) -> str:
        """The calls received so far, one per line (the last `limit`), for failure messages."""
        idle = f"; {self.idle_polls} idle getUpdates" if self.idle_polls else ""
        if not self.calls:
            return f"no calls received{idle}"
        shown = self.calls[-limit:]
        head = f"{len(self.calls)} call(s) received{idle}"
        lines = [head + (f", last {len(shown)}:" if len(shown) < len(self.calls) else ":")]
        for call in shown:
            text = repr(call.params)
            if len(text) > 200:
                text = text[:197] + "..."
            mark = "ok " if call.ok else (str(call.status) if call.status else "...")
            lines.append(f"  {mark} {call.method} {text}")
        return "\n".join(lines)

    # -- HTTP --------------------------------------------------------------------------------

    def cdn(self, name: str, data: bytes) -> str:
        """A file as Zalo's CDN keeps one (a photo_url, a voice_url): its link, fetched without the token."""
        self.cdn_files[name] = data
        return f"{self.base_url}/cdn/{name}"

    async def _handle(self, request: web.Request) -> web.Response:
        if request.path.startswith("/cdn/"):
            data = self.cdn_files.get(request.path.removeprefix("/cdn/"))
            self.cdn_fetches.append(request.path)
            return web.Response(body=data) if data is not None else web.Response(status=404)
        match = re.fullmatch(r"/bot([^/]+)/([^/]+)/?", request.path)
        if match is None:
            call = Call(method=request.path, params={})
            self.calls.append(call)
            return self._error(call, 404, 404, "Not Found")
        token, method = match.groups()
        try:
            params = await self._read_params(request)
        except _ApiError as error:
            call = Call(method=method, params={})
            self.calls.append(call)
            return self._error(call, error.error_code, error.error_code, error.description)
        call = Call(method=method, params=params)
        self.calls.append(call)
        if token != self.token:
            return self._error(call, 401, 401, "Unauthorized")
        failures = self._failures.get(method)
        if failures:
            failure = failures[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                failures.popleft()
            return self._error(call, failure.status, failure.error_code, failure.description)
        if method in SENDING:
            chat_id = str(params.get("chat_id"))
            if chat_id in self._blocked:
                return self._error(call, 403, 403, "Forbidden")
            if self.flood is not None and self.flood.admit(chat_id, chat_id in self.groups, call.at) is not None:
                return self._error(call, 429, 429, "Too Many Requests")
        handler = self._handlers.get(method)
        if handler is None:
            return self._error(call, 404, 404, "Not Found")
        try:
            result = await handler(params)
        except _ApiError as error:
            return self._error(call, error.error_code, error.error_code, error.description)
        call.ok = True
        call.status = 200
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(call: Call, status: int, error_code: int, description: str) -> web.Response:
        call.status = status
        return web.json_response(_error_body(error_code, description), status=status)

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if not request.can_read_body:
            return params
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            params.update({key: value for key, value in form.items() if isinstance(value, str)})
            return params
        raw = await request.read()
        if not raw.strip():
            return params
        try:
            body = json.loads(raw)
        except ValueError:
            raise _ApiError(400, "Bad Request: can't parse JSON body") from None
        if not isinstance(body, dict):
            raise _ApiError(400, "Bad Request: JSON body must be an object")
        params.update(body)
        return params

    # -- methods -----------------------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_info

    async def _get_updates(self, params: dict[str, Any]) -> dict[str, Any]:
        wait = _poll_wait(params.get("timeout"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            if self._updates and not self._stopping:
                return self._updates.popleft()
            remaining = deadline - loop.time()
            if remaining <= 0 or self._stopping:
                self.idle_polls += 1
                raise _ApiError(408, "Request timeout")
            self._update_pushed.clear()
            try:
                await asyncio.wait_for(self._update_pushed.wait(), remaining)
            except TimeoutError:
                pass

    @staticmethod
    def _chat_id(params: dict[str, Any]) -> None:
        chat_id = params.get("chat_id")
        if chat_id is None or (isinstance(chat_id, str) and not chat_id.strip()):
            raise _ApiError(400, "chat_id is required")

    @staticmethod
    def _sent() -> dict[str, Any]:
        return {"message_id": _new_message_id(), "date": _now_ms()}

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        self._chat_id(params)
        text = params.get("text")
        if not isinstance(text, str) or not text or len(text) > MAX_TEXT_LENGTH:
            raise _ApiError(400, "text is too long")
        return self._sent()

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        self._chat_id(params)
        photo = params.get("photo")
        if not isinstance(photo, str) or not photo.strip():
            raise _ApiError(400, "photo is required")
        caption = params.get("caption")
        if caption is not None and not isinstance(caption, str):
            raise _ApiError(400, "caption must be a string")
        return self._sent()

    async def _send_voice(self, params: dict[str, Any]) -> dict[str, Any]:
        """A voice message by the link of an .aac file, into a private chat (a group's is not delivered)."""
        self._chat_id(params)
        url = params.get("voice_url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")) or not url.endswith(".aac"):
            raise _ApiError(400, "voice_url must be a link to an .aac file")
        return self._sent()

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._chat_id(params)
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> dict[str, Any]:
        url = params.get("url")
        secret = params.get("secret_token")
        if not isinstance(url, str) or not url.strip():
            raise _ApiError(400, "url is required")
        if not isinstance(secret, str) or len(secret) not in SECRET_LENGTHS:
            raise _ApiError(400, "secret_token must be 8 to 256 characters")
        self.webhook_url = url
        self.webhook_secret = secret
        self.webhook_updated_at = _now_ms()
        return {"url": url, "updated_at": self.webhook_updated_at}

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url, "updated_at": self.webhook_updated_at}

    async def _delete_webhook(self, params: dict[str, Any]) -> dict[str, Any]:
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_updated_at = _now_ms()
        return {"url": "", "updated_at": self.webhook_updated_at}


# -- update builders -------------------------------------------------------------------------

_last_date = 0


def _next_date() -> int:
    """Now in milliseconds, but always after the previous builder's date."""
    global _last_date
    _last_date = max(_now_ms(), _last_date + 1)
    return _last_date


def _message_update(
    event_name: str,
    chat_id: str,
    content: dict[str, Any],
    *,
    user_id: str | None = None,
    name: str = "Nguyễn Thị Hoa",
    chat_type: str = "PRIVATE",
    message_id: str | None = None,
    date: int | None = None,
) -> dict[str, Any]:
    """An update from one user; shared keywords of every builder:

    ``user_id`` (None)
        The sender's id; None means chat_id in a PRIVATE chat and GROUP_MEMBER_ID in a GROUP.
    ``name`` ("Nguyễn Thị Hoa")
        The sender's display_name.
    ``chat_type`` ("PRIVATE")
        "PRIVATE" or "GROUP".
    ``message_id`` (None)
        None makes a new unique string id.
    ``date`` (None)
        Milliseconds since the epoch; None means now (strictly increasing across builders).
    """
    if user_id is None:
        user_id = chat_id if chat_type == "PRIVATE" else GROUP_MEMBER_ID
    if date is None:
        date = _next_date()
    message: dict[str, Any] = {
        "message_id": message_id if message_id is not None else _new_message_id(),
        "from": {"id": user_id, "display_name": name, "is_bot": False},
        "chat": {"id": chat_id, "chat_type": chat_type},
        "date": date,
        **content,
    }
    return {"event_name": event_name, "message": message}


def text_update(chat_id: str, text: str, **sender: Any) -> dict[str, Any]:
    """A "message.text.received" update."""
    return _message_update("message.text.received", chat_id, {"text": text}, **sender)


def image_update(
    chat_id: str, photo_url: str, caption: str | None = None, *, field: str = "photo", **sender: Any
) -> dict[str, Any]:
    """A "message.image.received" update: the image's URL under `field` ("photo" as the documentation
    names it, "photo_url" as deliveries carry it); caption only when given."""
    content: dict[str, Any] = {field: photo_url, "message_type": "CHAT_PHOTO"}
    if caption is not None:
        content["caption"] = caption
    return _message_update("message.image.received", chat_id, content, **sender)


def voice_update(
    chat_id: str, voice_url: str = "http://127.0.0.1:9/zdn-voice/8a41c2e9/voice.aac", **sender: Any
) -> dict[str, Any]:
    """A "message.voice.received" update: the recording's link (an .aac file), no text."""
    return _message_update(
        "message.voice.received", chat_id, {"voice_url": voice_url, "message_type": "CHAT_VOICE"}, **sender
    )


def wrapped(update: dict[str, Any]) -> dict[str, Any]:
    """A webhook body as the platform's documentation shows it: the update inside {"ok": true, "result"}."""
    return {"ok": True, "result": update}


def sticker_update(
    chat_id: str,
    sticker: str = "bfe458bf64fa8da4d4eb",
    url: str = "https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=46991&size=130",
    **sender: Any,
) -> dict[str, Any]:
    """A "message.sticker.received" update: the sticker's id and its image URL."""
    return _message_update("message.sticker.received", chat_id, {"sticker": sticker, "url": url}, **sender)


def unsupported_update(chat_id: str, **sender: Any) -> dict[str, Any]:
    """A "message.unsupported.received" update: common fields only (Zalo hides the content of what some
    protected accounts send, and of kinds it does not deliver: files, locations...)."""
    return _message_update("message.unsupported.received", chat_id, {}, **sender)


# -- recorded-style payloads -----------------------------------------------------------------


def payload_names() -> list[str]:
    """Names of the sample payloads (file names without ".json"), sorted."""
    return sorted(path.name.removesuffix(".json") for path in PAYLOADS_DIR.glob("*.json"))


def load_payload(name: str) -> dict[str, Any]:
    """A fresh dict from tests/bot/zalo/payloads/<name>.json ("<name>.json" works as well)."""
    path = PAYLOADS_DIR / (name if name.endswith(".json") else f"{name}.json")
    with path.open(encoding="utf-8") as file:
        return json.load(file)
