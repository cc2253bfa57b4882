#!/usr/bin/env bash
# make stress: concurrent XML-RPC dialog_post calls against Odoo with two
# workers on a throwaway database, an SMTP sink on loopback as its outgoing
# mail server; checks what was stored and sent (scripts/stress.py) and prints
# posts/s next to plain message_post. Everything stops and is dropped at the
# end, also on failure. STRESS_N (400) calls from STRESS_THREADS (8) threads.
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=scripts/postgres.sh
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo

DB="${MODULE_NAME}_stress_$(date +%s)_$$"
WORK_DIR="$CACHE_DIR/stress-$CHECKOUT_ID"   # Odoo's log and the received emails of the last run
PY="$VENV_DIR/bin/python"
START=$SECONDS
ODOO_PID=""
SINK_PID=""

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_process "$ODOO_PID"
    stop_process "$SINK_PID"
    drop_database "$DB"
}
trap cleanup EXIT
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR/sink"

HTTP=$(free_port "${STRESS_HTTP_PORT:-18069}")
GEVENT=$(free_port "${STRESS_GEVENT_PORT:-18072}")
SMTP=$(free_port "${STRESS_SMTP_PORT:-18025}")

say "Installing customer_dialog into the throwaway database $DB"
"$PY" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB" -i "$MODULE_NAME" \
    --without-demo=all --stop-after-init --log-level=warn

say "Installed in $((SECONDS - START)) s. Starting the SMTP sink on 127.0.0.1:$SMTP and Odoo (2 workers) on 127.0.0.1:$HTTP"
"$PY" "$REPO_ROOT/scripts/smtp_sink.py" "$WORK_DIR/sink" "$SMTP" >"$WORK_DIR/sink.log" 2>&1 &
SINK_PID=$!
"$PY" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB" --db-filter="^$DB\$" \
    --workers=2 --max-cron-threads=1 --http-interface=127.0.0.1 \
    --http-port="$HTTP" --gevent-port="$GEVENT" \
    --limit-time-real=300 --log-level=warn --logfile="$WORK_DIR/odoo.log" \
    >"$WORK_DIR/odoo.stderr" 2>&1 &
ODOO_PID=$!

wait_for_odoo "$ODOO_PID" "http://127.0.0.1:$HTTP" "$WORK_DIR/odoo.log"

rc=0
timeout 600 "$PY" "$REPO_ROOT/scripts/stress.py" "http://127.0.0.1:$HTTP" "$DB" \
    "$WORK_DIR/sink" "$SMTP" || rc=$?
elapsed=$((SECONDS - START))
printf 'Time: %dm%02ds. Odoo log and received emails: %s\n' \
    $((elapsed / 60)) $((elapsed % 60)) "$WORK_DIR"
if grep -q -E ' (ERROR|CRITICAL) ' "$WORK_DIR/odoo.log"; then
    say "Odoo logged errors (see $WORK_DIR/odoo.log):"
    grep -E ' (ERROR|CRITICAL) ' "$WORK_DIR/odoo.log" | head -n 5 >&2
fi
exit "$rc"
