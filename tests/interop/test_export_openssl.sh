#!/bin/sh
# test_export_openssl.sh -- libmef's TLS client against openssl s_server.
#
# The exporter octets libmef computes for a session (tests/tools/tls_export.c) must
# equal the ones s_server prints for the same session: TLS 1.2 PSK with the mandatory
# suite, with a server that only takes AES-GCM, and TLS 1.3 with client certificates.
# A wrong PSK and an untrusted server certificate must fail as "authentication
# failed". Each s_server listens on a free loopback port; only the PID of the server
# this script started is ever killed.
set -u

: "${MEF_BUILD:?MEF_BUILD must name the build directory}"
LABEL=EXPORTER-oneM2M-Bootstrap
PSK=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
PSK_ID=kpm-interop-1
FQDN=mef.example.com

TOOL=
for t in "$MEF_BUILD/tests/tls_export" "$MEF_BUILD/tls_export"; do
	if [ -x "$t" ]; then
		TOOL=$t
		break
	fi
done
if [ -z "$TOOL" ]; then
	echo "FAIL: tls_export not built in $MEF_BUILD"
	exit 1
fi
if ! command -v openssl >/dev/null 2>&1; then
	echo "FAIL: openssl not installed"
	exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mef-export.XXXXXX") || exit 1
SPID=
FAILS=0

stop_server() {
	if [ -n "$SPID" ]; then
		kill "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
		SPID=
	fi
	exec 3>&-
}

