"""The panel in a real browser against a real `chatdesk run`, with the employee on the other
side in a (fake) Telegram: what an agent and an admin actually do, click by click."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.harness import ADMIN, AGENT, Account, RunningDesk
from tests.fakes.telegram_objects import TgUser
from tests.integration.telegram.desk import buttons

EMPLOYEE = TgUser(id=90001, first_name="Erin", language_code="en")
READER = TgUser(id=90002, first_name="Rosa", language_code="en")
VISITOR = TgUser(id=90003, first_name="Viktor", language_code="en")
ARTICLE_TITLE = "Wi-Fi for guests"
ASKED = "what is the guest wifi password"
UNANSWERED = "the client from acme needs internet in the meeting room"


def sign_in(page: Page, account: Account, *, screenshot: str | None = None) -> None:
    page.goto("/tickets?status=active")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Tickets", exact=True)).to_be_visible()


def open_ticket_over_telegram(desk: RunningDesk, user: TgUser, text: str) -> int:
    desk.say(user, "/start", contains="Hello")
    asked = desk.say(user, text, contains="What is it about?")
    impact = desk.press(user, asked, "Network and VPN", contains="Who is affected?")
    urgency = desk.press(user, impact, "Just me", contains="How urgent")
    details = desk.press(user, urgency, "Today, please", contains="Done")
    summary = desk.press(user, details, "Done", contains="Please check your request")
    created = desk.press(user, summary, "Create", contains="registered as ticket")
    found = re.search(r"#(\d+)", created["plain_text"])
    assert found, created
    return int(found.group(1))


def test_an_agent_answers_from_the_ticket_page_and_the_employee_gets_it(
    desk: RunningDesk, page: Page
) -> None:
    number = open_ticket_over_telegram(desk, EMPLOYEE, "The office Wi-Fi drops every hour")

    sign_in(page, AGENT, screenshot="01-sign-in")
    row = page.get_by_role("row").filter(has_text="The office Wi-Fi drops every hour")
    expect(row).to_contain_text("Erin")
    shot(page, "02-ticket-list")
    page.get_by_label("Search").fill("wi-fi drops")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=f"#{number}")).to_be_visible()
    page.get_by_role("link", name=f"#{number}").click()
    expect(page.get_by_role("heading", name=re.compile(f"#{number}"))).to_be_visible()

    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_role("status")).to_contain_text("Assignee changed.")
    before = len(desk.chat(EMPLOYEE))
    page.get_by_label("Reply to the requester").fill("Please forget the network and rejoin it.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent.")
    page.get_by_label("Internal note").fill("Access point 3 is old; replace next week.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".message.internal")).to_contain_text("Access point 3 is old")
    shot(page, "03-ticket-page")

    received = desk.wait_message(
        EMPLOYEE.id, after=before, contains="Please forget the network and rejoin it."
    )
    assert "Alice Agent" in received["plain_text"]
    assert all("Access point 3" not in m["plain_text"] for m in desk.chat(EMPLOYEE))

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    page.goto(f"/tickets/{number}")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Ftickets%2F"))


def test_keyboard_only_on_a_narrow_screen(desk: RunningDesk, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/login")
    # Chromium applies autofocus a moment after the load event; on a busy machine a key typed
    # before that went nowhere. Wait for each field to have the focus before typing into it.
    email, password = page.get_by_label("E-mail"), page.get_by_label("Password")
    expect(email).to_be_focused()  # the e-mail field has focus on arrival
    page.keyboard.type(AGENT.email)
    expect(email).to_have_value(AGENT.email)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(AGENT.password)
    expect(password).to_have_value(AGENT.password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.goto("/tickets?status=active")
    expect(page.get_by_role("heading", name="Tickets", exact=True)).to_be_visible()
    page.wait_for_function("document.readyState === 'complete' && document.hasFocus()")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page itself does not scroll sideways (wide tables scroll inside)"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    shot(page, "04-ticket-list-narrow")


def test_curate_an_article_test_it_publish_it_and_answer_an_unanswered_question(
    desk: RunningDesk, page: Page
) -> None:
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Knowledge base").click()
    expect(page.get_by_role("heading", name="Knowledge base")).to_be_visible()
    shot(page, "05-knowledge-base")
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Id (kebab-case").fill("guest-wifi")
    page.get_by_label("Title").fill(ARTICLE_TITLE)
    page.get_by_label("Tags").fill("wifi, guests")
    page.get_by_label("Text (Markdown)").fill(
        "Guests use the **ChatdeskGuest** network.\n\nThe password is on the reception desk."
    )
    expect(page.locator("#preview strong")).to_have_text("ChatdeskGuest")  # live preview
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")

    # "Test a question" in the editor runs against the live index with this draft in it
    page.get_by_label("Question").fill(ASKED)
    first = page.locator("#trial-result .ranked li").first
    expect(first).to_contain_text(ARTICLE_TITLE)
    expect(first).to_contain_text("this article")
    expect(page.locator("#trial-result .verdict")).to_contain_text("The bot would answer")
    shot(page, "06-article-editor-test")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name=ARTICLE_TITLE)).to_contain_text("published")
    page.goto(f"/kb/test?q={ASKED.replace(' ', '+')}")
    expect(page.locator(".ranked li").first).to_contain_text(ARTICLE_TITLE)
    shot(page, "07-test-a-question")

    # the same question in the messenger gets the article as a suggestion, at once
    desk.say(READER, "/start", contains="Hello")
    suggested = desk.say(READER, ASKED, with_buttons=True)
    assert ARTICLE_TITLE in buttons(suggested), suggested

    # a question nobody can answer lands in the unanswered log...
    asked = desk.say(VISITOR, UNANSWERED, contains="What is it about?")
    assert "Cancel" in buttons(asked)
    desk.say(VISITOR, "/cancel", contains="Cancelled")
    page.goto("/kb/unanswered")
    row = page.get_by_role("row").filter(has_text=UNANSWERED)
    expect(row).to_be_visible()
    shot(page, "08-unanswered-log")
    # ...becomes a phrasing of the article (tested first)...
    row.get_by_role("link", name="Add as a phrasing of…").click()
    page.get_by_label("Article id").fill("guest-wifi")
    page.get_by_role("button", name="Test with this article").click()
    expect(page.locator(".picked .verdict")).to_contain_text("The bot would answer")
    shot(page, "09-phrasing-picker")
    page.get_by_role("button", name=f"Add the phrasing to “{ARTICLE_TITLE}”").click()
    expect(page.get_by_role("status")).to_contain_text("now a phrasing")
    # ...and is then answered
    answered = desk.say(VISITOR, UNANSWERED, with_buttons=True)
    assert ARTICLE_TITLE in buttons(answered), answered


def test_a_supervisor_writes_a_canned_reply_with_a_live_preview(
    desk: RunningDesk, page: Page
) -> None:
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Canned replies").click()
    page.get_by_role("link", name="New canned reply").click()
    page.get_by_label("Name (one word").fill("wifi-reset")
    page.get_by_label("Text", exact=True).fill(
        "Hi {requester.first_name}, ticket #{ticket.number}: forget the network. {agent.name}"
    )
    preview = page.locator("#canned-preview")
    expect(preview).to_have_text("Hi Erin, ticket #1001: forget the network. Ada Admin")
    page.get_by_label("Text", exact=True).press_sequentially(" {requester.phone}")
    expect(preview).to_contain_text("Unknown macro {requester.phone}.")
    shot(page, "10-canned-reply-editor")
    page.get_by_label("Text", exact=True).fill("Hi {requester.first_name}!")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.get_by_role("row").filter(has_text="wifi-reset")).to_contain_text(
        "Hi {requester.first_name}!"
    )
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People and structure")).to_be_visible()
    shot(page, "11-people")


def test_a_supervisor_adds_a_routing_rule_and_the_test_box_shows_it_fire(
    desk: RunningDesk, page: Page
) -> None:
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Routing").click()
    expect(page.get_by_role("heading", name="Routing: rules and assignment")).to_be_visible()
    new_rule = page.locator("#new-rule")
    new_rule.get_by_label("Name").fill("toner")
    new_rule.get_by_label("Keywords (comma-separated)").fill("toner, cartridge")
    new_rule.get_by_label("Set priority").select_option("P2")
    new_rule.get_by_role("button", name="Add rule").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.get_by_role("row").filter(has_text="toner, cartridge")).to_contain_text("P2")
    page.get_by_label("A request as an employee would write it").fill("The toner is empty")
    result = page.locator("#routing-trial")  # filled in as the text is typed, no reload
    expect(result).to_contain_text("Rules that fire, in order: toner")
    expect(result).to_contain_text("P2")
    # a rule typed and not saved yet is tested as if it were, before the saved one
    page.get_by_role("group").filter(has_text="New rule").locator("summary").click()
    new_rule.get_by_label("Name").fill("empty")
    new_rule.get_by_label("Keywords (comma-separated)").fill("empty")
    new_rule.get_by_label("Set priority").select_option("P1")
    new_rule.get_by_label("Position").select_option(label="before toner")
    expect(result).to_contain_text("With the rule in the form, not saved yet: empty.")
    expect(result).to_contain_text("Rules that fire, in order: empty toner")
    expect(result).to_contain_text("P1")
    shot(page, "12-routing")


def test_a_supervisor_reads_each_report_filters_it_and_downloads_the_csv(
    desk: RunningDesk, page: Page
) -> None:
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    titles = {
        "load": "Load",
        "rhythm": "Rhythm",
        "speed": "Speed",
        "sla": "SLA",
        "quality": "Quality",
        "self-help": "Self-help",
        "agents": "Agents",
    }
    for name, title in titles.items():
        page.goto(f"/reports/{name}")
        expect(page.get_by_role("heading", name=f"Reports: {title}")).to_be_visible()
        expect(page.locator("section.report h2").first).to_be_visible()
        page.get_by_label("Per", exact=True).select_option("week")
        page.get_by_label("Priority", exact=True).select_option("P2")
        page.get_by_role("button", name="Show").click()
        expect(page).to_have_url(re.compile(rf"/reports/{name}\?.*period=week.*priority=P2"))
        expect(page.get_by_label("Priority", exact=True)).to_have_value("P2")
        expect(page.locator("p.error")).to_have_count(0)
        shot(page, f"report-{name}")
        with page.expect_download() as caught:
            page.get_by_role("link", name="Download CSV").click()
        download = caught.value
        assert download.suggested_filename.startswith(f"chatdesk-{name}-")
        assert "priority=P2" in download.url and "period=week" in download.url
        path = download.path()
        assert path is not None
        text = path.read_text(encoding="utf-8")
        assert text.startswith("table,row,column,value\n") and text.count("\n") > 1, text[:200]
    page.goto("/reports/load")
    assert page.locator("svg.chart").count() >= 3, "the load report draws its charts"
    page.get_by_label("From", exact=True).fill("2026-12-31")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("after it ends")
    shot(page, "report-bad-range")
