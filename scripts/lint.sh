#!/usr/bin/env bash
# make lint: ruff (style, imports, format) and pylint-odoo (Odoo conventions).
source "$(dirname "$0")/common.sh"
"$REPO_ROOT/scripts/setup_odoo.sh"
"$REPO_ROOT/scripts/setup_venv.sh"
cd "$REPO_ROOT"
"$VENV_DIR/bin/ruff" check .
"$VENV_DIR/bin/ruff" format --check .
link_module
cd "$ADDONS_DIR"
# README.md (not OCA's generated README.rst) documents the module.
"$VENV_DIR/bin/pylint" --rcfile="$REPO_ROOT/.pylintrc" --disable=missing-readme "$MODULE_NAME"
echo "lint: clean"
