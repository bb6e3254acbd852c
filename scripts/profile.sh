# profile.sh -- where mefd's instructions and syscalls go, against its references.
#
# Usage: sh scripts/profile.sh BUILD_DIR MODE OUT_DIR, MODE callgrind, strace or none.
# Sets up one store like bench/bench.sh (a certificate Target, 16 bootstrap Enrolees,
# BENCH_SMALL populated ones, BENCH_KEYS of their KeIds), then runs under MODE, one
# after the other and pinned to CPU 1 (load client on CPU 0): mefd with one worker
# (keep-alive fetches over TLS 1.2 with client certificates,
# ECDHE-ECDSA-AES128-GCM-SHA256, then PSK bootstraps), nginx serving mefd's answer as a
# static file (master_process off, so one process holds every count), and
# ref_psk_server (handshake and export only). Prints bench_loadgen's line for each run.
# callgrind: OUT_DIR/cg.mefd.PID.1 holds mefd's warm-up, .2 the fetch run and the
# final file the bootstrap run (callgrind_control -d between them) -- for the parent
# process only: the network process mefd forks is not dumpable, so vgdb cannot reach
# it and its file (the largest cg.mefd.*) holds the whole run. Per operation, take the
# difference of two runs: PBOOT=0 at two PSECS gives a fetch (start-up and the
# warm-up's cache misses cancel out), then PBOOT=1 against PBOOT=0 a bootstrap.
# strace: strace -c -f counts per process. Runs without mefd's seccomp sandbox, whose
# lists do not allow valgrind's and strace's own calls. Not part of make test.
# Environment: PSECS (8), BENCH_SMALL (10000), BENCH_KEYS (1000), PBOOT (1: also
# bootstraps), PCLIENTS (4: connections).
set -u

BUILD=$(cd "${1:?usage: sh scripts/profile.sh BUILD_DIR MODE OUT_DIR}" && pwd) || exit 1
WRAP=${2:?mode: callgrind, strace or none}
OUT=${3:?out dir}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 1
SRC=$(cd "$(dirname "$0")/../bench" && pwd) || exit 1
SECONDS_=${PSECS:-8}
CLIENTS=${PCLIENTS:-4}
MEF_LOG_LEVEL=warn
FQDN=mef.example.com
TARGET=/in-cse-bench
NBOOT=16
. "$SRC/bench_lib.sh"
bench_begin profile.sh mefd mefctl bench_loadgen bench_populate ref_psk_server
set -- $("$FREEPORT" 4)
BOOT_PORT=$1 TARGET_PORT=$2 NGINX_PORT=$3 REF_PORT=$4
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx is missing (make bench installs it)"

cert server "$FQDN"
cert target "${TARGET#/}"
FP=$(openssl x509 -in "$T/target.pem" -noout -fingerprint -sha256 |
    cut -d= -f2 | tr -d :)
"$BUILD/mefctl" kek generate "$T/kek" >/dev/null || die "kek generate"
KPM=$(openssl rand -hex 32)
mefd_conf "$T/run.conf" "$T/s.db" 1
# valgrind's and strace's own system calls are not on mefd's seccomp lists.
printf '[process]\nsandbox = no\n' >>"$T/run.conf"
"$BUILD/mefctl" -c "$T/run.conf" target add --id "$TARGET" \
    --cert-fingerprint "$FP" >/dev/null || die "target add"
BOOTCREDS=""
i=1
while [ $i -le $NBOOT ]; do
	"$BUILD/mefctl" -c "$T/run.conf" enrolee add --kpm-id "boot$i" \
	    --kpm "$KPM" --enrolee-id "C-boot$i" --target "$TARGET" \
	    --lifetime 86400 >/dev/null || die "enrolee add"
	BOOTCREDS="$BOOTCREDS -i boot$i -k $KPM"
	i=$((i + 1))
