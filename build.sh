#!/usr/bin/env bash
# DistSync build entry point. Subcommands: build | test | cluster | node | bench | docker
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIG=${CONFIG:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat <<USAGE
usage: ./build.sh <command> [args]
  build              build every project (Release)
  test               build and run every test project; ends with 'tests: N passed, N failed'
  cluster [opts]     start three local nodes and watch them (see README; --journal redis, DSYNC_PORT_BASE)
  node <n> [--stop]  start or restart node n of the local cluster with its usual settings (--stop: stop it)
  bench <name> ...   run a benchmark: $(bench_names)
                     (kv and locks also start their own 3-member etcd, /usr/bin/etcd or etcd on PATH, when present; --no-etcd skips it)
                     (compare: one run, DistSync then etcd, put/get/lock cycle/contended lock/failover, one table + artifacts/bench/compare-*.csv;
                      --quick --check: fail when a ratio drops >15% below artifacts/bench/baseline.csv)
                     (soak [--minutes N]: sustained put + lock load, DistSync then etcd: per-minute rate, failures, leader changes, RSS/key)
  docker             lint the Dockerfile, compose, Prometheus/Grafana and k8s files; build the image if an engine runs
USAGE
}

bench_names() { echo "actors remote persistence raft-core raft-sim raft-host kv locks queues cache broadcast lin-check compare soak"; }

not_yet() { echo "$1: not available yet — $2" >&2; exit 2; }

cmd_build() { dotnet build DistSync.sln -c "$CONFIG" -nologo -v q "$@"; }

# Sums the counters of every TRX file a test run wrote.
sum_trx() {
  local dir=$1 passed=0 failed=0 total=0 p f t line
  for file in "$dir"/*.trx; do
    [ -f "$file" ] || continue
    line=$(grep -o '<Counters [^>]*>' "$file" | head -n1)
    t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line")
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
    total=$((total + ${t:-0})); passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  done
  echo "$passed $failed $total"
}

# Lists every failed test of a run with the first line of its message, so that the tail of a CI log names them.
failed_trx() {
  local dir=$1 file
  for file in "$dir"/*.trx; do
    [ -f "$file" ] || continue
    awk '
      /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); want = 1 }
      want && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); print "FAILED " name ": " substr($0, 1, 400); want = 0 }
      want && /<\/UnitTestResult>/ { print "FAILED " name; want = 0 }
    ' "$file"
  done
}

# Installs what the tests need when it is missing (redis-server for the Redis journal specs, sqlite3 for
# inspecting journals, tmux for the two-terminal chat spec), so that a fresh machine needs nothing but this command.
ensure_test_deps() {
  local need=() sudo=""
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
  command -v tmux >/dev/null 2>&1 || need+=(tmux)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ ${#need[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test: ${need[*]} missing and no apt-get here; install them, then run again" >&2; exit 1
  fi
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "test: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
}

cmd_test() {
  ensure_test_deps
  local results="$ROOT/artifacts/test-results"
  rm -rf "$results"; mkdir -p "$results"
  cmd_build
  local rc=0
  # --blame-hang-timeout turns a hung test into a reported failure instead of a stuck CI run.
  dotnet test DistSync.sln -c "$CONFIG" --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
    --blame-hang-timeout 10m "$@" || rc=$?
  read -r passed failed total < <(sum_trx "$results")
  if [ "$total" -eq 0 ] && [ "$rc" -ne 0 ]; then failed=1; fi
  failed_trx "$results"
  echo "tests: $passed passed, $failed failed"
  if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
}

cmd_cluster() {
  if [ ! -f src/DistSync.Node/DistSync.Node.csproj ]; then not_yet cluster "the node host (issue #3) is not built yet"; fi
  exec bash "$ROOT/scripts/cluster.sh" "$@"
}

cmd_node() {
  if [ ! -f src/DistSync.Node/DistSync.Node.csproj ]; then not_yet node "the node host (issue #3) is not built yet"; fi
  exec bash "$ROOT/scripts/cluster.sh" node "$@"
}

cmd_bench() {
  local name=${1:-}
  if [ -z "$name" ]; then echo "bench: name one of: $(bench_names)" >&2; exit 2; fi
  shift
  if [ ! -f src/DistSync.Bench/DistSync.Bench.csproj ]; then not_yet "bench $name" "the benchmark harness is not built yet"; fi
  dotnet build src/DistSync.Bench/DistSync.Bench.csproj -c Release -nologo -v q
  dotnet "src/DistSync.Bench/bin/Release/net10.0/DistSync.Bench.dll" "$name" "$@"
}

cmd_docker() {
  # Lint first (tests/DistSync.Ops.Tests/Deploy): the Dockerfile, docker-compose.yml, Prometheus, Grafana and
  # deploy/k8s checked against each other and the node's HOCON, and `docker compose config` where the plugin exists.
  dotnet build tests/DistSync.Ops.Tests/DistSync.Ops.Tests.csproj -c "$CONFIG" -nologo -v q
  dotnet test tests/DistSync.Ops.Tests/DistSync.Ops.Tests.csproj -c "$CONFIG" --no-build -nologo \
    --filter "FullyQualifiedName~DistSync.Ops.Tests.Deploy" "$@"
  if ! docker info >/dev/null 2>&1; then
    echo "docker: lint passed; no Docker engine reachable here, so the image was not built" >&2
    return 0
  fi
  docker build -f docker/Dockerfile -t distsync:dev .
}

case "${1:-}" in
  build) shift; cmd_build "$@";;
  test) shift; cmd_test "$@";;
  cluster) shift; cmd_cluster "$@";;
  node) shift; cmd_node "$@";;
  bench) shift; cmd_bench "$@";;
  docker) shift; cmd_docker "$@";;
  -h|--help|help|"") usage;;
  *) echo "unknown command: $1" >&2; usage >&2; exit 2;;
esac
