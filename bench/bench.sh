# bench.sh -- make bench: mefd against its references, every figure from one run.
#
# Usage: sh bench/bench.sh BUILD_DIR. Installs nginx with apt-get when it is missing,
# makes a private temp dir (P-256 certificates, KEK, configs on free ports), and
# measures with one load client, bench_loadgen (non-blocking: BENCH_CLIENTS connections
# over BENCH_THREADS epoll loops):
#   1 fetches/s: keep-alive TLS 1.2, client certificate, ECDHE-ECDSA-AES128-GCM-SHA256,
#     GET /fetchCredentials/<KeId> over BENCH_KEYS KeIds of the small store, against
#     nginx (ssl_verify_client on) serving one captured mefd answer as a static file;
#   2 bootstraps/s: TLS 1.2 PSK-AES128-CBC-SHA256 handshake + export + POST /enrolment
#     + answer + close (mefd: Kpm lookup, export, durable group commit), each connection
#     with the next of BENCH_BOOT Enrolees (distinct KpmIds, one Kpm), against
#     bench_loadgen ref-handshake on ref_psk_server (handshake + export only);
#   3 fetch latency p99 at the load of 1 (p50, p999 and max alongside);
#   4 fetch p50 with BENCH_BIG Enrolees against BENCH_SMALL, written by bench_populate
#     (with the fetch cache, and again with fetch_cache_entries = 0, 1 client);
#   5 resident memory per idle TLS connection (BENCH_IDLE connections after one fetch
#     each; VmRSS delta / N, nginx's workers measured alike), and mefd's VmRSS after
#     the same runs on the big and on the small store.
# With workers=1 the servers share cpu1 and the load client has cpu0 (taskset);
# BENCH_W2=1 (default) repeats 1 and 2 with workers=2 on both sides, unpinned. Each
# comparison alternates BENCH_ROUNDS runs of both sides and keeps the median of each;
# every run line shows how busy each CPU was (/proc/stat, softirq included), which
# tells whether the server or the load client was the bound. At the end all rows are
# printed again as one table, with the time each part took.
# Only the PIDs this script starts are ever stopped. Not part of make test.
# Environment: BENCH_CLIENTS (4), BENCH_THREADS (1), BENCH_SECONDS (5), BENCH_ROUNDS
# (3), BENCH_SMALL (10000), BENCH_BIG (10000000), BENCH_KEYS (10000), BENCH_BOOT (16),
# BENCH_IDLE (2000), BENCH_W2 (1), BENCH_PIN (1), MEF_LOG_LEVEL (warn: mefd logs no
# fetch and nginx no access; info: both log each request), MEF_KEEP=1 keeps the temp
# dir.
set -u

BUILD=${1:?usage: sh bench/bench.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd) || exit 1
SRC=$(cd "$(dirname "$0")" && pwd) || exit 1
CLIENTS=${BENCH_CLIENTS:-4}
THREADS=${BENCH_THREADS:-1}
SECONDS_=${BENCH_SECONDS:-5}
SMALL=${BENCH_SMALL:-10000}
BIG=${BENCH_BIG:-10000000}
NKEYS=${BENCH_KEYS:-10000}
NIDLE=${BENCH_IDLE:-2000}
ROUNDS=${BENCH_ROUNDS:-3}
W2=${BENCH_W2:-1}
MEF_LOG_LEVEL=${MEF_LOG_LEVEL:-warn}
FQDN=mef.example.com
TARGET=/in-cse-bench
NBOOT=${BENCH_BOOT:-16}
. "$SRC/bench_lib.sh"
BENCH_NAME=bench.sh

# nginx: installed from Debian when missing (root only), never started as a service.
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
	[ "$(id -u)" -eq 0 ] || die "nginx is missing; install it (apt-get install nginx)"
	echo "bench.sh: installing nginx"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends nginx >/dev/null 2>&1 ||
	    { apt-get update -q >/dev/null &&
	    apt-get install -y -q --no-install-recommends nginx >/dev/null; } ||
	    die "apt-get install nginx failed"
	NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
bench_begin bench.sh mefd mefctl bench_loadgen bench_populate ref_psk_server
# PIN0, PIN1: the command prefix that runs a program on CPU 0 or 1, or nothing.
PINNING=0 PIN0="" PIN1=""
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] &&
    command -v taskset >/dev/null 2>&1; then
	PINNING=1 PIN0="taskset -c 0" PIN1="taskset -c 1"
