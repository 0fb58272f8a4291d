"""Mentioning the app in a channel: the desk answers in the message's thread, and the thread is
the conversation from then on (suggestions, buttons, the ticket's news); the channel itself
stays quiet."""

from __future__ import annotations

from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, buttons, click


async def test_a_mention_is_answered_in_its_thread_and_the_thread_continues(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    pat = slack.add_user("pat", real_name="Pat Printer")
    office = slack.add_channel("office-3", members=(pat,))
    posted = await slack.user_mentions_app(pat, office, "My VPN keeps dropping every few minutes")
    assert all(d.acked for d in posted.deliveries)

    def thread() -> list[dict[str, object]]:
        return [m for m in slack.thread(office.id, posted.ts) if m.get("bot_id")]

    suggestions = await slack.wait_for(lambda: [m for m in thread() if buttons(m)], timeout=15)
    assert "VPN keeps disconnecting" in buttons(suggestions[0])
    await click(slack, pat, suggestions[0], "None of these — create a ticket")
    await slack.wait_for(
        lambda: any("What is it about?" in str(m["seen"]) for m in thread()), timeout=15
    )
    # a plain reply in the thread (no mention) continues the same conversation
    answered = len(thread())
    await slack.user_posts(pat, office, "not sure which", thread_ts=posted.ts)
    reprompt = await slack.wait_for(lambda: thread()[answered:], timeout=15)
    assert "choose one of the buttons" in str(reprompt[0]["seen"])
    assert slack.app_messages_in(office.id) == [], "nothing top-level in the channel"
    # chatter elsewhere in the channel is not for the desk
    await slack.user_posts(pat, office, "lunch anyone?")
    assert slack.app_messages_in(office.id) == []
