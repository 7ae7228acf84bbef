#!/usr/bin/env bash
# `make run`: database, migrations, bootstrap, demo data, then serve on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=bin/leida
mkdir -p var

# The demo admin's password is made once per checkout and kept out of git.
if [ ! -s var/demo-admin-password ]; then
  head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > var/demo-admin-password
fi
password=$(cat var/demo-admin-password)

"$bin" migrate up >/dev/null
boot=$("$bin" bootstrap --company 合众康桥 --username admin --password "$password")
"$bin" seed --demo >/dev/null
admin_id=$(sed -E 's/.*"user_id":([0-9]+).*/\1/' <<<"$boot")
signed=$("$bin" sign --user-id "$admin_id")
port=${HTTP_ADDR:-:8000}
port=${port##*:}

cat <<MSG

Leida is starting on http://127.0.0.1:${port}/ with demo data.
  demo admin:  username admin, password ${password}   (POST /zhugeleida/admin/login)
  try it (signed for the next ${AUTH_MAX_SKEW:-10m}; re-sign with: ${bin} sign --user-id ${admin_id}):
    curl -s 'http://127.0.0.1:${port}/zhugeleida/qiyeweixin/user?${signed}'

MSG
exec "$bin" serve --no-migrate