fi
ulimit -n 200000 2>/dev/null || ulimit -n 65536 2>/dev/null
[ "$(ulimit -n)" -gt $((NIDLE + 512)) ] || die "ulimit -n is too low for BENCH_IDLE"

: >"$T/rows"
: >"$T/times"
T_ALL=$(date +%s)

set -- $("$FREEPORT" 4)
BOOT_PORT=${1:-}
TARGET_PORT=${2:-}
NGINX_PORT=${3:-}
REF_PORT=${4:-}
[ -n "$REF_PORT" ] || die "no free ports"

cert server "$FQDN"
cert target "${TARGET#/}"
FP=$(openssl x509 -in "$T/target.pem" -noout -fingerprint -sha256 |
    cut -d= -f2 | tr -d :)
"$BUILD/mefctl" kek generate "$T/kek" >/dev/null || die "kek generate"
KPM=$(openssl rand -hex 32)

# new_store NAME N: a store with the Target, NBOOT bootstrap Enrolees and N
# populated Enrolees; BENCH_KEYS of their KeIds in $T/NAME.keys.
new_store() {
	t0=$(date +%s)
	mefd_conf "$T/$1.conf" "$T/$1.db" 1
	"$BUILD/mefctl" -c "$T/$1.conf" target add --id "$TARGET" \
	    --cert-fingerprint "$FP" >/dev/null || die "target add"
	i=1
	while [ $i -le $NBOOT ]; do
		"$BUILD/mefctl" -c "$T/$1.conf" enrolee add --kpm-id "boot$i" \
		    --kpm "$KPM" --enrolee-id "C-boot$i" --target "$TARGET" \
		    --lifetime 86400 >/dev/null || die "enrolee add boot$i"
		i=$((i + 1))
	done
	"$BUILD/bench_populate" -d "sqlite:$T/$1.db" -K "$T/kek" -f "$FQDN" \
	    -t "$TARGET" -n "$2" -k "$T/$1.keys" -s "$NKEYS" \
	    >"$T/$1.populate" || die "bench_populate $1"
	echo "# $1 store: $(cat "$T/$1.populate")," \
	    "file $(($(stat -c %s "$T/$1.db") / 1048576)) MiB"
	took "populate $1 ($2 Enrolees)" "$t0"
}

MEFD_PID=""
# mefd_start NAME WORKERS: mefd on store NAME; pinned to CPU 1 with one worker.
mefd_start() {
	mefd_conf "$T/run.conf" "$T/$1.db" "$2"
	pin=""
	[ "$2" = 1 ] && pin=$PIN1
	start "$T/mefd.log" $pin "$BUILD/mefd" -c "$T/run.conf"
	MEFD_PID=$LAST_PID
	wait_listen "$MEFD_PID" "$BOOT_PORT" "$TARGET_PORT" || die "mefd did not start"
}
mefd_stop() { stop "$MEFD_PID"; MEFD_PID=""; }

NGINX_PID=""
nginx_start() {
	nginx_conf "$T/nginx.conf" "$1"
	pin=""
	[ "$1" = 1 ] && pin=$PIN1
	start "$T/nginx.out" $pin "$NGINX" -e "$T/nginx-error.log" \
	    -p "$T/nginx/" -c "$T/nginx.conf"
	NGINX_PID=$LAST_PID
	wait_listen "$NGINX_PID" "$NGINX_PORT" ||
	    die "nginx did not start: $(tail -3 "$T/nginx-error.log")"
}
nginx_stop() { stop "$NGINX_PID"; NGINX_PID=""; }

CERTARGS="-C $T/target.pem -K $T/target.key -o $TARGET"
CIPHER=ECDHE-ECDSA-AES128-GCM-SHA256
# The bootstrap Enrolees as bench_loadgen -I reads them: "KpmId Kpm" a line.
i=1
while [ $i -le $NBOOT ]; do
	echo "boot$i $KPM"
	i=$((i + 1))
done >"$T/boot.creds"

