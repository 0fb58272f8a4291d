"""Find every message id the core passes to gettext, by reading its source (no import needed)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[3] / "core"
# Callables whose message argument is translated: gettext itself, and helpers that call it.
KEYWORDS = {"_", "gettext", "say", "spans", "toast", "button", "N_", "_simple"}
# Errors shown in chat: their English template is the message id (core.errors).
KEYWORDS |= {"NotFound", "PermissionDenied", "InvalidInput", "InvalidTransition", "AlreadyClaimed"}
KEYWORDS |= {"WrongCode"}  # core.services.link_codes


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def used_msgids(root: Path = CORE) -> dict[str, str]:
    """msgid → where it is first used."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in KEYWORDS):
                continue
            for arg in node.args:
                strings = _literals(arg)
                if strings:
                    for s in strings:
                        found.setdefault(s, f"{path.relative_to(root.parent)}:{node.lineno}")
                    break
    return found


def _literals(node: ast.expr) -> list[str]:
    """A message argument's possible values: a literal, or either branch of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []
