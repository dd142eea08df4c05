"""Opening the SQL tracker store configured in endpoints.yml, for `make report` and
`make forget`: Rasa's own reading, so ${ENV_VAR} values, the URL and the engine options are
the same as the server's (SQLite by default, PostgreSQL by changing the settings)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, validate_port
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import read_endpoint_config

# Rasa's SQL store and ours (same tables and rows: fewer queries per turn; deleting on request).
SQL_STORE_TYPES = ("sql", "stores.tracker_store.fastsqltrackerstore", "stores.forgetting.forgettingsqltrackerstore")


class StoreError(RuntimeError):
    """The tracker store cannot be read; the message is one line for the user."""


def open_store(endpoints: Path) -> sa.engine.Engine:
    """An engine on the tracker store of ``endpoints``, built as Rasa's SQLTrackerStore builds it.

    A SQLite file that does not exist is an error here: connecting would create it empty.
    """
    if not endpoints.is_file():
        raise StoreError(f"{endpoints}: file not found")
    try:
        config = read_endpoint_config(str(endpoints), "tracker_store")
        if config is None:
            raise StoreError(f"{endpoints}: no tracker_store section")
        if (config.type or "").lower() not in SQL_STORE_TYPES:
            raise StoreError(f"{endpoints}: tracker_store must be an SQL store, not {config.type!r}")
        options = config.kwargs
        dialect, db = str(options.get("dialect", "sqlite")), str(options.get("db", "rasa.db"))
        if dialect.startswith("sqlite") and not config.url:
            path = Path(db)  # relative to the current folder, as for the Rasa server
            if not path.is_file():
                raise StoreError(f"no tracker database at {path.resolve()}: has the assistant been run yet?")
        url = SQLTrackerStore.get_db_url(
            dialect=dialect,
            host=config.url,
            port=validate_port(options.get("port")),
            db=db,
            username=options.get("username"),
            password=options.get("password"),
            query=options.get("query"),
        )
        return sa.create_engine(url, **create_engine_kwargs(url))
    except (RasaException, sa.exc.SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"{endpoints}: {str(exc).strip().splitlines()[0]}") from None
