#!/usr/bin/env bash
# make bench: the performance ratios of issue 9 on a throwaway database with
# BENCH_N (200000) dialog messages over 2000 customers, measured side by side
# in one run (scripts/bench.py). Targets are only reported, never asserted by a
# test. The query plans go to $CACHE_DIR/bench-<checkout>/plans.log.
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=scripts/postgres.sh
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo

N="${BENCH_N:-200000}"
DB="${MODULE_NAME}_bench_$(date +%s)_$$"
WORK_DIR="$CACHE_DIR/bench-$CHECKOUT_ID"   # plans and Odoo's log of the last run
PY="$VENV_DIR/bin/python"
ODOO=("$PY" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB")
BENCH=("$PY" "$REPO_ROOT/scripts/bench.py" "$CONF" "$DB")
START=$SECONDS
ODOO_PID=""

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_process "$ODOO_PID"
    if [ -n "${BENCH_KEEP:-}" ]; then
        say "BENCH_KEEP is set: the database $DB stays (drop it with: dropdb $DB)"
    else
        drop_database "$DB"
    fi
}
trap cleanup EXIT
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"

step() { say "$(( SECONDS - START )) s: $*"; }

step "Installing sale (no demo data) into the throwaway database $DB"
"${ODOO[@]}" -i sale --without-demo=all --stop-after-init --log-level=warn
step "Generating 2000 customers and $N plain chatter messages"
"${BENCH[@]}" plain "$N"
step "Installing customer_dialog on it"
t0=$EPOCHREALTIME
"${ODOO[@]}" -i "$MODULE_NAME" --stop-after-init --log-level=warn
INSTALL_SECONDS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
step "Installed in $INSTALL_SECONDS s. Generating $N dialog messages"
"${BENCH[@]}" dialog "$N"

HTTP=$(free_port 0)
step "Starting Odoo on 127.0.0.1:$HTTP for the HTTP rows"
"${ODOO[@]}" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$HTTP" \
    --max-cron-threads=0 --log-level=warn --logfile="$WORK_DIR/odoo.log" \
    >"$WORK_DIR/odoo.stderr" 2>&1 &
ODOO_PID=$!
wait_for_odoo "$ODOO_PID" "http://127.0.0.1:$HTTP" "$WORK_DIR/odoo.log"

step "Measuring"
"${BENCH[@]}" measure "http://127.0.0.1:$HTTP" "$INSTALL_SECONDS" "$WORK_DIR/plans.log" \
    | tee "$WORK_DIR/result.txt"
elapsed=$((SECONDS - START))
printf 'Time: %dm%02ds (BENCH_N=%s). Plans and logs: %s\n' \
    $((elapsed / 60)) $((elapsed % 60)) "$N" "$WORK_DIR" | tee -a "$WORK_DIR/result.txt"
