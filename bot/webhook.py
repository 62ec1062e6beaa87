"""The webhook server (aiohttp) that platform channels add their routes to, with GET /healthz (which worker answered).

Faults at the edge get a plain answer and no traceback: a path that names no file 404; a body that is not a
JSON object 400, too large 413, too slow 408; a database that is slow, down or busy with the same chat 503
with Retry-After, which makes the platform deliver the update again. Nothing waits without a bound.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web

from bot.listener import listen
from bot.workers import ALONE, Worker
from handlers.file_links import FILES_PATH, PLAYABLE
from storage.db import Conflict, Database, Unavailable, Unfit
from storage.files import FileStore

log = logging.getLogger(__name__)
MEDIA_PATH = "/media"
MAX_BODY = 2 * 1024 * 1024  # bytes; an update is a few kilobytes
MAX_DEPTH = 64  # JSON nesting: an update nests about ten deep; deeper would exhaust the stack further on
# Text no database keeps: a lone UTF-16 surrogate (valid JSON, invalid Unicode), NUL (PostgreSQL refuses it).
UNKEEPABLE = re.compile("[\x00\ud800-\udfff]")
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,128}")  # secrets.token_urlsafe: anything else names no file
# Faults the platform's next delivery may well not meet: the chat busy in another process (a conflict),
# a database slow or gone. Answered 503 and logged as one line; anything else is a bug and keeps its traceback.
PASSING = (Conflict, Unavailable, TimeoutError, ConnectionError)
# A handler that wrote its response itself says so (`written`): no other answer may follow on the connection.
WRITTEN = web.RequestKey("written", web.StreamResponse)
ANSWERED_HERE = (*PASSING, Unfit)  # a channel lets these reach the server, which answers them (Unfit: 400)


@dataclass(frozen=True)
class Bounds:
    """How long the server waits, in seconds (WEBHOOK_*_TIMEOUT_SECONDS, HEALTH_CHECK_TIMEOUT_SECONDS)."""

    work: float = 45.0  # a request's whole handling: then 503, and the platform delivers it again
    read: float = 10.0  # a new connection's request head; a request's body
    idle: float = 30.0  # a kept-alive connection between requests (aiohttp's keep-alive timeout)
    health: float = 5.0  # the database's answer to /healthz

    @classmethod
    def from_settings(cls, settings) -> "Bounds":
        return cls(settings.webhook_timeout_seconds, settings.webhook_read_timeout_seconds,
                   settings.webhook_idle_timeout_seconds, settings.health_check_timeout_seconds)


def written(request: web.Request, response: web.StreamResponse) -> None:
    """The handler has written the request's response itself: what fails after it cannot change the answer."""
    request[WRITTEN] = response


def image_url(public_base_url: str, token: str) -> str:
    """Where a platform (or a person) fetches a generated file (the token is the only secret in the path)."""
    return f"{public_base_url.rstrip('/')}{MEDIA_PATH}/{token}"


