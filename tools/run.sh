#!/usr/bin/env bash
# make run: Odoo 18.0 with customer_dialog and demo data on http://localhost:8069.
source "$(dirname "$0")/common.sh"
source "$REPO_ROOT/tools/postgres.sh"
prepare_odoo
DB_NAME="${DB_NAME:-customer_dialog}"
ODOO=("$VENV_DIR/bin/python" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB_NAME")

# Update the module only when its files changed since the last run.
module_hash="$(cd "$REPO_ROOT" && git ls-files -co --exclude-standard -z | sort -z | xargs -0 md5sum 2>/dev/null | md5sum | cut -c1-32)"
stamp="$CACHE_DIR/run-$DB_NAME.stamp"
if ! pg_admin exists "$DB_NAME"; then
    say "Creating database $DB_NAME with customer_dialog, demo data and German"
    rm -f "$stamp"
    "${ODOO[@]}" -i "$MODULE_NAME" --load-language=de_DE --stop-after-init --log-level=warn
elif [ "$(cat "$stamp" 2>/dev/null)" != "$module_hash" ]; then
    say "Updating customer_dialog in database $DB_NAME"
    "${ODOO[@]}" -u "$MODULE_NAME" --stop-after-init --log-level=warn
fi
echo "$module_hash" > "$stamp"

say "Odoo runs on http://localhost:${HTTP_PORT:-8069} (admin/admin; portal: kunde/kunde, kundin/kundin). Ctrl+C stops it."
exec "${ODOO[@]}" --db-filter="^$DB_NAME\$"
