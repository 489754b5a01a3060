#!/bin/sh
# Load test on a fresh server: builds Involve and bench/load, starts
# `involve serve --demo` on a new SQLite database (or, with -postgres, on a
# new schema in a PostgreSQL database), lets bench/load's simulated members
# act on it, stops the server and prints its resident memory after the load.
#
#   bench/load.sh                        # SQLite, 200 members for 60 s
#   bench/load.sh -postgres              # PostgreSQL: $INVOLVE_TEST_POSTGRES or the local test database
#   bench/load.sh -members 10 -duration 5s
#
# Flags after the optional -postgres [URL] go to bench/load. It exits with
# bench/load's status: 1 on any 5xx, request without an answer or lost write.
set -eu
cd "$(dirname "$0")/.."

pg=""
if [ "${1:-}" = "-postgres" ]; then
	shift
	pg="${INVOLVE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
	case "${1:-}" in postgres://*) pg="$1"; shift ;; esac
fi

work=$(mktemp -d)
pid=""
schema=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait "$pid" || true
	fi
	if [ -n "$schema" ]; then
		psql -q "$pg" -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "Building…"
go build -o "$work/involve" ./cmd/involve
go build -o "$work/load" ./bench/load

db="$work/involve.db"
if [ -n "$pg" ]; then
	schema="load_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
	psql -q "$pg" -c "CREATE SCHEMA $schema" >/dev/null
	case "$pg" in *\?*) db="$pg&search_path=$schema" ;; *) db="$pg?search_path=$schema" ;; esac
fi

# Port 0: the server picks a free port and says which.
"$work/involve" serve --demo --addr 127.0.0.1:0 --data "$work" --db "$db" >"$work/server.out" 2>"$work/server.log" &
pid=$!
addr=""
for _ in $(seq 1 600); do
	addr=$(sed -n 's/^Involve .* is running at \(http:[^ ]*\).*/\1/p' "$work/server.out")
	[ -n "$addr" ] && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; echo "the server stopped" >&2; exit 1; }
	sleep 0.1
done
[ -n "$addr" ] || { echo "the server did not start" >&2; exit 1; }
echo "Server $addr on $(sed -n 's/.*(database: \(.*\))/\1/p' "$work/server.out"), pid $pid"

# How busy the machine is, before and after: other work on it shows in
# the latencies.
busy() {
	echo "Machine load (uptime):$(uptime | sed 's/.*load average/ load average/')"
	if [ -r /proc/pressure/cpu ]; then
		echo "CPU pressure: $(sed -n 's/^some avg10=\([^ ]*\) avg60=\([^ ]*\).*/\2% of the last minute some task waited for a CPU/p' /proc/pressure/cpu)"
	fi
}
echo "Before the load:"
busy

status=0
"$work/load" -target "$addr" "$@" || status=$?

echo
echo "Server resident memory after the load: $(awk '/^VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)" \
	"(peak $(awk '/^VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$pid/status))"
echo "After the load:"
busy
errors=$(grep -c 'level=ERROR' "$work/server.log" || true)
echo "Server log: $errors error lines"
if [ "$errors" != 0 ]; then
	grep 'level=ERROR' "$work/server.log" | head -20
fi
exit $status
