# test_target_api.sh -- the libmef Target API end to end: a real mefd and the example
# TLS-PSK server (examples/target_server.c, which uses mef_target_ssl_ctx_setup()).
# A device bootstraps with mef-enrol, then openssl s_client connects to the server with
# psk_identity = KeId, psk = Kpsa: the right originator gets 200 naming the EnroleeID,
# another 403/4103; a wrong key, an unknown MEF FQDN or a malformed KeId fail the
# handshake; TLS 1.3 external PSK works too; a MAF-kind Target gets Km. Repeated
# handshakes cost one fetch; with the MEF stopped the cached KeId still works and a new
# one fails cleanly; a revocation bites once the cache cap (--cache-max) ends.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
SRV_PIDS=""
stop_servers() {
	for p in $SRV_PIDS; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SRV_PIDS=""
}
mef_before_finish() { stop_servers; }
target_cleanup() {
	stop_servers
	mef_cleanup
}
trap target_cleanup EXIT
mef_start

KPM1=$(hexkey 32); KPM2=$(hexkey 32); KPM3=$(hexkey 32)
PSK1=$(hexkey 32); PSKM=$(hexkey 32)
check "target add cse" mefctl target add --id /in-cse-1 --kind cse --psk-id in-cse-1 --psk "$PSK1"
check "target add maf" mefctl target add --id maf.example.com --kind maf --psk-id maf-1 --psk "$PSKM"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --target maf.example.com --lifetime 3600
check "enrolee add dev2" mefctl enrolee add --kpm-id dev2 --kpm "$KPM2" \
    --enrolee-id C-dev2 --target /in-cse-1 --lifetime 3600
check "enrolee add dev3" mefctl enrolee add --kpm-id dev3 --kpm "$KPM3" \
    --enrolee-id C-dev3 --target /in-cse-1 --lifetime 3600
printf '%s\n' "$PSK1" >"$T/cse.psk"
printf '%s\n' "$PSKM" >"$T/maf.psk"

set -- $("$MEF_BUILD/mef_freeport" 3)
CSE_PORT=$1; MAF_PORT=$2; CAP_PORT=$3

# start_server NAME PORT TARGET_ID PSK_ID PSK_FILE [args]: the example server, in the
# background, logging to $T/NAME.log; its PID is recorded for the cleanup.
start_server() {
	name=$1; port=$2; tid=$3; pid=$4; pf=$5; shift 5
	"$MEF_BUILD/target_server" --listen "127.0.0.1:$port" --target-id "$tid" \
	    --mef-fqdn "$FQDN" --mef "127.0.0.1:$TARGET_PORT" --psk-id "$pid" \
	    --psk-file "$pf" "$@" >>"$T/$name.log" 2>&1 &
	LAST_PID=$!
	SRV_PIDS="$SRV_PIDS $LAST_PID"
	i=0
	while [ $i -lt $((50 * MEF_SLOW)) ]; do
		port_listening "$port" && return 0
		kill -0 "$LAST_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	fail "$name did not start"; cat "$T/$name.log"; exit 1
}

# req PORT IDENTITY KEY ORIGIN [s_client args]: one GET / through openssl s_client
# (TLS 1.2, the mandatory suite unless args say otherwise); prints the answer.
req() {
	port=$1; id=$2; key=$3; origin=$4; shift 4
	[ $# -eq 0 ] && set -- -tls1_2 -cipher PSK-AES128-CBC-SHA256
	printf 'GET / HTTP/1.1\r\nHost: target\r\nX-M2M-Origin: %s\r\nX-M2M-RI: ri-%s\r\nConnection: close\r\n\r\n' \
	    "$origin" "$$" |
	    timeout 20 openssl s_client -connect "127.0.0.1:$port" "$@" \
	    -psk_identity "$id" -psk "$key" -quiet 2>/dev/null | tr -d '\r'
}
status_of() { printf '%s\n' "$1" | head -1; }
# refused NAME ANSWER: the handshake failed, so there is no HTTP answer at all.
refused() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1: got '$(status_of "$2")'"; fi
}
# fetches_of KEYID: how many fetches of KEYID mefd has logged so far.
fetches_of() { grep -c "fetch .*keyid=$1" "$T/mefd.log"; }

out=$(enrol dev1 "$KPM1" /in-cse-1) || fail "mef-enrol dev1"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
KPSA=$(printf '%s' "$out" | jq -r .Kpsa)
expect_match "KeId shape" "$KEYID" '^[0-9A-F]{32}@mef\.example\.com$'
HEXID=${KEYID%@*}

