# Shared settings for the setup scripts; sourced, never run directly.
# Everything that is installed lives in a cache outside the checkout so that
# every clone on this machine (including CI's) reuses it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE_NAME=customer_dialog
CACHE_DIR="${CUSTOMER_DIALOG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/customer_dialog}"
ODOO_DIR="$CACHE_DIR/odoo"
VENV_DIR="$CACHE_DIR/venv"
PYTHON="${PYTHON:-python3}"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
# One addons folder per checkout: Odoo needs the folder to carry the module's
# name, whatever the clone's own directory is called.
CHECKOUT_ID="$(printf '%s' "$REPO_ROOT" | md5sum | cut -c1-10)"
ADDONS_DIR="$CACHE_DIR/addons/$CHECKOUT_ID"
DB_HOST="${DB_HOST:-127.0.0.1}"
DB_PORT="${DB_PORT:-5432}"
DB_USER="${DB_USER:-odoo}"
PRIVATE_PG_DIR="$CACHE_DIR/postgres"
PRIVATE_PG_PORT="${PRIVATE_PG_PORT:-54329}"

say() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CACHE_DIR"

link_module() {
    mkdir -p "$ADDONS_DIR"
    ln -sfn "$REPO_ROOT" "$ADDONS_DIR/$MODULE_NAME"
}

# Writes an Odoo configuration file for this checkout and prints its path
# (write_odoo_config NAME: a second one, e.g. for the cluster).
write_odoo_config() {
    local conf="$CACHE_DIR/odoo-$CHECKOUT_ID${1:+-$1}.conf"
    cat > "$conf" <<CONF
[options]
addons_path = $ODOO_DIR/odoo/addons,$ODOO_DIR/addons,$ADDONS_DIR
data_dir = $CACHE_DIR/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = False
admin_passwd = ${ODOO_MASTER_PASSWORD:-admin}
http_port = ${HTTP_PORT:-8069}
list_db = False
CONF
    printf '%s\n' "$conf"
}

# stop_process PID: SIGTERM, then SIGKILL after 15 s.
stop_process() {
    local pid="$1" _
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# wait_for_odoo PID BASE_URL LOG: until the server at BASE_URL answers its
# health check (at most 2 minutes).
wait_for_odoo() {
    local pid="$1" url="$2/web/health" log="$3" _
    for _ in $(seq 240); do
        kill -0 "$pid" 2>/dev/null || die "Odoo stopped; see $log"
        "$VENV_DIR/bin/python" -c \
            "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
            "$url" 2>/dev/null && return 0
        sleep 0.5
    done
    die "Odoo did not answer $url within 2 minutes; see $log"
}

# free_port WANTED: WANTED if nothing listens there on loopback, else any free port.
free_port() {
    "$VENV_DIR/bin/python" "$REPO_ROOT/scripts/run_helpers.py" free-port "$1"
}
