"""Files the bot generates (charts, exports, forms), kept so a platform can fetch them by an unguessable URL."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GeneratedImage, Outbox


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

    async def exists(self, token: str) -> bool:
        """Whether the file is still kept (the retention job may have removed it), without reading its bytes."""
        result = await self.session.execute(select(GeneratedImage.id).where(GeneratedImage.token == token))
        return result.first() is not None

    async def forget(self, made_before: datetime, limit: int = 500) -> int:
        """Delete up to `limit` files made before `made_before`; how many went.

        A file a message still waiting in the outbox shows (its payload's image or document) stays:
        the sender reads it from here when the message goes out.
        """
        waiting = exists().where(
            Outbox.sent_at.is_(None), Outbox.failed_at.is_(None),
            or_(Outbox.payload["image"].as_string() == GeneratedImage.token,
                Outbox.payload["document"].as_string() == GeneratedImage.token),
        )
        old = select(GeneratedImage.id).where(GeneratedImage.created_at < made_before, ~waiting).limit(limit)
        ids = list((await self.session.execute(old)).scalars())
        if ids:
            await self.session.execute(delete(GeneratedImage).where(GeneratedImage.id.in_(ids)))
        return len(ids)
