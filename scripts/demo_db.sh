# Sourced by run.sh and cluster.sh after common.sh and postgres.sh.
# prepare_demo_database: DB_NAME with customer_dialog, DEMO_MODULES and the
# German demo story, created on the first run and updated when the module's
# files changed; uses CONF, PY, ODOO (the odoo-bin command on DB_NAME),
# SMTP_ARGS and SMTP_PORT (the sink's port: the demo's mail server).
# What the demo shows besides the module (which depends on mail and portal only).
DEMO_MODULES="${DEMO_MODULES:-contacts,sale_management}"

prepare_demo_database() {
    # Update the module only when its files changed since the last run.
    local module_hash stamp missing update
    module_hash="$(cd "$REPO_ROOT" && git ls-files -co --exclude-standard -z | sort -z | xargs -0 md5sum 2>/dev/null | md5sum | cut -c1-32)"
    stamp="$CACHE_DIR/run-$DB_NAME.stamp"
    if ! pg_admin exists "$DB_NAME"; then
        rm -f "$stamp"
        # The German company exists before any module sends an email: the demo
        # data's first emails come from it, in German.
        say "Creating database $DB_NAME with German (base only)"
        "${ODOO[@]}" "${SMTP_ARGS[@]}" -i base --load-language=de_DE \
            --stop-after-init --log-level=warn
        say "Setting up the demo company Lindenhof Service GmbH (address, euro, A4, logo)"
        DEMO_STEP=identity "$PY" "$ODOO_DIR/odoo-bin" shell -c "$CONF" -d "$DB_NAME" \
            --no-http --log-level=warn < "$REPO_ROOT/scripts/demo_story.py" \
            || die "The demo company could not be set up (see above)."
        say "Installing customer_dialog, $DEMO_MODULES and their demo data"
        "${ODOO[@]}" "${SMTP_ARGS[@]}" -i "$MODULE_NAME,$DEMO_MODULES" \
            --stop-after-init --log-level=warn
    else
        missing="$("$PY" "$REPO_ROOT/scripts/run_helpers.py" missing-modules "$DEMO_MODULES" \
            "$DB_HOST" "$DB_PORT" "$DB_USER" "$DB_NAME")"
        update=()
        [ "$(cat "$stamp" 2>/dev/null)" = "$module_hash" ] || update=(-u "$MODULE_NAME")
        if [ -n "$missing" ]; then
            say "Installing $missing into database $DB_NAME"
            "${ODOO[@]}" "${SMTP_ARGS[@]}" -i "$missing" "${update[@]}" --load-language=de_DE \
                --stop-after-init --log-level=warn
        elif [ "${#update[@]}" -gt 0 ]; then
            say "Updating customer_dialog in database $DB_NAME"
            "${ODOO[@]}" "${SMTP_ARGS[@]}" "${update[@]}" --stop-after-init --log-level=warn
        fi
    fi
    echo "$module_hash" > "$stamp"

    say "Loading the demo story (customers, orders, conversations; idempotent) and the mail server"
    # (the refused email of the story is expected: mail_mail's error log is muted)
    MAIL_SINK_PORT="$SMTP_PORT" "$PY" "$ODOO_DIR/odoo-bin" shell -c "$CONF" -d "$DB_NAME" \
        "${SMTP_ARGS[@]}" --no-http --log-level=warn \
        --log-handler=odoo.addons.mail.models.mail_mail:CRITICAL \
        < "$REPO_ROOT/scripts/demo_story.py" \
        || die "The demo story failed to load (see above)."
}

# start_mail_sink DIR WANTED_PORT: the SMTP sink that keeps every email of
# Odoo as an .eml file in DIR, on WANTED_PORT if free, else on any free port;
# sets SINK_PID, SMTP_PORT and SMTP_ARGS (Odoo's fallback while no
# ir.mail_server exists, e.g. during installation).
start_mail_sink() {
    local dir="$1" log _
    log="$dir/../$(basename "$dir")-sink.log"
    SMTP_PORT="$(free_port "$2")"
    mkdir -p "$dir"
    "$PY" "$REPO_ROOT/scripts/mail_sink.py" "$dir" "$SMTP_PORT" >"$log" 2>&1 &
    SINK_PID=$!
    for _ in $(seq 40); do
        grep -q "smtp sink on" "$log" 2>/dev/null && break
        kill -0 "$SINK_PID" 2>/dev/null || die "The SMTP sink did not start; see $log."
        sleep 0.25
    done
    say "SMTP sink on 127.0.0.1:$SMTP_PORT stores every email in $dir (make mails lists them)"
    SMTP_ARGS=(--smtp=127.0.0.1 "--smtp-port=$SMTP_PORT")
}
