#!/bin/sh
# Nightly backup: dump the database (pg_dump -Fc), prove the dump restores (restore_check compares every table's
# row count in a scratch database), copy the uploaded files. Keeps the newest $BACKUP_KEEP dumps.
# Run as the partyhub user with the environment of /etc/partyhub/partyhub.env (partyhub-backup.service does),
# or by hand:  set -a; . /etc/partyhub/partyhub.env; set +a; deploy/backup.sh
# Copy $BACKUP_DIR to another machine afterwards: a backup on the database server's own disk is not a backup.
set -eu
cd "$(dirname "$0")/.."
BACKUP_DIR="${BACKUP_DIR:-/var/backups/partyhub}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
PY=.venv/bin/python

dumpfile=$($PY manage.py backup --output-dir "$BACKUP_DIR" --keep "$BACKUP_KEEP" | head -n 1 | cut -d' ' -f1)
echo "backup: $dumpfile"
# The counts are compared with the live database a minute after the dump: run it in quiet hours. Sessions come
# and go at any hour, so their table is printed but not compared. A difference elsewhere exits non-zero.
$PY manage.py restore_check "$dumpfile" --ignore django_session

media="${DJANGO_MEDIA_ROOT:-${VAR_DIR:-var}/media}"
if [ -d "$media" ]; then
    mkdir -p "$BACKUP_DIR/media"
    # Uploaded files never change once written: a mirror is enough.
    rsync -a "$media/" "$BACKUP_DIR/media/" 2>/dev/null || cp -a "$media/." "$BACKUP_DIR/media/"
    echo "media: $media -> $BACKUP_DIR/media"
fi