done
"$BUILD/bench_populate" -d "sqlite:$T/s.db" -K "$T/kek" -f "$FQDN" \
    -t "$TARGET" -n "${BENCH_SMALL:-10000}" -k "$T/s.keys" \
    -s "${BENCH_KEYS:-1000}" >/dev/null || die "bench_populate"

# wrap NAME CMD...: CMD on CPU 1 under MODE; its PID (the tracer's) in WPID.
wrap() {
	n=$1
	shift
	case $WRAP in
	callgrind) start "$T/$n.log" taskset -c 1 valgrind --tool=callgrind \
	    --callgrind-out-file="$OUT/cg.$n.%p" "$@" ;;
	strace) start "$T/$n.log" strace -c -f -o "$OUT/strace.$n" \
	    taskset -c 1 "$@" ;;
	*) start "$T/$n.log" taskset -c 1 "$@" ;;
	esac
	WPID=$LAST_PID
}
# unwrap: stops the server (under strace, the traced child first).
unwrap() {
	if [ "$WRAP" = strace ]; then
		c=$(pgrep -P "$WPID" | head -1)
		[ -n "$c" ] && kill -TERM "$c"
	fi
	stop "$WPID"
}
# dump: a new callgrind part. Only mefd's supervisor is reached: its worker and KEK
# processes (privileges dropped) keep one file for the whole run, so read per-call
# inclusive costs from them (callgrind_annotate --inclusive=yes).
dump() { [ "$WRAP" = callgrind ] && callgrind_control -d "$WPID" >/dev/null; }
load() {	# load NAME MODE PORT SECONDS ARGS...
	n=$1 m=$2 p=$3 s=$4
	shift 4
	taskset -c 0 "$BUILD/bench_loadgen" "$m" -a "127.0.0.1:$p" -d "$s" \
	    -c "$CLIENTS" "$@" | sed "s/^/$n: /"
}
FETCH="-s ECDHE-ECDSA-AES128-GCM-SHA256 -C $T/target.pem -K $T/target.key
    -o $TARGET -A $T/server.pem -E $T/s.keys"

wrap mefd "$BUILD/mefd" -c "$T/run.conf"
wait_listen "$WPID" "$BOOT_PORT" "$TARGET_PORT" || die "mefd did not start"
load mefd-warm fetch "$TARGET_PORT" 3 $FETCH
curl -s --max-time 30 --resolve "$FQDN:$TARGET_PORT:127.0.0.1" \
    --cacert "$T/server.pem" --cert "$T/target.pem" --key "$T/target.key" \
    -H "X-M2M-Origin: $TARGET" -H 'X-M2M-RI: bench' -o "$T/fetch.json" \
    "https://$FQDN:$TARGET_PORT/fetchCredentials/$(head -1 "$T/s.keys")" ||
    die "curl fetch from mefd"
dump
load mefd-fetch fetch "$TARGET_PORT" "$SECONDS_" $FETCH
dump
[ "${PBOOT:-1}" = 1 ] &&
    load mefd-boot bootstrap "$BOOT_PORT" "$SECONDS_" $BOOTCREDS
unwrap

mkdir -p "$T/www"
cp "$T/fetch.json" "$T/www/fetch.json"
nginx_conf "$T/nginx.conf" 1
sed -i 's/^daemon off;/daemon off;\nmaster_process off;/' "$T/nginx.conf"
wrap nginx "$NGINX" -e "$T/nginx-error.log" -p "$T/nginx/" -c "$T/nginx.conf"
wait_listen "$WPID" "$NGINX_PORT" || die "nginx did not start"
load nginx-warm fetch "$NGINX_PORT" 2 $FETCH
load nginx-fetch fetch "$NGINX_PORT" "$SECONDS_" $FETCH
unwrap

wrap ref "$BUILD/ref_psk_server" -a "127.0.0.1:$REF_PORT" -k "$KPM" -w 1
wait_listen "$WPID" "$REF_PORT" || die "ref_psk_server did not start"
load ref-boot ref-handshake "$REF_PORT" "$SECONDS_" $BOOTCREDS
unwrap
