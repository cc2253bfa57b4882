"""Small helpers for scripts/run.sh and scripts/screenshots.sh (run in the venv).

Usage:
  run_helpers.py free-port PORT
      prints PORT if nothing listens on 127.0.0.1:PORT, else a free port
  run_helpers.py missing-modules MODULES HOST PORT USER DB
      prints those of the comma-separated MODULES not installed in DB
      (comma-separated, empty when all are installed)
"""

import socket
import sys

import psycopg2


def free_port(wanted):
    for port in (int(wanted), 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise SystemExit("no free port")


def missing_modules(modules, host, port, user, dbname):
    wanted = [name for name in modules.split(",") if name]
    with (
        psycopg2.connect(
            host=host, port=port, user=user, dbname=dbname, connect_timeout=5
        ) as conn,
        conn.cursor() as cr,
    ):
        cr.execute(
            "SELECT name FROM ir_module_module"
            " WHERE state = 'installed' AND name IN %s",
            [tuple(wanted)],
        )
        installed = {name for (name,) in cr.fetchall()}
    return ",".join(name for name in wanted if name not in installed)


def main(argv):
    command, *args = argv
    if command == "free-port":
        print(free_port(*args))
    elif command == "missing-modules":
        print(missing_modules(*args))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
