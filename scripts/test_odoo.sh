#!/usr/bin/env bash
# make test-odoo: Odoo's own test suites of mail, portal, test_mail and
# test_mail_full, run with customer_dialog installed. Every failing test is run
# again without customer_dialog (and once more with it): a regression is a test
# that fails with the module and passes without it. Arguments go to pytest for
# the first run (e.g. -k composer).
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=scripts/postgres.sh
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo

run_id="$(date +%s)_$$"
WITH_DB="${MODULE_NAME}_odoo_with_${run_id}"        # first shard, then the rerun with the module
WITH_DB2="${MODULE_NAME}_odoo_with2_${run_id}"      # a copy for the second shard
WITHOUT_DB="${MODULE_NAME}_odoo_without_${run_id}"  # only when something failed
# Logs and JUnit reports, one folder per run (runs may overlap); "latest" is
# the newest, folders older than two days are removed.
REPORTS="$CACHE_DIR/test-odoo-$CHECKOUT_ID"
REPORT_DIR="$REPORTS/$run_id"
ODOO=("$VENV_DIR/bin/python" "$ODOO_DIR/odoo-bin")
ADDONS="$ODOO_DIR/addons"
# Two shards of about the same duration, one per core: Discuss (mostly tours),
# portal and test_mail_full; the rest of mail and test_mail.
SHARD1=("$ADDONS/mail/tests/discuss" "$ADDONS/portal/tests" "$ADDONS/test_mail_full/tests")
SHARD2=("$ADDONS/mail/tests" "--ignore=$ADDONS/mail/tests/discuss" "$ADDONS/test_mail/tests")
START=$SECONDS
PIDS=()

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local pid _
    local -a alive
    # Odoo's server in pytest turns the first SIGTERM into KeyboardInterrupt,
    # which a test may swallow; the second one ends the process.
    for _ in 1 2 3; do
        alive=()
        for pid in "${PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive+=("$pid")
        done
        [ "${#alive[@]}" -gt 0 ] || break
        kill "${alive[@]}" 2>/dev/null || true
        sleep 1
    done
    drop_database "$WITH_DB"
    drop_database "$WITH_DB2"
    drop_database "$WITHOUT_DB"
}
trap cleanup EXIT
mkdir -p "$REPORT_DIR"
find "$REPORTS" -mindepth 1 -maxdepth 1 -mtime +2 -exec rm -rf {} +
ln -sfn "$run_id" "$REPORTS/latest"

# A fingerprint of the module's installed files (not its tests, tools or
# docs), to tell when they changed during the run.
module_hash() {
    (cd "$REPO_ROOT" && git ls-files -co --exclude-standard -z -- . ':!tests' ':!scripts' ':!docs' ':!.ci' ':!Makefile' ':!*.md' \
        | sort -z | xargs -0 md5sum 2>/dev/null | md5sum | cut -c1-32)
}

install_db() {  # DB MODULES
    "${ODOO[@]}" -c "$CONF" -d "$1" -i "$2" --stop-after-init --log-level=warn
}

# run_pytest DB NAME ARGS...: pytest-odoo on DB, output in REPORT_DIR/NAME.log,
# JUnit report in REPORT_DIR/NAME.xml. Node ids are relative to the Odoo tree.
run_pytest() {
    local db="$1" name="$2"
    shift 2
    # exec: the background job is pytest itself, so that cleanup can end it
    exec "$VENV_DIR/bin/pytest" -p no:cacheprovider --rootdir="$ODOO_DIR" \
        --odoo-config="$CONF" --odoo-database="$db" --odoo-http --odoo-log-level=warn \
        --continue-on-collection-errors -rfE --junitxml="$REPORT_DIR/$name.xml" \
        "$@" >"$REPORT_DIR/$name.log" 2>&1
}

# Runs "run_pytest" for every "DB NAME ARGS" job given as the name of an array,
# in parallel, with a progress line every minute; fails when a run could not
# run at all (pytest exit codes 0/1/5 are results, anything else is not).
run_parallel() {
    local job pid i status=0 last=$SECONDS line
    local -a args names=()
    PIDS=()
    for job in "$@"; do
        local -n spec="$job"
        args=("${spec[@]}")
        names+=("${args[1]}")
        run_pytest "${args[@]}" &
        PIDS+=($!)
        unset -n spec
    done
    while :; do
        local running=0
        for pid in "${PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null && running=1
        done
        [ "$running" = 1 ] || break
        sleep 5
        if (( SECONDS - last >= 60 )); then
            last=$SECONDS
            line=""
            for i in "${!names[@]}"; do
                line+=" ${names[$i]}: $(grep -o '\[ *[0-9]*%\]' "$REPORT_DIR/${names[$i]}.log" 2>/dev/null | tail -n1 | tr -d '[] ' || true)"
            done
            say "$(( (SECONDS - START) / 60 )) min;$line (load $(cut -d' ' -f1 /proc/loadavg))"
        fi
    done
    for i in "${!PIDS[@]}"; do
        local rc=0
        wait "${PIDS[$i]}" || rc=$?
        printf '\n===== pytest %s (exit %s) =====\n' "${names[$i]}" "$rc"
        cat "$REPORT_DIR/${names[$i]}.log"
        case "$rc" in
            0|1|5) [ -s "$REPORT_DIR/${names[$i]}.xml" ] || status=1 ;;
            *) status=1 ;;
        esac
    done
    PIDS=()
    return "$status"
}

