"""Where things live: the user folders (platformdirs) and the store URL."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path

from app import APP_NAME

ENV_DB = "BRANCHDESK_DB"
ENV_LANG = "BRANCHDESK_LANG"
DEFAULT_DB_NAME = "branchdesk.sqlite3"


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    return user_log_path(APP_NAME, appauthor=False)


def default_store_path() -> Path:
    return data_dir() / DEFAULT_DB_NAME


def is_url(value: str) -> bool:
    return "://" in value


def resolve_store_url(db_option: str | None = None) -> str:
    """`--db` wins over BRANCHDESK_DB, which wins over the file in the user data folder.

    A plain path is taken as an SQLite file; anything with `://` is an SQLAlchemy URL
    (e.g. postgresql+psycopg://user@server/branchdesk for a multi-PC office).
    """
    value = db_option or os.environ.get(ENV_DB) or str(default_store_path())
    if is_url(value):
        prefix = "sqlite:///"
        if not value.startswith(prefix) or value.startswith(prefix + ":memory:"):
            return value
        # An SQLite URL names a file too: links are followed here as for a plain path,
        # so the lock, backups/ and restore all use the real file's place.
        file, sep, query = value[len(prefix) :].partition("?")
        return f"{prefix}{Path(file).expanduser().resolve()}{sep}{query}"
    path = Path(value).expanduser().resolve()
    return f"sqlite:///{path}"