start_server cse "$CSE_PORT" /in-cse-1 in-cse-1 "$T/cse.psk"

# The binding: the EnroleeID the MEF returned is the only acceptable originator.
a=$(req "$CSE_PORT" "$KEYID" "$KPSA" C-dev1)
expect_match "right originator: 200" "$(status_of "$a")" '^HTTP/1.1 200 '
expect_match "200 names the EnroleeID" "$a" '^hello C-dev1$'
expect_match "200 carries X-M2M-RSC 2000" "$a" 'X-M2M-RSC: 2000'
expect_match "X-M2M-RI echoed" "$a" "X-M2M-RI: ri-$$"
a=$(req "$CSE_PORT" "$KEYID" "$KPSA" C-dev2)
expect_match "wrong originator: 403" "$(status_of "$a")" '^HTTP/1.1 403 '
expect_match "wrong originator: X-M2M-RSC 4103" "$a" 'X-M2M-RSC: 4103'
a=$(req "$CSE_PORT" "$KEYID" "$KPSA" /in-cse-1)
expect_match "Target's own ID as originator: 4103" "$a" 'X-M2M-RSC: 4103'

# Other suites: AES-GCM over TLS 1.2, and TLS 1.3 with an external PSK.
a=$(req "$CSE_PORT" "$KEYID" "$KPSA" C-dev1 -tls1_2 -cipher PSK-AES128-GCM-SHA256)
expect_match "PSK-AES128-GCM-SHA256: 200" "$(status_of "$a")" '^HTTP/1.1 200 '
a=$(req "$CSE_PORT" "$KEYID" "$KPSA" C-dev1 -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256)
expect_match "TLS 1.3 external PSK: 200" "$(status_of "$a")" '^HTTP/1.1 200 '
a=$(req "$CSE_PORT" "$KEYID" "$KPSA" C-dev1 -tls1_3)
expect_match "TLS 1.3, the client's default suites: 200" "$(status_of "$a")" '^HTTP/1.1 200 '
expect_match "TLS 1.3 logged" "$(grep "enrolee=C-dev1 TLSv1.3" "$T/cse.log")" TLSv1.3

# The KeId in another case (lower-case hex, upper-case FQDN) is the same KeId.
lc=$(printf '%s' "$HEXID" | tr 'A-F' 'a-f')@MEF.EXAMPLE.COM
a=$(req "$CSE_PORT" "$lc" "$KPSA" C-dev1)
expect_match "KeId in another case: 200" "$(status_of "$a")" '^HTTP/1.1 200 '

# Seven handshakes with one KeId so far, one fetch.
expect_eq "one fetch for all handshakes of a KeId" "$(fetches_of "$KEYID")" 1

# Refusals fail the handshake itself: no HTTP answer at all.
fails_before=$(grep -c 'handshake failed' "$T/cse.log")
a=$(req "$CSE_PORT" "$KEYID" "$(hexkey 32)" C-dev1)
refused "wrong key: no answer" "$a"
a=$(req "$CSE_PORT" "$HEXID@other.example.com" "$KPSA" C-dev1)
refused "unknown MEF FQDN: no answer" "$a"
a=$(req "$CSE_PORT" "XYZ@mef.example.com" "$KPSA" C-dev1)
refused "malformed KeId: no answer" "$a"
a=$(req "$CSE_PORT" "00000000000000000000000000000000@mef.example.com" "$KPSA" C-dev1)
refused "KeId unknown to the MEF: no answer" "$a"
a=$(req "$CSE_PORT" "$HEXID@other.example.com" "$KPSA" C-dev1 -tls1_3)
refused "unknown MEF FQDN over TLS 1.3: no answer" "$a"
a=$(req "$CSE_PORT" "$KEYID" "$(hexkey 32)" C-dev1 -tls1_3)
refused "wrong key over TLS 1.3: no answer" "$a"
expect_eq "six failed handshakes logged" \
    "$(($(grep -c 'handshake failed' "$T/cse.log") - fails_before))" 6
expect_eq "no fetch for another MEF's KeId" \
    "$(grep -c "keyid=$HEXID@other" "$T/mefd.log")" 0
a=$(req "$CSE_PORT" "$KEYID" "$KPSA" C-dev1)
expect_match "still served after the refusals" "$(status_of "$a")" '^HTTP/1.1 200 '