# bench NAME MODE PORT ARGS...: one bench_loadgen run (on CPU 0 when pinning); its
# line in $T/NAME, the busy fraction of each CPU meanwhile in $T/NAME.busy.
bench() {
	name=$1 mode=$2 port=$3
	shift 3
	cpu_stat "$T/cpu.0"
	$PIN0 "$BUILD/bench_loadgen" "$mode" -a "127.0.0.1:$port" -d "$SECONDS_" \
	    -t "$THREADS" "$@" >"$T/$name" 2>"$T/$name.err" ||
	    die "bench $name: $(cat "$T/$name.err")"
	cpu_stat "$T/cpu.1"
	cpu_busy "$T/cpu.0" "$T/cpu.1" >"$T/$name.busy"
	printf '%-17s %s busy: %s\n' "$name" "$(cat "$T/$name")" \
	    "$(cat "$T/$name.busy")"
	[ -s "$T/$name.err" ] && sed 's/^/                  /' "$T/$name.err"
	return 0
}
fetch() {
	name=$1 port=$2 keys=$3 clients=$4
	bench "$name" fetch "$port" -c "$clients" -s "$CIPHER" $CERTARGS \
	    -A "$T/server.pem" -E "$keys"
}
boot() { bench "$1" bootstrap "$BOOT_PORT" -c "$CLIENTS" -I "$T/boot.creds"; }
ref() { bench "$1" ref-handshake "$REF_PORT" -c "$CLIENTS" -I "$T/boot.creds"; }

# rounds NAME_A CMD_A NAME_B CMD_B: ROUNDS alternations of two runs (CMD NAME.r),
# so that drift hits both sides alike; NAME_A and NAME_B get their median runs.
rounds() {
	r=1
	while [ $r -le "$ROUNDS" ]; do
		$2 "$1.$r"
		$4 "$3.$r"
		r=$((r + 1))
	done
	median "$1" "$ROUNDS"
	median "$3" "$ROUNDS"
}

# idle_rss NAME PORT PIDS: KiB per idle connection; opens NIDLE, probes, closes.
idle_rss() {
	r0=$(rss_kib $3)
	$PIN0 "$BUILD/bench_loadgen" idle -a "127.0.0.1:$2" -c "$NIDLE" -d 3 \
	    -s "$CIPHER" $CERTARGS -E "$T/small.keys" >"$T/$1" 2>"$T/$1.err" &
	IDLE_PID=$!
	PIDS="$PIDS $IDLE_PID"
	until [ -s "$T/$1" ]; do
		kill -0 "$IDLE_PID" 2>/dev/null || break
		sleep 0.1
	done
	sleep 1
	r1=$(rss_kib $3)
	wait "$IDLE_PID"
	forget "$IDLE_PID"
	open=$(field "$T/$1" ops)
	[ -n "$open" ] && [ "$open" -gt 0 ] || die "idle $1: $(cat "$T/$1.err")"
	printf '%-17s %s rss_before_kib=%s rss_open_kib=%s\n' "$1" \
	    "$(cat "$T/$1")" "$r0" "$r1"
	awk -v a="$r0" -v b="$r1" -v n="$open" \
	    'BEGIN { printf "%.1f\n", (b - a) / n }' >"$T/$1.per"
}

start_ref() {
	pin=""
	[ "$1" = 1 ] && pin=$PIN1
	start "$T/ref.log" $pin "$BUILD/ref_psk_server" -a "127.0.0.1:$REF_PORT" \
	    -k "$KPM" -w "$1"
	REF_PID=$LAST_PID
	wait_listen "$REF_PID" "$REF_PORT" || die "ref_psk_server did not start"
}

echo "# bench/bench.sh: cpus=$(nproc) clients=$CLIENTS threads=$THREADS" \
    "seconds=$SECONDS_" \
    "rounds=$ROUNDS (median kept) pinning=$PINNING"
[ "$PINNING" = 1 ] && echo "# workers=1 runs: servers on cpu1, load client" \
    "on cpu0; workers=2 runs unpinned"
echo "# mefd log_level=$MEF_LOG_LEVEL; nginx access_log" \
    "$([ "$MEF_LOG_LEVEL" = info ] && echo on || echo off)"
echo "# $("$NGINX" -v 2>&1); $(openssl version)"
echo "# references: nginx, worker_processes = mefd workers, static file;" \
    "ref_psk_server: one epoll loop per worker thread over non-blocking sockets," \
    "each with its own SO_REUSEPORT listener (mefd: one libevent loop per worker" \
    "+ one commit thread)"

new_store small "$SMALL"

