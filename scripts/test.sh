#!/usr/bin/env bash
# make test: the whole suite with pytest-odoo on a throwaway database.
source "$(dirname "$0")/common.sh"
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo

# Odoo's own runner (make test-standard, OCA's CI) only runs the test modules
# that tests/__init__.py imports: every tests/test_*.py must be there.
missing="$(cd "$REPO_ROOT/tests" && for f in test_*.py; do
    grep -qx "from . import ${f%.py}" __init__.py || echo "${f%.py}"
done)"
[ -z "$missing" ] || die "tests/__init__.py does not import: $missing (Odoo's runner would skip them)"
TEST_DB="${MODULE_NAME}_test_$(date +%s)_$$"

trap 'drop_database "$TEST_DB"' EXIT

# sale, crm and project: the apps whose documents are reference objects and
# sections of the customer overview (the module depends on none of them;
# make test-standard runs without them)
say "Installing customer_dialog, sale, crm and project into the throwaway database $TEST_DB"
"$VENV_DIR/bin/python" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$TEST_DB" \
    -i "$MODULE_NAME,sale,crm,project" --stop-after-init --log-level=warn

say "Running the test suite"
# The path goes through the addons folder so that pytest-odoo imports the
# tests as odoo.addons.customer_dialog.tests, whatever this clone is called.
"$VENV_DIR/bin/pytest" -p no:cacheprovider \
    --odoo-config="$CONF" --odoo-database="$TEST_DB" --odoo-http --odoo-log-level=warn \
    "$ADDONS_DIR/$MODULE_NAME/tests" "$@"
