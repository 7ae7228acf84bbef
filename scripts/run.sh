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

# json_field NAME JSON: the value of a number or string field of a one-line JSON object.
json_field() {
  sed -E -n "s/.*\"$1\":(\"([^\"]*)\"|([0-9]+|true|false)).*/\2\3/p" <<<"$2"
}

# sign ARGS...: a signed query (leida sign), its errors shown and fatal.
sign() {
  local out
  if ! out=$("$bin" sign "$@" 2>var/.sign-errors); then
    cat var/.sign-errors >&2
    exit 1
  fi
  echo "$out"
}

"$bin" migrate up >/dev/null
# --reset-password: the admin may exist from an earlier checkout (or its
# password may have been changed): make sure the password printed below works.
boot=$("$bin" bootstrap --company 合众康桥 --username admin --password "$password" --reset-password)
guide=$("$bin" seed --demo | tail -n 1)
admin_id=$(json_field user_id "$boot")
rep_id=$(json_field rep_user_id "$guide")
rep_name=$(json_field rep_username "$guide")
customer_id=$(json_field customer_id "$guide")
customer_name=$(json_field customer_username "$guide")
signed_admin=$(sign --user-id "$admin_id")
signed_rep=$(sign --user-id "$rep_id")
signed_customer=$(sign --user-id "$customer_id" --customer)
port=${HTTP_ADDR:-:8000}
port=${port##*:}
base="http://127.0.0.1:${port}"
metrics="${base}/metrics"
if [ -n "${METRICS_ADDR:-}" ]; then
  metrics_host=${METRICS_ADDR%:*}
  metrics="http://${metrics_host:-127.0.0.1}:${METRICS_ADDR##*:}/metrics"
fi
reset_note=""
if [ "$(json_field password_reset "$boot")" = true ]; then
  reset_note="   (the existing admin had another password: reset to this one)"
fi

cat <<MSG

Leida is starting on ${base}/ with demo data. API docs (try requests in the browser): ${base}/docs
The curl lines are signed for ${AUTH_MAX_SKEW:-10m}; re-sign with ${bin} sign --user-id N [--customer].

  demo admin:     username admin, password ${password}${reset_note}
                  (POST /zhugeleida/admin/login; user_id ${admin_id}) — the users:
    curl -s '${base}/zhugeleida/qiyeweixin/user?${signed_admin}'

  demo rep:       ${rep_name} (user_id ${rep_id}), with customers, radar history and chats — the radar timeline:
    curl -s '${base}/zhugeleida/qiyeweixin/action/time?${signed_rep}'
                  (also: qiyeweixin/tongxunlu for the customers, qiyeweixin/contact for the chats)

  demo customer:  ${customer_name} (mini-program customer ${customer_id}) opens ${rep_name}'s card (lands on the radar):
    curl -s '${base}/zhugeleida/xiaochengxu/mingpian?uid=${rep_id}&${signed_customer}'

  metrics:        ${metrics}

MSG
exec "$bin" serve --no-migrate
