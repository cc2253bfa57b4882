#!/usr/bin/env bash
# Builds the cached virtualenv: Odoo's pinned requirements (their old sdists
# need pkg_resources, hence setuptools<70 for every build) plus our dev tools.
source "$(dirname "$0")/common.sh"

missing=()
command -v pg_config >/dev/null || missing+=(libpq-dev)
[ -f /usr/include/ldap.h ] || missing+=(libldap2-dev)
[ -f /usr/include/sasl/sasl.h ] || missing+=(libsasl2-dev)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "Installing system packages: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    else
        die "Missing system packages: install them with 'sudo apt-get install ${missing[*]}' and run again."
    fi
fi

# Optional: PDFs (the letter, the customer file) and reading them in the tests;
# without them the reports are HTML and the PDF test is skipped with the reason.
optional=()
command -v wkhtmltopdf >/dev/null || optional+=(wkhtmltopdf)
command -v pdftotext >/dev/null || optional+=(poppler-utils)
fc-list 2>/dev/null | grep -q "Liberation Sans" || optional+=(fonts-liberation)
if [ ${#optional[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "Installing system packages for PDFs: ${optional[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${optional[@]}" >/dev/null \
            || say "Could not install ${optional[*]}: letters are HTML, their PDF test is skipped."
    else
        say "For PDF letters: 'sudo apt-get install ${optional[*]}' (optional)."
    fi
fi

stamp="$VENV_DIR/.customer_dialog-stamp"
wanted="$(cat "$ODOO_DIR/requirements.txt" "$REPO_ROOT/scripts/requirements-dev.txt" | md5sum | cut -c1-32) $ODOO_DIR"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    exit 0
fi

say "Building the virtualenv in $VENV_DIR (a few minutes, once)"
[ -x "$VENV_DIR/bin/python" ] || "$PYTHON" -m venv "$VENV_DIR"
constraint="$CACHE_DIR/pip-constraint.txt"
echo "setuptools<70" > "$constraint"
export PIP_CONSTRAINT="$constraint" PIP_DISABLE_PIP_VERSION_CHECK=1
"$VENV_DIR/bin/pip" install -q "setuptools<70" wheel
"$VENV_DIR/bin/pip" install -q -r "$ODOO_DIR/requirements.txt"
"$VENV_DIR/bin/pip" install -q -r "$REPO_ROOT/scripts/requirements-dev.txt"
# Make "import odoo" work (pytest-odoo, scripts) without installing Odoo itself.
site="$("$VENV_DIR/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$ODOO_DIR" > "$site/odoo-source.pth"
echo "$wanted" > "$stamp"
