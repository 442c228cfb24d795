"""What handlers can ask for by name: a database connection, the settings and the
checklist registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

import sqlite_utils
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from server.db import ConnectionPool
from server.forms.registry import FormRegistry
from server.settings import Settings

Db: TypeAlias = NamedDependency[sqlite_utils.Database]
Config: TypeAlias = NamedDependency[Settings]
Forms: TypeAlias = NamedDependency[FormRegistry]


def _provide_db(state: State) -> Iterator[sqlite_utils.Database]:
    pool: ConnectionPool = state.pool
    with pool.connection() as db:
        yield db


def _provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def _provide_forms(state: State) -> FormRegistry:
    """The registry built at start-up; in memory, so asking for it costs nothing."""
    forms = state.forms
    if not isinstance(forms, FormRegistry):
        raise RuntimeError("app.state.forms must hold the FormRegistry built at start-up")
    return forms


DEPENDENCIES = {
    "db": Provide(_provide_db),
    "settings": Provide(_provide_settings, sync_to_thread=False),
    "forms": Provide(_provide_forms, sync_to_thread=False),
}
