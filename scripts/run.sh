#!/usr/bin/env bash
# make run: Odoo 18.0 with customer_dialog, Contacts, Sales and a German demo
# story on http://localhost:8069; a local SMTP sink is its outgoing mail server
# and keeps every email as an .eml file (make mails lists them).
source "$(dirname "$0")/common.sh"
source "$REPO_ROOT/scripts/postgres.sh"
# shellcheck source=scripts/demo_db.sh
source "$REPO_ROOT/scripts/demo_db.sh"
prepare_odoo
DB_NAME="${DB_NAME:-customer_dialog}"
PY="$VENV_DIR/bin/python"
ODOO=("$PY" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB_NAME")
MAIL_DIR="${MAIL_DIR:-$CACHE_DIR/mails}"
ODOO_PID=""
SINK_PID=""

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_process "$ODOO_PID"
    stop_process "$SINK_PID"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_mail_sink "$MAIL_DIR" "${MAIL_SINK_PORT:-2525}"
prepare_demo_database

say "Odoo runs on http://localhost:${HTTP_PORT:-8069} (admin/admin; portal: kunde/kunde, kundin/kundin). Ctrl+C stops it."
"${ODOO[@]}" "${SMTP_ARGS[@]}" --db-filter="^$DB_NAME\$" &
ODOO_PID=$!
wait "$ODOO_PID"
