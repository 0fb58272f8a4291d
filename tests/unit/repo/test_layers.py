"""Dependencies point one way (ARCHITECTURE.md): read from the source, so a wrong import fails
here even when it happens to work."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PLATFORMS = ("aiogram", "slack_bolt", "slack_sdk", "fastapi", "starlette", "sqlalchemy", "uvicorn")


def imports_of(folder: str) -> dict[str, set[str]]:
    """file → every module it imports (absolute names)."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
        found[path.relative_to(REPO).as_posix()] = names
    return found


def _offending(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad = {}
    for file, names in imports_of(folder).items():
        hits = sorted(n for n in names if n.split(".")[0] in forbidden or n.startswith(forbidden))
        if hits:
            bad[file] = hits
    return bad


@pytest.mark.parametrize("folder", ["core", "kb"])
def test_core_and_kb_import_no_platform_web_or_sql(folder: str) -> None:
    assert not _offending(folder, PLATFORMS)


def test_kb_does_not_import_the_core() -> None:
    assert not _offending("kb", ("core", "storage", "bots", "admin", "chatdesk"))


def test_core_imports_no_adapter() -> None:
    assert not _offending("core", ("storage", "bots", "admin", "chatdesk"))


@pytest.mark.parametrize("folder", ["core/domain", "core/services"])
def test_domain_and_services_do_not_reach_up_into_the_conversation_engine(folder: str) -> None:
    assert not _offending(folder, ("core.intake",))


def test_ports_depend_on_the_domain_only() -> None:
    names = imports_of("core")["core/ports.py"]
    assert not [n for n in names if n.startswith(("core.intake", "core.services"))]


def _named_messengers(path: Path) -> list[str]:
    """String constants (docstrings aside) that name a messenger."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and ("telegram" in node.value.lower() or "slack" in node.value.lower())
    ]


def test_the_core_and_the_runner_name_no_messenger() -> None:
    """Channels come from chatdesk/channels.py; nothing else picks one by name."""
    files = [*sorted((REPO / "core").rglob("*.py")), REPO / "chatdesk" / "runner.py"]
    files = [f for f in files if f.name != "settings.py"]  # each messenger's settings live there
    named = {str(f.relative_to(REPO)): found for f in files if (found := _named_messengers(f))}
    assert not named
