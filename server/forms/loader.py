"""Reading checklist files from ``forms/``: decode, validate, fingerprint.

Every problem names the file and, where it can, the item, because the person fixing it is
a checklist author with a text editor, not a developer with a traceback.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import msgspec
import yaml

from server.errors import ErrorCode
from server.forms.schema import FACILITY_KINDS, ITEM_KINDS, Checklist, json_schema
from server.forms.validate import validate

FORM_GLOBS = ("*.yaml", "*.yml")
SCHEMA_FILE = "checklist.schema.json"


class FormProblem(msgspec.Struct, frozen=True):
    """One problem in one file, printable for an author: ``file: item 'x': message``."""

    file: str
    item: str | None
    message: str
    where: Literal["item", "section"] = "item"

    def __str__(self) -> str:
        if self.item is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {self.where} '{self.item}': {self.message}"


class FormsInvalid(Exception):
    """Checklist files that must not be served; carries every problem found, not the first."""

    error: ClassVar[ErrorCode] = ErrorCode.FORM_INVALID
    heading: ClassVar[str] = "invalid checklist"

    def __init__(self, problems: Iterable[FormProblem]) -> None:
        self.problems = list(problems)
        super().__init__(problems_message(self.heading, self.problems))


def problems_message(heading: str, problems: Sequence[object]) -> str:
    """``2 <heading> problems:`` and then each problem on its own indented line."""
    lines = [f"{len(problems)} {heading} problem{'s' if len(problems) != 1 else ''}:"]
    lines += [f"  {problem}" for problem in problems]
    return "\n".join(lines)


def display_path(path: Path) -> str:
    """Relative to the working directory when possible, so messages read ``forms/x.v1.yaml``."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- YAML -------------------------------------------------------------------------------

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that refuses duplicate keys: PyYAML silently keeps the last one, which
    would hide a mistake such as two ``weight:`` lines in one item."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable):
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"duplicate key '{key}'",
                        key_node.start_mark,
                    )
                seen.add(key)
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return result


_ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*[\"']?([a-z][a-z0-9_]*)")


def _near_id(text: str, line: int) -> str | None:
    """The last ``id:`` at or above ``line``: a guess at the item (or section) holding a
    syntax error, which has no parsed tree to point into."""
    for source in reversed(text.splitlines()[: line + 1]):
        if found := _ID_LINE.match(source):
            return found[1]
    return None


def _yaml_problem(file: str, exc: yaml.YAMLError, text: str) -> FormProblem:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        near = _near_id(text, mark.line)
        where = f", near '{near}'" if near else ""
        return FormProblem(
            file,
            None,
            f"YAML error at line {mark.line + 1}, column {mark.column + 1}{where}: {what}{context}",
        )
    return FormProblem(file, None, f"YAML error: {exc}")


# --- msgspec validation errors ----------------------------------------------------------

_PATH = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_BOUND = re.compile(r"^Expected `(?:float|int)` (?P<op>>=|>|<=|<) (?P<num>\S+)$")
_ALLOWED = {"kind": ITEM_KINDS, "applies_to": FACILITY_KINDS}


def _steps(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _STEP.findall(path[1:])]


def _render(steps: list[str | int]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out.lstrip(".")


def _id_at(raw: Any, steps: list[str | int]) -> str | None:
    node = raw
    for step in steps:
        in_list = isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node)
        in_dict = isinstance(step, str) and isinstance(node, dict) and step in node
        if not (in_list or in_dict):
            return None
        node = node[step]
    found = node.get("id") if isinstance(node, dict) else None
    return found if isinstance(found, str) and found else None


def _friendly(message: str, field: list[str | int]) -> str:
    """msgspec's wording, shortened where an author would otherwise need to know Python."""
    name = _render(field)
    last = next((step for step in reversed(field) if isinstance(step, str)), None)
    if bound := _BOUND.match(message):
        num = bound["num"].removesuffix(".0")
        return f"{name or 'value'} must be {bound['op']} {num}"
    if message.startswith("Invalid enum value") and last in _ALLOWED:
        return (
            f"{message.replace('Invalid enum value', 'invalid value')} for {name}; use one of "
            + (", ".join(_ALLOWED[last]))
        )
    message = (
        message.replace("Object missing required field", "missing required field")
        .replace("Object contains unknown field", "unknown field")
        .replace("Expected", "expected")
    )
    return f"{name}: {message}" if name else message


