# cert.sh -- certificate bootstraps against PSK bootstraps, same mefd, same run.
#
# Usage: sh bench/cert.sh BUILD_DIR. Makes a private temp dir with P-256 certificates
# (the MEF's own for its FQDN, and one device's), a config on free ports and a KEK,
# starts one mefd (only that PID is ever stopped) with the PSK listener and the
# certificate listener ([bootstrap] listen_cert, cert, key), and registers a Target,
# a PSK Enrolee and a certificate Enrolee bound by the SHA-256 fingerprint of its
# certificate. Both bootstraps are checked once with mef-enrol (the certificate one
# with --ca, so the MEF's certificate is verified too), then bench_loadgen runs
# bootstrap (TLS_PSK_WITH_AES_128_CBC_SHA256) and bootstrap-cert
# (TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, mutual, P-256), each op a full handshake,
# POST /enrolment and close, alternating BENCH_ROUNDS times, and prints both mean
# rates and their ratio. Not part of make test. Environment: BENCH_CLIENTS (4),
# BENCH_SECONDS (5), BENCH_ROUNDS (2), MEF_KEEP=1 keeps the temp dir.
set -u

BUILD=${1:?usage: sh bench/cert.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd) || exit 1
CLIENTS=${BENCH_CLIENTS:-4}
SECONDS_=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-2}
FQDN=mef.example.com
. "$(dirname "$0")/bench_lib.sh"
bench_begin cert.sh mefd mefctl mef-enrol bench_loadgen
command -v openssl >/dev/null 2>&1 || die "openssl is needed for the certificates"

# cert NAME SUBJECT [EXT]: a self-signed P-256 certificate NAME.pem and key NAME.key.
cert() {
	openssl ecparam -name prime256v1 -genkey -noout -out "$T/$1.key" 2>/dev/null &&
	    openssl req -new -x509 -sha256 -key "$T/$1.key" -subj "$2" -days 2 \
	    ${3:+-addext "$3"} -out "$T/$1.pem" 2>/dev/null || die "certificate $1"
}
cert mef "/CN=$FQDN" "subjectAltName=DNS:$FQDN"
cert dev "/O=MEF bench/CN=bench-cert1"
FP=$(openssl x509 -in "$T/dev.pem" -outform DER | openssl dgst -sha256 -r |
    cut -d' ' -f1)
[ ${#FP} -eq 64 ] || die "no fingerprint for the device certificate"

set -- $("$FREEPORT" 3)
BOOT_PORT=${1:-}
CERT_PORT=${2:-}
TARGET_PORT=${3:-}
[ -n "$TARGET_PORT" ] || die "no free ports"

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
listen_cert = 127.0.0.1:$CERT_PORT
cert = $T/mef.pem
key = $T/mef.key
[target]
listen = 127.0.0.1:$TARGET_PORT
CONF
"$BUILD/mefctl" kek generate "$T/kek" >/dev/null || die "kek generate"
"$BUILD/mefd" -n -c "$T/mefd.conf" >"$T/check.log" 2>&1 ||
    die "mefd -n refuses the configuration: $(cat "$T/check.log")"

start "$T/mefd.log" "$BUILD/mefd" -c "$T/mefd.conf"
MEFD_PID=$LAST_PID
i=0
until listening "$BOOT_PORT" && listening "$CERT_PORT" &&
    listening "$TARGET_PORT"; do
	kill -0 "$MEFD_PID" 2>/dev/null || die "mefd exited at start"
	i=$((i + 1))
	[ $i -lt 100 ] || die "mefd did not listen"
	sleep 0.1
done

hexkey() { openssl rand -hex 32; }
mefctl() { "$BUILD/mefctl" -c "$T/mefd.conf" "$@" >/dev/null || die "mefctl $*"; }

PSK=$(hexkey); KPM1=$(hexkey)
mefctl target add --id /in-cse-1 --kind cse --psk-id in-cse-1 --psk "$PSK"
mefctl enrolee add --kpm-id bench1 --kpm "$KPM1" --enrolee-id C-bench1 \
    --target /in-cse-1 --lifetime 3600
mefctl enrolee add --cert-fingerprint "$FP" --enrolee-id C-cert1 \
    --target /in-cse-1 --lifetime 3600

# Once each with libmef: the MEF must answer both, and know the certificate Enrolee.
"$BUILD/mef-enrol" --mef "127.0.0.1:$BOOT_PORT" --fqdn "$FQDN" \
    --kpm-id bench1 --kpm "$KPM1" --json >"$T/enrol-psk.json" ||
    die "mef-enrol with the Kpm"
"$BUILD/mef-enrol" --mef "127.0.0.1:$CERT_PORT" --fqdn "$FQDN" \
    --cert "$T/dev.pem" --key "$T/dev.key" --ca "$T/mef.pem" \
    --json >"$T/enrol-cert.json" || die "mef-enrol with the certificate"
grep -q '"EnroleeID":"C-cert1"' "$T/enrol-cert.json" ||
    die "certificate bootstrap enrolled as: $(cat "$T/enrol-cert.json")"

# run NAME MODE PORT ARGS...: one bench_loadgen run; its line to $T/NAME.out and out.
run() {
	name=$1 mode=$2 port=$3
	shift 3
	"$BUILD/bench_loadgen" "$mode" -a "127.0.0.1:$port" -c "$CLIENTS" \
	    -d "$SECONDS_" "$@" >"$T/$name.out" 2>"$T/$name.err" ||
	    die "bench $name: $(cat "$T/$name.err")"
	cat "$T/$name.out"
	[ -s "$T/$name.err" ] && cat "$T/$name.err" >&2
}

echo "# bench_loadgen lines (clients=$CLIENTS, seconds=$SECONDS_, rounds=$ROUNDS):"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	run "psk.$r" bootstrap "$BOOT_PORT" -i bench1 -k "$KPM1"
	run "cert.$r" bootstrap-cert "$CERT_PORT" -C "$T/dev.pem" -K "$T/dev.key"
	r=$((r + 1))
done

# Mean rates over the rounds, and certificate / PSK.
cat "$T"/psk.*.out | sed -n 's/.* rate=\([0-9.]*\)\/s.*/psk \1/p' >"$T/rates"
cat "$T"/cert.*.out | sed -n 's/.* rate=\([0-9.]*\)\/s.*/cert \1/p' >>"$T/rates"
awk -v c="$CLIENTS" '
	{ sum[$1] += $2; n[$1]++ }
	END {
		if (n["psk"] == 0 || n["cert"] == 0 || sum["psk"] == 0)
			exit 1
		p = sum["psk"] / n["psk"]; q = sum["cert"] / n["cert"]
		printf "psk_bootstraps_per_s=%.1f cert_bootstraps_per_s=%.1f " \
		    "ratio_cert_to_psk=%.3f clients=%d\n", p, q, q / p, c
	}' "$T/rates" || die "no rates in the bench_loadgen lines"
exit 0
