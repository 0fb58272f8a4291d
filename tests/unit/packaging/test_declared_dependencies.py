"""Every third-party module the code imports is a declared dependency of the right kind.

`pip install chatdesk` installs only `[project] dependencies`, so a module imported by runtime code
but pulled in only by a dev tool (numpy came in through bm25s once) breaks a real install while
every test here stays green. This reads the imports from the source, not from what is installed.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# Loaded by name rather than imported, so the import walk cannot see them.
LOADED_BY_NAME = {
    "aiosqlite": "SQLAlchemy's SQLite driver, chosen by the sqlite+aiosqlite:// database URL",
    "asyncpg": "SQLAlchemy's PostgreSQL driver, chosen by the postgresql+asyncpg:// URL",
    "jinja2": "fastapi.templating renders the admin pages with it",
    "tzdata": "zoneinfo's time zones where the system has none (CHATDESK_TIMEZONE)",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: Iterable[str]) -> set[str]:
    return {_canonical(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requirements}


def _runtime_packages() -> list[str]:
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted({p.rstrip("*") for p in patterns})


def _own_packages() -> set[str]:
    return {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}


def _local_names() -> set[str]:
    """Everything importable from the checkout itself (bench/ has no __init__.py)."""
    return {p.name for p in ROOT.iterdir() if p.is_dir() and any(p.glob("*.py"))}


def _third_party_imports(folders: Iterable[str]) -> dict[str, set[str]]:
    """Top-level module name -> files importing it, for every non-stdlib, non-local import."""
    local = _local_names() | {"__future__"}
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ".venv" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in local:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _undeclared(imports: dict[str, set[str]], declared: set[str]) -> list[str]:
    distributions = packages_distributions()
    problems = []
    for module, files in sorted(imports.items()):
        providers = {_canonical(d) for d in distributions.get(module, [])}
        if not providers:
            problems.append(f"{module} (imported by {sorted(files)[0]}) is not even installed")
        elif not providers & declared:
            problems.append(
                f"{module} (imported by {sorted(files)[0]}) comes from {sorted(providers)}, "
                "which pyproject.toml does not declare"
            )
    return problems


def test_runtime_code_imports_only_declared_dependencies() -> None:
    runtime = _names(PYPROJECT["project"]["dependencies"])
    imports = _third_party_imports(_runtime_packages())
    assert "numpy" in imports, "the walk no longer sees kb's numpy import: is it still reading kb/?"
    assert _undeclared(imports, runtime) == []


def test_tests_and_benchmarks_import_only_runtime_or_dev_dependencies() -> None:
    declared = _names(PYPROJECT["project"]["dependencies"]) | _names(
        PYPROJECT["project"]["optional-dependencies"]["dev"]
    )
    imports = _third_party_imports(["tests", "bench"])
    assert "pytest" in imports
    assert _undeclared(imports, declared) == []


def test_modules_loaded_by_name_are_declared() -> None:
    runtime = _names(PYPROJECT["project"]["dependencies"])
    missing = {name: why for name, why in LOADED_BY_NAME.items() if _canonical(name) not in runtime}
    assert missing == {}


def test_every_runtime_package_is_shipped() -> None:
    shipped = _runtime_packages()
    own = _own_packages() - {"tests"}
    assert own <= set(shipped), f"packages left out of the wheel: {sorted(own - set(shipped))}"