def _validation_problem(file: str, exc: msgspec.ValidationError, raw: Any) -> FormProblem:
    """Point at the item (or section) the error is in, by id when the YAML gives one."""
    match = _PATH.match(str(exc))
    assert match is not None  # the pattern matches any string
    message, path = match["message"], match["path"]
    steps = _steps(path) if path else []
    places: tuple[tuple[int, Literal["item", "section"]], ...] = ((4, "item"), (2, "section"))
    for depth, where in places:
        head = steps[:depth]
        if (
            len(head) == depth
            and head[0] == "sections"
            and isinstance(head[1], int)
            and (depth == 2 or (head[2] == "items" and isinstance(head[3], int)))
        ):
            found = _id_at(raw, head)
            if found is not None:
                return FormProblem(file, found, _friendly(message, steps[depth:]), where)
    if not steps and message.startswith("Expected `object`"):
        return FormProblem(file, None, f"the file must hold one checklist (a mapping): {message}")
    return FormProblem(file, None, _friendly(message, steps) if steps else message)


# --- files and directories --------------------------------------------------------------


def _decode(path: Path, file: str) -> tuple[Checklist | None, list[FormProblem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [FormProblem(file, None, f"cannot read file: {exc}")]
    try:
        raw = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(file, exc, text)]
    try:
        # What msgspec.yaml.decode does after parsing; parsing ourselves adds the
        # duplicate-key check and keeps the raw tree to name items in errors.
        checklist = msgspec.convert(
            raw, Checklist, builtin_types=(datetime.datetime, datetime.date)
        )
    except msgspec.ValidationError as exc:
        return None, [_validation_problem(file, exc, raw)]
    problems = [
        FormProblem(file, p.item, p.message, p.where) for p in validate(checklist, path.name)
    ]
    return checklist, problems


def load_file(path: Path | str) -> Checklist:
    """One checklist file, decoded and validated; raises FormsInvalid with all its problems."""
    path = Path(path)
    checklist, problems = _decode(path, display_path(path))
    if problems or checklist is None:
        raise FormsInvalid(problems)
    return checklist


def form_files(forms_dir: Path | str) -> list[Path]:
    forms_dir = Path(forms_dir)
    return sorted({path for pattern in FORM_GLOBS for path in forms_dir.glob(pattern)})


def load_dir_with_files(forms_dir: Path | str) -> list[tuple[Checklist, str]]:
    """Every checklist in ``forms_dir`` with the file it came from (as shown in messages).
    Reads all files before raising, so one run lists every problem."""
    forms_dir = Path(forms_dir)
    if not forms_dir.is_dir():
        raise FormsInvalid([FormProblem(display_path(forms_dir), None, "not a directory")])
    loaded: list[tuple[Checklist, str]] = []
    problems: list[FormProblem] = []
    first_file: dict[tuple[str, int], str] = {}
    for path in form_files(forms_dir):
        file = display_path(path)
        checklist, file_problems = _decode(path, file)
        problems.extend(file_problems)
        if checklist is None:
            continue
        key = (checklist.id, checklist.version)
        if key in first_file:
            problems.append(
                FormProblem(
                    file,
                    None,
                    f"checklist '{checklist.id}' version {checklist.version} is also "
                    f"defined in {first_file[key]}",
                )
            )
            continue
        first_file[key] = file
        loaded.append((checklist, file))
    if problems:
        raise FormsInvalid(problems)
    return loaded


def load_dir(forms_dir: Path | str) -> list[Checklist]:
    """Every checklist in ``forms_dir``; raises FormsInvalid listing all problems of all files."""
    return [checklist for checklist, _ in load_dir_with_files(forms_dir)]


# --- fingerprints and the published schema ----------------------------------------------


def canonical_json(checklist: Checklist) -> bytes:
    """Content only: comments, key order and spelling out a default (``weight: 1`` on a
    check) do not change it; any change of meaning does."""
    return msgspec.json.encode(checklist, order="sorted")


def fingerprint(checklist: Checklist) -> str:
    return hashlib.sha256(canonical_json(checklist)).hexdigest()


def schema_text() -> str:
    """The JSON Schema file as committed: pretty-printed, sorted keys, trailing newline."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema(path: Path | str) -> None:
    """Regenerate ``forms/checklist.schema.json`` after changing ``server.forms.schema``."""
    Path(path).write_text(schema_text(), encoding="utf-8")
