"""Routing in the panel: supervisors list the rules in order, add, edit, reorder and remove
them, set each group's assignment mode, and test a text to see which rules fire and what they
set. Bad input gets the command line's one-line reason and changes nothing; agents are refused."""

from __future__ import annotations

import html

import httpx

from core.domain.assignment import AssignmentMode, AwayAction
from core.domain.routing import RoutingRule
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user, signed_in
from tests.support.desk import make_groups


async def _rules(db: Database) -> list[RoutingRule]:
    async with db.uow() as uow:
        return await uow.routing.rules()


def _rule(name: str, pattern: str, **fields: str) -> dict[str, str]:
    return {"name": name, "kind": "keywords", "pattern": pattern, "active": "1", **fields}


async def _supervisor(client: httpx.AsyncClient, db: Database) -> str:
    await make_groups(db)
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam")
    return await signed_in(client, chief)


async def test_a_supervisor_manages_rules_and_tests_a_text(
    client: httpx.AsyncClient, db: Database
) -> None:
    csrf = await _supervisor(client, db)

    async def post(path: str, **data: str) -> httpx.Response:
        return await client.post(path, data={"csrf_token": csrf, **data})

    empty = await client.get("/routing")
    assert empty.status_code == 200 and "No routing rules" in empty.text
    assert 'href="/routing" aria-current="page"' in empty.text

    made = await post("/routing/rules", **_rule("vpn", "vpn, remote access", priority="P2"))
    assert made.status_code == 303 and made.headers["location"] == "/routing"
    regex = _rule("printers", r"\btoner\b|printer\s+jam", kind="regex", group="infrastructure")
    assert (await post("/routing/rules", **regex)).status_code == 303
    spam = _rule("spam", "crypto giveaway", stop_reply="We only handle IT requests.", position="1")
    assert (await post("/routing/rules", **spam)).status_code == 303
    assert [(r.name, r.position) for r in await _rules(db)] == [
        ("spam", 1),
        ("vpn", 2),
        ("printers", 3),
    ]

    page = await client.get("/routing")
    assert page.text.index(">spam<") < page.text.index(">vpn<") < page.text.index(">printers<")
    assert r"<code>\btoner\b|printer\s+jam</code>" in page.text

    tried = await client.get("/routing", params={"text": "Remote access fails after the jam"})
    assert "Rules that fire, in order:" in tried.text
    assert '<span class="pill">vpn</span>' in tried.text
    assert '<tr class="fired"><td>2</td>' in tried.text
    assert "<dt>Priority</dt><dd>P2</dd>" in tried.text
    fragment = await client.get("/routing/test", params={"text": "Toner is out, VPN too"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert '<span class="pill">vpn</span> <span class="pill">printers</span>' in fragment.text
    assert "<dt>Group</dt><dd>infrastructure" in fragment.text
    stopped = await client.get("/routing/test", params={"text": "Free CRYPTO giveaway!"})
    assert "Stop-listed by rule spam" in stopped.text
    assert "We only handle IT requests." in stopped.text
    in_russian = {**spam, "stop_reply_ru": "Только ИТ-обращения.", "position": ""}
    assert (await post("/routing/rules", original="spam", **in_russian)).status_code == 303
    (stored,) = [r for r in await _rules(db) if r.name == "spam"]
    assert dict(stored.stop_replies) == {"ru": "Только ИТ-обращения."}
    stopped = await client.get("/routing/test", params={"text": "Free CRYPTO giveaway!"})
    assert "Русский: <q>Только ИТ-обращения.</q>" in stopped.text
    edit_form = (await client.get("/routing")).text
    assert 'name="stop_reply_ru" maxlength="1000" value="Только ИТ-обращения."' in edit_form
    nothing = await client.get("/routing/test", params={"text": "my chair squeaks"})
    assert "No rule matches" in nothing.text

    edited = await post(
        "/routing/rules",
        original="vpn",
        **_rule("remote", "vpn, remote access, wireguard", category="network", priority="P1"),
    )
    assert edited.status_code == 303
    assert (await post("/routing/rules/move", name="printers", position="1")).status_code == 303
    rules = await _rules(db)
    assert [(r.name, r.position) for r in rules] == [("printers", 1), ("spam", 2), ("remote", 3)]
    remote = rules[2]
    assert (remote.pattern, remote.category, str(remote.priority)) == (
        "vpn, remote access, wireguard",
        "network",
        "P1",
    )
    switched_off = await post("/routing/rules", original="spam", **{**spam, "active": ""})
    assert switched_off.status_code == 303
    off = await client.get("/routing/test", params={"text": "crypto giveaway"})
    assert "No rule matches" in off.text, "a rule switched off does not fire"
    assert (await post("/routing/rules/remove", name="printers")).status_code == 303
    assert [(r.name, r.position) for r in await _rules(db)] == [("spam", 1), ("remote", 2)]

    assigned = await post(
        "/routing/assignment", group="service-desk", mode="least_loaded", away="reassign"
    )
    assert assigned.status_code == 303
    async with db.uow() as uow:
        group = await uow.catalog.group("service-desk")
    assert group is not None
    assert (group.assignment_mode, group.away_action) == (
        AssignmentMode.LEAST_LOADED,
        AwayAction.REASSIGN,
    )
    shown = await client.get("/routing")
    assert '<option value="least_loaded" selected>least-loaded</option>' in shown.text


async def test_bad_rules_are_refused_with_the_reason_and_change_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    csrf = await _supervisor(client, db)
    kept = _rule("vpn", "vpn", priority="P2")
    assert (await client.post("/routing/rules", data={"csrf_token": csrf, **kept})).status_code == 303  # fmt: skip
    before = await _rules(db)
    cases = [
        (_rule("bad", "(unclosed", kind="regex", priority="P1"), "does not compile"),
        (_rule("hang", "(a+)+$", kind="regex", priority="P1"), "could hang"),
        (_rule("lost", "x", group="nobody"), "unknown group 'nobody'"),
        (_rule("lost", "x", category="nowhere"), "unknown category 'nowhere'"),
        (_rule("loud", "x", priority="P9"), "P9"),
        (_rule("typo", "x", ticket_type="<b>x</b>"), "Unknown ticket type '<b>x</b>'"),
        (_rule("idle", "x"), "sets nothing"),
        (_rule("both", "x", stop_reply="no", priority="P1"), "only answers the requester"),
        (_rule("vpn", "x", priority="P1"), "There is a routing rule 'vpn' already"),
        (_rule("odd", "x", kind="glob", priority="P1"), "Unknown match kind 'glob'"),
        (_rule("far", "x", priority="P1", position="9"), "between 1 and 2; got 9"),
        (_rule("far", "x", priority="P1", position="first"), "whole number"),
        (_rule("long", "x" * 501, priority="P1"), "longer than 500"),
    ]
    for data, reason in cases:
        answer = await client.post("/routing/rules", data={"csrf_token": csrf, **data})
        assert answer.status_code == 400, data
        assert 'role="alert"' in answer.text and "<b>x</b>" not in answer.text
        assert reason in answer.text or reason in html.unescape(answer.text), (reason, data)
        assert await _rules(db) == before, data
    typed = await client.post(
        "/routing/rules", data={"csrf_token": csrf, **_rule("hang", "(a+)+$", kind="regex")}
    )
    assert 'value="(a+)+$"' in typed.text, "the typed pattern is kept"

    async def refused(path: str, **data: str) -> str:
        answer = await client.post(path, data={"csrf_token": csrf, **data})
        assert answer.status_code == 400, (path, data)
        assert await _rules(db) == before
        return html.unescape(answer.text)

    assert "could hang" in await refused(
        "/routing/rules",
        original="vpn",
        **_rule("vpn", "(x*)*", kind="regex", priority="P1"),
    )
    assert "There is no routing rule 'ghost'" in await refused(
        "/routing/rules", original="ghost", **_rule("ghost", "x", priority="P1")
    )
    assert "There is no routing rule 'ghost'" in await refused(
        "/routing/rules/remove", name="ghost"
    )
    assert "between 1 and 1; got 0" in await refused(
        "/routing/rules/move", name="vpn", position="0"
    )
    assert "Unknown group 'nobody'" in await refused(
        "/routing/assignment", group="nobody", mode="manual"
    )
    assert "'random' is not a known assignment mode" in await refused(
        "/routing/assignment", group="service-desk", mode="random"
    )
    forged = await client.post("/routing/rules", data=_rule("new", "x", priority="P1"))
    assert forged.status_code == 403 and await _rules(db) == before


async def test_the_test_box_counts_the_rule_being_typed_as_if_saved(
    client: httpx.AsyncClient, db: Database
) -> None:
    """The page's script sends the rule form last typed in along with the text: a new rule at
    its position, or a change to a saved one in its place; nothing is written, and a rule that
    saving would refuse is named with the reason."""
    csrf = await _supervisor(client, db)
    saved = _rule("vpn", "vpn", priority="P3")
    assert (await client.post("/routing/rules", data={"csrf_token": csrf, **saved})).status_code == 303  # fmt: skip
    before = await _rules(db)

    async def trial(text: str, **rule: str) -> str:
        answer = await client.post(
            "/routing/test", data={"text": text, **rule}, headers={"X-CSRF-Token": csrf}
        )
        assert answer.status_code == 200 and "<html" not in answer.text
        assert await _rules(db) == before, "a trial writes nothing"
        return html.unescape(answer.text)

    new_first = await trial(
        "VPN and the toner", **_rule("toner", "toner, vpn", priority="P1"), position="1"
    )
    assert "With the rule in the form, not saved yet: toner." in new_first
    assert '<span class="pill">toner</span> <span class="pill">vpn</span>' in new_first
    assert "<dt>Priority</dt><dd>P1</dd>" in new_first, "the new rule, first, sets the priority"
    last = await trial("VPN and the toner", **_rule("toner", "toner, vpn", priority="P1"))
    assert "<dt>Priority</dt><dd>P3</dd>" in last, "added last, the saved rule wins"

    edited = await trial(
        "wireguard is down", original="vpn", **_rule("vpn", "wireguard", priority="P2")
    )
    assert "<dt>Priority</dt><dd>P2</dd>" in edited and "not saved yet: vpn" in edited
    stop = await trial(
        "free crypto", original="vpn", **_rule("vpn", "crypto", stop_reply="No spam.")
    )
    assert "Stop-listed by rule vpn" in stop and "No spam." in stop

    broken = await trial("anything", **_rule("hang", "(a+)+$", kind="regex", priority="P1"))
    assert "The rule in the form cannot be tested:" in broken and "could hang" in broken
    assert "not saved yet" not in await trial("vpn please"), "no rule typed: the saved ones"
    assert "<dt>Priority</dt><dd>P3</dd>" in await trial("vpn please")
    forged = await client.post(
        "/routing/test", data={"text": "vpn", **_rule("x", "vpn", priority="P1")}
    )
    assert forged.status_code == 403


async def test_without_script_a_rule_form_tests_its_rule_through_the_box(
    client: httpx.AsyncClient, db: Database
) -> None:
    """A rule form's "Test it" button shows the page with the rule kept, unsaved, and the test
    box carrying it along: the text then tested counts it."""
    csrf = await _supervisor(client, db)
    saved = _rule("vpn", "vpn", priority="P3")
    assert (await client.post("/routing/rules", data={"csrf_token": csrf, **saved})).status_code == 303  # fmt: skip
    before = await _rules(db)
    typed = {**_rule("toner", "toner, vpn", priority="P1"), "original": "", "position": "1"}

    shown = await client.post("/routing/try", data={"csrf_token": csrf, **typed})
    assert shown.status_code == 200 and await _rules(db) == before, "nothing is saved"
    page = html.unescape(shown.text)
    assert '<form method="post" action="/routing/try#test"' in page
    assert '<input type="hidden" name="pattern" value="toner, vpn">' in page
    assert 'id="new-rule-name" name="name" required maxlength="100" value="toner"' in page

    tested = await client.post(
        "/routing/try", data={"csrf_token": csrf, **typed, "text": "the VPN toner"}
    )
    result = html.unescape(tested.text)
    assert "With the rule in the form, not saved yet: toner." in result
    assert "<dt>Priority</dt><dd>P1</dd>" in result and await _rules(db) == before


async def test_a_russian_speaking_supervisor_reads_the_refusal_in_russian(
    client: httpx.AsyncClient, db: Database
) -> None:
    await make_groups(db)
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam", language="ru")
    csrf = await signed_in(client, chief)
    page = await client.get("/routing")
    assert "Проверить текст" in page.text
    answer = await client.post(
        "/routing/rules",
        data={"csrf_token": csrf, **_rule("lost", "x", group="nobody")},
    )
    assert answer.status_code == 400
    assert "Правило маршрутизации «lost»: неизвестная группа «nobody»." in answer.text
    mode = await client.post(
        "/routing/assignment", data={"csrf_token": csrf, "group": "x", "mode": "random"}
    )
    assert "«random» — неизвестное значение (режим назначения)." in mode.text


async def test_agents_cannot_see_or_change_the_routing(
    client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    await make_groups(db)
    csrf = await signed_in(client, agent_user)
    assert (await client.get("/routing")).status_code == 403
    assert (await client.get("/routing/test", params={"text": "vpn"})).status_code == 403
    refused = await client.post(
        "/routing/rules", data={"csrf_token": csrf, **_rule("vpn", "vpn", priority="P1")}
    )
    assert refused.status_code == 403 and await _rules(db) == []
    assert 'href="/routing"' not in (await client.get("/tickets")).text
