"""The README names only what exists: every `chatdesk ...` command, every CHATDESK_* setting,
every `make` target and every file it tells people to run."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

import click

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Read by the test suite (in that file), not by chatdesk; the README documents them too.
TEST_SETTINGS = {
    "CHATDESK_TEST_POSTGRES_URL": "tests/conftest.py",
    "CHATDESK_TEST_REQUIRE_POSTGRES": "tests/conftest.py",
    "CHATDESK_TEST_CHROMIUM": "tests/e2e/conftest.py",
}


def _entry_point() -> click.Group:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    module, _, name = scripts["chatdesk"].partition(":")
    group = getattr(importlib.import_module(module), name)
    assert isinstance(group, click.Group)
    return group


def _code() -> str:
    """The README's code blocks and inline code: where it names commands, not prose."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", README, re.MULTILINE | re.DOTALL)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", README, flags=re.M | re.S))
    return "\n".join([*blocks, *inline])


def _commands_named() -> set[str]:
    """`chatdesk a b` as written in code, up to the first argument."""
    found = set()
    for line in re.findall(r"(?:^|\s|/)chatdesk ([a-z][a-z -]*)", _code(), re.MULTILINE):
        words = [w for w in line.split() if re.fullmatch(r"[a-z]+(?:-[a-z]+)*", w)]
        if words:
            found.add(" ".join(words[:2]))
    return found


def test_every_command_the_readme_names_exists() -> None:
    main = _entry_point()
    named = _commands_named()
    assert {"migrate", "demo", "kb suggest"} <= named, named
    missing = []
    for words in sorted(named):
        command: click.Command = main
        for word in words.split():
            if not isinstance(command, click.Group):
                break  # the rest is an argument, e.g. `chatdesk tickets show N`
            sub = command.commands.get(word)
            if sub is None:
                missing.append(words)
                break
            command = sub
    assert missing == []


def test_every_setting_the_readme_names_exists() -> None:
    named = set(re.findall(r"CHATDESK_[A-Z_]+[A-Z]", re.sub(r"CHATDESK_[A-Z_]*\*", "", README)))
    fields = {f"CHATDESK_{name.upper()}" for name in Settings.model_fields}
    tests_read = {name for name, path in TEST_SETTINGS.items() if name in (ROOT / path).read_text()}
    assert named - fields - tests_read == set()
    assert fields - named == set(), "settings the README does not document"


def test_every_make_target_and_script_the_readme_names_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.MULTILINE))
    assert set(re.findall(r"`make ([a-z-]+)`|^make ([a-z-]+)", README, re.MULTILINE)) != set()
    named_targets = {
        t
        for pair in re.findall(r"`make ([a-z-]+)`|^make ([a-z-]+)", README, re.MULTILINE)
        for t in pair
        if t
    }
    assert named_targets - targets == set()
    scripts = set(re.findall(r"\.venv/bin/python (\S+\.py)", README))
    assert scripts and {s for s in scripts if not (ROOT / s).is_file()} == set()


def test_env_example_names_every_setting() -> None:
    """The README tells people to copy `.env.example`: it names every setting, and only those."""
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#? ?(CHATDESK_[A-Z_]+)=", example, re.MULTILINE))
    fields = {f"CHATDESK_{name.upper()}" for name in Settings.model_fields}
    assert named == fields
