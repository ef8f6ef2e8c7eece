"""Create the PostgreSQL database DATABASE_URL names when it does not exist yet:
`python -m config.database_create`, which `make bench` runs before migrating, so that its
default database (`lingua` on 127.0.0.1) need not be made by hand on a new machine.

Connects to the server's `postgres` maintenance database as the same user; a SQLite or missing
DATABASE_URL is left alone (Django creates a SQLite file itself)."""

import os
import sys

import environ
import psycopg
from psycopg import sql


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return 0
    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created the database {name}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
