from __future__ import annotations

import re
from pathlib import Path

import pytest
from py_vapid import Vapid

from server.settings import REPO_ROOT, Settings, SettingsError

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    """README's settings table has a row for the variable, with the same help line."""
    field = Settings.model_fields[name]
    assert field.description, f"{name} has no help line"
    row = re.search(rf"^\| `{Settings.env_name(name)}` \|.*\| (.+) \|$", README, re.M)
    assert row, f"README.md does not document {Settings.env_name(name)}"
    assert row.group(1) == field.description


def test_readme_documents_no_setting_that_does_not_exist() -> None:
    documented = set(re.findall(r"^\| `(SAFESCHOOL_[A-Z_]+)` \|", README, re.M))
    assert documented == {Settings.env_name(n) for n in Settings.model_fields}


def test_values_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"SAFESCHOOL_PORT": "9001", "SAFESCHOOL_SESSION_DAYS": "7", "SAFESCHOOL_DATA_DIR": "/x"}
    )
    assert settings.port == 9001
    assert settings.session_days == 7
    assert settings.database_path == Path("/x/safeschool.sqlite3")


def test_overrides_win_over_the_environment() -> None:
    assert Settings.from_env({"SAFESCHOOL_PORT": "9001"}, port=9002).port == 9002


@pytest.mark.parametrize(
    ("contact", "ok"),
    [
        ("mailto:admin@localhost", True),
        ("mailto:thanhtra@so-gddt.example.gov.vn", True),
        ("https://so-gddt.example.gov.vn", True),
        ("https://so-gddt.example.gov.vn/lien-he", False),  # push services refuse a path
        ("mailto:nobody", False),
        ("http://so-gddt.example.gov.vn", False),
    ],
)
def test_the_push_contact_is_one_push_services_take(contact: str, ok: bool) -> None:
    environ = {"SAFESCHOOL_PUSH_CONTACT": contact}
    if ok:
        assert Settings.from_env(environ).push_contact == contact
        signer = Vapid()
        signer.generate_keys()
        signer.sign({"sub": contact, "aud": "https://push.example.org", "exp": 2000000000})
    else:
        with pytest.raises(SettingsError, match="SAFESCHOOL_PUSH_CONTACT"):
            Settings.from_env(environ)


def test_a_bad_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="SAFESCHOOL_PORT"):
        Settings.from_env({"SAFESCHOOL_PORT": "eighty"})
