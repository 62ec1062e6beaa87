"""A thin async client of the Zalo Bot Platform API (`<base>/bot<TOKEN>/<method>`, JSON in and out)."""

from __future__ import annotations

from typing import Any

import httpx

from bot.channels.common import RetryPolicy
from storage.files import FileTooLarge


class ZaloError(Exception):
    """A non-ok answer: its error code and description (never the URL, which holds the token)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description

    @property
    def transient(self) -> bool:
        return self.code == 429 or self.code >= 500  # quota, or the platform's own trouble

    @property
    def chat_gone(self) -> bool:
        """The person blocked the bot, or the group removed it: nothing more can go to that chat."""
        return self.code == 403


class ZaloClient:
    def __init__(self, token: str, base_url: str, *, poll_timeout: int = 30) -> None:
        self.poll_timeout = poll_timeout
        self._http = httpx.AsyncClient(
            base_url=f"{base_url.rstrip('/')}/bot{token}",
            timeout=httpx.Timeout(15.0, read=poll_timeout + 15.0),
        )

        self._files = httpx.AsyncClient(timeout=httpx.Timeout(15.0, read=60.0), follow_redirects=True)

    async def close(self) -> None:
        await self._http.aclose()
        await self._files.aclose()

    async def download(self, url: str, limit: int) -> bytes:
        """A file a person sent, from Zalo's link to it (not the API: no token), refused beyond `limit` bytes."""
        if not url.startswith(("https://", "http://")):
            raise ValueError("not a link")
        try:
            async with self._files.stream("GET", url) as response:
                response.raise_for_status()
                if int(response.headers.get("content-length") or 0) > limit:
                    raise FileTooLarge(limit)
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > limit:
                        raise FileTooLarge(limit)
                return bytes(data)
        except httpx.HTTPError as error:
            raise ConnectionError(f"download: {type(error).__name__}") from None

    async def call(self, method: str, **params: Any) -> Any:
        try:
            response = await self._http.post(f"/{method}", json={k: v for k, v in params.items() if v is not None})
        except httpx.TransportError as error:  # re-raised bare: httpx's message names the URL
            raise ConnectionError(f"{method}: {type(error).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(response.status_code, "the answer is not JSON") from None
        if not isinstance(body, dict) or not body.get("ok"):
            body = body if isinstance(body, dict) else {}
            raise ZaloError(int(body.get("error_code") or response.status_code), str(body.get("description") or ""))
        return body.get("result")

    async def get_me(self) -> dict:
        return await self.call("getMe")

    async def get_updates(self) -> dict | None:
        """One update, or None when the long poll ended idle (HTTP 408, an empty poll, not an error)."""
        try:
            return await self.call("getUpdates", timeout=str(self.poll_timeout))
        except ZaloError as error:
            if error.code == 408:
                return None
            raise

    async def set_webhook(self, url: str, secret_token: str) -> dict:
        return await self.call("setWebhook", url=url, secret_token=secret_token)

    async def delete_webhook(self) -> dict:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict:
        return await self.call("getWebhookInfo")

    async def send_message(self, chat_id: str, text: str) -> dict:
        return await self.call("sendMessage", chat_id=chat_id, text=text)

    async def send_photo(self, chat_id: str, photo: str, caption: str | None = None) -> dict:
        return await self.call("sendPhoto", chat_id=chat_id, photo=photo, caption=caption)

    async def send_voice(self, chat_id: str, voice_url: str) -> dict:
        """A voice message by the link of an .aac file; private chats only (a group seems to take it and drops it)."""
        return await self.call("sendVoice", chat_id=chat_id, voice_url=voice_url)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", chat_id=chat_id, action=action)


def retry_wait(error: Exception, attempt: int, policy: RetryPolicy) -> float | None:
    """Network errors, quota (429) and 5xx answers are tried again with backoff and jitter; others are not."""
    if isinstance(error, ConnectionError) or (isinstance(error, ZaloError) and error.transient):
        return policy.backoff(attempt + (2 if isinstance(error, ZaloError) and error.code == 429 else 0))
    return None
