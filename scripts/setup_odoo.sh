#!/usr/bin/env bash
# Puts an Odoo 18.0 source tree into the cache: from ODOO_SRC, else the cached
# copy, else a shallow clone of Odoo's public 18.0 branch.
source "$(dirname "$0")/common.sh"

is_odoo_18() {
    [ -f "$1/odoo-bin" ] && grep -Eq "^version_info = \(18, 0" "$1/odoo/release.py" 2>/dev/null
}

if [ -n "${ODOO_SRC:-}" ]; then
    is_odoo_18 "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo-bin / release 18.0 there)."
    if [ "$(cd "$ODOO_SRC" && pwd -P)" != "$(mkdir -p "$ODOO_DIR" && cd "$ODOO_DIR" && pwd -P)" ]; then
        say "Copying Odoo 18.0 from $ODOO_SRC into $ODOO_DIR"
        rsync -a --delete --exclude .git "$ODOO_SRC/" "$ODOO_DIR/"
    fi
elif is_odoo_18 "$ODOO_DIR"; then
    :
else
    say "Cloning Odoo 18.0 from $ODOO_GIT_URL (about 1 GB)"
    rm -rf "$ODOO_DIR.partial"
    if git clone --quiet --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$ODOO_DIR.partial" \
        && is_odoo_18 "$ODOO_DIR.partial"; then
        rm -rf "$ODOO_DIR" && mv "$ODOO_DIR.partial" "$ODOO_DIR"
    else
        rm -rf "$ODOO_DIR.partial"
        die "Odoo 18.0 could not be cloned from $ODOO_GIT_URL: set ODOO_SRC to the path of an Odoo 18.0 source tree and run again."
    fi
fi
is_odoo_18 "$ODOO_DIR" || die "No Odoo 18.0 tree in $ODOO_DIR: set ODOO_SRC to the path of an Odoo 18.0 source tree and run again."
