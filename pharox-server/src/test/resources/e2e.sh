#!/usr/bin/env bash
# End-to-end checks of pharox-server with curl: the lease lifecycle and the 4xx paths.
# usage: e2e.sh PORT ADMIN_KEY CONSUMER_KEY    (the consumer key's pools must include "alpha")
# Prints one line per check and exits non-zero at the first failed one.
set -euo pipefail

PORT="$1"; ADMIN="$2"; CONSUMER="$3"
BASE="http://127.0.0.1:${PORT}"
BODY="$(mktemp)"
trap 'rm -f "$BODY"' EXIT
CHECKS=0

# call EXPECTED_STATUS METHOD PATH KEY|- [JSON_BODY]: asserts the status, leaves the body in $BODY
call() {
  local expected="$1" method="$2" path="$3" key="$4" data="${5:-}"
  local args=(-s -o "$BODY" -w '%{http_code}' -X "$method")
  if [ "$key" != "-" ]; then args+=(-H "Authorization: Bearer ${key}"); fi
  if [ -n "$data" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$data"); fi
  local status
  status="$(curl "${args[@]}" "${BASE}${path}")"
  if [ "$status" != "$expected" ]; then
    echo "FAIL: $method $path: expected $expected, got $status: $(cat "$BODY")"
    exit 1
  fi
  CHECKS=$((CHECKS + 1))
  echo "ok $CHECKS: $method $path -> $status"
}

# expect_body TEXT: the last answer contains TEXT
expect_body() {
  if ! grep -q -- "$1" "$BODY"; then
    echo "FAIL: the answer does not contain $1: $(cat "$BODY")"
    exit 1
  fi
}

# field NAME: the first "NAME":"value" of the last answer
field() {
  grep -o "\"$1\":\"[^\"]*\"" "$BODY" | head -1 | cut -d'"' -f4
}

call 200 GET /health -
expect_body '"UP"'
call 200 GET /openapi.json -
expect_body '"openapi"'

# keys
call 401 GET /v1/pools -
expect_body '"unauthorized"'
call 401 GET /v1/pools "pharox_not-a-key"
call 401 POST /v1/pools/alpha/leases - '{}'

# set-up by the admin
call 201 POST /v1/pools "$ADMIN" '{"name":"alpha","description":"curl"}'
call 409 POST /v1/pools "$ADMIN" '{"name":"alpha"}'
expect_body '"pool_exists"'
call 201 POST /v1/pools/alpha/proxies "$ADMIN" \
  '{"proxies":[{"url":"socks5://bob:curl-pw@192.0.2.10:1080","country":"DE"},{"url":"http://192.0.2.11:8080","country":"FR"}]}'
expect_body '"added":2'
if grep -q 'curl-pw' "$BODY"; then echo "FAIL: an import answer holds a password"; exit 1; fi
call 400 POST /v1/pools/alpha/proxies "$ADMIN" '{"proxies":[{"url":"http://192.0.2.12:80"},{"url":"nonsense:0"}]}'
expect_body '"bad_proxy"'
expect_body '"index":1'
call 200 GET /v1/pools/alpha/proxies "$ADMIN"
expect_body '"hasCredentials":true'

# a consumer key on admin routes, and on a pool outside its scope
call 403 GET /v1/pools/alpha/proxies "$CONSUMER"
expect_body '"forbidden"'
call 403 POST /v1/pools "$CONSUMER" '{"name":"mine"}'
call 403 POST /v1/pools/outside/leases "$CONSUMER" '{}'

# bad requests
call 400 POST /v1/pools/alpha/leases "$CONSUMER" '{"ttl":'
expect_body '"bad_json"'
call 400 POST /v1/pools/alpha/leases "$CONSUMER" '{"filter":{"colour":"red"}}'
expect_body '"bad_filter"'
call 400 POST /v1/pools/alpha/leases "$CONSUMER" '{"strategy":"BEST"}'
expect_body '"bad_request"'
call 404 POST /v1/pools/nowhere/leases "$ADMIN" '{}'
expect_body '"pool_not_found"'

# the lease lifecycle
call 201 POST /v1/pools/alpha/leases "$CONSUMER" '{"consumer":"curl","ttl":"PT1M","filter":{"country":"DE"}}'
expect_body '"password":"curl-pw"'
LEASE="$(grep -o '"lease":{"id":"[^"]*"' "$BODY" | cut -d'"' -f6)"
[ -n "$LEASE" ] || { echo "FAIL: no lease id"; exit 1; }
call 409 POST /v1/pools/alpha/leases "$CONSUMER" '{"filter":{"country":"DE"}}'
expect_body '"no_proxy_available"'
call 200 GET /v1/pools/alpha/stats "$CONSUMER"
expect_body '"activeLeases":1'
call 200 GET "/v1/leases?pool=alpha" "$ADMIN"
expect_body "$LEASE"
call 403 GET "/v1/leases?pool=alpha" "$CONSUMER"
call 200 POST "/v1/leases/${LEASE}/renew" "$CONSUMER" '{"ttl":"PT5M"}'
expect_body '"ACTIVE"'
call 200 POST "/v1/leases/${LEASE}/release" "$CONSUMER"
expect_body '"released":true'
call 200 POST "/v1/leases/${LEASE}/release" "$CONSUMER"
expect_body '"released":false'
call 409 POST "/v1/leases/${LEASE}/renew" "$CONSUMER" '{"ttl":"PT5M"}'
expect_body '"lease_not_active"'
call 404 POST /v1/leases/00000000-0000-0000-0000-000000000000/release "$CONSUMER"
expect_body '"lease_not_found"'

# admin changes
PROXY="$(grep -o '"id":"[^"]*"' <(curl -s -H "Authorization: Bearer ${ADMIN}" "${BASE}/v1/pools/alpha/proxies") | head -1 | cut -d'"' -f4)"
call 200 PATCH "/v1/proxies/${PROXY}" "$ADMIN" '{"status":"INACTIVE"}'
expect_body '"INACTIVE"'
call 403 PATCH "/v1/proxies/${PROXY}" "$CONSUMER" '{"status":"ACTIVE"}'
call 200 DELETE "/v1/proxies/${PROXY}" "$ADMIN"
call 200 DELETE /v1/pools/alpha "$ADMIN"
call 404 GET /v1/pools/alpha/stats "$ADMIN"

echo "${CHECKS} passed, 0 failed"