# junit COMMAND ...: reads the JUnit reports (see the Python below).
junit() {
    "$VENV_DIR/bin/python" - "$ODOO_DIR" "$@" <<'PY'
import os
import sys
import xml.etree.ElementTree as ET

root, command, *args = sys.argv[1:]

# Odoo tests that assert what customer_dialog deliberately forbids, with the
# promise they break; they fail with the module by design, never silently.
DELIBERATE = {
    "addons/test_mail/tests/test_mail_flow.py::TestMailFlow::test_lead_mailgateway": (
        "expects a customer's email filed by the gateway to be emailed to a "
        "portal follower of another company; customer_dialog files it as a "
        "dialog message, which only the delivery rules send (docs/user-guide.md: Only the "
        "delivery rules send)"
    ),
}


def results(paths):
    """{node id: (outcome, one-line reason)} over the JUnit reports."""
    found = {}
    for path in paths:
        if not os.path.getsize(path):  # a run that was not needed
            continue
        for case in ET.parse(path).iter("testcase"):
            cls, name = case.get("classname", ""), case.get("name", "")
            module, _, klass = cls.rpartition(".")
            if not cls:  # a file that could not be collected
                nodeid = name.replace(".", "/") + ".py"
            elif os.path.isfile(os.path.join(root, module.replace(".", "/") + ".py")):
                nodeid = f"{module.replace('.', '/')}.py::{klass}::{name}"
            else:  # a test function outside a class
                nodeid = f"{cls.replace('.', '/')}.py::{name}"
            outcome, reason = "passed", ""
            for child in case:
                if child.tag in ("failure", "error"):
                    if outcome != "failed":
                        text = (child.get("message") or child.text or child.tag).strip()
                        if text.startswith("AssertionError: The test code") and "\n\n" in text:
                            # a tour: what the browser said, not the JS that ran
                            text = "tour failed: " + text.split("\n\n", 1)[1]
                        reason = " ".join(text.split())[:200]
                    outcome = "failed"
                elif child.tag == "skipped" and outcome == "passed":
                    outcome = "skipped"
            if found.get(nodeid, ("",))[0] != "failed":
                found[nodeid] = (outcome, reason)
    return found


def failed(res):
    return [nodeid for nodeid, (outcome, _) in res.items() if outcome == "failed"]


def passed_in(nodeid, *runs):
    return any(run.get(nodeid, ("",))[0] == "passed" for run in runs)


if command == "failures":  # failures FIRST.xml...
    for nodeid in failed(results(args)):
        print(nodeid)
elif command == "suspects":  # suspects RERUN_WITH.xml RERUN_WITHOUT.xml FIRST.xml...
    # failed twice with the module and passed without: worth a run alone
    rerun_with, rerun_without, *first = args
    again, without = results([rerun_with]), results([rerun_without])
    for nodeid in failed(results(first)):
        if passed_in(nodeid, without) and not passed_in(nodeid, again):
            print(nodeid)
elif command == "summary":  # summary RERUN_WITH.xml ALONE.xml RERUN_WITHOUT.xml FIRST.xml...
    rerun_with, alone, rerun_without, *first = args
    res = results(first)
    fails = failed(res)
    again = results([rerun_with]) if fails else {}
    again_alone = results([alone]) if fails else {}
    without = results([rerun_without]) if fails else {}
    counts = {o: sum(1 for r in res.values() if r[0] == o) for o in ("passed", "failed", "skipped")}
    pre, flaky, regressions, unknown, deliberate = [], [], [], [], []
    for nodeid in fails:
        if nodeid in DELIBERATE and without.get(nodeid, ("",))[0] == "passed":
            deliberate.append(nodeid)
        elif without.get(nodeid, ("",))[0] == "failed":
            pre.append(nodeid)
        elif without.get(nodeid, ("",))[0] != "passed":
            unknown.append(nodeid)
        elif passed_in(nodeid, again, again_alone):
            flaky.append(nodeid)
        else:
            regressions.append(nodeid)

    def show(title, ids, with_reason=False):
        print(f"{title}: {len(ids)}")
        indent = " " * (len(title) - len(title.lstrip()) + 4)
        for nodeid in ids:
            print(f"{indent}{nodeid}")
            if with_reason:
                print(f"{indent}    {res[nodeid][1]}")

    print()
    print("=" * 30, "make test-odoo: summary", "=" * 30)
    print(f"Tests run with customer_dialog: {len(res)} "
          f"({counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped)")
    print(f"Failed with customer_dialog: {len(fails)}")
    show("  also fail without customer_dialog (pre-existing, ignored)", pre)
    show("  pass when run again with customer_dialog (flaky, ignored)", flaky)
    show("  not comparable (skipped or not run without customer_dialog)", unknown, True)
    print(f"  deliberate (assert what customer_dialog forbids): {len(deliberate)}")
    for nodeid in deliberate:
        print(f"      {nodeid}\n          {DELIBERATE[nodeid]}")
    show("REGRESSIONS (fail with customer_dialog, pass without it)", regressions, True)
    sys.exit(1 if regressions or unknown else 0)
PY
}

