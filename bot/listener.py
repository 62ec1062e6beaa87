"""The webhook server's listening socket: a connection that has not sent a whole request head (the request
line and headers) within a bound is closed, so clients that connect and dribble, or send nothing, cannot
hold connections open (aiohttp bounds the time between requests only: its keep-alive timeout)."""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

log = logging.getLogger(__name__)
HEAD_ENDS = (b"\n\r\n", b"\n\n")  # the blank line that ends a head, with CRLF or bare LF line ends


class HeadDeadline(asyncio.Protocol):
    """Passes everything to aiohttp's own protocol; closes the connection when the first request head is late.

    Later requests on a kept-alive connection are aiohttp's: its keep-alive timer closes a connection that
    waits for a whole request longer than the idle timeout.
    """

    def __init__(self, inner: asyncio.Protocol, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._tail = b""  # the end of what came so far: a head's end may be split between two reads

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._timer = asyncio.get_running_loop().call_later(self.seconds, self._late)
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._timer is not None:
            seen = self._tail + data
            if any(end in seen for end in HEAD_ENDS):
                self._disarm()
            else:
                self._tail = seen[-2:]
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _late(self) -> None:
        self._timer = None
        if self._transport is not None and not self._transport.is_closing():
            log.debug("closed a connection whose request head did not come within %s s", self.seconds)
            self._transport.close()


async def listen(factory: Callable[[], asyncio.Protocol], host: str, port: int, *, head_seconds: float,
                 reuse_port: bool | None) -> asyncio.Server:
    """A TCP server whose every connection is aiohttp's protocol (`factory`, the runner's server) under a
    head deadline."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: HeadDeadline(factory(), head_seconds), host, port, reuse_port=reuse_port)
