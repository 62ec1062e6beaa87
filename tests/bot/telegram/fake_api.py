"""A fake Telegram Bot API server for tests, built on aiohttp.web.

It listens on 127.0.0.1 with a port chosen by the OS, records every request and answers
the few methods the bot uses with the shapes of the real Bot API, so the real aiogram
client can talk to it::

    async with FakeBotAPI() as api:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        bot = Bot(api.token, session=session)
        try:
            api.push_update(text_update(42, "/start"))
            ...
            await api.wait_for(lambda api: api.sent_texts(42))
        finally:
            await bot.session.close()

Requests arrive as ``POST /bot<token>/<method>`` (GET with a query string is accepted as
well), with a multipart, urlencoded or JSON body. Fields holding a JSON object or array
(``reply_markup``, ``commands``, ``allowed_updates``...) are decoded, ``"true"``/``"false"``
become booleans and numeric ids/counters (``chat_id``, ``offset``, ``timeout``, ``limit``,
``message_id``...) become ints; free-text fields (``text``, ``caption``, ``data``...) are
kept exactly as sent. Uploaded files are recorded as :class:`UploadedFile`.

Flood control is off unless a test sets it: ``api.flood = FloodControl(per_second=30,
chat_interval=1, private_burst=3, group_per_minute=20)``. A message over a limit is answered
429 "Too Many Requests: retry after N" with ``parameters.retry_after``; every accepted message
and every refusal is recorded with its time (``api.flood.accepted``, ``api.flood.refused``).
:meth:`FakeBotAPI.block` makes a chat answer 403, as when a person blocked the bot or a group
removed it; :meth:`FakeBotAPI.refuse` makes it answer any other error, every time, and
:meth:`FakeBotAPI.migrate` answers as for a group that became a supergroup (``migrate_to_chat_id``).

Module-level helpers (:func:`text_update`, :func:`photo_update`, :func:`voice_update`,
:func:`document_update`, :func:`contact_update`, :func:`sticker_update`,
:func:`location_update`, :func:`callback_update`) build realistic update dicts. Each takes
``chat_id`` and its own content arguments, plus these shared keyword-only arguments
describing the sender and the chat (callback_update takes all but ``message_id``, which
there names the bot's message the button belongs to and defaults to 1):

``user_id`` (None)
    The sender's id; None means chat_id in a private chat and 1000 in a group.
``first_name`` ("Hoa"), ``last_name`` ("Nguyễn"), ``language_code`` ("vi")
    The sender's User fields (and the private chat's names); a falsy last_name or
    language_code leaves that field out.
``chat_type`` (None)
    The Chat type; None means "private" for a positive chat_id and "group" otherwise.
``update_id`` (None)
    None leaves update_id out, so :meth:`FakeBotAPI.push_update` assigns the next one.
``message_id`` (None)
    None takes the next id from a module-wide counter starting at 1001.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "Call",
    "FakeBotAPI",
    "FloodControl",
    "UploadedFile",
    "callback_update",
    "contact_update",
    "document_update",
    "location_update",
    "photo_update",
    "sticker_update",
    "text_update",
    "voice_update",
]

BOT_ID = 123456
BOT_FIRST_NAME = "Sáng kiến"
DEFAULT_TOKEN = "123456:TEST-token_abc"
DEFAULT_USERNAME = "sangkien_test_bot"
LONG_POLL_CAP = 1.0  # getUpdates never holds a request longer than this (seconds)
WAIT_FOR_INTERVAL = 0.02

# Fields whose string value is always kept as sent, even when it looks like JSON or a number.
TEXT_FIELDS = frozenset(
    {
        "text",
        "caption",
        "data",
        "callback_data",
        "query",
        "title",
        "description",
        "short_description",
        "name",
        "question",
        "explanation",
        "first_name",
        "last_name",
        "address",
        "phone_number",
        "emoji",
        "url",
        "message_text",
        "secret_token",
        "callback_query_id",
        "inline_query_id",
        "file_id",
        "photo",
        "voice",
        "document",
        "sticker",
        "parse_mode",
        "payload",
        "start_parameter",
    }
)
# Fields converted to int when they look like one.
INT_FIELDS = frozenset(
    {
        "chat_id",
        "offset",
        "timeout",
        "limit",
        "message_id",
        "from_chat_id",
        "user_id",
        "sender_chat_id",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
        "duration",
        "width",
        "height",
        "until_date",
        "period",
    }
)
_INT_RE = re.compile(r"-?\d+")

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class _Default:
    """Marker for 'argument not given' where None is a meaningful value."""

    def __repr__(self) -> str:
        return "<default>"


_DEFAULT: Any = _Default()


@dataclass
class Call:
    """One request the fake server received."""

    method: str
    params: dict[str, Any]
    ok: bool = False
    at: float = field(default_factory=time.monotonic, compare=False)  # when it arrived (time.monotonic)
    error_code: int | None = field(default=None, compare=False)  # the error answered, if any


@dataclass(frozen=True)
class UploadedFile:
    """A file sent in a multipart request (e.g. sendPhoto with BufferedInputFile)."""

    filename: str | None
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


SENDING = frozenset({"sendmessage", "sendphoto", "senddocument", "sendvoice", "sendaudio", "sendvideo"})  # the calls that count as messages


@dataclass
class FloodControl:
    """Flood limits a test sets on a fake API, kept as the platform would: over a limit, a 429.

    ``per_second``: messages in any rolling second, all chats together. ``chat_interval``: seconds
    between two messages to one chat, of which a private chat may receive ``private_burst`` back to
    back. ``group_per_minute``: messages to one group in any rolling minute. None leaves a limit out.
    ``slack`` forgives that much arrival jitter (seconds): a sender keeps exact spacing, but its
    requests reach the server a few milliseconds earlier or later than it planned.
    """

    per_second: int | None = None
    chat_interval: float | None = None
    private_burst: int = 1
    group_per_minute: int | None = None
    slack: float = 0.05
    accepted: dict[Any, list[float]] = field(default_factory=dict)  # chat -> arrival times
    refused: list[tuple[float, Any, int]] = field(default_factory=list)  # (time, chat, retry_after)
    _recent: deque[float] = field(default_factory=deque, repr=False)
    _due: dict[Any, float] = field(default_factory=dict, repr=False)

    def admit(self, chat: Any, is_group: bool, now: float | None = None) -> int | None:
        """None when the message is taken (and recorded), else the retry_after to answer."""
        now = time.monotonic() if now is None else now
        wait = max(self._overall(now), self._chat(chat, is_group, now), self._group(chat, is_group, now))
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            self.refused.append((now, chat, retry_after))
            return retry_after
        self._recent.append(now)
        if self.chat_interval:
            self._due[chat] = max(self._due.get(chat, now), now) + self.chat_interval
        self.accepted.setdefault(chat, []).append(now)
        return None

    def _overall(self, now: float) -> float:
        window = 1.0 - self.slack
        while self._recent and self._recent[0] <= now - window:
            self._recent.popleft()
        if self.per_second is None or len(self._recent) < self.per_second:
            return 0.0
        return self._recent[-self.per_second] + window - now

    def _chat(self, chat: Any, is_group: bool, now: float) -> float:
        if not self.chat_interval or chat not in self._due:
            return 0.0
        burst = 0.0 if is_group else (self.private_burst - 1) * self.chat_interval
        return self._due[chat] - burst - self.slack - now

    def _group(self, chat: Any, is_group: bool, now: float) -> float:
        sent = self.accepted.get(chat, [])
        if not is_group or self.group_per_minute is None or len(sent) < self.group_per_minute:
            return 0.0
        return sent[-self.group_per_minute] + 60.0 - self.slack - now


class _ApiError(Exception):
    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after


def _error_body(
    error_code: int, description: str, retry_after: int | None = None, migrate_to_chat_id: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": error_code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    if migrate_to_chat_id is not None:
        body["parameters"] = {"migrate_to_chat_id": migrate_to_chat_id}
    return body


def _convert(key: str, value: Any) -> Any:
    """Decode one form/JSON field the way the tests want to read it."""
    if not isinstance(value, str) or key in TEXT_FIELDS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    if stripped in ("true", "false"):
        return stripped == "true"
    if key in INT_FIELDS and _INT_RE.fullmatch(stripped):
        return int(stripped)
    return value


def _chat_for(chat_id: Any) -> dict[str, Any]:
    """The Chat object for a chat_id as sent by the bot."""
    if isinstance(chat_id, int):
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Hoa", "last_name": "Nguyễn"}
        return {"id": chat_id, "type": "group", "title": "Nhóm thử nghiệm"}
    # "@channelusername"
    return {"id": -1001000000001, "type": "channel", "title": str(chat_id), "username": str(chat_id).lstrip("@")}


class FakeBotAPI:
    """A fake Bot API server; see the module docstring."""

    def __init__(self, token: str = DEFAULT_TOKEN, username: str = DEFAULT_USERNAME) -> None:
        self.token = token
        self.username = username
        self.calls: list[Call] = []
        self.webhook_url = ""
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id = 1
        self._failures: dict[str, deque[_Failure]] = {}
        self._blocked: dict[Any, tuple[int, str, None, int | None]] = {}
        self.flood: FloodControl | None = None
        self.admins: set[tuple[int, int]] = set()  # (chat id, user id) pairs getChatMember calls administrators
        self.files: dict[str, bytes] = {}  # file id -> bytes: what getFile and GET /file/bot<token>/<path> serve
        self.downloads: list[str] = []  # file paths downloaded
        self._update_pushed = asyncio.Event()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendVoice": self._sending_file("voice"),
            "sendAudio": self._sending_file("audio"),
            "sendVideo": self._sending_file("video"),
            "sendChatAction": self._true,
            "answerCallbackQuery": self._true,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._true,
            "deleteMyCommands": self._true,
            "editMessageReplyMarkup": self._true,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
        }
        # Bot API method names are case-insensitive; calls are recorded under these spellings.
        self._canonical = {name.lower(): name for name in methods}
        self._handlers = {name.lower(): handler for name, handler in methods.items()}

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeBotAPI already started")
        self._stopping = False
        self._update_pushed = asyncio.Event()
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
            raise RuntimeError("FakeBotAPI is not running; call start() or use 'async with'")
        return f"http://127.0.0.1:{self._port}"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": self.username}

    # -- test controls -----------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates; update_id is assigned (increasing) when missing."""
        update = copy.deepcopy(update)
        if update.get("update_id") is None:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self._updates.append(update)
        self._updates.sort(key=lambda item: item["update_id"])
        self._update_pushed.set()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates still queued (not yet confirmed by a getUpdates offset)."""
        return list(self._updates)

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        retry_after: int | None = _DEFAULT,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail with `error_code` (also the HTTP status).

        The body carries ``parameters.retry_after`` unless retry_after is None. Left out, it
        is 1 for error_code 429 and None otherwise, so ``fail_next(m, error_code=403)`` gives
        aiogram's TelegramForbiddenError, not TelegramRetryAfter (which aiogram raises for
        any error that carries retry_after).
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if retry_after is _DEFAULT:
            retry_after = 1 if error_code == 429 else None
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after if retry_after is not None else 1}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        key = method.lower()
        self._failures.setdefault(key, deque()).append(_Failure(error_code, description, retry_after, times))

    def block(self, chat_id: int, description: str | None = None) -> None:
        """Every message to chat_id is answered 403, as when a person blocked the bot or a group removed it."""
        self.refuse(chat_id, 403, description or (
            "Forbidden: bot was blocked by the user" if chat_id > 0 else "Forbidden: bot was kicked from the group chat"
        ))

    def refuse(self, chat_id: int, error_code: int, description: str | None = None) -> None:
        """Every message to chat_id is answered with this error until :meth:`unblock`."""
        description = description or _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        self._blocked[chat_id] = (error_code, description, None, None)

    def migrate(self, chat_id: int, to_chat_id: int) -> None:
        """The group became a supergroup: messages to its old id are refused with the new one."""
        self._blocked[chat_id] = (400, "Bad Request: group chat was upgraded to a supergroup chat", None, to_chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.pop(chat_id, None)

    def throttled(self) -> list[Call]:
        """Calls answered 429 (Too Many Requests), in order."""
        return [call for call in self.calls if call.error_code == 429]

    def calls_to(self, method: str) -> list[Call]:
        key = method.lower()
        return [call for call in self.calls if call.method.lower() == key]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of successful sendMessage calls, in order (to chat_id only, when given)."""
        return [
            call.params.get("text", "")
            for call in self.calls_to("sendMessage")
            if call.ok and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    async def wait_for(self, predicate: Callable[[FakeBotAPI], bool], timeout: float = 10.0) -> None:
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
        if not self.calls:
            return "no calls received"
        shown = self.calls[-limit:]
        lines = [f"{len(self.calls)} call(s) received" + (f", last {len(shown)}:" if len(shown) < len(self.calls) else ":")]
        for call in shown:
            params = {key: value for key, value in call.params.items() if key != "timeout" or call.method != "getUpdates"}
            text = repr(params)
            if len(text) > 200:
                text = text[:197] + "..."
            lines.append(f"  {'ok ' if call.ok else 'ERR'} {call.method} {text}")
        return "\n".join(lines)

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path
        download = re.fullmatch(r"/file/bot([^/]+)/(.+)", path)
        if download is not None:
            return self._download(*download.groups())
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)/?", path)
        if match is None:
            self.calls.append(Call(method=path, params={}, ok=False))
            return web.json_response(_error_body(404, "Not Found"), status=404)
        token, sent_method = match.groups()
        key = sent_method.lower()
        method = self._canonical.get(key, sent_method)
        try:
            params = await self._read_params(request)
        except ValueError as error:
            self.calls.append(Call(method=method, params={}, ok=False))
            return web.json_response(_error_body(400, f"Bad Request: {error}"), status=400)
        call = Call(method=method, params=params, ok=False)
        self.calls.append(call)
        if token != self.token:
            return web.json_response(_error_body(401, "Unauthorized"), status=401)
        failures = self._failures.get(key)
        if failures:
            failure = failures[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                failures.popleft()
            return self._error(call, failure.error_code, failure.description, failure.retry_after)
        if key in SENDING:
            refusal = self._refusal(call.params.get("chat_id"), call.at)
            if refusal is not None:
                return self._error(call, *refusal)
        handler = self._handlers.get(key)
        if handler is None:
            return web.json_response(_error_body(404, "Not Found"), status=404)
        try:
            result = await handler(params)
        except _ApiError as error:
            return self._error(call, error.error_code, error.description, error.retry_after)
        call.ok = True
        return web.json_response({"ok": True, "result": result})

    def _refusal(self, chat_id: Any, now: float) -> tuple | None:
        """Why a message to chat_id is not taken: the chat blocked the bot, or a flood limit."""
        if chat_id in self._blocked:
            return self._blocked[chat_id]
        if self.flood is None:
            return None
        is_group = isinstance(chat_id, int) and chat_id < 0
        retry_after = self.flood.admit(chat_id, is_group, now)
        if retry_after is None:
            return None
        return 429, f"Too Many Requests: retry after {retry_after}", retry_after, None

    @staticmethod
    def _error(
        call: Call, error_code: int, description: str, retry_after: int | None = None, migrate_to: int | None = None
    ) -> web.Response:
        call.error_code = error_code
        return web.json_response(_error_body(error_code, description, retry_after, migrate_to), status=error_code)

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError as error:
                    raise ValueError("can't parse JSON body") from error
                if not isinstance(body, dict):
                    raise ValueError("JSON body must be an object")
                raw.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        raw[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                    else:
                        raw[key] = value
        params = {key: _convert(key, value) for key, value in raw.items()}
        # Resolve "attach://<name>" references to the uploaded file itself.
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                attached = params.get(value.removeprefix("attach://"))
                if isinstance(attached, UploadedFile):
                    params[key] = attached
        return params

    # -- methods -----------------------------------------------------------------------------

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        limit = params.get("limit")
        limit = 100 if not isinstance(limit, int) or limit <= 0 else min(limit, 100)
        timeout = params.get("timeout")
        wait = min(float(timeout), LONG_POLL_CAP) if isinstance(timeout, int) and timeout > 0 else 0.0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            found = self._take_updates(offset, limit)
            remaining = deadline - loop.time()
            if found or remaining <= 0 or self._stopping:
                return found
            self._update_pushed.clear()
            try:
                await asyncio.wait_for(self._update_pushed.wait(), remaining)
            except TimeoutError:
                return self._take_updates(offset, limit)

    def _take_updates(self, offset: Any, limit: int) -> list[dict[str, Any]]:
        if isinstance(offset, int) and offset < 0:
            return copy.deepcopy(self._updates[offset:][:limit])
        if isinstance(offset, int) and offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
        return copy.deepcopy(self._updates[:limit])

    def _new_message(self, chat_id: Any) -> dict[str, Any]:
        if chat_id is None or chat_id == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        message_id = self._next_message_id
        self._next_message_id += 1
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _chat_for(chat_id),
            "from": self.bot_user,
        }

    @staticmethod
    def _inline_markup(params: dict[str, Any]) -> dict[str, Any]:
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            return {"reply_markup": {"inline_keyboard": markup["inline_keyboard"]}}
        return {}

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        message = self._new_message(params.get("chat_id"))
        message["text"] = text
        message.update(self._inline_markup(params))
        return message

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = params.get("photo")
        if photo is None or photo == "":
            raise _ApiError(400, "Bad Request: there is no photo in the request")
        message = self._new_message(params.get("chat_id"))
        base = photo if isinstance(photo, str) else f"sent-photo-{message['message_id']}"
        message["photo"] = _photo_sizes((f"{base}-s", f"{base}-m", base))
        caption = params.get("caption")
        if isinstance(caption, str) and caption:
            message["caption"] = caption
        message.update(self._inline_markup(params))
        return message

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        document = params.get("document")
        if document is None or document == "":
            raise _ApiError(400, "Bad Request: there is no document in the request")
        message = self._new_message(params.get("chat_id"))
        name = document.filename if isinstance(document, UploadedFile) else None
        message["document"] = {
            "file_id": f"sent-document-{message['message_id']}",
            "file_unique_id": f"unique-document-{message['message_id']}",
            "file_name": name or "file",
        }
        return message

    def _sending_file(self, kind: str) -> Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]:
        """sendVoice, sendAudio, sendVideo: a file id this bot received, an HTTP link or an upload."""

        async def send(params: dict[str, Any]) -> dict[str, Any]:
            file = params.get(kind)
            if file is None or file == "":
                raise _ApiError(400, f"Bad Request: there is no {kind} in the request")
            message = self._new_message(params.get("chat_id"))
            file_id = file if isinstance(file, str) else f"sent-{kind}-{message['message_id']}"
            message[kind] = {"file_id": file_id, "file_unique_id": f"U-{file_id}", "duration": 1}
            return message

        return send

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        """getFile: a file_path valid for an hour; files over 20 MB cannot be downloaded by bots."""
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        data = self.files[file_id]
        if len(data) > 20 * 1024 * 1024:
            raise _ApiError(400, "Bad Request: file is too big")
        index = list(self.files).index(file_id)
        return {"file_id": file_id, "file_unique_id": f"U-{file_id}", "file_size": len(data),
                "file_path": f"files/file_{index}"}

    def _download(self, token: str, file_path: str) -> web.Response:
        if token != self.token:
            return web.json_response(_error_body(401, "Unauthorized"), status=401)
        found = re.fullmatch(r"files/file_(\d+)", file_path)
        ids = list(self.files)
        if found is None or int(found.group(1)) >= len(ids):
            return web.json_response(_error_body(404, "Not Found"), status=404)
        self.downloads.append(file_path)
        return web.Response(body=self.files[ids[int(found.group(1))]], content_type="application/octet-stream")

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = "administrator" if (chat_id, user_id) in self.admins else "member"
        member: dict[str, Any] = {"status": status, "user": _user(user_id, "Hoa", None, "vi")}
        if status == "administrator":
            member |= {"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                       "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
                       "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
                       "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
                       "can_send_welcome_messages": False}
        return member

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = str(params.get("url") or "")
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}


