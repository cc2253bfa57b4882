#!/usr/bin/env bash
# make mails [N=<number> | MAIL=<file>]: the emails the SMTP sink of make run
# stored (scripts/mails.py): a list, or one email printed.
source "$(dirname "$0")/common.sh"
MAIL_DIR="${MAIL_DIR:-$CACHE_DIR/mails}"
PY="$VENV_DIR/bin/python"
[ -x "$PY" ] || PY="$PYTHON"
exec "$PY" "$REPO_ROOT/scripts/mails.py" "$MAIL_DIR" "$@"
