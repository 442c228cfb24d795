"""Checklist files: the YAML an import writes, and importing into or exporting from a forms
directory."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import msgspec
import yaml

from server.forms.loader import FormsInvalid, fingerprint, load_file
from server.forms.schema import Checklist, Item
from server.forms.validate import expected_file_name
from server.forms.xlsform.common import ImportConflict
from server.forms.xlsform.read import read_xlsform


class _Dumper(yaml.SafeDumper):
    """Block style, unicode as is, prose in double quotes, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent list items under their key, as hand-written files do."""
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None if re.fullmatch(r"[a-z0-9_-]+", value) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)

CHECKLIST_ORDER = (
    "id",
    "version",
    "title",
    "description",
    "applies_to",
    "legal_basis",
    "threshold",
    "min_passed",
    "validity_days",
    "sections",
)


def _plain(value: Any) -> Any:
    """Whole floats as integers (``weight: 2``, not ``2.0``); loading restores the floats."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_plain(element) for element in value]
    if isinstance(value, dict):
        return {key: _plain(element) for key, element in value.items()}
    return value


def _item_mapping(item: Item) -> dict[str, Any]:
    """Schema order, without the values the format fills in by itself."""
    raw: dict[str, Any] = msgspec.to_builtins(item)
    defaults: dict[str, Any] = {"required": item.kind == "check"}
    if item.kind == "check":
        defaults.update(weight=1.0, mandatory=False, allow_na=False)
    if item.kind == "choice":
        defaults["multiple"] = False
    return {key: value for key, value in raw.items() if defaults.get(key, object()) != value}


def checklist_yaml(checklist: Checklist, source: str | None = None) -> str:
    """The checklist as a file an author would write: header comment, block style, keys in
    schema order (sections last so the header reads first), defaults left out."""
    raw: dict[str, Any] = msgspec.to_builtins(checklist)
    raw["sections"] = []
    for section in checklist.sections:
        mapping: dict[str, Any] = {"id": section.id, "title": msgspec.to_builtins(section.title)}
        if section.help is not None:
            mapping["help"] = msgspec.to_builtins(section.help)
        mapping["items"] = [_item_mapping(item) for item in section.items]
        raw["sections"].append(mapping)
    ordered = {key: raw[key] for key in CHECKLIST_ORDER if key in raw}
    body = yaml.dump(
        _plain(ordered),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )
    header = "# yaml-language-server: $schema=checklist.schema.json\n"
    if source is not None:
        header += f"# Imported from {source} with python -m server import-xlsform.\n"
    return header + body


def import_to_dir(source: str | Path, output_dir: str | Path) -> tuple[Path, bool]:
    """Import ``source`` into ``output_dir/<id>.v<version>.yaml``; returns the path and
    whether it was written. An existing file with the same content is left as it is (its
    comments are kept); one with other content raises ImportConflict."""
    checklist = read_xlsform(source)
    output_dir = Path(output_dir)
    target = output_dir / expected_file_name(checklist)
    if target.exists():
        try:
            same = fingerprint(load_file(target)) == fingerprint(checklist)
        except FormsInvalid:
            same = False
        if same:
            return target, False
        raise ImportConflict(
            f"{target} already exists with different content; a published version never "
            f"changes: raise the version in the settings sheet (now {checklist.version})"
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    temporary = output_dir / f".{target.name}.tmp"
    temporary.write_text(checklist_yaml(checklist, Path(source).name), encoding="utf-8")
    os.replace(temporary, target)
    if fingerprint(load_file(target)) != fingerprint(checklist):  # pragma: no cover
        target.unlink()
        raise RuntimeError(f"{target} did not read back as the imported checklist")
    return target, True


def export_from_dir(forms_dir: str | Path, form_id: str, version: int) -> Checklist:
    """The checklist of ``forms_dir/<id>.v<version>.yaml``, validated (FormsInvalid)."""
    path = Path(forms_dir) / f"{form_id}.v{version}.yaml"
    if not path.exists():
        others = sorted(p.name for p in Path(forms_dir).glob(f"{form_id}.v*.yaml"))
        hint = f"; found: {', '.join(others)}" if others else ""
        raise FileNotFoundError(f"no file {path}{hint}")
    return load_file(path)
