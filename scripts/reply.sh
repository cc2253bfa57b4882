#!/usr/bin/env bash
# make reply N=<number> [TEXT="..."]: the customer answers email number N of
# `make mails` by email, through Odoo's mail gateway (scripts/reply.py).
source "$(dirname "$0")/common.sh"
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo
DB_NAME="${DB_NAME:-customer_dialog}"
PY="$VENV_DIR/bin/python"
[ -n "${1:-}" ] || die "Which email? make reply N=<number> TEXT=\"...\" (numbers: make mails)"
pg_admin exists "$DB_NAME" || die "No database $DB_NAME: run 'make run' once first."
say "Answering email $1 as its recipient, through Odoo's mail gateway"
REPO_ROOT="$REPO_ROOT" MAIL_DIR="${MAIL_DIR:-$CACHE_DIR/mails}" REPLY_TO_MAIL="$1" REPLY_TEXT="${2:-}" \
    "$PY" "$ODOO_DIR/odoo-bin" shell -c "$CONF" -d "$DB_NAME" --no-http --log-level=warn \
    < "$REPO_ROOT/scripts/reply.py"
