#!/usr/bin/env bash
# Conformance harness for the LER credential demonstrator: runs seven W3C / W3C-CCG VC test
# suites (other people's tests, cloned from GitHub at pinned commits, never copied into the
# project) against our issuer and verifier over loopback, and writes results/<suite>.md.
#
#   ./run.sh                 setup + test + report, every suite
#   ./run.sh setup           clone the suites and their GitHub-only helper packages, pack the
#                            helpers, get Node 22, npm install in each suite
#   ./run.sh test [SUITE..]  run suites (all when none named); needs ./services.sh start first
#   ./run.sh report          results/*.md and results/summary.json again from results/raw/
#   ./run.sh pins            the repositories and commits used
#
# Everything here is loopback only; GitHub and the npm registry are reached by `setup` only.
# See README.md and ../docs/CONFORMANCE.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"   # <checkout>/conformance
ROOT="$(cd "$HERE/.." && pwd)"                           # the project checkout under test

# Where the suites come from: {repo} is owner/name. Another source (a local mirror, say)
# works too, e.g. CONFORMANCE_GIT_URL='/srv/mirror/{owner}+{name}/repo'.
GITHUB_URL='https://github.com/{repo}'
CONFORMANCE_GIT_URL="${CONFORMANCE_GIT_URL:-$GITHUB_URL}"
# 1: leave each clone at the commit it has (to try newer suites); default: check out the pins
CONFORMANCE_UNPINNED="${CONFORMANCE_UNPINNED:-0}"
SUITES_DIR="${SUITES_DIR:-$HERE/suites}"
DEPS_DIR="${DEPS_DIR:-$HERE/deps}"
TARBALLS="$DEPS_DIR/tarballs"
RESULTS="${RESULTS:-$HERE/results}"
RAW="$RESULTS/raw"
LOGS="${LOGS:-$HERE/logs}"

# our services (services.sh starts them) and the TLS proxy in front of them
LER_BASE_PORT="${LER_BASE_PORT:-9100}"
ISSUER_PORT=$((LER_BASE_PORT + 1))
VERIFIER_PORT=$((LER_BASE_PORT + 3))
ISSUER_TLS_PORT="${ISSUER_TLS_PORT:-9441}"
VERIFIER_TLS_PORT="${VERIFIER_TLS_PORT:-9443}"
LER_DATA_DIR="${LER_DATA_DIR:-$HERE/var}"
ISSUER_SLUG="${ISSUER_SLUG:-community-college}"
# the project's virtual environment (`make install`); the jose-cose stand-in signs with it
LER_VENV="${LER_VENV:-$ROOT/.venv}"

# Node: 20 or newer for most suites (the project's `make test` puts one in ../.node when the
# machine's is older); 22 for two suites, from the npm registry's node-linux-<arch> package
# (setup installs it into .node22/ unless NODE22 names one)
[ -x "$ROOT/.node/bin/node" ] && PATH="$ROOT/.node/bin:$PATH"
NODE20="$(command -v node || true)"
NODE22_VERSION="${NODE22_VERSION:-22.23.5}"
NODE22="${NODE22:-$HERE/.node22/bin/node}"

# suite -> "owner/repo commit node-major mocha-timeout"
declare -A SUITE_INFO=(
  [vc-api-issuer-test-suite]="w3c-ccg/vc-api-issuer-test-suite 4aa46e285c24cf1f5afa5bb808bb086a39524f22 20 15000"
  [vc-api-verifier-test-suite]="w3c-ccg/vc-api-verifier-test-suite 41541eeb9c31215d32403f4fe32bb441fbbf141e 20 15000"
  [vc-data-model-2.0-test-suite]="w3c/vc-data-model-2.0-test-suite 6e075243825f50c79017de4a27089d329c093d0f 20 15000"
  [vc-di-eddsa-test-suite]="w3c/vc-di-eddsa-test-suite a62061b23892deb44dbad67a0315d403fdf09440 20 15000"
  [vc-di-ecdsa-test-suite]="w3c/vc-di-ecdsa-test-suite 070efa34139e0918eb6ca86ab59033322803af3e 22 15000"
  [vc-bitstring-status-list-test-suite]="w3c/vc-bitstring-status-list-test-suite 5cdc5625948470d1f3b8b615e0771c013dc9029e 20 15000"
  [vc-jose-cose-test-suite]="w3c/vc-jose-cose-test-suite ff6be51dc4d3c373dfaffa9a634cf751faf5285a 22 150000"
)
ALL_SUITES=(vc-api-issuer-test-suite vc-api-verifier-test-suite vc-data-model-2.0-test-suite
  vc-di-eddsa-test-suite vc-di-ecdsa-test-suite vc-bitstring-status-list-test-suite
  vc-jose-cose-test-suite)

