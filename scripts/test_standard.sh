#!/usr/bin/env bash
# make test-standard: the suite through Odoo's own test runner, as OCA's CI and
# most integrators run it, on a throwaway database WITHOUT sale (the module
# depends on mail and portal only; tests that need sales orders skip):
#   odoo-bin -i customer_dialog --test-enable --stop-after-init
# mail and portal are installed first without tests, so that only
# customer_dialog's tests run (at_install, then post_install).
source "$(dirname "$0")/common.sh"
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo
TEST_DB="${MODULE_NAME}_standard_$(date +%s)_$$"
LOG="$CACHE_DIR/test-standard-$CHECKOUT_ID.log"
ODOO=("$VENV_DIR/bin/python" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$TEST_DB")
PORT="$(free_port 18269)"

trap 'drop_database "$TEST_DB"' EXIT

say "Installing mail and portal (no tests) into the throwaway database $TEST_DB"
"${ODOO[@]}" -i mail,portal --stop-after-init --log-level=warn

say "odoo-bin -i customer_dialog --test-enable --stop-after-init (log: $LOG)"
rc=0
"${ODOO[@]}" -i "$MODULE_NAME" --test-enable --stop-after-init --log-level=test \
    --http-port="$PORT" >"$LOG" 2>&1 || rc=$?
grep -aE " (ERROR|FAIL): " "$LOG" | head -n 20 || true
say "$(grep -ac " skipped " "$LOG" || true) tests or test classes skipped (they need sale; see $LOG)"
result="$(grep -aE "odoo.tests.result: [0-9]+ failed, [0-9]+ error" "$LOG" | tail -n 1 || true)"
[ -n "$result" ] || die "No test result in $LOG (exit code $rc)."
printf '%s\n' "${result#*odoo.tests.result: }"
case "$result" in
    *": 0 failed, 0 error(s)"*) [ "$rc" = 0 ] || die "odoo-bin exited with $rc; see $LOG." ;;
    *) die "Tests failed; see $LOG." ;;
esac
