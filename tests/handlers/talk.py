"""A person talking to the dispatcher over a channel, for handler tests."""

from __future__ import annotations

import itertools

from messaging.plain import plain_text
from conversations.model import Media
from handlers.dispatcher import Dispatcher
from messaging.messages import Incoming, Outgoing

_update_ids = itertools.count(1)


class Person:
    def __init__(self, dispatcher: Dispatcher, user_id: str = "42", name: str = "Nguyễn Thị Hoa", channel: str = "console"):
        self.dispatcher = dispatcher
        self.user_id = user_id
        self.name = name
        self.channel = channel
        self.replies: list[Outgoing] = []

    async def say(self, text: str = "", *, update_id: str | None = None, media: Media | None = None, **extra) -> list[Outgoing]:
        incoming = Incoming(
            channel=self.channel,
            chat_id=self.user_id,
            user_id=self.user_id,
            display_name=self.name,
            text=text,
            media=media,
            update_id=update_id or f"u{next(_update_ids)}",
            **extra,
        )
        self.replies = await self.dispatcher.handle(incoming)
        await self.dispatcher.delivered(self.replies)
        return self.replies

    async def say_in_group(self, group_id: str, text: str, **extra) -> list[Outgoing]:
        """A message in a group chat (the group's id, the person's own account)."""
        incoming = Incoming(
            channel=self.channel, chat_id=group_id, user_id=self.user_id, display_name=self.name, text=text,
            update_id=f"u{next(_update_ids)}", is_group=True, chat_title=extra.pop("chat_title", "Nhóm đơn vị"),
            **extra,
        )
        self.replies = await self.dispatcher.handle(incoming)
        await self.dispatcher.delivered(self.replies)
        return self.replies

    @property
    def text(self) -> str:
        """What the person reads on a channel without buttons (choices as numbered lines)."""
        return "\n".join(plain_text(r) for r in self.replies)

    @property
    def last(self) -> Outgoing:
        return self.replies[-1]

    async def register(self, unit_query: str = "mam non kim hy") -> None:
        for text in ("/start", self.name, unit_query, "Khác"):
            await self.say(text)
        assert "đã đăng ký" in self.text, self.text

    async def submit_full(self) -> None:
        for text in (
            "Sáng kiến mới",
            "Cải tiến giá kẹp phôi máy tiện",
            "Sản xuất kinh doanh",
            "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm",
            "Làm thêm gá định vị bằng thép tấm",
            "Giảm hàng hỏng từ 20 xuống 2 sản phẩm mỗi ca",
            "20 triệu",
            "Đúng",
            "Bỏ qua",
            "Lê Văn Nam, Phạm Thị Thu",
            "Xong",
        ):
            await self.say(text)
        await self.say(media=Media("photo", "photo-file-1", self.channel))
        await self.say("Xong")
        await self.say("Gửi sáng kiến")
