"""A file past 2 GiB (the Bot API gives its size in the update) is answered with the limit, on both engines."""

from tests.bot.telegram.fake_api import document_update, text_update
from tests.bot.telegram.test_webhook import post

CHAT = 7171
TO_THE_PROBLEM = ("/start", "Tiếng Việt", "Đúng", "kim hy", "Khác", "Sáng kiến mới", "Gá định vị kẹp phôi", "Y tế")


async def test_a_file_past_two_gibibytes_is_refused_with_the_limit_not_a_failure(webhook_on_each_engine):
    """Defect 3 of issue 15: a file over 2 GiB was a poison update on PostgreSQL (a 32-bit size): every redelivery
    failed. It is told the limit, and a redelivery is a duplicate answered 200."""
    harness = webhook_on_each_engine
    for text in TO_THE_PROBLEM:
        assert (await post(harness, text_update(CHAT, text)))[0] == 200
    huge = document_update(CHAT, file_id="huge-1", file_name="video.mp4", mime_type="video/mp4", file_size=3 * 2**30,
                           update_id=next(harness.ids))
    status, body = await post(harness, dict(huge))
    told = [body.get("text", "")] + harness.api.sent_texts(CHAT)
    assert status == 200 and any("20 MB" in text for text in told)
    assert (await post(harness, dict(huge)))[0] == 200
    assert not harness.api.calls_to("getFile")  # the size in the update was enough: nothing downloaded
