"""Small PostgreSQL helper for the setup scripts (runs in the cached venv).

Usage: pg_admin.py HOST PORT USER COMMAND [DBNAME]
COMMAND: reachable | ensure-role | exists DB | drop DB | standby
"""

import getpass
import socket
import sys
import time

import psycopg2
from psycopg2 import sql


def connect(host, port, user, dbname="postgres"):
    return psycopg2.connect(
        host=host, port=port, user=user, dbname=dbname, connect_timeout=5
    )


def reachable(host, port):
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return False
    return True


def ensure_role(host, port, user):
    """Make sure USER can log in and create databases; create it through a
    superuser login (postgres, or the OS user) when it does not exist yet."""
    try:
        connect(host, port, user).close()
        return True
    except psycopg2.OperationalError:
        pass
    for admin in ("postgres", getpass.getuser()):
        try:
            conn = connect(host, port, admin)
        except psycopg2.OperationalError:
            continue
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user])
            if not cr.fetchone():
                cr.execute(
                    sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(
                        sql.Identifier(user)
                    )
                )
        conn.close()
        connect(host, port, user).close()
        return True
    return False


def db_exists(host, port, user, dbname):
    with connect(host, port, user) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        return bool(cr.fetchone())


def drop(host, port, user, dbname):
    conn = connect(host, port, user)
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [dbname],
        )
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname)))
    conn.close()
    return True


def standby(host, port, user):
    """Whether the server is a hot standby streaming from its primary
    (within 30 s of its start)."""
    for _ in range(60):
        try:
            with connect(host, port, user) as conn, conn.cursor() as cr:
                cr.execute(
                    "SELECT pg_is_in_recovery(), "
                    "(SELECT count(*) FROM pg_stat_wal_receiver "
                    "WHERE status = 'streaming')"
                )
                recovering, streaming = cr.fetchone()
                if recovering and streaming:
                    return True
        except psycopg2.OperationalError:
            pass
        time.sleep(0.5)
    return False


def main(argv):
    host, port, user, command, *rest = argv
    if command == "reachable":
        ok = reachable(host, port)
    elif command == "ensure-role":
        ok = ensure_role(host, port, user)
    elif command == "exists":
        ok = db_exists(host, port, user, rest[0])
    elif command == "standby":
        ok = standby(host, port, user)
    elif command == "drop":
        ok = drop(host, port, user, rest[0])
    else:
        raise SystemExit(f"unknown command {command}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
