#!/usr/bin/env bash
# make pot: export i18n/customer_dialog.pot from a throwaway database and merge
# it into i18n/de.po (new strings arrive untranslated, to be filled in).
source "$(dirname "$0")/common.sh"
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo
DB="${MODULE_NAME}_i18n_$$"
trap 'drop_database "$DB"' EXIT
ODOO=("$VENV_DIR/bin/python" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB" --log-level=warn --stop-after-init)
"${ODOO[@]}" -i "$MODULE_NAME" --without-demo=all
"${ODOO[@]}" --i18n-export="$REPO_ROOT/i18n/$MODULE_NAME.pot" --modules="$MODULE_NAME"
if [ -f "$REPO_ROOT/i18n/de.po" ]; then
    msgmerge --quiet --update --no-fuzzy-matching --backup=none "$REPO_ROOT/i18n/de.po" "$REPO_ROOT/i18n/$MODULE_NAME.pot"
else
    msginit --no-translator --locale=de_DE --input="$REPO_ROOT/i18n/$MODULE_NAME.pot" --output="$REPO_ROOT/i18n/de.po"
fi
msgattrib --no-obsolete --output-file="$REPO_ROOT/i18n/de.po" "$REPO_ROOT/i18n/de.po"
msgfmt --check-format -o /dev/null "$REPO_ROOT/i18n/de.po"
untranslated="$(msgattrib --untranslated "$REPO_ROOT/i18n/de.po" | grep -c '^msgid ' || true)"
say "i18n/de.po: $untranslated untranslated entries"