# -- update builders -------------------------------------------------------------------------

_message_ids = itertools.count(1001)
_callback_ids = itertools.count(1)
_PHOTO_WIDTHS = (90, 320, 800, 1280, 2560)


def _user(user_id: int, first_name: str, last_name: str | None, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if language_code:
        user["language_code"] = language_code
    return user


def _chat(chat_id: int, chat_type: str | None, first_name: str, last_name: str | None) -> dict[str, Any]:
    chat_type = chat_type or ("private" if chat_id > 0 else "group")
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = first_name
        if last_name:
            chat["last_name"] = last_name
    else:
        chat["title"] = "Nhóm thử nghiệm"
    return chat


def _message_update(
    chat_id: int,
    content: dict[str, Any],
    *,
    user_id: int | None = None,
    first_name: str = "Hoa",
    last_name: str | None = "Nguyễn",
    update_id: int | None = None,
    chat_type: str | None = None,
    message_id: int | None = None,
    language_code: str | None = "vi",
) -> dict[str, Any]:
    """A message update from the sender described by the shared keywords (module docstring)."""
    if user_id is None:
        user_id = chat_id if chat_id > 0 else 1000
    message: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "date": int(time.time()),
        "chat": _chat(chat_id, chat_type, first_name, last_name),
        "from": _user(user_id, first_name, last_name, language_code),
        **content,
    }
    update: dict[str, Any] = {"message": message}
    if update_id is not None:
        update = {"update_id": update_id, **update}
    return update


