#!/usr/bin/env bash
# make stress: concurrent XML-RPC dialog_post calls, then portal visits and
# replies while more posts run, against Odoo with workers on a throwaway
# database, an SMTP sink on loopback as its outgoing mail server; checks what
# was stored and sent (scripts/stress.py) and prints posts/s next to plain
# message_post and p50/p95 latencies; fails on any ERROR or Traceback line
# in Odoo's logs. Everything stops and is dropped at the end, also on failure.
# STRESS_N (400) calls from STRESS_THREADS (8) threads, STRESS_PORTAL_N (240)
# portal visits.
#
# make stress CLUSTER=1: the same on make cluster's set-up (scripts/cluster_lib.sh):
# two Odoo nodes on a PostgreSQL primary, reading on a hot standby; the
# calls are spread over both nodes, and at least 90 % of the portal's page
# reads must run on the standby.
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=scripts/postgres.sh
source "$REPO_ROOT/scripts/postgres.sh"
# shellcheck source=scripts/cluster_lib.sh
source "$REPO_ROOT/scripts/cluster_lib.sh"
"$REPO_ROOT/scripts/setup_odoo.sh"
"$REPO_ROOT/scripts/setup_venv.sh"
link_module

DB="${MODULE_NAME}_stress_$(date +%s)_$$"
WORK_DIR="$CACHE_DIR/stress-$CHECKOUT_ID"   # Odoo's logs and the received emails of the last run
PY="$VENV_DIR/bin/python"
START=$SECONDS
SINK_PID=""
CLUSTER="${CLUSTER:-}"

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_cluster_nodes
    stop_process "$SINK_PID"
    drop_database "$DB"
    stop_cluster_postgres
}
trap cleanup EXIT
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR/sink"

if [ "$CLUSTER" = 1 ]; then
    start_cluster_postgres
    DB_HOST=127.0.0.1
    DB_PORT="$PRIMARY_PORT"
    pg_admin ensure-role || die "Cannot log in to the primary as '$DB_USER'."
    CONF="$(write_cluster_config stress)"
    ports=("$(free_port "${STRESS_HTTP_PORT:-18069}")")
    ports+=("$(free_port $((ports[0] + 1)))")
    export STRESS_STANDBY_PORT="$STANDBY_PORT"
else
    ensure_postgres
    CONF="$(write_odoo_config)"
    ports=("$(free_port "${STRESS_HTTP_PORT:-18069}")")
fi
SMTP=$(free_port "${STRESS_SMTP_PORT:-18025}")
SMTP_ARGS=()

say "Installing customer_dialog into the throwaway database $DB"
"$PY" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB" -i "$MODULE_NAME" \
    --without-demo=all --stop-after-init --log-level=warn

say "Installed in $((SECONDS - START)) s. Starting the SMTP sink on 127.0.0.1:$SMTP and ${#ports[@]} Odoo node(s) with ${CLUSTER_WORKERS:-2} workers"
"$PY" "$REPO_ROOT/scripts/smtp_sink.py" "$WORK_DIR/sink" "$SMTP" >"$WORK_DIR/sink.log" 2>&1 &
SINK_PID=$!
start_cluster_nodes "$CONF" "$DB" "$WORK_DIR" "${ports[@]}"
logs=()
for index in "${!ports[@]}"; do
    logs+=("$WORK_DIR/node$((index + 1)).log")
done
STRESS_LOGS="$(IFS=:; echo "${logs[*]}")"
export STRESS_LOGS

rc=0
urls="$(IFS=,; echo "${NODE_URLS[*]}")"
timeout 900 "$PY" "$REPO_ROOT/scripts/stress.py" "$urls" "$DB" \
    "$WORK_DIR/sink" "$SMTP" || rc=$?
elapsed=$((SECONDS - START))
printf 'Time: %dm%02ds. Odoo logs and received emails: %s\n' \
    $((elapsed / 60)) $((elapsed % 60)) "$WORK_DIR"
exit "$rc"
