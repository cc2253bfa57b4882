#!/usr/bin/env bash
# make screenshots: the README's pictures (docs/*.png) from the database of
# make run (run it once first), in German. Starts its own Odoo on a free port
# (no cron, so nothing is sent), drives headless Chromium (scripts/screenshots.py),
# stops Odoo and shrinks the PNGs (pngquant or optipng if installed, else Pillow).
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=scripts/postgres.sh
source "$REPO_ROOT/scripts/postgres.sh"
prepare_odoo
DB_NAME="${DB_NAME:-customer_dialog}"
PY="$VENV_DIR/bin/python"
OUT_DIR="$REPO_ROOT/docs"
MAIL_DIR="${MAIL_DIR:-$CACHE_DIR/mails}"
LOG="$CACHE_DIR/screenshots.log"
ODOO_PID=""

pg_admin exists "$DB_NAME" || die "No database $DB_NAME: run 'make run' once first (it loads the demo story)."

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_process "$ODOO_PID"
}
trap cleanup EXIT

PORT="$(free_port "${SCREENSHOT_PORT:-18469}")"
GEVENT="$(free_port 18472)"
say "Starting Odoo on 127.0.0.1:$PORT against $DB_NAME (log: $LOG)"
"$PY" "$ODOO_DIR/odoo-bin" -c "$CONF" -d "$DB_NAME" --db-filter="^$DB_NAME\$" \
    --http-interface=127.0.0.1 --http-port="$PORT" --gevent-port="$GEVENT" \
    --max-cron-threads=0 --log-level=warn --logfile="$LOG" &
ODOO_PID=$!
BASE="http://127.0.0.1:$PORT"
wait_for_odoo "$ODOO_PID" "$BASE" "$LOG"

say "Taking the screenshots"
"$PY" "$REPO_ROOT/scripts/screenshots.py" "$BASE" "$DB_NAME" "$OUT_DIR" "$MAIL_DIR"

say "Shrinking the PNGs"
"$PY" - "$OUT_DIR" <<'PY'
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

for path in sorted(Path(sys.argv[1]).glob("*.png")):
    before = path.stat().st_size
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--strip",
                        "--quality=70-95", "--ext", ".png", str(path)], check=False)
    else:  # 256 colours are plenty for a user interface
        image = Image.open(path).convert("RGB")
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", str(path)], check=False)
    print(f"  {path.name}: {before // 1024} KB -> {path.stat().st_size // 1024} KB")
PY