def _photo_sizes(file_ids: Iterable[str]) -> list[dict[str, Any]]:
    sizes = []
    for index, file_id in enumerate(file_ids):
        width = _PHOTO_WIDTHS[index] if index < len(_PHOTO_WIDTHS) else _PHOTO_WIDTHS[-1] * (index - 3)
        height = width * 3 // 4
        sizes.append(
            {
                "file_id": file_id,
                "file_unique_id": f"U-{file_id}",
                "width": width,
                "height": height,
                "file_size": width * height // 8,
            }
        )
    return sizes


def bot_removed_update(chat_id: int, update_id: int | None = None, status: str = "kicked") -> dict[str, Any]:
    """The bot's own membership changed: removed from a group ("kicked" or "left")."""
    bot = {"id": 999, "is_bot": True, "first_name": "Sáng kiến"}
    change = {
        "chat": _chat(chat_id, None, "", None),
        "from": _user(1000, "Hoa", None, "vi"),
        "date": int(time.time()),
        "old_chat_member": {"status": "member", "user": bot},
        "new_chat_member": {"status": status, "user": bot} | ({"until_date": 0} if status == "kicked" else {}),
    }
    update: dict[str, Any] = {"my_chat_member": change}
    return {"update_id": update_id, **update} if update_id is not None else update


