#!/usr/bin/env bash
# Runs the OpenID Foundation conformance suite against the project's OpenID Connect provider.
#
#   conformance.sh build                      one-time preparation (needs Maven Central and npm)
#   conformance.sh run [PLAN[=VARIANT_JSON]...]   everything in one private network namespace
#   conformance.sh all [PLAN...]              build, then run
#
# Environment (see README.md):
#   WORK           work dir (suite build, certificate, driver deps, results); default $HOME/.cache/oidc-conformance
#   PROJECT        the project to test (has package.json with `npm start`); default: the current directory
#   SUITE_GIT_DIR  git dir (a clone's .git or a bare mirror) holding the suite's pinned commit; without it, build
#                  fetches that one commit from SUITE_REPO_URL (GitHub) into $WORK/suite.git
#   JDK            a JDK >= 21; default /usr/lib/jvm/temurin-25-jdk-amd64, else $JAVA_HOME, else javac on PATH
#   OUT            results dir of a run; default $WORK/results/<UTC time>
set -euo pipefail

KIT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${WORK:-$HOME/.cache/oidc-conformance}
PROJECT=${PROJECT:-$PWD}
SUITE_COMMIT=12f2a4dac6462f8a4e95968bc7e478e02881e1a7
SUITE_GIT_DIR=${SUITE_GIT_DIR:-}
SUITE_REPO_URL=${SUITE_REPO_URL:-https://github.com/openid-certification/conformance-suite.git}
DEFAULT_JDK=/usr/lib/jvm/temurin-25-jdk-amd64
CHEERIO_VERSION=1.2.0

SUITE_PORT=8443                      # the suite, https (Tomcat with the self-signed certificate)
MONGO_PORT=27017                     # the suite's MongoDB (mongo-java-server + shim)
IDP_HTTP_PORT=${IDP_PORT:-4000}      # the idp as `npm start` serves it
FRONT_PORT=4443                      # TLS front: https://localhost:4443 -> http://localhost:4000
IAT=${IDP_REGISTRATION_TOKEN:-conformance-initial-access-token-0123456789abcdef}
ALIAS=${ALIAS:-billpay}
DEFAULT_PLANS=(
  oidcc-basic-certification-test-plan
  oidcc-config-certification-test-plan
  oidcc-rp-initiated-logout-certification-test-plan
  oidcc-backchannel-rp-initiated-logout-certification-test-plan
)

log() { printf '[conformance %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH (see README.md, prerequisites)"; }

# variant of a plan when the command line gives none (what the suite's own CI uses for these plans)
default_variant() {
  case "$1" in
    oidcc-config-certification-test-plan) echo '{}' ;;
    oidcc-rp-initiated-logout-certification-test-plan | oidcc-frontchannel-rp-initiated-logout-certification-test-plan | \
      oidcc-backchannel-rp-initiated-logout-certification-test-plan | oidcc-session-management-certification-test-plan)
      echo '{"client_registration":"dynamic_client","response_type":"code"}' ;;
    oidcc-dynamic-certification-test-plan) echo '{"response_type":"code"}' ;;
    *) echo '{"server_metadata":"discovery","client_registration":"dynamic_client"}' ;;
  esac
}

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }
pick_jdk() {
  local c v
  if [ -n "${JDK:-}" ]; then
    [ -x "$JDK/bin/javac" ] || die "JDK=$JDK has no bin/javac"
    v=$(java_major "$JDK"); [ "${v%%.*}" -ge 21 ] 2>/dev/null || die "JDK=$JDK is Java $v; the suite needs >= 21"
    return
  fi
  for c in "$DEFAULT_JDK" "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v javac || echo /nonexistent)")")")"; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c")
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then JDK=$c; return; fi
  done
  die "no JDK >= 21 found; install one and set JDK=/path/to/jdk"
}