# GitHub-only npm dependencies of the suites (package.json `github:owner/name`), packed from
# clones: "owner/repo" -> "dir-under-deps commit tarball-name"
declare -A GH_DEPS=(
  [w3c/vc-test-suite-implementations]="vc-test-suite-implementations a15c6cf73e588f93a5b532a02c051ad7b59777ab vc-test-suite-implementations.tgz"
  [w3c-ccg/vc-test-suite-implementations]="ccg-vc-test-suite-implementations 8fd6a18d907194e259c8e91983eac608735781dd ccg-vc-test-suite-implementations.tgz"
  [w3c-ccg/data-integrity-test-suite-assertion]="data-integrity-test-suite-assertion 8d84d182f022f02049135f7d1ad3d5d0181e5560 data-integrity-test-suite-assertion.tgz"
)
# the ECDSA spec repository: its test vectors are what vc-di-ecdsa-test-suite's postinstall
# would `git clone` into tests/input/vc-di-ecdsa
ECDSA_SPEC="w3c/vc-di-ecdsa 00781de52c036723bbd88d89b07818a2914a6b9e"

log() { printf '== %s\n' "$*" >&2; }
die() { echo "$*" >&2; exit 1; }

git_url() {  # git_url owner/name
  local url="$CONFORMANCE_GIT_URL" owner="${1%%/*}" name="${1#*/}"
  local p_repo='{repo}' p_owner='{owner}' p_name='{name}'
  url="${url//"$p_repo"/$1}"
  url="${url//"$p_owner"/$owner}"
  printf '%s' "${url//"$p_name"/$name}"
}

work_tree() {  # work_tree owner/repo commit dest: a clone at the pinned commit
  local repo="$1" commit="$2" dest="$3"
  if [ ! -d "$dest/.git" ]; then
    log "git clone $(git_url "$repo") -> ${dest#"$HERE"/}"
    git clone -q "$(git_url "$repo")" "$dest"
  fi
  [ "$CONFORMANCE_UNPINNED" = 1 ] && return 0
  if [ "$(git -C "$dest" rev-parse HEAD)" != "$commit" ]; then
    git -C "$dest" cat-file -e "$commit^{commit}" 2>/dev/null || git -C "$dest" fetch -q origin
    # setup's own edits (package.json, package-lock.json) are undone before every install
    git -C "$dest" checkout -q -- . 2>/dev/null || true
    git -C "$dest" checkout -q --detach "$commit"
  fi
}

pins() {
  local suite repo commit dir
  for suite in "${ALL_SUITES[@]}"; do
    read -r repo commit _ <<<"${SUITE_INFO[$suite]}"
    echo "suite  $repo $commit"
  done
  for repo in "${!GH_DEPS[@]}"; do
    read -r dir commit _ <<<"${GH_DEPS[$repo]}"
    echo "helper $repo $commit"
  done
  echo "vectors $ECDSA_SPEC"
}

install_node22() {
  [ -x "$NODE22" ] && return 0
  [ "$NODE22" = "$HERE/.node22/bin/node" ] || die "NODE22=$NODE22 is not an executable"
  local arch
  arch=$("$NODE20" -p process.arch)
  log "Node $NODE22_VERSION (npm registry package node-linux-$arch) into conformance/.node22"
  npm install --prefix "$HERE/.node22" --no-audit --no-fund --loglevel=error \
    "node-linux-$arch@$NODE22_VERSION"
  mkdir -p "$HERE/.node22/bin"
  ln -sf "../node_modules/node-linux-$arch/bin/node" "$HERE/.node22/bin/node"
}

