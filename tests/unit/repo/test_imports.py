"""`python -c "import X"` works for every module of every package, each imported on its own.

One subprocess imports the modules one after another, forgetting every chatdesk module before
each import (third-party libraries stay loaded, which keeps it fast), so an import circle or a
module that only works after some other module was imported fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PACKAGES = ("chatdesk", "core", "kb", "storage", "admin", "bots")
# Alembic's scripts run inside `alembic upgrade`, not as importable modules.
NOT_MODULES = ("storage/migrations/",)
# `python -m chatdesk` runs the command line when imported.
ENTRY_POINTS = ("chatdesk/__main__.py",)

_IMPORT_EACH = """
import importlib, json, sys, traceback
packages = tuple(sys.argv[1].split(","))
failures = {}
for name in sys.argv[2:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in packages]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except BaseException:
        failures[name] = traceback.format_exc(limit=-3)
print(json.dumps(failures))
"""


def repository_modules() -> list[str]:
    modules = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if relative.startswith(NOT_MODULES) or relative in ENTRY_POINTS:
                continue
            parts = relative.removesuffix(".py").split("/")
            if parts[-1] == "__init__":
                parts.pop()
            modules.append(".".join(parts))
    return modules


def test_the_module_list_covers_the_packages() -> None:
    modules = repository_modules()
    assert {
        "chatdesk.cli.agents",
        "core.ports",
        "storage.read_models",
        "bots.telegram.channel",
    } <= set(modules)
    assert len(modules) > 80


def test_every_module_imports_on_its_own() -> None:
    modules = repository_modules()
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, ",".join(PACKAGES), *modules],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,  # generous: a loaded machine imports slowly (aiogram alone can take 30 s)
    )
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert not failures, "\n".join(f"{name}:\n{trace}" for name, trace in failures.items())
