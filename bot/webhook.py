"""The webhook server (aiohttp) that platform channels add their routes to, with GET /healthz (which worker answered)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from aiohttp import web

from bot.workers import ALONE, Worker
from handlers.file_links import FILES_PATH, PLAYABLE
from storage.db import Database
from storage.files import FileStore

log = logging.getLogger(__name__)
MEDIA_PATH = "/media"


def image_url(public_base_url: str, token: str) -> str:
    """Where a platform (or a person) fetches a generated file (the token is the only secret in the path)."""
    return f"{public_base_url.rstrip('/')}{MEDIA_PATH}/{token}"


class WebhookServer:
    def __init__(self, db: Database, host: str, port: int, worker: Worker = ALONE, files: FileStore | None = None) -> None:
        self.db = db
        self.files = files
        self.host = host
        self.port = port
        self.worker = worker  # N worker processes listen on one port; the kernel spreads the connections
        self.app = web.Application(client_max_size=2 * 1024 * 1024)
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get(f"{MEDIA_PATH}/{{token}}", self._image)
        self.app.router.add_get(f"{FILES_PATH}/{{name}}", self._kept_file)
        self._runner: web.AppRunner | None = None

    def add_post(self, path: str, handler) -> None:
        self.app.router.add_post(path, handler)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_port=self.worker.count > 1 or None)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1] if self.port == 0 else self.port
        log.info("webhook server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _image(self, request: web.Request) -> web.Response:
        async with self.db.transaction() as tx:
            image = await tx.images.get(request.match_info["token"])
        if image is None:
            return web.Response(status=404)
        headers = {"Cache-Control": "private, max-age=86400"}
        if image.filename:  # a document: saved under its own name, never shown inline
            headers["Content-Disposition"] = f'attachment; filename="{image.filename}"'
        return web.Response(body=image.data, content_type=image.content_type, headers=headers)

    async def _kept_file(self, request: web.Request) -> web.StreamResponse:
        """A voice note, photo or file a person sent, by its attachment's token (the export's links)."""
        name = request.match_info["name"]
        playable = name.endswith(PLAYABLE)
        token = name.removesuffix(PLAYABLE) if playable else name
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
            await self.db.ping()
        except Exception as error:
            log.warning("health check: database unreachable (%s)", type(error).__name__)
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        return web.json_response({"ok": True, "worker": self.worker.index})


def disposition(filename: str) -> str:
    """Content-Disposition naming the file: an ASCII fallback and the real (Vietnamese) name (RFC 6266)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