cleanup() {
	stop_server
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# start_server ARGS...: runs s_server on a free port ($PORT), stdin held open on fd 3
# so it does not quit before the client comes, output in $TMP/out.
start_server() {
	tries=0
	while [ $tries -lt 10 ]; do
		tries=$((tries + 1))
		PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		rm -f "$TMP/in" "$TMP/out"
		mkfifo "$TMP/in" || return 1
		openssl s_server -accept "127.0.0.1:$PORT" -naccept 1 \
		    -keymatexport "$LABEL" -keymatexportlen 48 "$@" \
		    <"$TMP/in" >"$TMP/out" 2>&1 &
		SPID=$!
		exec 3>"$TMP/in"
		n=0
		while [ $n -lt 50 ]; do
			if grep -q '^ACCEPT' "$TMP/out" 2>/dev/null; then
				return 0
			fi
			if ! kill -0 "$SPID" 2>/dev/null; then
				break
			fi
			sleep 0.1
			n=$((n + 1))
		done
		stop_server		# port taken or too slow: another one
	done
	echo "FAIL: could not start openssl s_server"
	cat "$TMP/out" 2>/dev/null
	return 1
}

# wait_server: lets s_server finish its one connection (at most 5 s), then stops it.
wait_server() {
	n=0
	while [ $n -lt 50 ] && kill -0 "$SPID" 2>/dev/null; do
		sleep 0.1
		n=$((n + 1))
	done
	stop_server
}

server_exporter() {
	sed -n 's/^ *Keying material: *\([0-9A-Fa-f]*\).*/\1/p' "$TMP/out" |
	    tr 'A-F' 'a-f'
}

pass() {
	echo "PASS: $1"
}

fail() {
	echo "FAIL: $1"
	FAILS=$((FAILS + 1))
}

# check_export NAME SERVER_ARGS -- CLIENT_ARGS: the two sides must print one same X.
check_export() {
	name=$1
	shift
	sargs=
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		sargs="$sargs $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	start_server $sargs || { fail "$name: no server"; return; }
	got=$("$TOOL" --connect "127.0.0.1:$PORT" --sni "$FQDN" "$@" \
	    2>"$TMP/client.err")
	rc=$?
	wait_server
	want=$(server_exporter)
	if [ $rc -ne 0 ]; then
		fail "$name: client failed: $(cat "$TMP/client.err")"
		sed 's/^/    s_server: /' "$TMP/out"
	elif [ ${#got} -ne 96 ] || [ "$got" != "$want" ]; then
		fail "$name: exporter differs: libmef $got, s_server $want"
	else
		pass "$name ($got)"
	fi
}

# check_refused NAME SERVER_ARGS -- CLIENT_ARGS: the client must report a refusal.
check_refused() {
	name=$1
	shift
	sargs=
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		sargs="$sargs $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	start_server $sargs || { fail "$name: no server"; return; }
	"$TOOL" --connect "127.0.0.1:$PORT" --sni "$FQDN" "$@" \
	    >"$TMP/client.out" 2>"$TMP/client.err"
	rc=$?
	wait_server
	if [ $rc -eq 0 ]; then
		fail "$name: the handshake succeeded"
	elif [ -s "$TMP/client.out" ]; then
		fail "$name: output despite failure"
	elif ! grep -q 'authentication failed' "$TMP/client.err"; then
		fail "$name: wrong error: $(cat "$TMP/client.err")"
	else
		pass "$name"
	fi
}

PSK_SERVER="-nocert -psk $PSK -psk_identity $PSK_ID -tls1_2"

# The server takes any PSK suite in the client's order: ours must put the
# mandatory TLS_PSK_WITH_AES_128_CBC_SHA256 first.
check_export "TLS 1.2 PSK, any suite" \
    $PSK_SERVER -cipher PSK -- \
    --psk-id "$PSK_ID" --psk "$PSK"
if grep -q '^CIPHER is PSK-AES128-CBC-SHA256$' "$TMP/out"; then
	pass "the mandatory suite PSK-AES128-CBC-SHA256 is offered first"
else
	fail "negotiated $(sed -n 's/^CIPHER is //p' "$TMP/out"), not PSK-AES128-CBC-SHA256"
fi

check_export "TLS 1.2 PSK-AES128-GCM-SHA256 (server without the CBC suite)" \
    $PSK_SERVER -cipher PSK-AES128-GCM-SHA256 -- \
    --psk-id "$PSK_ID" --psk "$PSK"

check_refused "TLS 1.2 PSK, wrong key" \
    $PSK_SERVER -cipher PSK-AES128-CBC-SHA256 -- \
    --psk-id "$PSK_ID" --psk "ff${PSK#??}"

# Certificates: a CA, a server certificate for FQDN, a client certificate.
mkcert() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$TMP/$1.key" -out "$TMP/$1.csr" -subj "/CN=$2" \
	    >/dev/null 2>&1 &&
	printf 'subjectAltName=DNS:%s\n' "$2" >"$TMP/$1.ext" &&
	openssl x509 -req -in "$TMP/$1.csr" -CA "$TMP/ca.pem" \
	    -CAkey "$TMP/ca.key" -CAcreateserial -days 1 \
	    -extfile "$TMP/$1.ext" -out "$TMP/$1.pem" >/dev/null 2>&1
}
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TMP/ca.key" -out "$TMP/ca.pem" -subj /CN=mef-test-ca -days 1 \
    >/dev/null 2>&1 && mkcert server "$FQDN" && mkcert client in-cse-1 &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TMP/other.key" -out "$TMP/other.pem" -subj /CN=other-ca \
    -days 1 >/dev/null 2>&1; then
	CERT_SERVER="-cert $TMP/server.pem -key $TMP/server.key -Verify 1 \
	    -CAfile $TMP/ca.pem"
	check_export "TLS 1.3 client certificate, server verified" \
	    $CERT_SERVER -tls1_3 -- \
	    --cert "$TMP/client.pem" --key "$TMP/client.key" --ca "$TMP/ca.pem"
	check_export "TLS 1.2 client certificate" \
	    $CERT_SERVER -tls1_2 -- \
	    --cert "$TMP/client.pem" --key "$TMP/client.key"
	check_refused "certificate of an untrusted server" \
	    $CERT_SERVER -- \
	    --cert "$TMP/client.pem" --key "$TMP/client.key" \
	    --ca "$TMP/other.pem"
else
	fail "could not make test certificates"
fi

# check_enrol NAME KIND TARGET LABEL GOOD: mef-enrol against s_server, this script
# playing the MEF's enrolment answer. The KeId of the answer comes from the exporter
# s_server printed (the wrong one when GOOD is 0); mef-enrol must accept it and print
# the key openssl computes on its own from the same octets (PROTOCOL.md section 1),
# or refuse a KeId that is not its own.
check_enrol() {
	name=$1 kind=$2 target=$3 label=$4 good=$5
	start_server $PSK_SERVER -cipher PSK-AES128-CBC-SHA256 ||
	    { fail "$name: no server"; return; }
	"$MEF_BUILD/mef-enrol" --mef "127.0.0.1:$PORT" --fqdn "$FQDN" \
	    --kpm-id "$PSK_ID" --kpm "$PSK" --target "$target" --kind "$kind" \
	    --json --show-key --timeout 5000 \
	    >"$TMP/enrol.out" 2>"$TMP/enrol.err" &
	cpid=$!
	n=0
	while [ $n -lt 50 ] && ! grep -q 'Keying material' "$TMP/out"; do
		sleep 0.1
		n=$((n + 1))
	done
	x=$(server_exporter)
	rel=$(printf '%s' "$x" | cut -c1-32 | tr 'a-f' 'A-F')
	ke=$(printf '%s' "$x" | cut -c33-96)
	keyid="$rel@$FQDN"
	if [ "$good" -eq 0 ]; then
		keyid="00000000000000000000000000000000@$FQDN"
	fi
	body="{\"KeId\":\"$keyid\",\"EnroleeID\":\"CAE-interop-1\",\"Targets\":[\"$target\"],\"Lifetime\":3600}"
	printf 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-M2M-RSC: 2001\r\nContent-Length: %d\r\n\r\n%s' \
	    "${#body}" "$body" >&3
	wait "$cpid"
	rc=$?
	wait_server
	key=$(printf '%s%s' "$label" "$target" |
	    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$ke" -r | cut -d' ' -f1)
	kname=Kpsa
	[ "$kind" = maf ] && kname=Km
	want="{\"KeId\":\"$rel@$FQDN\",\"EnroleeID\":\"CAE-interop-1\",\"Lifetime\":3600,\"Targets\":[\"$target\"],\"Target\":\"$target\",\"$kname\":\"$key\"}"
	if [ "$good" -eq 0 ]; then
		if [ $rc -ne 0 ] && [ ! -s "$TMP/enrol.out" ] &&
		    grep -q 'KeId differs' "$TMP/enrol.err"; then
			pass "$name"
		else
			fail "$name: rc $rc, $(cat "$TMP/enrol.out" "$TMP/enrol.err")"
		fi
	elif [ ${#x} -ne 96 ]; then
		fail "$name: s_server printed no exporter"
	elif [ $rc -ne 0 ] || [ "$(cat "$TMP/enrol.out")" != "$want" ]; then
		fail "$name: rc $rc, got $(cat "$TMP/enrol.out" "$TMP/enrol.err"), want $want"
	else
		pass "$name"
	fi
}

if [ -x "$MEF_BUILD/mef-enrol" ]; then
	check_enrol "mef-enrol: KeId and Kpsa from the s_server exporter" cse \
	    /in-cse-1 \
	    "oneM2M Enrolment Key to Provisioned Secure Connection Key derivation" 1
	check_enrol "mef-enrol: Km for a MAF" maf maf.example.com \
	    "oneM2M Enrolment Key to Master Credential derivation" 1
	check_enrol "mef-enrol: a KeId that is not ours is refused" cse \
	    /in-cse-1 x 0
else
	fail "mef-enrol not built in $MEF_BUILD"
fi

if [ $FAILS -ne 0 ]; then
	echo "FAIL: $FAILS check(s) failed"
	exit 1
fi
echo "PASS: all exporter checks"
exit 0
