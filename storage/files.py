"""The file store: the bot's own copy of every voice note, photo and file a person sent.

A platform's reference does not last (Zalo's CDN links expire, a Telegram file id works for one bot only),
so each file is downloaded once and kept here under a key made of its content's SHA-256: the same bytes
sent twice are kept once, and a key never changes its bytes. `LocalFileStore` keeps them in a folder
(under DATA_DIR); several worker processes on one database share that folder (a network mount), and an
object store can implement the same four methods.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[0-9a-f]{64}(\.[a-z0-9]{1,8})?$")


class FileTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit} bytes")
        self.limit = limit


class FileStore(Protocol):
    async def put(self, data: bytes, suffix: str = "") -> str: ...

    async def get(self, key: str) -> bytes | None: ...

    def path(self, key: str) -> Path | None: ...


def key_for(data: bytes, suffix: str = "") -> str:
    suffix = suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix or "") else ""
    return hashlib.sha256(data).hexdigest() + suffix


class LocalFileStore:
    """Files in `root/<first two hex digits>/<key>`, written whole or not at all (a temporary file renamed)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path | None:
        if not _KEY.match(key or ""):  # a key from a link: never a path out of the store
            return None
        return self.root / key[:2] / key

    async def put(self, data: bytes, suffix: str = "") -> str:
        key = key_for(data, suffix)
        await asyncio.to_thread(self._write, self.path(key), data)
        return key

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        if target.exists() and target.stat().st_size == len(data):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes | None:
        target = self.path(key)
        if target is None:
            return None
        try:
            return await asyncio.to_thread(target.read_bytes)
        except FileNotFoundError:
            return None
