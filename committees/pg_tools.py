"""pg_dump and pg_restore for the backup commands: arguments and environment from the Django database settings."""

import os
import subprocess
from pathlib import Path

import psycopg
from django.db import connections


def settings_dict(alias: str = "default") -> dict:
    db = connections[alias].settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("backups need PostgreSQL (DATABASE_URL=postgres://...)")
    return db


def libpq_env(db: dict) -> dict[str, str]:
    """The connection as libpq environment variables: the password never shows in `ps`."""
    env = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def dump(db: dict, target: Path) -> None:
    """pg_dump's custom format (-Fc): compressed, and pg_restore can restore it table by table."""
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-password", f"--file={target}", db["NAME"]],
        env=libpq_env(db),
        check=True,
        capture_output=True,
        text=True,
    )


def restore(db: dict, dumpfile: Path, into: str) -> None:
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--no-password",
            f"--dbname={into}",
            str(dumpfile),
        ],
        env=libpq_env(db),
        check=True,
        capture_output=True,
        text=True,
    )


def connect(db: dict, dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        dbname=dbname,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Exact row counts of every table in the public schema."""
    tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    return {
        table: conn.execute(f'SELECT count(*) FROM public."{table}"').fetchone()[0]  # names from pg_tables
        for table in sorted(tables)
    }