# A MAF-kind Target gets Km (and enforces the binding the same way).
outm=$(enrol dev1 "$KPM1" maf.example.com --kind maf) || fail "mef-enrol for the MAF"
KEYIDM=$(printf '%s' "$outm" | jq -r .KeId)
KM=$(printf '%s' "$outm" | jq -r .Km)
expect_match "Km printed" "$KM" '^[0-9A-Fa-f]{64}$'
start_server maf "$MAF_PORT" maf.example.com maf-1 "$T/maf.psk" --count 2
MAF_PID=$LAST_PID
a=$(req "$MAF_PORT" "$KEYIDM" "$KM" C-dev1)
expect_match "MAF with Km: 200" "$(status_of "$a")" '^HTTP/1.1 200 '
expect_match "MAF names the EnroleeID" "$a" '^hello C-dev1$'
a=$(req "$MAF_PORT" "$KEYIDM" "$KM" C-dev2)
expect_match "MAF, wrong originator: 4103" "$a" 'X-M2M-RSC: 4103'
i=0
while kill -0 "$MAF_PID" 2>/dev/null && [ $i -lt $((50 * MEF_SLOW)) ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$MAF_PID" 2>/dev/null; then fail "--count 2: server still running"
else wait "$MAF_PID"; expect_eq "--count 2: server exits 0" "$?" 0; fi

# Revocation: with --cache-max 3 the cached key is used for at most 3 s, then refetched.
# Under valgrind the two requests inside the cap take seconds each: a 20 s cap.
CAP=3
[ -n "${MEF_VALGRIND:-}" ] && CAP=20
out2=$(enrol dev2 "$KPM2" /in-cse-1) || fail "mef-enrol dev2"
KEYID2=$(printf '%s' "$out2" | jq -r .KeId)
KPSA2=$(printf '%s' "$out2" | jq -r .Kpsa)
start_server cap "$CAP_PORT" /in-cse-1 in-cse-1 "$T/cse.psk" --cache-max "$CAP"
a=$(req "$CAP_PORT" "$KEYID2" "$KPSA2" C-dev2)
expect_match "dev2 accepted" "$(status_of "$a")" '^HTTP/1.1 200 '
check "revoke dev2" mefctl enrolee revoke --kpm-id dev2
a=$(req "$CAP_PORT" "$KEYID2" "$KPSA2" C-dev2)
expect_match "revoked dev2 still accepted while cached" "$(status_of "$a")" '^HTTP/1.1 200 '
sleep "$CAP.2"
a=$(req "$CAP_PORT" "$KEYID2" "$KPSA2" C-dev2)
refused "revoked dev2 refused once the cap ended" "$a"
expect_eq "two fetches of dev2's KeId (before and after the cap)" "$(fetches_of "$KEYID2")" 2

# MEF down: the cached KeId keeps working, a new one fails the handshake cleanly, and
# once the MEF is back (and the 1 s error cache has run out) the new one works.
out3=$(enrol dev3 "$KPM3" /in-cse-1) || fail "mef-enrol dev3"
KEYID3=$(printf '%s' "$out3" | jq -r .KeId)
KPSA3=$(printf '%s' "$out3" | jq -r .Kpsa)
mef_stop
a=$(req "$CSE_PORT" "$KEYID" "$KPSA" C-dev1)
expect_match "MEF down: cached KeId served" "$(status_of "$a")" '^HTTP/1.1 200 '
a=$(req "$CSE_PORT" "$KEYID3" "$KPSA3" C-dev3)
refused "MEF down: new KeId fails the handshake" "$a"
mef_start
sleep 1.2
a=$(req "$CSE_PORT" "$KEYID3" "$KPSA3" C-dev3)
expect_match "MEF back: new KeId served" "$(status_of "$a")" '^HTTP/1.1 200 '
expect_match "server log names KeId and EnroleeID" "$(grep "enrolee=C-dev3" "$T/cse.log")" \
    "keyid=$KEYID3"

# The servers never log a key.
for key in "$KPSA" "$KM" "$KPSA2" "$KPSA3" "$PSK1" "$PSKM"; do
	lk=$(printf '%s' "$key" | tr 'A-F' 'a-f')
	if grep -qiF -e "$lk" "$T/cse.log" "$T/maf.log" "$T/cap.log"; then
		fail "a key appears in a server log"
	else
		pass "key absent from server logs (${lk%"${lk#????}"}...)"
	fi
done
mef_finish
