# gate.sh -- what mef-gate costs: handshakes per second with the key cached and not
# cached, and the latency it adds to a request, each against the upstream directly,
# all measured in the same run.
#
# Usage: sh bench/gate.sh BUILD_DIR. Makes a private temp dir with configs on free
# ports and a KEK, starts one mefd, two mef-gates and one mef_echo_upstream (only
# those PIDs are ever stopped), registers the gates' Target and BENCH_KEYS Enrolees,
# bootstraps each with mef-enrol, then runs bench_loadgen (-c 4 -d 5 by default):
#   ref-conn   get -P to the upstream: connect + GET + answer + close, plain HTTP
#   hs-cached  get through gate A: the same over TLS 1.2 PSK, always the same KeId
#   hs-uncached get through gate B ([cache] entries = 1), KeIds of BENCH_KEYS Enrolees
#              in rotation, so each handshake evicts the previous key and waits for a
#              fetch from mefd (the gate log's source=mef fraction is printed)
#   ref-ka     get-ka -P to the upstream: one keep-alive connection per client
#   gate-ka    get-ka through gate A
# Not part of make test. Environment: BENCH_CLIENTS, BENCH_SECONDS, BENCH_KEYS (2..16,
# default 8), BENCH_UPSTREAM (another upstream binary taking PORT LOGFILE, default
# BUILD/mef_echo_upstream), MEF_LOG_LEVEL, MEF_KEEP=1 (keep the temp dir and logs).
set -u

BUILD=${1:?usage: sh bench/gate.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd) || exit 1
CLIENTS=${BENCH_CLIENTS:-4}
SECONDS_=${BENCH_SECONDS:-5}
NKEYS=${BENCH_KEYS:-8}
UPSTREAM=${BENCH_UPSTREAM:-$BUILD/mef_echo_upstream}
FQDN=mef.example.com
. "$(dirname "$0")/bench_lib.sh"
bench_begin gate.sh mefd mefctl mef-enrol mef-gate bench_loadgen
[ -x "$UPSTREAM" ] || die "$UPSTREAM is not built"
[ "$NKEYS" -ge 2 ] && [ "$NKEYS" -le 16 ] || die "BENCH_KEYS must be 2..16"

set -- $("$FREEPORT" 5)
BOOT_PORT=${1:-}
TARGET_PORT=${2:-}
GATE_A=${3:-}
GATE_B=${4:-}
UP_PORT=${5:-}
[ -n "$UP_PORT" ] || die "no free ports"

cat >"$T/mefd.conf" <<CONF
[mef]
fqdn = $FQDN
workers = 2
log_level = ${MEF_LOG_LEVEL:-info}
[database]
url = sqlite:$T/mef.db
kek_file = $T/kek
[bootstrap]
listen = 127.0.0.1:$BOOT_PORT
[target]
listen = 127.0.0.1:$TARGET_PORT
CONF
"$BUILD/mefctl" kek generate "$T/kek" >/dev/null || die "kek generate"

# gate_conf FILE PORT ENTRIES: both gates are the same Target, only the cache differs.
gate_conf() {
	cat >"$1" <<CONF
[gate]
listen = 127.0.0.1:$2
upstream = http://127.0.0.1:$UP_PORT
target_id = /in-cse-1
workers = 2
log_level = info
[cache]
entries = $3
[mef:$FQDN]
url = 127.0.0.1:$TARGET_PORT
psk_id = gate-1
psk_file = $T/gate.psk
CONF
}

# wait_ports PORT...: until each port listens (the processes are in PIDS).
wait_ports() {
	i=0
	for port in "$@"; do
		until listening "$port"; do
			i=$((i + 1))
			[ $i -lt 100 ] || die "nothing listens on port $port"
			sleep 0.1
		done
	done
}

start "$T/mefd.log" "$BUILD/mefd" -c "$T/mefd.conf"
wait_ports "$BOOT_PORT" "$TARGET_PORT"

hexkey() { openssl rand -hex 32; }
mefctl() { "$BUILD/mefctl" -c "$T/mefd.conf" "$@" >/dev/null || die "mefctl $*"; }

hexkey >"$T/gate.psk"
mefctl target add --id /in-cse-1 --kind cse --psk-id gate-1 --psk-file "$T/gate.psk"

# One Enrolee per KeId; CREDS collects "-i KeId -k Kpsa -o EnroleeID" for each,
# left unquoted where used so that it splits into arguments (hex and IDs only).
CREDS=""
n=1
while [ $n -le "$NKEYS" ]; do
	kpm=$(hexkey)
	mefctl enrolee add --kpm-id "bench$n" --kpm "$kpm" \
	    --enrolee-id "C-bench$n" --target /in-cse-1 --lifetime 3600
	out=$("$BUILD/mef-enrol" --mef "127.0.0.1:$BOOT_PORT" --fqdn "$FQDN" \
	    --kpm-id "bench$n" --kpm "$kpm" --target /in-cse-1 --json \
	    --show-key) || die "mef-enrol bench$n"
	keyid=$(printf '%s\n' "$out" | sed -n 's/.*"KeId" *: *"\([^"]*\)".*/\1/p')
	kpsa=$(printf '%s\n' "$out" | sed -n 's/.*"Kpsa" *: *"\([^"]*\)".*/\1/p')
	[ -n "$keyid" ] && [ -n "$kpsa" ] || die "no KeId or Kpsa from mef-enrol"
	[ $n -eq 1 ] && CRED1="-i $keyid -k $kpsa -o C-bench1"
	CREDS="$CREDS -i $keyid -k $kpsa -o C-bench$n"
	n=$((n + 1))
done

