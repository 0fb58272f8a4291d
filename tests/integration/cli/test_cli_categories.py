"""`chatdesk categories`: add a tree, list it, rename, archive, as a person at a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from chatdesk.cli.main import main


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The real command line, in this process (a subprocess per command costs seconds)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHATDESK_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")

    def invoke(args: list[str]) -> Result:
        return CliRunner().invoke(main, args)

    return invoke


def test_categories_add_list_rename_archive(run) -> None:  # type: ignore[no-untyped-def]
    steps = [
        ["categories", "add", "hardware", "Computers and devices", "--ru", "Компьютеры"],
        [
            "categories",
            "add",
            "printers",
            "Printers",
            "--parent",
            "hardware",
            "--type",
            "service_request",
        ],
        ["categories", "rename", "printers", "Printers and scanners"],
    ]
    for args in steps:
        result = run(args)
        assert result.exit_code == 0, result.output
    listed = run(["categories", "list"]).output.splitlines()
    assert listed[0].startswith("hardware") and "Computers and devices / Компьютеры" in listed[0]
    assert listed[1].startswith("  printers") and "Printers and scanners" in listed[1]
    assert "service_request" in listed[1]
    refused = run(["categories", "add", "printers", "Again"])
    assert refused.exit_code == 1
    assert refused.output == "error: There is a category 'printers' already.\n"
    assert run(["categories", "archive", "hardware"]).output == "archived: hardware, printers\n"
    assert "(--all lists archived ones)" in run(["categories", "list"]).output
    assert "(archived)" in run(["categories", "list", "--all"]).output
