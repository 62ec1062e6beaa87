"""Files the bot generates (charts, exports, forms), kept so a platform can fetch them by an unguessable URL."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GeneratedImage


class ImageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, data: bytes, content_type: str = "image/png", filename: str | None = None) -> str:
        """Store the file; its token (32 random bytes, URL-safe) is the only way to fetch it."""
        token = secrets.token_urlsafe(32)
        self.session.add(GeneratedImage(token=token, content_type=content_type, data=data, filename=filename))
        await self.session.flush()
        return token

    async def get(self, token: str) -> GeneratedImage | None:
        result = await self.session.execute(select(GeneratedImage).where(GeneratedImage.token == token))
        return result.scalar_one_or_none()