setup() {
  command -v git >/dev/null || die "git is needed"
  [ -n "$NODE20" ] || die "node (20 or newer) and npm are needed; see README.md"
  local major
  major=$("$NODE20" -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "node $major is too old (20 or newer; \`make install-test\` in the checkout installs one in .node/)"
  mkdir -p "$SUITES_DIR" "$DEPS_DIR" "$TARBALLS" "$RAW" "$LOGS"
  install_node22
  # GitHub-only dependencies: clones at the pinned commits, packed into tarballs
  local repo dir commit tgz
  for repo in "${!GH_DEPS[@]}"; do
    read -r dir commit tgz <<<"${GH_DEPS[$repo]}"
    work_tree "$repo" "$commit" "$DEPS_DIR/$dir"
    if [ ! -f "$TARBALLS/$tgz" ] || [ "$(cat "$TARBALLS/$tgz.commit" 2>/dev/null)" != "$(git -C "$DEPS_DIR/$dir" rev-parse HEAD)" ]; then
      log "npm pack $repo"
      local packed
      packed=$(cd "$DEPS_DIR/$dir" && npm pack --ignore-scripts --loglevel=error --pack-destination "$TARBALLS" | tail -1)
      [ "$packed" = "$tgz" ] || mv "$TARBALLS/$packed" "$TARBALLS/$tgz"
      git -C "$DEPS_DIR/$dir" rev-parse HEAD >"$TARBALLS/$tgz.commit"
    fi
  done
  read -r repo commit <<<"$ECDSA_SPEC"
  work_tree "$repo" "$commit" "$DEPS_DIR/vc-di-ecdsa"
  local suite
  for suite in "${ALL_SUITES[@]}"; do
    read -r repo commit _ _ <<<"${SUITE_INFO[$suite]}"
    local dest="$SUITES_DIR/$suite"
    work_tree "$repo" "$commit" "$dest"
    log "npm install in suites/$suite"
    # the only suite files setup changes: package.json (and its lock) get the GitHub-only
    # dependencies pointed at our tarballs; `git -C suites/<suite> diff` shows exactly that
    git -C "$dest" checkout -q -- package.json
    if git -C "$dest" ls-files --error-unmatch package-lock.json >/dev/null 2>&1; then
      git -C "$dest" checkout -q -- package-lock.json
    else
      rm -f "$dest/package-lock.json"   # one an earlier npm install wrote
    fi
    local dep spec
    for dep in vc-test-suite-implementations data-integrity-test-suite-assertion; do
      spec=$(cd "$dest" && "$NODE20" -p "require('./package.json').dependencies['$dep'] || ''")
      case "$spec" in
        github:w3c/vc-test-suite-implementations*) tgz=vc-test-suite-implementations.tgz ;;
        github:w3c-ccg/vc-test-suite-implementations*) tgz=ccg-vc-test-suite-implementations.tgz ;;
        github:w3c-ccg/data-integrity-test-suite-assertion*) tgz=data-integrity-test-suite-assertion.tgz ;;
        "") continue ;;
        *) die "unexpected dependency $dep=$spec in $suite" ;;
      esac
      (cd "$dest" && npm pkg set "dependencies.$dep=file:$TARBALLS/$tgz")
    done
    if [ "$suite" = vc-di-ecdsa-test-suite ] && [ ! -e "$dest/tests/input/vc-di-ecdsa" ]; then
      git clone -q "$DEPS_DIR/vc-di-ecdsa" "$dest/tests/input/vc-di-ecdsa"
    fi
    # --ignore-scripts: no install script reaches the network (ecdsa's postinstall is the
    # clone just done from deps/vc-di-ecdsa)
    if ! (cd "$dest" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >"$LOGS/npm-install-$suite.log" 2>&1); then
      if [ -f "$dest/package-lock.json" ]; then
        # a lock naming versions the registry does not serve (vc-di-ecdsa-test-suite's lock has
        # @digitalbazaar/did-io 2.2.0): resolve the package.json ranges afresh instead
        log "npm install with the suite's package-lock.json failed; again without it"
        rm -f "$dest/package-lock.json"
        (cd "$dest" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >>"$LOGS/npm-install-$suite.log" 2>&1) \
          || die "npm install failed in $suite: see logs/npm-install-$suite.log"
      else
        die "npm install failed in $suite: see logs/npm-install-$suite.log"
      fi
    fi
    # localConfig.cjs: a one-line pointer to our configuration (untracked in the suite)
    printf "// written by conformance/run.sh: our configuration lives in conformance/config/localConfig/\nmodule.exports = require('%s');\n" \
      "$HERE/config/localConfig/$suite.cjs" >"$dest/localConfig.cjs"
  done
}