# ---------------------------------------------------------------- build
build_suite() {
  local dir=$WORK/suite jar=$WORK/suite/target/fapi-test-suite.jar want
  want="$SUITE_COMMIT $(sha256sum < "$KIT/suite-pom.diff" | cut -c1-16)"
  if [ -f "$jar" ] && [ "$(cat "$dir/.kit-build" 2>/dev/null)" = "$want" ]; then
    log "suite: already built ($jar)"; return
  fi
  [ -n "$SUITE_GIT_DIR" ] || fetch_suite
  [ -n "$SUITE_GIT_DIR" ] && [ -d "$SUITE_GIT_DIR" ] || die "set SUITE_GIT_DIR to a git dir of github.com/openid-certification/conformance-suite holding commit $SUITE_COMMIT (now: '${SUITE_GIT_DIR}')"
  git --git-dir="$SUITE_GIT_DIR" cat-file -e "$SUITE_COMMIT^{commit}" 2>/dev/null || die "$SUITE_GIT_DIR lacks commit $SUITE_COMMIT"
  log "suite: unpacking $SUITE_COMMIT into $dir"
  rm -rf "$dir"; mkdir -p "$dir"
  git --git-dir="$SUITE_GIT_DIR" archive "$SUITE_COMMIT" | tar -x -C "$dir"
  (cd "$dir" && patch -p1 --no-backup-if-mismatch -s < "$KIT/suite-pom.diff") || die "the pom diff did not apply"
  log "suite: building with tests skipped (~1 min with a warm Maven repository, ~6 min with a cold one; log: $WORK/logs/build-suite.log)"
  if ! (cd "$dir" && JAVA_HOME=$JDK PATH="$JDK/bin:$PATH" MAVEN_OPTS="${MAVEN_OPTS:--Xmx1500m}" \
      nice -n 10 mvn -B -T1 package -DskipTests -Dmaven.test.skip=true -Dpmd.skip=true -Dcheckstyle.skip=true \
      -Djacoco.skip=true -Dmaven.gitcommitid.skip=true -Denforcer.skip=true -Dkotlin.compiler.incremental=false) \
      > "$WORK/logs/build-suite.log" 2>&1; then
    tail -n 30 "$WORK/logs/build-suite.log" >&2; die "suite build failed (full log: $WORK/logs/build-suite.log)"
  fi
  [ -f "$jar" ] || die "suite build produced no $jar"
  echo "$want" > "$dir/.kit-build"
  log "suite: built $jar"
}

# Without SUITE_GIT_DIR: fetch only the pinned commit from GitHub into the work dir (needs github.com).
fetch_suite() {
  local git_dir=$WORK/suite.git
  if ! git --git-dir="$git_dir" cat-file -e "$SUITE_COMMIT^{commit}" 2>/dev/null; then
    log "suite: fetching commit $SUITE_COMMIT from $SUITE_REPO_URL"
    rm -rf "$git_dir"; git init -q --bare "$git_dir"
    git --git-dir="$git_dir" fetch -q --depth 1 "$SUITE_REPO_URL" "$SUITE_COMMIT" \
      || die "could not fetch the suite from $SUITE_REPO_URL; set SUITE_GIT_DIR to a local clone holding $SUITE_COMMIT"
  fi
  SUITE_GIT_DIR=$git_dir
}

build_mongo_shim() {
  local dir=$WORK/suite-mongo
  if [ -f "$dir/SuiteMongoLauncher.class" ] && cmp -s "$KIT/mongo-shim/SuiteMongoLauncher.java" "$dir/SuiteMongoLauncher.java" \
     && cmp -s "$KIT/mongo-shim/pom.xml" "$dir/pom.xml" && compgen -G "$dir/lib/*.jar" >/dev/null; then
    log "suite-mongo: already built ($dir)"; return
  fi
  log "suite-mongo: fetching mongo-java-server and compiling the launcher shim"
  rm -rf "$dir"; mkdir -p "$dir/lib"
  cp "$KIT/mongo-shim/pom.xml" "$KIT/mongo-shim/SuiteMongoLauncher.java" "$dir/"
  (cd "$dir" && JAVA_HOME=$JDK mvn -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory="$dir/lib" -DincludeScope=runtime) \
    > "$WORK/logs/build-mongo.log" 2>&1 || { cat "$WORK/logs/build-mongo.log" >&2; die "could not fetch the mongo-java-server jars"; }
  "$JDK/bin/javac" -d "$dir" -cp "$dir/lib/*" "$dir/SuiteMongoLauncher.java" || die "could not compile SuiteMongoLauncher.java"
}

make_cert() {
  local t=$WORK/tls
  if [ -f "$t/suite.p12" ] && [ -f "$t/suite-key.pem" ] && [ -f "$t/suite.pem" ] \
     && openssl x509 -checkend 86400 -noout -in "$t/suite.pem" >/dev/null 2>&1; then
    log "tls: certificate present ($t/suite.pem)"; return
  fi
  log "tls: making a self-signed certificate for localhost"
  rm -rf "$t"; mkdir -p "$t"
  "$JDK/bin/keytool" -genkeypair -alias suite -keyalg RSA -keysize 2048 -dname CN=localhost \
    -ext SAN=dns:localhost,ip:127.0.0.1 -validity 365 -storetype PKCS12 -keystore "$t/suite.p12" \
    -storepass changeit -keypass changeit >/dev/null 2>&1 || die "keytool failed"
  "$JDK/bin/keytool" -exportcert -rfc -alias suite -keystore "$t/suite.p12" -storepass changeit > "$t/suite.pem" 2>/dev/null
  openssl pkcs12 -in "$t/suite.p12" -nocerts -nodes -passin pass:changeit 2>/dev/null | openssl pkey -out "$t/suite-key.pem" \
    || die "could not export the private key"
}

