# Sourced after common.sh and postgres.sh by cluster.sh (make cluster) and
# stress.sh (make stress CLUSTER=1): Odoo as it scales past one machine, on
# loopback. A PostgreSQL primary and a streaming hot standby made from it
# (pg_basebackup -R), two Odoo nodes with workers on the primary that read
# on the standby (db_replica_host/db_replica_port) and share one data_dir.
#
# The primary keeps its data between runs (the demo database survives); the
# standby is made afresh from it on every start. PostgreSQL refuses to run
# as root: as root, the clusters live in /var/tmp (the cache under /root is
# out of the postgres user's reach) and run as that user.

CLUSTER_NODE_PIDS=()

cluster_pg_dir() {
    if [ "$(id -u)" = 0 ]; then
        printf '%s\n' "/var/tmp/customer_dialog-cluster-$CHECKOUT_ID"
    else
        printf '%s\n' "$CACHE_DIR/cluster-$CHECKOUT_ID"
    fi
}

# as_pg COMMAND...: runs a PostgreSQL binary as the user owning the clusters.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# start_cluster_postgres: the primary on PRIMARY_PORT and the standby on
# STANDBY_PORT (both set here), started and streaming.
start_cluster_postgres() {
    local bindir dir
    bindir="$(pg_bindir)" \
        || die "make cluster needs PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup): install them, e.g. 'sudo apt-get install postgresql', and run again."
    [ -x "$bindir/pg_basebackup" ] || bindir="$(dirname "$(command -v pg_basebackup)")" \
        || die "pg_basebackup was not found: install PostgreSQL's client programs (e.g. 'sudo apt-get install postgresql-client')."
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        die "PostgreSQL refuses to run as root and there is no 'postgres' user to run it as: create one (useradd -r postgres) or run as another user."
    fi
    CLUSTER_BIN="$bindir"
    CLUSTER_DIR="$(cluster_pg_dir)"
    dir="$CLUSTER_DIR"
    PRIMARY_PORT="$(free_port "${CLUSTER_PRIMARY_PORT:-55432}")"
    STANDBY_PORT="$(free_port "${CLUSTER_STANDBY_PORT:-55433}")"
    mkdir -p "$dir/run"
    [ "$(id -u)" != 0 ] || chown -R postgres: "$dir"
    if [ ! -f "$dir/primary/PG_VERSION" ]; then
        say "Initialising the PostgreSQL primary in $dir/primary"
        as_pg "$bindir/initdb" -D "$dir/primary" -U "$DB_USER" --auth=trust \
            -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    say "Starting the PostgreSQL primary on 127.0.0.1:$PRIMARY_PORT"
    as_pg "$bindir/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start \
        -o "-p $PRIMARY_PORT -k $dir/run -c listen_addresses=127.0.0.1 -c max_connections=300 -c wal_level=replica -c max_wal_senders=4" \
        >/dev/null || die "The PostgreSQL primary did not start; see $dir/primary.log."
    say "Copying it into a hot standby (pg_basebackup -R) and starting it on 127.0.0.1:$STANDBY_PORT"
    as_pg rm -rf "$dir/standby"
    as_pg "$bindir/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U "$DB_USER" \
        -D "$dir/standby" -R -X stream -c fast \
        || die "pg_basebackup from the primary failed (see above)."
    as_pg "$bindir/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w start \
        -o "-p $STANDBY_PORT -k $dir/run -c listen_addresses=127.0.0.1 -c max_connections=300 -c hot_standby=on" \
        >/dev/null || die "The hot standby did not start; see $dir/standby.log."
    "$VENV_DIR/bin/python" "$REPO_ROOT/scripts/pg_admin.py" 127.0.0.1 "$STANDBY_PORT" \
        "$DB_USER" standby || die "The server on port $STANDBY_PORT is no streaming standby; see $dir/standby.log."
}

stop_cluster_postgres() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    local data
    for data in standby primary; do
        [ -f "$CLUSTER_DIR/$data/postmaster.pid" ] || continue
        as_pg "$CLUSTER_BIN/pg_ctl" -D "$CLUSTER_DIR/$data" -m fast -w stop >/dev/null 2>&1 || true
    done
}

# write_cluster_config NAME: the Odoo configuration of the cluster's nodes
# (on the primary, reading on the standby); prints its path.
write_cluster_config() {
    local conf
    conf="$(DB_HOST=127.0.0.1 DB_PORT="$PRIMARY_PORT" write_odoo_config "$1")"
    cat >>"$conf" <<CONF
db_replica_host = 127.0.0.1
db_replica_port = $STANDBY_PORT
CONF
    printf '%s\n' "$conf"
}

# start_cluster_nodes CONF DB LOG_DIR HTTP_PORT... : one Odoo node per port,
# each with CLUSTER_WORKERS (2) workers and a cron thread, logging warnings
# and every request (with its cursor: ro = on the standby) into
# LOG_DIR/node<N>.log; sets NODE_URLS and waits until every node answers.
start_cluster_nodes() {
    local conf="$1" db="$2" logs="$3" index=0 port gevent pid
    shift 3
    NODE_URLS=()
    for port in "$@"; do
        index=$((index + 1))
        gevent="$(free_port $((port + 3)))"
        "$VENV_DIR/bin/python" "$ODOO_DIR/odoo-bin" -c "$conf" -d "$db" \
            --db-filter="^$db\$" --workers="${CLUSTER_WORKERS:-2}" \
            --max-cron-threads=1 --http-interface=127.0.0.1 \
            --http-port="$port" --gevent-port="$gevent" \
            --limit-time-real=300 --log-level=warn --log-handler=werkzeug:INFO \
            --logfile="$logs/node$index.log" "${SMTP_ARGS[@]}" \
            >"$logs/node$index.stderr" 2>&1 &
        pid=$!
        CLUSTER_NODE_PIDS+=("$pid")
        NODE_URLS+=("http://127.0.0.1:$port")
    done
    index=0
    for pid in "${CLUSTER_NODE_PIDS[@]}"; do
        wait_for_odoo "$pid" "${NODE_URLS[$index]}" "$logs/node$((index + 1)).log"
        index=$((index + 1))
    done
}

stop_cluster_nodes() {
    local pid
    for pid in "${CLUSTER_NODE_PIDS[@]}"; do
        stop_process "$pid"
    done
    CLUSTER_NODE_PIDS=()
}
