#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: the database into an EMPTY PostgreSQL
# database, the media files into MEDIA_ROOT.
#
#   createdb portal_restored
#   DATABASE_URL=postgres://user@host:5432/portal_restored MEDIA_ROOT=/srv/portal/media \
#     scripts/restore.sh backups/20261126T210000Z
#
# It refuses a database that already has tables and a media folder that already has files,
# so a restore never mixes two states; the checksums are verified first.
set -euo pipefail

folder="${1:?usage: scripts/restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?set DATABASE_URL to the empty PostgreSQL database to restore into}"
media_root="${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}"

(cd "$folder" && sha256sum --quiet --check SHA256SUMS)

tables=$(psql "$DATABASE_URL" -tAc \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore: the database already has $tables tables; restore into an empty one" >&2
  exit 1
fi
if [ -d "$media_root" ] && [ -n "$(ls -A "$media_root")" ]; then
  echo "restore: $media_root is not empty; restore into an empty media folder" >&2
  exit 1
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$folder/database.dump"
# The restored content-version sequence would hand out numbers the live site already
# used, and a shared cache may still hold pages under them: move it to a fresh random
# range, so nothing cached before the restore is ever served for the restored content.
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "
  SELECT setval('core_contentversion_seq',
                nextval('core_contentversion_seq') + 1 + floor(random() * 2^40)::bigint);
  UPDATE core_contentversion SET version = nextval('core_contentversion_seq'), changed_at = now()
  WHERE id = 1;"
mkdir -p "$media_root"
tar -C "$media_root" -xzf "$folder/media.tar.gz"
echo "restored $folder into the database and $media_root"
