# quick.sh -- a first quick measurement of mefd: bootstrap and fetch rates on loopback.
#
# Usage: sh bench/quick.sh BUILD_DIR. Makes a private temp dir with a config on free
# ports and a KEK, starts one mefd (only that PID is ever stopped), registers a Target
# and two Enrolees, and runs bench_loadgen: bootstrap (-c 4 -d 5) with Enrolee bench1
# and fetch (-c 4 -d 5) of a KeId of Enrolee bench2. A separate Enrolee for the fetch
# because every bootstrap of an Enrolee may drop its oldest Ke. Then, unless
# BENCH_REF=0, a bare TLS-PSK handshake rate against openssl s_server as a reference.
# Not part of make test. Environment: BENCH_CLIENTS, BENCH_SECONDS, MEF_KEEP=1,
# BENCH_AUDIT=1 (mefd writes an audit log, [audit] file, to measure its cost).
set -u

BUILD=${1:?usage: sh bench/quick.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd) || exit 1
CLIENTS=${BENCH_CLIENTS:-4}
SECONDS_=${BENCH_SECONDS:-5}
FQDN=mef.example.com
. "$(dirname "$0")/bench_lib.sh"
bench_begin quick.sh mefd mefctl mef-enrol bench_loadgen

set -- $("$FREEPORT" 3)
BOOT_PORT=${1:-}
TARGET_PORT=${2:-}
REF_PORT=${3:-}
[ -n "$REF_PORT" ] || die "no free ports"

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
[ "${BENCH_AUDIT:-0}" = 1 ] && printf '[audit]\nfile = %s\n' "$T/audit.log" \
    >>"$T/mefd.conf"
"$BUILD/mefctl" kek generate "$T/kek" >/dev/null || die "kek generate"

start "$T/mefd.log" "$BUILD/mefd" -c "$T/mefd.conf"
MEFD_PID=$LAST_PID
i=0
until listening "$BOOT_PORT" && listening "$TARGET_PORT"; do
	kill -0 "$MEFD_PID" 2>/dev/null || die "mefd exited at start"
	i=$((i + 1))
	[ $i -lt 100 ] || die "mefd did not listen"
	sleep 0.1
done

hexkey() { openssl rand -hex 32; }
mefctl() { "$BUILD/mefctl" -c "$T/mefd.conf" "$@" >/dev/null || die "mefctl $*"; }

PSK=$(hexkey); KPM1=$(hexkey); KPM2=$(hexkey)
mefctl target add --id /in-cse-1 --kind cse --psk-id in-cse-1 --psk "$PSK"
mefctl enrolee add --kpm-id bench1 --kpm "$KPM1" --enrolee-id C-bench1 \
    --target /in-cse-1 --lifetime 3600
mefctl enrolee add --kpm-id bench2 --kpm "$KPM2" --enrolee-id C-bench2 \
    --target /in-cse-1 --lifetime 3600

out=$("$BUILD/mef-enrol" --mef "127.0.0.1:$BOOT_PORT" --fqdn "$FQDN" \
    --kpm-id bench2 --kpm "$KPM2" --target /in-cse-1 --json) || die "mef-enrol"
KEYID=$(printf '%s\n' "$out" | sed -n 's/.*"KeId" *: *"\([^"]*\)".*/\1/p')
[ -n "$KEYID" ] || die "no KeId in: $out"

"$BUILD/bench_loadgen" bootstrap -a "127.0.0.1:$BOOT_PORT" -c "$CLIENTS" \
    -d "$SECONDS_" -i bench1 -k "$KPM1" || die "bench bootstrap"
# mefd's CPU time (user + system, clock ticks) around the fetch run: CPU per
# fetch holds still on a loaded machine where the rate does not.
# With privilege separation the work is in mefd's children: sum the family.
cpu_ticks() {
	for p in $(family "$MEFD_PID"); do cat "/proc/$p/stat"; done |
	    awk '{ s += $14 + $15 } END { print s + 0 }'
}
c0=$(cpu_ticks)
"$BUILD/bench_loadgen" fetch -a "127.0.0.1:$TARGET_PORT" -c "$CLIENTS" \
    -d "$SECONDS_" -i in-cse-1 -k "$PSK" -o /in-cse-1 -e "$KEYID" \
    >"$T/fetch.out" || die "bench fetch"
c1=$(cpu_ticks)
cat "$T/fetch.out"
ops=$(sed -n 's/.* ops=\([0-9]*\).*/\1/p' "$T/fetch.out")
[ -n "$ops" ] && [ "$ops" -gt 0 ] && echo "fetch mefd_cpu_us_per_op=$(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) / ops ))"
[ "${BENCH_AUDIT:-0}" = 1 ] && echo "audit: $(wc -l <"$T/audit.log") entries," \
    "$("$BUILD/mefctl" -c "$T/mefd.conf" audit verify)"

# The reference: what OpenSSL alone does per TLS 1.2 PSK handshake on this machine.
# s_server serves one connection at a time; its stdin is a FIFO it never sees end.
[ "${BENCH_REF:-1}" = 0 ] && exit 0
command -v openssl >/dev/null 2>&1 || exit 0
mkfifo "$T/ref.in" || exit 0
start "$T/ref.log" openssl s_server -accept "127.0.0.1:$REF_PORT" -nocert \
    -psk "$KPM1" -psk_identity bench1 -cipher PSK-AES128-CBC-SHA256 -tls1_2 \
    -quiet -naccept 10000000 <>"$T/ref.in"
i=0
until listening "$REF_PORT"; do
	i=$((i + 1))
	[ $i -lt 50 ] || { echo "quick.sh: s_server did not listen" >&2; exit 0; }
	sleep 0.1
done
"$BUILD/bench_loadgen" ref-handshake -a "127.0.0.1:$REF_PORT" -c "$CLIENTS" \
    -d "$SECONDS_" -i bench1 -k "$KPM1" || echo "quick.sh: reference failed" >&2
exit 0