# The static file: one real answer of mefd to the fetch the load client makes.
t0=$(date +%s)
mefd_start small 1
curl -sS --max-time 10 --cacert "$T/server.pem" \
    --resolve "$FQDN:$TARGET_PORT:127.0.0.1" --cert "$T/target.pem" \
    --key "$T/target.key" -H "X-M2M-Origin: $TARGET" -H 'X-M2M-RI: bench' \
    -D "$T/mefd.head" -o "$T/fetch.json" \
    "https://$FQDN:$TARGET_PORT/fetchCredentials/$(head -1 "$T/small.keys")" ||
    die "curl fetch from mefd"
grep -q '"Credential"' "$T/fetch.json" || die "no Credential: $(cat "$T/fetch.json")"
mkdir -p "$T/www"
cp "$T/fetch.json" "$T/www/fetch.json"
nginx_start 1
curl -sS --max-time 10 --cacert "$T/server.pem" \
    --resolve "$FQDN:$NGINX_PORT:127.0.0.1" --cert "$T/target.pem" \
    --key "$T/target.key" -H 'X-M2M-RI: bench' -D "$T/nginx.head" \
    -o "$T/nginx.json" "https://$FQDN:$NGINX_PORT/fetchCredentials/x" ||
    die "curl fetch from nginx"
cmp -s "$T/fetch.json" "$T/nginx.json" || die "nginx does not serve the same body"
echo "# answer: body $(wc -c <"$T/fetch.json") bytes; head: mefd" \
    "$(wc -c <"$T/mefd.head") bytes, nginx $(wc -c <"$T/nginx.head") bytes"

# Metrics 1 and 3; the small-store side of 4 and 5.
fetch_mefd() { fetch "$1" "$TARGET_PORT" "$T/small.keys" "$CLIENTS"; }
fetch_nginx() { fetch "$1" "$NGINX_PORT" "$T/small.keys" "$CLIENTS"; }
fetch_mefd warm-mefd >/dev/null
fetch_nginx warm-nginx >/dev/null
rounds fetch-mefd fetch_mefd fetch-nginx fetch_nginx
fetch fetch1-small "$TARGET_PORT" "$T/small.keys" 1
RSS_SMALL=$(rss_kib $(family "$MEFD_PID"))
took "fetch, workers=1 (mefd, nginx)" "$t0"

t0=$(date +%s)
idle_rss idle-mefd "$TARGET_PORT" "$(family "$MEFD_PID")"
idle_rss idle-nginx "$NGINX_PORT" "$(family "$NGINX_PID")"
nginx_stop
took "idle connections (mefd, nginx)" "$t0"

# Metric 2; mefd stays up, idle, while the reference runs.
t0=$(date +%s)
start_ref 1
rounds boot-mefd boot boot-ref ref
stop "$REF_PID"
mefd_stop
took "bootstrap, workers=1 (mefd, ref)" "$t0"

if [ "$W2" = 1 ]; then
	t0=$(date +%s)
	mefd_start small 2
	nginx_start 2
	fetch_mefd warm2 >/dev/null
	rounds fetch-mefd-w2 fetch_mefd fetch-nginx-w2 fetch_nginx
	nginx_stop
	start_ref 2
	rounds boot-mefd-w2 boot boot-ref-w2 ref
	stop "$REF_PID"
	mefd_stop
	took "workers=2 (fetch and bootstrap)" "$t0"
fi

# The big store: the same runs as on the small one, for 4 and the RSS of 5.
new_store big "$BIG"
POP_S=$(field "$T/big.populate" seconds)
t0=$(date +%s)
mefd_start big 1
fetch_big() { fetch "$1" "$TARGET_PORT" "$T/big.keys" "$CLIENTS"; }
fetch_big warm-big >/dev/null
r=1
while [ $r -le "$ROUNDS" ]; do
	fetch_big "fetch-big.$r"
	r=$((r + 1))
done
median fetch-big "$ROUNDS"
fetch fetch1-big "$TARGET_PORT" "$T/big.keys" 1
RSS_BIG=$(rss_kib $(family "$MEFD_PID"))
mefd_stop
took "fetch on the big store" "$t0"

# The store's own lookup: both stores again with the fetch cache off, 1 client.
t0=$(date +%s)
MEFD_CACHE=0
for s in big small; do
	mefd_start "$s" 1
	fetch "warm-$s-nc" "$TARGET_PORT" "$T/$s.keys" 1 >/dev/null
	fetch "fetch1-$s-nc" "$TARGET_PORT" "$T/$s.keys" 1
	mefd_stop