class WebhookServer:
    def __init__(self, db: Database, host: str, port: int, worker: Worker = ALONE, files: FileStore | None = None,
                 bounds: Bounds = Bounds()) -> None:
        self.db = db
        self.files = files
        self.host = host
        self.port = port
        self.worker = worker  # N worker processes listen on one port; the kernel spreads the connections
        self.bounds = bounds
        self.app = web.Application(client_max_size=MAX_BODY, middlewares=[self._bounded])
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get(f"{MEDIA_PATH}/{{token}}", self._image)
        self.app.router.add_get(f"{FILES_PATH}/{{name}}", self._kept_file)
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None

    def add_post(self, path: str, handler) -> None:
        self.app.router.add_post(path, handler)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, keepalive_timeout=self.bounds.idle)
        await self._runner.setup()
        self._listener = await listen(self._runner.server, self.host, self.port, head_seconds=self.bounds.read,
                                      reuse_port=self.worker.count > 1 or None)
        self.port = self._listener.sockets[0].getsockname()[1] if self.port == 0 else self.port
        log.info("webhook server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()  # no new connections; the runner closes the open ones
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _bounded(self, request: web.Request, handler) -> web.StreamResponse:
        """Every request within its bounds; a webhook's body a JSON object before its handler reads it."""
        try:
            if request.method == "POST" and request.match_info.http_exception is None:
                refused = await self._refused_body(request)
                if refused is not None:
                    return refused
            async with asyncio.timeout(self.bounds.work):
                return await handler(request)
        except PASSING as error:
            if WRITTEN in request:  # the answer went already; what failed came after it
                log.warning("%s %s: work after the response failed: %s", request.method, request.path, _fault(error))
                return request[WRITTEN]
            log.warning("%s %s answered 503, to be delivered again: %s", request.method, request.path,
                        _fault(error))
            return web.json_response({"ok": False, "error": "busy"}, status=503, headers={"Retry-After": "1"})
        except Unfit as error:  # an update with a value the database cannot hold: delivering it again won't help
            log.warning("%s %s answered 400, the update cannot be kept: %s", request.method, request.path,
                        _fault(error))
            return web.json_response({"ok": False, "error": "not an update"}, status=400)

    async def _refused_body(self, request: web.Request) -> web.Response | None:
        """400 for a body that is not a JSON object (or nests deeper than any update, or holds text no database
        keeps), 408 for one too slow to come; a body too large is aiohttp's 413. Checked before the handler
        checks the secret, so that no handler meets such a body; it then reads the same body, known to parse."""
        try:
            async with asyncio.timeout(self.bounds.read):
                body = await request.read()
        except TimeoutError:
            return web.json_response({"ok": False, "error": "body too slow"}, status=408)
        try:
            update = json.loads(body)
        except (ValueError, RecursionError):
            update = None
        if not isinstance(update, dict) or _unfit(update):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        return None

    async def _image(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not TOKEN.fullmatch(token):
            return web.Response(status=404)
        async with self.db.transaction() as tx:
            image = await tx.images.get(token)
        if image is None:
            return web.Response(status=404)
        # As stored, parameters and all ("text/csv; charset=utf-8"): aiohttp's content_type takes none.
        headers = {"Cache-Control": "private, max-age=86400", "Content-Type": image.content_type}
        if image.filename:  # a document: saved under its own name, never shown inline
            headers["Content-Disposition"] = disposition(image.filename)
        return web.Response(body=image.data, headers=headers)

    async def _kept_file(self, request: web.Request) -> web.StreamResponse:
        """A voice note, photo or file a person sent, by its attachment's token (the export's links)."""
        name = request.match_info["name"]
        playable = name.endswith(PLAYABLE)
        token = name.removesuffix(PLAYABLE) if playable else name
        if not TOKEN.fullmatch(token):
            return web.Response(status=404, text="not found")
        async with self.db.transaction() as tx:
            attachment = await tx.initiatives.attachment(token)
        key = attachment and (attachment.playable_key if playable else attachment.stored_key)
        path = self.files.path(key) if key and self.files is not None else None
        if path is None or not path.is_file():
            return web.Response(status=404, text="not found")
        content_type = "audio/aac" if playable else attachment.mime_type or "application/octet-stream"
        headers = {"Cache-Control": "private, max-age=86400", "Content-Type": content_type}
        if attachment.filename and not playable:
            headers["Content-Disposition"] = disposition(attachment.filename)
        return web.FileResponse(path, headers=headers)

    async def _healthz(self, request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(self.bounds.health):  # a database that hangs is as down as one that refuses
                await self.db.ping()
        except Exception as error:
            log.warning("health check: database unreachable (%s)", type(error).__name__)
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        return web.json_response({"ok": True, "worker": self.worker.index})


def _fault(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "not done in time (the database slow or the chat's earlier updates still running)"
    return f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}".rstrip(": ")


def _unfit(value) -> bool:
    """Whether a parsed JSON value nests deeper than MAX_DEPTH or holds text no database keeps (walked
    without recursion: the value may be deep)."""
    stack = [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if UNKEEPABLE.search(value):
                return True
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def disposition(filename: str) -> str:
    """Content-Disposition naming the file: an ASCII fallback and the real (Vietnamese) name (RFC 6266)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
