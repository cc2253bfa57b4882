#!/usr/bin/env bash
# make cluster: customer_dialog as it runs past one machine, on loopback: a
# PostgreSQL primary and a streaming hot standby in the cache, two Odoo nodes
# with workers on the primary that serve read-only routes from the standby
# and share one data_dir, the SMTP sink and the German demo story of make run
# (database customer_dialog_cluster). Ctrl+C stops everything it started.
# Ports: CLUSTER_HTTP_PORTS ("8169 8170"), CLUSTER_PRIMARY_PORT (55432),
# CLUSTER_STANDBY_PORT (55433); taken ones are replaced by free ones.
source "$(dirname "$0")/common.sh"
source "$REPO_ROOT/scripts/postgres.sh"
# shellcheck source=scripts/demo_db.sh
source "$REPO_ROOT/scripts/demo_db.sh"
# shellcheck source=scripts/cluster_lib.sh
source "$REPO_ROOT/scripts/cluster_lib.sh"
"$REPO_ROOT/scripts/setup_odoo.sh"
"$REPO_ROOT/scripts/setup_venv.sh"
link_module
DB_NAME="${DB_NAME:-customer_dialog_cluster}"
PY="$VENV_DIR/bin/python"
LOG_DIR="$CACHE_DIR/cluster-logs"
SINK_PID=""

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_cluster_nodes
    stop_process "$SINK_PID"
    stop_cluster_postgres
    say "Cluster stopped."
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$LOG_DIR"

start_cluster_postgres
DB_HOST=127.0.0.1
DB_PORT="$PRIMARY_PORT"
pg_admin ensure-role || die "Cannot log in to the primary as '$DB_USER'."
CONF="$(write_cluster_config cluster)"
ODOO=("$PY" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB_NAME")
start_mail_sink "$CACHE_DIR/cluster-mails" "${MAIL_SINK_PORT:-2526}"
prepare_demo_database

read -r -a wanted <<<"${CLUSTER_HTTP_PORTS:-8169 8170}"
ports=()
for port in "${wanted[@]}"; do
    ports+=("$(free_port "$port")")
done
say "Starting ${#ports[@]} Odoo nodes (${CLUSTER_WORKERS:-2} workers each; logs in $LOG_DIR)"
start_cluster_nodes "$CONF" "$DB_NAME" "$LOG_DIR" "${ports[@]}"
say "The cluster runs (admin/admin; portal: kunde/kunde, kundin/kundin):"
for url in "${NODE_URLS[@]}"; do
    say "  $url"
done
say "PostgreSQL primary 127.0.0.1:$PRIMARY_PORT, hot standby 127.0.0.1:$STANDBY_PORT (read-only routes read there). Ctrl+C stops it all."
wait -n "${CLUSTER_NODE_PIDS[@]}" || true
die "An Odoo node stopped; see $LOG_DIR."