def text_update(chat_id: int, text: str, **sender: Any) -> dict[str, Any]:
    """A text message; "/cmd args" gets a bot_command entity over "/cmd" (UTF-16 units)."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0] if text.strip() else text
        content["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}
        ]
    return _message_update(chat_id, content, **sender)


def photo_update(
    chat_id: int, file_ids: Iterable[str] = ("small", "big"), caption: str | None = None, **sender: Any
) -> dict[str, Any]:
    """A photo message: one PhotoSize per file id, from the smallest to the largest."""
    content: dict[str, Any] = {"photo": _photo_sizes(file_ids)}
    if caption is not None:
        content["caption"] = caption
    return _message_update(chat_id, content, **sender)


def voice_update(
    chat_id: int,
    file_id: str = "voice-1",
    duration: int = 3,
    mime_type: str = "audio/ogg",
    file_size: int = 12345,
    **sender: Any,
) -> dict[str, Any]:
    voice = {
        "file_id": file_id,
        "file_unique_id": f"U-{file_id}",
        "duration": duration,
        "mime_type": mime_type,
        "file_size": file_size,
    }
    return _message_update(chat_id, {"voice": voice}, **sender)


def document_update(
    chat_id: int,
    file_id: str = "document-1",
    file_name: str = "sang-kien.pdf",
    mime_type: str = "application/pdf",
    file_size: int = 54321,
    caption: str | None = None,
    **sender: Any,
) -> dict[str, Any]:
    document = {
        "file_id": file_id,
        "file_unique_id": f"U-{file_id}",
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": file_size,
    }
    content: dict[str, Any] = {"document": document}
    if caption is not None:
        content["caption"] = caption
    return _message_update(chat_id, content, **sender)


def contact_update(
    chat_id: int, phone_number: str = "+84901234567", contact_user_id: int | None = None, **sender: Any
) -> dict[str, Any]:
    """A shared contact; contact_user_id defaults to the sender (the "share my number" button)."""
    update = _message_update(chat_id, {}, **sender)
    message = update["message"]
    user = message["from"]
    contact: dict[str, Any] = {
        "phone_number": phone_number,
        "first_name": user["first_name"],
        "user_id": contact_user_id if contact_user_id is not None else user["id"],
    }
    if "last_name" in user:
        contact["last_name"] = user["last_name"]
    message["contact"] = contact
    return update


def sticker_update(chat_id: int, file_id: str = "sticker-1", emoji: str = "👍", **sender: Any) -> dict[str, Any]:
    sticker = {
        "file_id": file_id,
        "file_unique_id": f"U-{file_id}",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "file_size": 23456,
    }
    return _message_update(chat_id, {"sticker": sticker}, **sender)


def location_update(
    chat_id: int, latitude: float = 21.028511, longitude: float = 105.804817, **sender: Any
) -> dict[str, Any]:
    """A location message (defaults to Hà Nội)."""
    return _message_update(chat_id, {"location": {"latitude": latitude, "longitude": longitude}}, **sender)


def callback_update(
    chat_id: int,
    data: str,
    *,
    message_id: int = 1,
    message_text: str = "Chọn một mục:",
    callback_id: str | None = None,
    bot_username: str = DEFAULT_USERNAME,
    **sender: Any,
) -> dict[str, Any]:
    """A press on an inline button of the bot's message `message_id` in chat_id.

    The sender keywords describe the user who pressed it; the message itself is the bot's.
    """
    update = _message_update(chat_id, {"text": message_text}, message_id=message_id, **sender)
    message = update.pop("message")
    user = message["from"]
    message["from"] = {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": bot_username}
    update["callback_query"] = {
        "id": callback_id if callback_id is not None else f"cb-{next(_callback_ids)}",
        "from": user,
        "chat_instance": f"ci-{chat_id}",
        "data": data,
        "message": message,
    }
    return update