install_driver_deps() {
  local d=$WORK/driver
  if [ -f "$d/node_modules/cheerio/package.json" ]; then log "driver: cheerio present"; return; fi
  log "driver: installing cheerio@$CHEERIO_VERSION into $d"
  mkdir -p "$d"
  [ -f "$d/package.json" ] || echo '{ "private": true }' > "$d/package.json"
  npm install --prefix "$d" --no-audit --no-fund --save-exact "cheerio@$CHEERIO_VERSION" > "$WORK/logs/build-driver.log" 2>&1 \
    || { cat "$WORK/logs/build-driver.log" >&2; die "npm install cheerio failed"; }
}

prepare_project() {
  [ -f "$PROJECT/package.json" ] || die "PROJECT=$PROJECT has no package.json (run from the project's directory or set PROJECT)"
  if grep -q '"setup"[[:space:]]*:' "$PROJECT/package.json"; then
    log "project: npm run setup in $PROJECT"
    (cd "$PROJECT" && npm run setup) > "$WORK/logs/project-setup.log" 2>&1 \
      || { tail -n 30 "$WORK/logs/project-setup.log" >&2; die "npm run setup failed in $PROJECT"; }
  elif [ ! -d "$PROJECT/node_modules" ]; then
    (cd "$PROJECT" && npm install --no-audit --no-fund) > "$WORK/logs/project-setup.log" 2>&1 || die "npm install failed in $PROJECT"
  fi
  # `npm start` resolves its local MongoDB's jars with Maven on first start; the run has no network, so fetch them now
  if [ -f "$PROJECT/scripts/mongo-server/pom.xml" ]; then
    (cd "$WORK" && mvn -q -B -f "$PROJECT/scripts/mongo-server/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/logs/project-mongo-cp.txt") \
      > "$WORK/logs/project-mongo.log" 2>&1 || log "project: warning: could not pre-fetch its MongoDB jars (see $WORK/logs/project-mongo.log)"
  fi
}

cmd_build() {
  for t in git tar patch mvn node npm openssl python3 curl unshare ip setsid sha256sum; do need "$t"; done
  [ -f "$PROJECT/package.json" ] || die "PROJECT=$PROJECT has no package.json (run from the project's directory or set PROJECT)"
  pick_jdk
  log "work dir $WORK; project $PROJECT; JDK $JDK (Java $(java_major "$JDK"))"
  mkdir -p "$WORK/logs"
  build_mongo_shim
  make_cert
  install_driver_deps
  prepare_project
  build_suite
  log "build complete"
}

# ---------------------------------------------------------------- run (outside: checks, then re-enter in a namespace)
cmd_run() {
  for t in node python3 curl unshare ip setsid; do need "$t"; done
  pick_jdk
  [ -f "$WORK/suite/target/fapi-test-suite.jar" ] || die "suite not built: run '$0 build' first"
  [ -f "$WORK/suite-mongo/SuiteMongoLauncher.class" ] || die "mongo shim not built: run '$0 build' first"
  [ -f "$WORK/tls/suite.p12" ] || die "no certificate: run '$0 build' first"
  [ -f "$WORK/driver/node_modules/cheerio/package.json" ] || die "driver deps missing: run '$0 build' first"
  [ -f "$PROJECT/package.json" ] && [ -d "$PROJECT/node_modules" ] || die "PROJECT=$PROJECT is not set up: run '$0 build' there (or set PROJECT)"
  [ $# -gt 0 ] || set -- "${DEFAULT_PLANS[@]}"
  OUT=${OUT:-$WORK/results/$(date -u +%Y%m%dT%H%M%SZ)}
  mkdir -p "$OUT/logs"
  OUT=$(cd "$OUT" && pwd); PROJECT=$(cd "$PROJECT" && pwd); WORK=$(cd "$WORK" && pwd)
  export WORK PROJECT OUT JDK SUITE_GIT_DIR
  local ns=(unshare -n)
  [ "$(id -u)" = 0 ] || ns=(unshare -r -n)   # non-root: a user namespace makes the network namespace possible
  log "results in $OUT"
  local rc=0
  "${ns[@]}" -- bash "$KIT/conformance.sh" __inside "$@" || rc=$?
  ln -sfn "$OUT" "$WORK/results/latest" 2>/dev/null || true
  case $rc in
    0) log "run finished: no test FAILED" ;;
    1) log "run finished: some tests FAILED (exit 1)" ;;
    *) log "run did not complete (exit $rc); logs in $OUT/logs" ;;
  esac
  return $rc
}

