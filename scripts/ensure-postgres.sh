#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers at DATABASE_URL (default 127.0.0.1:5432).
# If none answers on this machine, starts the installed cluster, installing
# PostgreSQL with apt-get first when it is missing (needs root).
set -euo pipefail

url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/leida?sslmode=disable}"
hostport=$(sed -E 's#^[a-z]+://([^@/]*@)?([^/?]*).*#\2#' <<<"$url")
host=${hostport%%:*}
port=${hostport##*:}
[ "$port" = "$hostport" ] && port=5432
[ -z "$host" ] && host=127.0.0.1

answers() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

if answers; then
  exit 0
fi
case "$host" in
  127.0.0.1|localhost|::1) ;;
  *) echo "PostgreSQL at $host:$port does not answer (DATABASE_URL)." >&2; exit 1 ;;
esac

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "PostgreSQL must be installed or started as root: $*" >&2; exit 1; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "PostgreSQL is not installed; installing it with apt-get..." >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$version" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  as_root pg_createcluster "$version" main >/dev/null
fi

# Local development: let the passwordless postgres user connect over loopback.
hba="/etc/postgresql/$version/main/pg_hba.conf"
if [ -f "$hba" ] && grep -Eq '^host\s+all\s+all\s+(127\.0\.0\.1/32|::1/128)\s+(md5|scram-sha-256)' "$hba"; then
  echo "Allowing passwordless loopback connections in $hba (local development)." >&2
  as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)(md5|scram-sha-256)/\1trust/' "$hba"
fi

echo "Starting PostgreSQL $version..." >&2
as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 60); do
  if answers; then exit 0; fi
  sleep 0.5
done
echo "PostgreSQL did not start on $host:$port." >&2
exit 1