say "Installing customer_dialog, test_mail and test_mail_full into the throwaway database $WITH_DB"
install_db "$WITH_DB" "$MODULE_NAME,test_mail,test_mail_full" \
    || die "make test-odoo could not run: installing customer_dialog, test_mail and test_mail_full failed."
installed_hash="$(module_hash)"
"${ODOO[@]}" db -c "$CONF" duplicate "$WITH_DB" "$WITH_DB2" >"$REPORT_DIR/duplicate.log" 2>&1 \
    || die "make test-odoo could not run: copying $WITH_DB failed (see $REPORT_DIR/duplicate.log)."

say "Running Odoo's tests of mail, portal, test_mail and test_mail_full with customer_dialog (two shards in parallel, 10–15 minutes; follow with: tail -f $REPORT_DIR/with-*.log)"
# shellcheck disable=SC2034  # used through name references in run_parallel
JOB1=("$WITH_DB" with-1 "${SHARD1[@]}" "$@")
# shellcheck disable=SC2034
JOB2=("$WITH_DB2" with-2 "${SHARD2[@]}" "$@")
run_parallel JOB1 JOB2 || die "make test-odoo could not run: pytest did not complete (see the output above)."
drop_database "$WITH_DB2"

mapfile -t FAILED < <(junit failures "$REPORT_DIR/with-1.xml" "$REPORT_DIR/with-2.xml")
if [ "${#FAILED[@]}" -gt 0 ]; then
    say "${#FAILED[@]} tests failed; installing test_mail and test_mail_full without customer_dialog into $WITHOUT_DB"
    install_db "$WITHOUT_DB" "test_mail,test_mail_full" \
        || die "Could not install test_mail and test_mail_full without customer_dialog to compare the failures."
    say "Running the failed tests again, with and without customer_dialog (in parallel)"
    paths=("${FAILED[@]/#/$ODOO_DIR/}")
    # shellcheck disable=SC2034
    AGAIN=("$WITH_DB" rerun-with "${paths[@]}")
    # shellcheck disable=SC2034
    WITHOUT=("$WITHOUT_DB" rerun-without "${paths[@]}")
    run_parallel AGAIN WITHOUT || die "Could not run the failed tests again (see the output above)."
    # Browser tours time out under load: a test that failed twice with the
    # module (both times next to another run) gets one last run on its own.
    mapfile -t SUSPECTS < <(junit suspects "$REPORT_DIR/rerun-with.xml" \
        "$REPORT_DIR/rerun-without.xml" "$REPORT_DIR/with-1.xml" "$REPORT_DIR/with-2.xml")
    if [ "${#SUSPECTS[@]}" -gt 0 ]; then
        say "Running ${#SUSPECTS[@]} tests once more with customer_dialog, alone"
        # shellcheck disable=SC2034
        ALONE=("$WITH_DB" rerun-alone "${SUSPECTS[@]/#/$ODOO_DIR/}")
        run_parallel ALONE || die "Could not run the failed tests again (see the output above)."
    else
        : >"$REPORT_DIR/rerun-alone.xml"
    fi
else
    : >"$REPORT_DIR/rerun-with.xml"
    : >"$REPORT_DIR/rerun-alone.xml"
    : >"$REPORT_DIR/rerun-without.xml"
fi

if [ "$(module_hash)" != "$installed_hash" ]; then
    say "Note: the files of customer_dialog changed during this run; the second run with customer_dialog used the new code on the database installed with the old one (errors there keep a failure a regression)."
fi
rc=0
junit summary "$REPORT_DIR/rerun-with.xml" "$REPORT_DIR/rerun-alone.xml" \
    "$REPORT_DIR/rerun-without.xml" \
    "$REPORT_DIR/with-1.xml" "$REPORT_DIR/with-2.xml" || rc=$?
elapsed=$((SECONDS - START))
printf 'Time: %dm%02ds. Logs and JUnit reports: %s\n' $((elapsed / 60)) $((elapsed % 60)) "$REPORT_DIR"
exit "$rc"
