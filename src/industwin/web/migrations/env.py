"""Alembic environment of the web application's database. The Store runs the migrations with its own
connection (``config.attributes["connection"]``); ``alembic -x url=…`` works for a database by hand."""

from alembic import context
from sqlalchemy import create_engine

import industwin.collab.models  # noqa: F401  (registers the collaboration tables)
from industwin.web.store import Base

target_metadata = Base.metadata
config = context.config


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is None:
        url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
        with create_engine(url).connect() as c:
            context.configure(connection=c, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