services_up() {
  curl -sf "http://127.0.0.1:$ISSUER_PORT/healthz" >/dev/null &&
    curl -sf "http://127.0.0.1:$VERIFIER_PORT/healthz" >/dev/null
}

PROXY_PID=""
start_proxy() {
  # services.sh starts the proxy with the services (the issuer's public URL is the proxy's)
  curl -skf "https://localhost:$ISSUER_TLS_PORT/healthz" >/dev/null 2>&1 && return 0
  mkdir -p "$HERE/tls"
  if [ ! -f "$HERE/tls/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$HERE/tls/key.pem" -out "$HERE/tls/cert.pem" 2>/dev/null
  fi
  python3 "$HERE/config/tls_proxy.py" --cert "$HERE/tls/cert.pem" --key "$HERE/tls/key.pem" \
    --log "$PROXY_LOG" "$ISSUER_TLS_PORT=$ISSUER_PORT" "$VERIFIER_TLS_PORT=$VERIFIER_PORT" \
    >"$LOGS/tls-proxy.log" 2>&1 &
  PROXY_PID=$!
  for _ in $(seq 50); do
    curl -skf "https://localhost:$ISSUER_TLS_PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "TLS proxy did not start (ports $ISSUER_TLS_PORT/$VERIFIER_TLS_PORT taken?): see logs/tls-proxy.log"
}
stop_proxy() { if [ -n "$PROXY_PID" ]; then kill "$PROXY_PID" 2>/dev/null || true; PROXY_PID=""; fi; }

suite_env() {  # the environment our configuration (config/*.cjs) reads
  export LER_CONF_ISSUER_URL="https://localhost:$ISSUER_TLS_PORT"
  export LER_CONF_VERIFIER_URL="https://localhost:$VERIFIER_TLS_PORT"
  # the issuer's public URL is the TLS proxy's (services.sh: LER_UP_ISSUER_URL)
  export LER_CONF_ISSUER_DID="did:web:localhost%3A$ISSUER_TLS_PORT:issuers:$ISSUER_SLUG"
  # the did:key DIDs of the did:key issuer services.sh adds (GET /issuers: didKeys by kind)
  local kind
  for kind in Ed25519 P-256 P-384; do
    export "LER_CONF_DIDKEY_${kind//-/}=$(curl -sf "http://127.0.0.1:$ISSUER_PORT/issuers" |
      "$LER_VENV/bin/python" -c 'import json,sys; print(next((i.get("didKeys",{}).get(sys.argv[1],"") for i in json.load(sys.stdin) if i["slug"]=="conformance-did-key"),""))' "$kind" 2>/dev/null || true)"
  done
  export LER_CONF_TOKEN_FILE="$LER_DATA_DIR/issuer/api-token"
  # the verifier suite's JWT tests first have "$ISSUER_NAME_JWT" issue a VC-JWT: ours
  export ISSUER_NAME_JWT=LER
  # the eddsa suite's eddsa-jcs-2022 tests take credentials from "$ISSUER_NAME_JCS": ours
  export ISSUER_NAME_JCS=LER
}

