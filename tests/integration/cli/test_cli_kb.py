"""`chatdesk kb`: import with a bad file, suggest, eval (JSON contract), export, phrasings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.knowledge.test_knowledge_service import PRINTER, PRINTER_RU, VPN
from tests.support.chatdesk_process import chatdesk_cli, chatdesk_env


def test_kb_commands(tmp_path: Path) -> None:
    env = chatdesk_env() | {"CHATDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'kb.db'}"}
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, text in (
        ("vpn-connect.md", VPN),
        ("printer-offline.md", PRINTER),
        ("printer-offline-ru.md", PRINTER_RU),
    ):
        (articles / name).write_text(text, encoding="utf-8")
    (articles / "broken.md").write_text("no front matter here", encoding="utf-8")

    imported = chatdesk_cli(["kb", "import", str(articles)], env, tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "3 created, 0 updated, 0 unchanged, 1 skipped" in imported.stdout
    assert "skipped broken.md:" in imported.stderr

    suggested = chatdesk_cli(["kb", "suggest", "принтер не в сети", "--json"], env, tmp_path)
    assert json.loads(suggested.stdout)[0]["id"] == "printer-offline-ru"

    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(q, ensure_ascii=False)
            for q in [
                {"q": "printer says offline", "lang": "en", "expected": "printer-offline"},
                {"q": "how to connect to the vpn", "lang": "en", "expected": "vpn-connect"},
                {"q": "what is the canteen menu today", "lang": "en", "expected": None},
            ]
        ),
        encoding="utf-8",
    )
    evaluated = chatdesk_cli(["kb", "eval", str(questions), "--json"], env, tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    figures = json.loads(evaluated.stdout)
    assert {"hit_at_1", "hit_at_3", "mrr", "oos_rejection", "n"} <= figures.keys()
    assert figures["n"] == 3 and figures["hit_at_1"] == 1.0 and figures["oos_rejection"] == 1.0

    exported = chatdesk_cli(["kb", "export", str(tmp_path / "out")], env, tmp_path)
    assert exported.returncode == 0
    assert (tmp_path / "out" / "vpn-connect.md").read_text(encoding="utf-8") == VPN

    added = chatdesk_cli(
        ["kb", "phrasings", "add", "vpn-connect", "tunnel to the office is down"], env, tmp_path
    )
    assert "now has 1 phrasing" in added.stdout
    missing = chatdesk_cli(["kb", "show", "nope"], env, tmp_path)
    assert missing.returncode == 1 and "error: There is no article 'nope'." in missing.stderr
    bad_eval = tmp_path / "bad.jsonl"
    bad_eval.write_text('{"q": "x"}\n', encoding="utf-8")
    refused = chatdesk_cli(["kb", "eval", str(bad_eval)], env, tmp_path)
    assert (
        refused.returncode == 1
        and "bad.jsonl line 1: needs the keys q and expected" in refused.stderr
    )
