"""What handlers can ask for by name: a database connection and the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

import sqlite_utils
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from server.db import ConnectionPool
from server.settings import Settings

Db: TypeAlias = NamedDependency[sqlite_utils.Database]
Config: TypeAlias = NamedDependency[Settings]


def _provide_db(state: State) -> Iterator[sqlite_utils.Database]:
    pool: ConnectionPool = state.pool
    with pool.connection() as db:
        yield db


def _provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


DEPENDENCIES = {
    "db": Provide(_provide_db),
    "settings": Provide(_provide_settings, sync_to_thread=False),
}
