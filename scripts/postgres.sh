# Sourced after common.sh. ensure_postgres leaves DB_HOST/DB_PORT pointing at a
# server where DB_USER may create databases. A reachable server is used as it
# is; otherwise a private cluster is initialised in the cache and started.
pg_admin() { "$VENV_DIR/bin/python" "$REPO_ROOT/scripts/pg_admin.py" "$DB_HOST" "$DB_PORT" "$DB_USER" "$@"; }

pg_bindir() {
    local dir
    for dir in "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

start_private_cluster() {
    [ "$(id -u)" != 0 ] || die "No PostgreSQL server answers at $DB_HOST:$DB_PORT and PostgreSQL refuses to run as root: start a server (or set DB_HOST/DB_PORT to one) and run again."
    local bindir
    bindir="$(pg_bindir)" || die "No PostgreSQL server answers at $DB_HOST:$DB_PORT and no initdb was found: install PostgreSQL (e.g. 'sudo apt-get install postgresql') or set DB_HOST/DB_PORT to a running server."
    if [ ! -f "$PRIVATE_PG_DIR/data/PG_VERSION" ]; then
        say "Initialising a private PostgreSQL cluster in $PRIVATE_PG_DIR"
        mkdir -p "$PRIVATE_PG_DIR"
        "$bindir/initdb" -D "$PRIVATE_PG_DIR/data" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! "$bindir/pg_ctl" -D "$PRIVATE_PG_DIR/data" status >/dev/null 2>&1; then
        say "Starting the private PostgreSQL cluster on 127.0.0.1:$PRIVATE_PG_PORT"
        "$bindir/pg_ctl" -D "$PRIVATE_PG_DIR/data" -l "$PRIVATE_PG_DIR/postgres.log" -w start \
            -o "-p $PRIVATE_PG_PORT -k $PRIVATE_PG_DIR -c listen_addresses=127.0.0.1" >/dev/null \
            || die "The private PostgreSQL cluster did not start; see $PRIVATE_PG_DIR/postgres.log."
    fi
}

ensure_postgres() {
    if ! pg_admin reachable; then
        DB_HOST=127.0.0.1
        DB_PORT="$PRIVATE_PG_PORT"
        pg_admin reachable || start_private_cluster
    fi
    pg_admin ensure-role \
        || die "Cannot log in to PostgreSQL at $DB_HOST:$DB_PORT as '$DB_USER' nor create that role: create it ('createuser --createdb $DB_USER') or set DB_USER and run again."
}

# Everything a command needs before it runs Odoo: the source tree, the
# virtualenv, a database server, the module in an addons folder and CONF.
prepare_odoo() {
    "$REPO_ROOT/scripts/setup_odoo.sh"
    "$REPO_ROOT/scripts/setup_venv.sh"
    ensure_postgres
    link_module
    CONF="$(write_odoo_config)"
}

# Drops a throwaway database and its filestore.
drop_database() {
    pg_admin drop "$1" >/dev/null 2>&1 || true
    rm -rf "$CACHE_DIR/data/filestore/$1"
}
