"""Mentioning the app in a channel: the desk answers in the message's thread, and the thread is
the conversation from then on (suggestions, buttons, the ticket's news); the channel itself
stays quiet."""

from __future__ import annotations

from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, buttons, choice, open_modal


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
    # none helped: the new-request modal, whose answer comes back in the thread
    modal = await open_modal(slack, pat, suggestions[0], "None of these — create a ticket")
    typed = {
        "impact": choice(modal, "impact", "Just me"),
        "urgency": choice(modal, "urgency", "It can wait"),
    }
    await slack.user_submits(pat, typed)
    await slack.wait_for(
        lambda: any("ticket #1001" in str(m["seen"]) for m in thread()), timeout=15
    )
    # a plain reply in the thread (no mention) continues the same conversation
    answered = len(thread())
    await slack.user_posts(pat, office, "it dropped again just now", thread_ts=posted.ts)
    followed = await slack.wait_for(lambda: thread()[answered:], timeout=15)
    assert "Added to your ticket #1001" in str(followed[0]["seen"])
    assert slack.app_messages_in(office.id) == [], "nothing top-level in the channel"
    # chatter elsewhere in the channel is not for the desk
    await slack.user_posts(pat, office, "lunch anyone?")
    assert slack.app_messages_in(office.id) == []
