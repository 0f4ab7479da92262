#!/usr/bin/env bash
# Our services for the conformance run: `ler up` from this checkout (the project snapshot under
# test), on loopback ports LER_BASE_PORT..+3 (default 9100-9103: landing, issuer, wallet,
# verifier), data in conformance/var. 8000-8003 (`make up`'s ports) stay free.
# In front of the issuer and the verifier: the TLS proxy (config/tls_proxy.py, a self-signed
# certificate made once in tls/), https://localhost:ISSUER_TLS_PORT (9441) and
# VERIFIER_TLS_PORT (9443). The issuer's public URL is the proxy's (LER_UP_ISSUER_URL), so its
# did:web DIDs and status list URLs are https://localhost:9441/... as the W3C suites need.
#
#   ./services.sh install   the checkout's virtual environment (`make install`)
#   ./services.sh start     start in the background (pid in logs/ler-up.pid) and wait
#   ./services.sh stop      stop what start started
#   ./services.sh status
#
# Environment: LER_VENV (default <checkout>/.venv), LER_BASE_PORT, LER_DATA_DIR, and anything
# `ler up` reads (e.g. LER_REGISTRY= for a verifier without its governance registry).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BASE="${LER_BASE_PORT:-9100}"
LER_VENV="${LER_VENV:-$ROOT/.venv}"
export LER_DATA_DIR="${LER_DATA_DIR:-$HERE/var}"
LOGS="${LOGS:-$HERE/logs}"
PIDFILE="$LOGS/ler-up.pid"
PROXY_PIDFILE="$LOGS/tls-proxy.pid"
ISSUER_TLS_PORT="${ISSUER_TLS_PORT:-9441}"
VERIFIER_TLS_PORT="${VERIFIER_TLS_PORT:-9443}"
RESULTS="${RESULTS:-$HERE/results}"
mkdir -p "$LOGS"

certificate() {  # tls/cert.pem: self-signed for localhost, trusted by the suites' node
  mkdir -p "$HERE/tls"
  [ -f "$HERE/tls/cert.pem" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$HERE/tls/key.pem" -out "$HERE/tls/cert.pem" 2>/dev/null
}

start_proxy() {  # the proxy logs every exchange to results/raw/proxy.jsonl (run.sh reports)
  curl -sf --cacert "$HERE/tls/cert.pem" "https://localhost:$ISSUER_TLS_PORT/healthz" >/dev/null 2>&1 && return 0
  mkdir -p "$RESULTS/raw"
  python3 "$HERE/config/tls_proxy.py" --cert "$HERE/tls/cert.pem" --key "$HERE/tls/key.pem" \
    --log "$RESULTS/raw/proxy.jsonl" "$ISSUER_TLS_PORT=$((BASE + 1))" "$VERIFIER_TLS_PORT=$((BASE + 3))" \
    >"$LOGS/tls-proxy.log" 2>&1 &
  echo $! >"$PROXY_PIDFILE"
}

up() {
  curl -sf "http://127.0.0.1:$((BASE + 1))/healthz" >/dev/null &&
    curl -sf "http://127.0.0.1:$((BASE + 3))/healthz" >/dev/null
}

case "${1:-}" in
  install)
    make -C "$ROOT" install
    ;;
  start)
    if up; then echo "already up on $BASE-$((BASE + 3))"; exit 0; fi
    [ -x "$LER_VENV/bin/ler" ] || { echo "no $LER_VENV/bin/ler: ./services.sh install (or LER_VENV=...)" >&2; exit 1; }
    cd "$ROOT"
    # the demo issuers plus a did:key issuer (slug conformance-did-key; the vc-di-eddsa and
    # vc-di-ecdsa suites resolve did:key issuers only); read on a fresh data folder only
    mkdir -p "$LER_DATA_DIR/demo"
    ln -sfn "$ROOT/examples/achievements" "$LER_DATA_DIR/demo/achievements"
    "$LER_VENV/bin/python" - "$ROOT/examples/issuers.json" "$LER_DATA_DIR/demo/issuers.json" <<'PY'
import json, sys
issuers = json.load(open(sys.argv[1], encoding="utf-8"))
issuers.append({"slug": "conformance-did-key", "name": "Conformance did:key issuer",
                "identity": "did:key", "achievements": []})
json.dump(issuers, open(sys.argv[2], "w", encoding="utf-8"), indent=1)
PY
    export LER_ISSUER_DEMO="${LER_ISSUER_DEMO:-$LER_DATA_DIR/demo/issuers.json}"
    certificate
    start_proxy
    export LER_UP_ISSUER_URL="https://localhost:$ISSUER_TLS_PORT"
    nohup "$LER_VENV/bin/ler" up --port "$BASE" >"$LOGS/ler-up.log" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 100); do up && break; sleep 0.3; done
    up || { echo "services did not come up: see $LOGS/ler-up.log" >&2; exit 1; }
    for _ in $(seq 50); do [ -s "$LER_DATA_DIR/issuer/api-token" ] && break; sleep 0.2; done
    for _ in $(seq 50); do
      curl -sf --cacert "$HERE/tls/cert.pem" "https://localhost:$ISSUER_TLS_PORT/healthz" >/dev/null 2>&1 && break
      sleep 0.2
    done
    echo "up: issuer http://localhost:$((BASE + 1)) (public: $LER_UP_ISSUER_URL) verifier http://localhost:$((BASE + 3)) (pid $(cat "$PIDFILE"))"
    # which code that venv imports (an editable install elsewhere, or PYTHONPATH, may differ)
    (cd / && "$LER_VENV/bin/python" -c 'import vckit; print("serving the code in", vckit.__file__.rsplit("/", 2)[0])')
    ;;
  stop)
    if [ -f "$PROXY_PIDFILE" ]; then kill "$(cat "$PROXY_PIDFILE")" 2>/dev/null || true; rm -f "$PROXY_PIDFILE"; fi
    if [ -f "$PIDFILE" ] && kill -INT "$(cat "$PIDFILE")" 2>/dev/null; then
      rm -f "$PIDFILE"; echo stopped
    else
      echo "not started by services.sh"
    fi
    ;;
  status)
    if up; then echo "up on $BASE-$((BASE + 3))"; else echo down; exit 1; fi
    ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