run_suite() {
  local suite="$1" repo node_major timeout node dest="$SUITES_DIR/$1"
  read -r repo _ node_major timeout <<<"${SUITE_INFO[$suite]}"
  [ -d "$dest/node_modules" ] || die "suites/$suite is not set up: ./run.sh setup"
  node="$NODE20"; [ "$node_major" = 22 ] && node="$NODE22"
  [ -x "$node" ] || die "no Node $node_major for $suite: ./run.sh setup"
  log "$suite ($(git -C "$dest" rev-parse --short HEAD)) with node $("$node" --version)"
  rm -f "$RAW/$suite".*
  local extra_path=""
  if [ "$suite" = vc-jose-cose-test-suite ]; then
    extra_path="$HERE/config/jose-cose:"
    find "$dest/tests/output" -name '*.json' -type f -delete 2>/dev/null || true
  fi
  (
    cd "$dest"
    export PATH="$extra_path$(dirname "$node"):$PATH"
    export NODE_EXTRA_CA_CERTS="$HERE/tls/cert.pem"   # our self-signed loopback certificate
    export NODE_TLS_REJECT_UNAUTHORIZED=0   # (kept for suites whose clients ignore the above)
    suite_env
    export LER_CONF_TIMES_FILE="$RAW/$suite.times.jsonl"
    export LER_CONF_PYTHON="${LER_CONF_PYTHON:-$LER_VENV/bin/python}"
    "$node" node_modules/mocha/bin/mocha.js tests/ \
      --reporter "$HERE/config/mocha-ler-reporter.cjs" --reporter-option "output=$RAW/$suite.json" \
      --timeout "$timeout" --preserve-symlinks
  ) >"$LOGS/$suite.log" 2>&1 || true   # mocha exits non-zero when a test fails
  # every test the suite defines for our configuration, without running any: tests under a
  # failed `before` hook never run and are missing from the report above
  (
    cd "$dest"
    suite_env
    "$node" node_modules/mocha/bin/mocha.js tests/ --dry-run --reporter json \
      --reporter-option "output=$RAW/$suite.dryrun.json" --preserve-symlinks
  ) >"$LOGS/$suite.dryrun.log" 2>&1 || true
  if [ "$suite" = vc-jose-cose-test-suite ]; then
    rm -rf "$RAW/jose-cose-output"; mkdir -p "$RAW/jose-cose-output"
    cp "$dest"/tests/output/*-LER.json "$RAW/jose-cose-output/" 2>/dev/null || true
  fi
  printf '{"suite": "%s", "repo": "%s", "commit": "%s", "commitDate": "%s", "node": "%s", "ran": "%s"}\n' \
    "$suite" "$repo" "$(git -C "$dest" rev-parse HEAD)" "$(git -C "$dest" log -1 --format=%cI)" \
    "$("$node" --version)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$RAW/$suite.meta.json"
  [ -s "$RAW/$suite.json" ] || { echo "no report for $suite: see logs/$suite.log" >&2; return 0; }
  "$node" -e 'const r=require(process.argv[1]).stats;console.log(`   ${r.tests} tests: ${r.passes} passing, ${r.failures} failing, ${r.pending} pending`)' "$RAW/$suite.json"
}

run_tests() {
  services_up || die "start the services first: ./services.sh start (issuer :$ISSUER_PORT, verifier :$VERIFIER_PORT)"
  [ -s "$LER_DATA_DIR/issuer/api-token" ] || die "no issuer API token in $LER_DATA_DIR/issuer/api-token (LER_DATA_DIR must match services.sh's)"
  mkdir -p "$RAW" "$LOGS"
  PROXY_LOG="$RAW/proxy.jsonl"
  [ $# -eq 0 ] && rm -f "$PROXY_LOG"
  start_proxy
  trap stop_proxy EXIT
  local suites=("$@"); [ ${#suites[@]} -eq 0 ] && suites=("${ALL_SUITES[@]}")
  local suite
  for suite in "${suites[@]}"; do
    [ -n "${SUITE_INFO[$suite]:-}" ] || die "unknown suite $suite (one of: ${ALL_SUITES[*]})"
    run_suite "$suite"
  done
  stop_proxy
}

report() {
  local commit
  commit="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit (with uncommitted changes)"
  fi
  python3 "$HERE/tools/report.py" --suites "$SUITES_DIR" --raw "$RAW" --out "$RESULTS" \
    --issuer-port "$ISSUER_TLS_PORT" --verifier-port "$VERIFIER_TLS_PORT" \
    --ler-commit "${LER_COMMIT:-$commit}"
}

case "${1:-all}" in
  setup) setup ;;
  test) shift; run_tests "$@" ;;
  report) report ;;
  pins) pins ;;
  all) setup; run_tests; report ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