gate_conf "$T/gate-a.conf" "$GATE_A" 100000
gate_conf "$T/gate-b.conf" "$GATE_B" 1
"$BUILD/mef-gate" -c "$T/gate-a.conf" -n >/dev/null || die "gate A config"
"$BUILD/mef-gate" -c "$T/gate-b.conf" -n >/dev/null || die "gate B config"
start "$T/gate-a.log" "$BUILD/mef-gate" -c "$T/gate-a.conf"
start "$T/gate-b.log" "$BUILD/mef-gate" -c "$T/gate-b.conf"
# The upstream logs every request line; to /dev/null, so no file grows under load.
start "$T/upstream.out" "$UPSTREAM" "$UP_PORT" /dev/null
wait_ports "$GATE_A" "$GATE_B" "$UP_PORT"

# bench NAME MODE PORT ARGS...: one bench_loadgen run; its line goes to $T/NAME.
bench() {
	name=$1; mode=$2; port=$3; shift 3
	"$BUILD/bench_loadgen" "$mode" -a "127.0.0.1:$port" -c "$CLIENTS" \
	    -d "$SECONDS_" -u /cse/bench "$@" >"$T/$name" 2>"$T/$name.err" ||
	    die "bench $name: $(cat "$T/$name.err")"
	printf '%-12s %s\n' "$name" "$(cat "$T/$name")"
	[ -s "$T/$name.err" ] && sed 's/^/             /' "$T/$name.err"
	return 0
}
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$T/$1"; }
associations() { grep -c "association .*outcome=ok" "$1"; }
from_mef() { grep -c "association .*outcome=ok source=mef" "$1"; }
failed() { grep -c "association .*outcome=handshake-failed" "$1"; }

echo "# bench/gate.sh: clients=$CLIENTS seconds=$SECONDS_ keys(uncached)=$NKEYS" \
    "cpus=$(nproc) (bench, mef-gate, mefd and upstream share them)"
echo "# upstream: $UPSTREAM"
echo "# raw bench_loadgen lines:"
# Warm gate A's cache for KeId 1 so that the cached run starts warm.
"$BUILD/bench_loadgen" get -a "127.0.0.1:$GATE_A" -c 1 -d 1 -u /cse/bench \
    $CRED1 >/dev/null 2>&1 || die "gate A warm-up"
bench ref-conn get "$UP_PORT" -P -o C-bench1
a0=$(associations "$T/gate-a.log"); ma0=$(from_mef "$T/gate-a.log")
bench hs-cached get "$GATE_A" $CRED1
b0=$(associations "$T/gate-b.log"); mb0=$(from_mef "$T/gate-b.log")
bench hs-uncached get "$GATE_B" $CREDS
a1=$(associations "$T/gate-a.log"); ma1=$(from_mef "$T/gate-a.log")
b1=$(associations "$T/gate-b.log"); mb1=$(from_mef "$T/gate-b.log")
bench ref-ka get-ka "$UP_PORT" -P -o C-bench1
bench gate-ka get-ka "$GATE_A" $CRED1

# row NAME VALUE REF DETAILS: one metric line with the ratio VALUE/REF.
row() {
	awk -v n="$1" -v v="$2" -v r="$3" -v d="$4" 'BEGIN {
		printf "%-22s %9s %9s %6.3f  %s\n", n, v, r, (r > 0 ? v / r : 0), d }'
}
# pq RUN REFRUN: the latency percentiles of both runs.
pq() {
	echo "p50_us=$(field "$1" p50_us) p99_us=$(field "$1" p99_us)" \
	    "ref_p50_us=$(field "$2" p50_us) ref_p99_us=$(field "$2" p99_us)"
}
# frac PART WHOLE
frac() { awk -v p="$1" -v w="$2" 'BEGIN { printf "%d/%d=%.3f", p, w, w ? p / w : 0 }'; }

echo "# metric                     value reference ratio  details"
row hs_cached_per_s "$(field hs-cached rate)" "$(field ref-conn rate)" \
    "$(pq hs-cached ref-conn) source=mef $(frac $((ma1 - ma0)) $((a1 - a0)))"
row hs_uncached_per_s "$(field hs-uncached rate)" "$(field ref-conn rate)" \
    "$(pq hs-uncached ref-conn) source=mef $(frac $((mb1 - mb0)) $((b1 - b0)))"
echo "# gate log, handshake-failed: gate A $(failed "$T/gate-a.log")," \
    "gate B $(failed "$T/gate-b.log")"
for q in p50 p99; do
	g=$(field gate-ka "${q}_us"); r=$(field ref-ka "${q}_us")
	row "req_latency_${q}_us" "$g" "$r" "added_us=$((g - r)) (keep-alive GET)"
done
row req_keepalive_per_s "$(field gate-ka rate)" "$(field ref-ka rate)" \
    "$(pq gate-ka ref-ka)"
cat <<'NOTE'
# ratio = value / reference; each reference is plain HTTP straight to the upstream,
# measured in the same run. hs_* ops are TCP connect + TLS 1.2 PSK handshake + one
# GET + answer + close; source=mef is the share of that run's associations whose
# key the gate fetched from mefd. The upstream (mef_echo_upstream) forks one process
# per connection: that fork bounds the connect+GET+close reference, and mef-gate
# opens one upstream connection (one more fork) per association as well.
NOTE
if [ "$(field ref-ka p50_us)" -ge 30000 ]; then
	echo "# WARNING: keep-alive answers straight from the upstream take ~40 ms: it"
	echo "# writes head and body in two segments without TCP_NODELAY, and Nagle"
	echo "# waits for the peer's delayed ACK. req_latency_* then measure that"
	echo "# stall, not the gate (BENCH_UPSTREAM= an upstream with TCP_NODELAY)."
fi
exit 0
