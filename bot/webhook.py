"""The webhook server (aiohttp) that platform channels add their routes to, with GET /healthz (which worker answered)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.workers import ALONE, Worker
from storage.db import Database

log = logging.getLogger(__name__)
MEDIA_PATH = "/media"


def image_url(public_base_url: str, token: str) -> str:
    """Where a platform (or a person) fetches a generated file (the token is the only secret in the path)."""
    return f"{public_base_url.rstrip('/')}{MEDIA_PATH}/{token}"


class WebhookServer:
    def __init__(self, db: Database, host: str, port: int, worker: Worker = ALONE) -> None:
        self.db = db
        self.host = host
        self.port = port
        self.worker = worker  # N worker processes listen on one port; the kernel spreads the connections
        self.app = web.Application(client_max_size=2 * 1024 * 1024)
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get(f"{MEDIA_PATH}/{{token}}", self._image)
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

    async def _healthz(self, request: web.Request) -> web.Response:
        try:
            await self.db.ping()
        except Exception as error:
            log.warning("health check: database unreachable (%s)", type(error).__name__)
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        return web.json_response({"ok": True, "worker": self.worker.index})