done
MEFD_CACHE=""
took "fetch without the cache (big, small)" "$t0"

f() { field "$T/$1" "$2"; }
# busy RUN: "load/server" busy fractions when pinned, else both CPUs.
busy() {
	if [ "$PINNING" = 1 ]; then
		sed 's/cpu0=\([0-9.]*\) cpu1=\([0-9.]*\).*/\1\/\2/' "$T/$1.busy"
	else
		cat "$T/$1.busy"
	fi
}
BUSY="cpu busy load/server"
[ "$PINNING" = 1 ] || BUSY="cpu busy"
HEAD="# metric                        value  reference   ratio  goal     details"
echo
echo "$HEAD"
: >"$T/rows"
row fetch_per_s "$(f fetch-mefd rate)" "$(f fetch-nginx rate)" ">=1.0" \
    "mefd workers=1 vs nginx worker_processes=1, clients=$CLIENTS; $BUSY $(busy fetch-mefd) vs $(busy fetch-nginx)"
row fetch_p99_us "$(f fetch-mefd p99_us)" "$(f fetch-nginx p99_us)" "<2000" \
    "at the load of fetch_per_s; p50_us $(f fetch-mefd p50_us) vs $(f fetch-nginx p50_us), p999_us $(f fetch-mefd p999_us) vs $(f fetch-nginx p999_us)"
row bootstrap_per_s "$(f boot-mefd rate)" "$(f boot-ref rate)" ">=0.8" \
    "mefd workers=1 vs ref_psk_server 1 epoll thread, clients=$CLIENTS; $BUSY $(busy boot-mefd) vs $(busy boot-ref); p50_us $(f boot-mefd p50_us) vs $(f boot-ref p50_us)"
if [ "$W2" = 1 ]; then
	row fetch_per_s_w2 "$(f fetch-mefd-w2 rate)" "$(f fetch-nginx-w2 rate)" \
	    ">=1.0" "workers=2 both, unpinned; p99_us $(f fetch-mefd-w2 p99_us) vs $(f fetch-nginx-w2 p99_us)"
	row bootstrap_per_s_w2 "$(f boot-mefd-w2 rate)" "$(f boot-ref-w2 rate)" \
	    ">=0.8" "workers=2 vs ref_psk_server 2 epoll threads, unpinned"
fi
row fetch_p50_us_big "$(f fetch-big p50_us)" "$(f fetch-mefd p50_us)" "<=1.25" \
    "$BIG vs $SMALL Enrolees, clients=$CLIENTS; rate $(f fetch-big rate) vs $(f fetch-mefd rate)"
row fetch_p50_us_big_c1 "$(f fetch1-big p50_us)" "$(f fetch1-small p50_us)" \
    "<=1.25" "the same with 1 client; p99_us $(f fetch1-big p99_us) vs $(f fetch1-small p99_us)"
row fetch_p50_us_big_nocache "$(f fetch1-big-nc p50_us)" \
    "$(f fetch1-small-nc p50_us)" "<=1.25" "fetch_cache_entries = 0, 1 client: every fetch reads the store; p99_us $(f fetch1-big-nc p99_us) vs $(f fetch1-small-nc p99_us)"
row idle_conn_kib "$(cat "$T/idle-mefd.per")" "$(cat "$T/idle-nginx.per")" \
    "<=40" "VmRSS delta / $NIDLE idle keep-alive TLS connections (one fetch each); ref: nginx workers"
row rss_big_kib "$RSS_BIG" "$RSS_SMALL" "bounded" \
    "mefd VmRSS after the same runs, $BIG vs $SMALL Enrolees"
echo "# ratio = value / reference. Populating $BIG Enrolees took ${POP_S} s" \
    "($(field "$T/big.populate" rows_per_s) rows/s)."
if awk -v s="$POP_S" 'BEGIN { exit !(s > 600) }'; then
	echo "# NOTE: populating BENCH_BIG=$BIG took over 10 minutes here;" \
	    "BENCH_BIG=1000000 makes a shorter run."
fi
took "total" "$T_ALL"
echo
echo "# table (make bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), BENCH_BIG=$BIG):"
echo "$HEAD"
cat "$T/rows"
echo "# times:"
cat "$T/times"
exit 0
