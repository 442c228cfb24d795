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


SERVER = REPO_ROOT / "server"

OWNERS = {
    **dict.fromkeys(("facilities", "communes", "provinces"), "facilities/store.py"),
    **dict.fromkeys(("users", "user_communes", "sessions"), "auth/store.py"),
    **dict.fromkeys(("inspections", "current_inspections", "kept_aside"), "inspections/store.py"),
    **dict.fromkeys(("actions", "action_events", "action_photos"), "actions/store.py"),
    **dict.fromkeys(("plans", "plan_teams", "plan_visits", "plan_team_users"), "plans/store.py"),
    **dict.fromkeys(
        ("push_subscriptions", "push_muted", "push_outbox", "push_attempts"), "push/store.py"
    ),
    **dict.fromkeys(("photos", "inspection_photos"), "photos/store.py"),
    "audit_log": "audit/store.py",
    "form_versions": "forms/registry.py",
    "meta": "demo.py",
    "schema_migrations": "migrations.py",
}
"""Each table's one owning module, relative to server/."""

READ_MODELS = {"compliance/store.py", "reports/period.py", "reports/trends.py", "exports/table.py"}
"""Modules that only read, joining several owners' tables because the join is what makes
their lists fast (each says so in its docstring)."""

NOT_YET_MOVED: dict[tuple[str, str], str] = {}
"""SQL still outside its table's owner (issue 14, to be moved): shrink, never grow."""

_SQL_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|DELETE\s+FROM)\s+(\w+)")


def _sql_outside_owners() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in SERVER.rglob("*.py"):
        module = path.relative_to(SERVER).as_posix()
        if module in READ_MODELS:
            continue
        for table in _SQL_TABLE.findall(path.read_text(encoding="utf-8")):
            owner = OWNERS.get(table)
            if owner is not None and owner != module and module != "migrations.py":
                found.add((module, table))
    return found


def test_every_table_is_touched_by_sql_only_in_its_owner() -> None:
    outside = _sql_outside_owners()
    assert sorted(outside - set(NOT_YET_MOVED)) == [], "SQL on a table outside its owner"
    assert sorted(set(NOT_YET_MOVED) - outside) == [], "moved: drop it from NOT_YET_MOVED"


def test_read_models_say_so_in_their_docstring() -> None:
    import ast

    for module in READ_MODELS:
        docstring = ast.get_docstring(ast.parse((SERVER / module).read_text(encoding="utf-8")))
        words = " ".join((docstring or "").lower().split())
        assert "read model" in words, module
        assert "only reads" in words or "nothing here writes" in words, module


def _imports() -> dict[str, set[str]]:
    """Each module of ``server`` and the ``server`` modules it imports."""
    import ast

    modules = {
        ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in SERVER.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {target for target in targets if target in modules and target != name}
    return graph


def test_server_imports_have_no_cycle() -> None:
    graph = _imports()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " -> ".join([*path, module]))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_no_route_module_imports_another() -> None:
    graph = _imports()
    routes = {name for name in graph if name.endswith(".routes")}
    crossing = sorted((name, target) for name in routes for target in graph[name] & routes)
    assert crossing == [], "route modules importing route modules"


LONG_FUNCTIONS_ALLOWED: dict[str, str] = {}
"""Functions over 80 lines, each with why it is allowed: shrink, never grow."""


def _python_function_lengths() -> dict[str, int]:
    import ast

    found: dict[str, int] = {}
    for path in SERVER.rglob("*.py"):
        if path.name == "migrations.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                name = f"{path.relative_to(REPO_ROOT).as_posix()}:{node.name}"
                found[name] = max(found.get(name, 0), (node.end_lineno or start) - start + 1)
    return found


def _without_strings_and_comments(source: str) -> str:
    """JS source with comments and string or template literals blanked (newlines kept)."""
    pattern = r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`(?:\\.|[^`\\])*`"
    return re.sub(pattern, lambda m: "\n" * m.group(0).count("\n"), source, flags=re.S)


def _js_function_lengths() -> dict[str, int]:
    opening = re.compile(
        r"function\b[^{;]*\)\s*\{|=>\s*\{|^\s*(?:async\s+)?(\w+)\s*\([^;{]*\)\s*\{", re.M
    )
    found: dict[str, int] = {}
    for path in (REPO_ROOT / "pwa" / "js").rglob("*.js"):
        text = _without_strings_and_comments(path.read_text(encoding="utf-8"))
        for match in opening.finditer(text):
            if match.group(1) in ("if", "for", "while", "switch", "catch"):
                continue
            depth, end = 0, len(text)
            for end in range(match.end() - 1, len(text)):
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                if depth == 0:
                    break
            line = text.count("\n", 0, match.start()) + 1
            name = f"{path.relative_to(REPO_ROOT).as_posix()}:{line}"
            found[name] = text.count("\n", match.start(), end) + 1
    return found


def test_no_function_is_over_80_lines() -> None:
    lengths = {**_python_function_lengths(), **_js_function_lengths()}
    long = {name for name, length in lengths.items() if length > 80}
    assert sorted(long - set(LONG_FUNCTIONS_ALLOWED)) == [], "functions over 80 lines"
    assert sorted(set(LONG_FUNCTIONS_ALLOWED) - long) == [], "now short: drop from the list"
