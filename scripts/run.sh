#!/usr/bin/env bash
# make run: Odoo 18.0 with customer_dialog, Contacts, Sales and a German demo
# story on http://localhost:8069; a local SMTP sink is its outgoing mail server
# and keeps every email as an .eml file (make mails lists them).
source "$(dirname "$0")/common.sh"
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo
DB_NAME="${DB_NAME:-customer_dialog}"
PY="$VENV_DIR/bin/python"
ODOO=("$PY" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB_NAME")
# What make run shows besides the module (which depends on mail and portal only).
DEMO_MODULES="contacts,sale_management"
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

# The SMTP sink: MAIL_SINK_PORT (2525) if it is free, else any free port.
SMTP_PORT="$(free_port "${MAIL_SINK_PORT:-2525}")"
mkdir -p "$MAIL_DIR"
"$PY" "$REPO_ROOT/scripts/mail_sink.py" "$MAIL_DIR" "$SMTP_PORT" >"$CACHE_DIR/mail-sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 40); do
    grep -q "smtp sink on" "$CACHE_DIR/mail-sink.log" 2>/dev/null && break
    kill -0 "$SINK_PID" 2>/dev/null || die "The SMTP sink did not start; see $CACHE_DIR/mail-sink.log."
    sleep 0.25
done
say "SMTP sink on 127.0.0.1:$SMTP_PORT stores every email in $MAIL_DIR (make mails lists them)"
# Also Odoo's fallback while no ir.mail_server exists (e.g. during installation).
SMTP_ARGS=(--smtp=127.0.0.1 "--smtp-port=$SMTP_PORT")

# Update the module only when its files changed since the last run.
module_hash="$(cd "$REPO_ROOT" && git ls-files -co --exclude-standard -z | sort -z | xargs -0 md5sum 2>/dev/null | md5sum | cut -c1-32)"
stamp="$CACHE_DIR/run-$DB_NAME.stamp"
if ! pg_admin exists "$DB_NAME"; then
    rm -f "$stamp"
    # The German company exists before any module sends an email: the demo
    # data's first emails come from it, in German.
    say "Creating database $DB_NAME with German (base only)"
    "${ODOO[@]}" "${SMTP_ARGS[@]}" -i base --load-language=de_DE \
        --stop-after-init --log-level=warn
    say "Setting up the demo company Lindenhof Service GmbH (address, euro, A4, logo)"
    DEMO_STEP=identity "$PY" "$ODOO_DIR/odoo-bin" shell -c "$CONF" -d "$DB_NAME" \
        --no-http --log-level=warn < "$REPO_ROOT/scripts/demo_story.py" \
        || die "The demo company could not be set up (see above)."
    say "Installing customer_dialog, $DEMO_MODULES and their demo data"
    "${ODOO[@]}" "${SMTP_ARGS[@]}" -i "$MODULE_NAME,$DEMO_MODULES" \
        --stop-after-init --log-level=warn
else
    missing="$("$PY" "$REPO_ROOT/scripts/run_helpers.py" missing-modules "$DEMO_MODULES" \
        "$DB_HOST" "$DB_PORT" "$DB_USER" "$DB_NAME")"
    update=()
    [ "$(cat "$stamp" 2>/dev/null)" = "$module_hash" ] || update=(-u "$MODULE_NAME")
    if [ -n "$missing" ]; then
        say "Installing $missing into database $DB_NAME"
        "${ODOO[@]}" "${SMTP_ARGS[@]}" -i "$missing" "${update[@]}" --load-language=de_DE \
            --stop-after-init --log-level=warn
    elif [ "${#update[@]}" -gt 0 ]; then
        say "Updating customer_dialog in database $DB_NAME"
        "${ODOO[@]}" "${SMTP_ARGS[@]}" "${update[@]}" --stop-after-init --log-level=warn
    fi
fi
echo "$module_hash" > "$stamp"

say "Loading the demo story (customers, orders, conversations; idempotent) and the mail server"
# (the refused email of the story is expected: mail_mail's error log is muted)
MAIL_SINK_PORT="$SMTP_PORT" "$PY" "$ODOO_DIR/odoo-bin" shell -c "$CONF" -d "$DB_NAME" \
    "${SMTP_ARGS[@]}" --no-http --log-level=warn \
    --log-handler=odoo.addons.mail.models.mail_mail:CRITICAL \
    < "$REPO_ROOT/scripts/demo_story.py" \
    || die "The demo story failed to load (see above)."

say "Odoo runs on http://localhost:${HTTP_PORT:-8069} (admin/admin; portal: kunde/kunde, kundin/kundin). Ctrl+C stops it."
"${ODOO[@]}" "${SMTP_ARGS[@]}" --db-filter="^$DB_NAME\$" &
ODOO_PID=$!
wait "$ODOO_PID"