# ---------------------------------------------------------------- inside the namespace
PIDS=(); NAMES=()
start() { # start NAME DIR CMD... : own session/process group, output to $OUT/logs/NAME.log
  local name=$1 dir=$2; shift 2
  ( cd "$dir" && exec setsid "$@" ) > "$OUT/logs/$name.log" 2>&1 < /dev/null &
  PIDS+=("$!"); NAMES+=("$name")
  log "started $name (pid/pgid $!)"
}
alive() { kill -0 "$1" 2>/dev/null; }
stop_group() { # stop_group PGID NAME : TERM the group, KILL it after 20 s
  local g=$1 name=$2 i
  kill -0 -- "-$g" 2>/dev/null || return 0
  kill -TERM -- "-$g" 2>/dev/null
  for i in $(seq 1 40); do kill -0 -- "-$g" 2>/dev/null || { log "stopped $name (pgid $g)"; return 0; }; sleep 0.5; done
  kill -KILL -- "-$g" 2>/dev/null; log "killed $name (pgid $g) after 20 s"
}
sweep_namespace() { # anything still running in this private namespace was started by this run
  local p pid left=()
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = "$$" ] && continue
    [[ $p/ns/net -ef /proc/$$/ns/net ]] && left+=("$pid")
  done
  [ ${#left[@]} -gt 0 ] || return 0
  log "stopping leftover processes of this run: ${left[*]}"
  kill -TERM "${left[@]}" 2>/dev/null; sleep 3
  for pid in "${left[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
cleanup() {
  local i
  trap - EXIT INT TERM
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_group "${PIDS[i]}" "${NAMES[i]}"; done
  sweep_namespace
}
wait_until() { # wait_until NAME PID TIMEOUT_S CHECK... : until CHECK succeeds; fails if PID died
  local name=$1 pid=$2 t=$3 end; shift 3; end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    alive "$pid" || { tail -n 40 "$OUT/logs/$name.log" >&2; die "$name exited before it was ready (log: $OUT/logs/$name.log)"; }
    [ $SECONDS -lt $end ] || { tail -n 40 "$OUT/logs/$name.log" >&2; die "$name not ready after $t s (log: $OUT/logs/$name.log)"; }
    sleep 2
  done
  log "$name ready after $((SECONDS - end + t)) s"
}

inside() {
  set +e
  trap cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM
  ip link set lo up || die "could not bring up lo in the private network namespace"
  local suite=https://localhost:$SUITE_PORT issuer=https://localhost:$FRONT_PORT tls=$WORK/tls

  # 1. the suite's MongoDB and the suite (Tomcat serves https itself; no nginx)
  start suite-mongo "$WORK/suite-mongo" "$JDK/bin/java" -Xmx512m -XX:+UseSerialGC -cp "$WORK/suite-mongo:$WORK/suite-mongo/lib/*" \
    SuiteMongoLauncher "$MONGO_PORT"
  wait_until suite-mongo "${PIDS[-1]}" 60 grep -q LISTENING "$OUT/logs/suite-mongo.log"
  start suite "$WORK/suite" "$JDK/bin/java" -Xmx1536m -XX:+UseSerialGC -Djdk.tls.maxHandshakeMessageSize=65536 \
    -jar "$WORK/suite/target/fapi-test-suite.jar" --spring.profiles.active=dev --fintechlabs.devmode=true \
    --fintechlabs.base_url="$suite" --fintechlabs.base_mtls_url=https://localhost:8444 \
    --spring.mongodb.uri="mongodb://127.0.0.1:$MONGO_PORT/test_suite" \
    --server.port="$SUITE_PORT" --server.ssl.enabled=true --server.ssl.key-store="$tls/suite.p12" \
    --server.ssl.key-store-type=PKCS12 --server.ssl.key-store-password=changeit --server.ssl.key-alias=suite \
    --openid.mongodb.targetFeatureCompatibilityVersion=
  local suite_pid=${PIDS[-1]}

  # 2. the project (`npm start`: idp on :4000 and the rest of its stack), https issuer behind the TLS front,
  #    dynamic client registration on, OTP limits raised (one test citizen logs in dozens of times an hour),
  #    a fresh data dir per run, its own MongoDB/Redis (the namespace cannot reach others)
  mkdir -p "$OUT/project-data"
  start idp "$PROJECT" env -u MONGODB_URI -u REDIS_URL \
    IDP_REGISTRATION_TOKEN="$IAT" IDP_ISSUER="$issuer" TRUST_PROXY=true NODE_EXTRA_CA_CERTS="$tls/suite.pem" \
    OTP_SENDS_PER_IDENTIFIER_PER_HOUR="${OTP_ID_LIMIT:-500}" OTP_SENDS_PER_IP_PER_HOUR="${OTP_IP_LIMIT:-1000}" \
    OTP_RESEND_COOLDOWN_SECONDS="${OTP_COOLDOWN:-1}" DATA_DIR="$OUT/project-data" npm start
  local idp_pid=${PIDS[-1]}
  start tls-front "$KIT" node "$KIT/tls-proxy.mjs" "$FRONT_PORT" "$IDP_HTTP_PORT" "$tls/suite.pem" "$tls/suite-key.pem"
  local front_pid=${PIDS[-1]}

  wait_until idp "$idp_pid" 300 grep -q 'All services are up' "$OUT/logs/idp.log"
  wait_until tls-front "$front_pid" 30 curl -sf --cacert "$tls/suite.pem" "$issuer/.well-known/openid-configuration"
  curl -sf --cacert "$tls/suite.pem" "$issuer/.well-known/openid-configuration" > "$OUT/discovery.json"
  grep -q "\"issuer\":\"$issuer\"" "$OUT/discovery.json" || die "the idp does not announce issuer $issuer (see $OUT/discovery.json)"
  wait_until suite "$suite_pid" 600 curl -sf --cacert "$tls/suite.pem" "$suite/api/runner/available"

  # 3. the plans, one at a time (they share the alias), through the driver (the scripted user)
  cat > "$OUT/config.json" <<EOF
{
  "alias": "$ALIAS",
  "description": "local idp, https via the kit's TLS front",
  "server": { "discoveryUrl": "$issuer/.well-known/openid-configuration" },
  "client": { "client_name": "oidf-conformance-client-1", "initial_access_token": "$IAT" },
  "client2": { "client_name": "oidf-conformance-client-2", "initial_access_token": "$IAT" }
}
EOF
  local arg plan variant jsons=() incomplete=0 rc planid
  mkdir -p "$OUT/exports"
  for arg in "$@"; do
    plan=${arg%%=*}; variant=${arg#*=}
    [ "$variant" = "$arg" ] && variant=$(default_variant "$plan")
    log "plan $plan $variant"
    # progress: one line per test module (the full driver output goes to logs/)
    DRIVER_NODE_MODULES="$WORK/driver/node_modules" SUITE="$suite/" IDP="$issuer/" NODE_EXTRA_CA_CERTS="$tls/suite.pem" \
      timeout "${PLAN_TIMEOUT_S:-3600}" node "$KIT/driver.mjs" "$plan" "$variant" "$OUT/config.json" "$OUT" 2>&1 \
      | tee "$OUT/logs/$plan.driver.out" \
      | awk '/ == /{m=$3} /=> status=/{r=$0; sub(/.*result=/, "", r); printf "    %-72s %s\n", m, r; fflush()}' >&2
    rc=${PIPESTATUS[0]}
    if [ -f "$OUT/$plan.json" ]; then
      jsons+=("$OUT/$plan.json")
      python3 "$KIT/summarize.py" --counts "$OUT/$plan.json" >&2
      planid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["planId"])' "$OUT/$plan.json")
      curl -sf --cacert "$tls/suite.pem" -o "$OUT/exports/plan-$planid.zip" "$suite/api/plan/exporthtml/$planid" \
        || log "could not export plan $planid as HTML"
    fi
    if [ $rc -ne 0 ] || [ ! -f "$OUT/$plan.json" ]; then
      incomplete=1; tail -n 5 "$OUT/logs/$plan.driver.out" >&2; log "plan $plan: driver exit $rc"
    fi
  done

  # 4. summary
  rc=0
  if [ ${#jsons[@]} -gt 0 ]; then
    python3 "$KIT/summarize.py" --markdown "$OUT/SUMMARY.md" "${jsons[@]}"; rc=$?
    log "summary: $OUT/SUMMARY.md"
  fi
  [ $incomplete -eq 0 ] || rc=2
  exit $rc
}

case "${1:-}" in
  build) shift; cmd_build ;;
  run) shift; cmd_run "$@" ;;
  all) shift; cmd_build; cmd_run "$@" ;;
  __inside) shift; inside "$@" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
