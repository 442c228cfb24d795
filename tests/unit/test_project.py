"""The promises README.md makes about setting up and testing."""

from __future__ import annotations

import re

from server.settings import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README, re.S)


def test_readme_opens_with_the_two_commands() -> None:
    run, test = _commands()[:2]
    assert "python -m server demo" in run
    assert "pytest" in test
    # Both install exact, hashed versions from the lock files, and nothing unpinned after.
    assert "--require-hashes -r requirements/app.txt" in run
    assert "--require-hashes -r requirements/test.txt" in test
    for command in (run, test):
        assert "--no-deps --no-build-isolation -e ." in command
    assert README.index(run) < README.index("## Settings")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = _commands()[1]
    assert test_command in ci.splitlines()
    assert "chromium" in ci


def test_lock_files_pin_every_dependency_with_hashes() -> None:
    for name in ("app.txt", "test.txt", "dev.txt"):
        lock = (REPO_ROOT / "requirements" / name).read_text(encoding="utf-8")
        requirements = re.findall(r"^([A-Za-z0-9_.\-\[\]]+)(==| @ |[<>~!]=?)?", lock, re.M)
        assert requirements and all(op == "==" for _, op in requirements), name
        pins = len(re.findall(r"^\S+==", lock, re.M))
        assert pins == len(re.findall(r"^\S+==[^\n]*\\\n\s+--hash=sha256:", lock, re.M)), name
    test_lock = (REPO_ROOT / "requirements" / "test.txt").read_text(encoding="utf-8")
    for package in ("litestar", "msgspec", "pytest", "setuptools", "playwright"):
        assert re.search(rf"^{package}==", test_lock, re.M), package


def _section(heading: str) -> str:
    """The text under a ``## heading`` of README.md, up to the next heading of any level."""
    start = README.index(f"\n## {heading}\n") + len(heading) + 5
    following = re.search(r"^#{1,6} ", README[start:], re.M)
    return README[start : start + following.start()] if following else README[start:]


def test_readme_layout_names_every_server_package_and_no_other() -> None:
    server = REPO_ROOT / "server"
    packages = {
        f"server/{init.parent.relative_to(server).as_posix()}/"
        for init in server.rglob("__init__.py")
        if init.parent != server
    }
    named = set(re.findall(r"`(server/[\w/]+/)`", _section("Layout")))
    assert packages, "no packages found under server/"
    assert sorted(packages - named) == [], "packages missing from README's layout"
    assert sorted(named - packages) == [], "README's layout names packages that do not exist"


def test_readme_commands_table_lists_every_cli_command_and_no_other() -> None:
    import argparse

    from server.cli import build_parser

    parser = build_parser()
    subcommands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    commands = set(subcommands.choices)
    listed = set(re.findall(r"^\| `([a-z][a-z-]*)[ `]", _section("Commands"), re.M))
    assert commands, "no commands found in server/cli.py"
    assert sorted(commands - listed) == [], "commands missing from README's table"
    assert sorted(listed - commands) == [], "README's table lists commands that do not exist"
