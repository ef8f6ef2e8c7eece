"""`python -m config.database_create`, which `make bench` runs first: its default database need
not exist on a new machine."""

import uuid

import psycopg
import pytest
from django.db import connection

from config import database_create
from config.benchload import database_url


def _exists(name: str) -> bool:
    with psycopg.connect(**_server(), dbname="postgres", autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def _server() -> dict:
    params = connection.settings_dict
    return {
        "host": params.get("HOST") or None,
        "port": params.get("PORT") or None,
        "user": params.get("USER") or None,
        "password": params.get("PASSWORD") or None,
    }


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_missing_database_is_created_and_an_existing_one_left(monkeypatch, capsys):
    name = f"lingua_create_{uuid.uuid4().hex[:8]}"
    url = database_url().rsplit("/", 1)[0] + f"/{name}"
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        assert database_create.main() == 0
        assert _exists(name)
        assert f"Created the database {name}." in capsys.readouterr().out

        assert database_create.main() == 0  # again: nothing to do
        assert capsys.readouterr().out == ""
    finally:
        with psycopg.connect(**_server(), dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_sqlite_is_left_to_django(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert database_create.main() == 0
    assert not (tmp_path / "db.sqlite3").exists()
