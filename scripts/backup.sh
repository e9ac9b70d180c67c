#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the media folder
# (a tarball), into a new time-stamped folder with checksums.
#
#   DATABASE_URL=postgres://user@host:5432/portal MEDIA_ROOT=/srv/portal/media \
#     scripts/backup.sh [backups]          # prints the folder it wrote
#
# The dump is taken in one snapshot while the site keeps running; restore it with
# scripts/restore.sh into an empty database.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
media_root="${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}"
destination="${1:-backups}"
folder="$destination/$(date -u +%Y%m%dT%H%M%SZ)"

case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac

mkdir -p "$folder"
# Owners and grants belong to the target server, not to the backup.
pg_dump --format=custom --no-owner --no-privileges --file "$folder/database.dump" "$DATABASE_URL"
if [ -d "$media_root" ]; then
  tar -C "$media_root" -czf "$folder/media.tar.gz" .
else
  echo "backup: no media folder at $media_root; backing up an empty one" >&2
  tar -czf "$folder/media.tar.gz" -T /dev/null
fi
(cd "$folder" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$folder"
