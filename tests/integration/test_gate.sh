# test_gate.sh -- mef-gate in front of an upstream that knows nothing of the MEF: an
# Enrolee bootstraps with mef-enrol, then reaches the upstream through the gate with
# openssl s_client (psk_identity = KeId, psk = Kpsa). The originator binding, the
# stripping of spoofed trust headers, keep-alive, a POST body, a stopped MEF (cached
# associations keep working, new ones fail cleanly), revocation once the cache time
# ends, and a MAF gate whose Enrolees use Km.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
mef_start

set -- $("$MEF_BUILD/mef_freeport" 3)
GATE_PORT=$1; UP_PORT=$2; MAF_PORT=$3
GPSK=$(hexkey 32); MPSK=$(hexkey 32); KPM1=$(hexkey 32); KPM2=$(hexkey 32)
printf '%s\n' "$GPSK" >"$T/gate.psk"
printf '%s\n' "$MPSK" >"$T/maf.psk"
check "gate target" mefctl target add --id /in-cse-1 --psk-id gate-1 --psk-file "$T/gate.psk"
check "maf target" mefctl target add --id maf.example.com --kind maf --psk-id maf-1 \
    --psk-file "$T/maf.psk"
check "enrolee 1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" --enrolee-id C-dev1 \
    --target /in-cse-1 --target maf.example.com
check "enrolee 2" mefctl enrolee add --kpm-id dev2 --kpm "$KPM2" --enrolee-id C-dev2 \
    --target /in-cse-1

"$MEF_BUILD/mef_echo_upstream" "$UP_PORT" "$T/upstream.log" &
UP_PID=$!
gate_conf() {	# gate_conf FILE PORT TARGET_ID PSKFILE PSKID CACHE_MAX [MEF_LINE]
	cat >"$1" <<CONF
[gate]
listen = 127.0.0.1:$2
upstream = http://127.0.0.1:$UP_PORT
target_id = $3
workers = 2
[cache]
max_s = $6
negative_ttl_s = 1
[mef:$FQDN]
url = 127.0.0.1:$TARGET_PORT
psk_id = $5
psk_file = $4
${7:-}
[mef:slow.example.com]
; the echo upstream never answers a TLS ClientHello: a MEF that hangs
url = 127.0.0.1:$UP_PORT
psk_id = $5
psk_file = $4
timeout_ms = 3000
CONF
}
gate_conf "$T/gate.conf" "$GATE_PORT" /in-cse-1 "$T/gate.psk" gate-1 2
# The MAF gate fetches over TLS 1.3 with its PSK, the other one over TLS 1.2.
gate_conf "$T/maf.conf" "$MAF_PORT" maf.example.com "$T/maf.psk" maf-1 60 "tls = 1.3"
check "mef-gate -n" "$MEF_BUILD/mef-gate" -c "$T/gate.conf" -n
"$MEF_BUILD/mef-gate" -c "$T/gate.conf" >>"$T/gate.log" 2>&1 &
GATE_PID=$!
"$MEF_BUILD/mef-gate" -c "$T/maf.conf" >>"$T/gate.log" 2>&1 &
MAF_PID=$!
stop_gates() {
	for p in $GATE_PID $MAF_PID $UP_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	GATE_PID=""; MAF_PID=""; UP_PID=""
}
mef_before_finish() { stop_gates; }
cleanup_gate() {
	stop_gates
	mef_cleanup
}
trap cleanup_gate EXIT
i=0
while [ $i -lt 50 ] && ! { port_listening "$GATE_PORT" && port_listening "$MAF_PORT" &&
    port_listening "$UP_PORT"; }; do sleep 0.1; i=$((i + 1)); done

out=$(enrol dev1 "$KPM1" /in-cse-1) || fail "mef-enrol dev1"
K1=$(printf '%s' "$out" | jq -r .KeId); KPSA1=$(printf '%s' "$out" | jq -r .Kpsa)
out=$(enrol dev2 "$KPM2" /in-cse-1) || fail "mef-enrol dev2"
K2=$(printf '%s' "$out" | jq -r .KeId); KPSA2=$(printf '%s' "$out" | jq -r .Kpsa)

# gw PORT KEYID PSK REQUEST...: the requests through the gate, answers on stdout.
gw() {
	port=$1; id=$2; psk=$3; shift 3
	printf "$@" | timeout 10 openssl s_client -connect "127.0.0.1:$port" -tls1_2 \
	    -cipher PSK-AES128-CBC-SHA256 -psk_identity "$id" -psk "$psk" -quiet \
	    2>"$T/s_client.err" | tr -d '\r'
}
GET='GET /cse/x HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: %s\r\nX-MEF-Enrolee-ID: evil\r\nx-mef_keid: spoofed\r\nConnection: close\r\n\r\n'

a=$(gw "$GATE_PORT" "$K1" "$KPSA1" "$GET" C-dev1)
expect_match "granted: 200 from upstream" "$a" '^HTTP/1.1 200 OK'
expect_match "upstream told the KeId" "$a" "X-MEF-KeId: $K1"
expect_match "upstream told the EnroleeID" "$a" 'X-MEF-Enrolee-ID: C-dev1'
if printf '%s' "$a" | grep -q -e 'evil' -e 'spoofed'; then fail "spoofed trust headers reached the upstream"
else pass "spoofed trust headers stripped"; fi
expect_match "origin forwarded" "$a" 'X-M2M-Origin: C-dev1'

before=$(wc -l <"$T/upstream.log" 2>/dev/null || echo 0)
a=$(gw "$GATE_PORT" "$K1" "$KPSA1" "$GET" C-dev2)
expect_match "wrong originator: 403" "$a" '^HTTP/1.1 403'
expect_match "wrong originator: RSC 4103" "$a" 'X-M2M-RSC: 4103'
expect_eq "wrong originator not forwarded" "$(wc -l <"$T/upstream.log")" "$before"

a=$(gw "$GATE_PORT" "$K1" "$KPSA1" 'POST /cse HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: C-dev1\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"m2m:ae":{}}')
expect_match "POST body reaches the upstream" "$a" '\{"m2m:ae":\{\}\}'

a=$(gw "$GATE_PORT" "$K1" "$KPSA1" 'GET /a HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: C-dev1\r\n\r\nGET /b HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: C-dev1\r\nConnection: close\r\n\r\n')
expect_eq "two requests on one association" "$(printf '%s' "$a" | grep -c '^HTTP/1.1 200')" 2

expect_empty "wrong key refused" "$(gw "$GATE_PORT" "$K1" "$KPSA2" "$GET" C-dev1)"
a=$(gw "$GATE_PORT" "00000000000000000000000000000000@$FQDN" "$KPSA1" "$GET" C-dev1)
expect_empty "unknown KeId: no answer" "$a"
a=$(gw "$GATE_PORT" "${K1%@*}@other.example.com" "$KPSA1" "$GET" C-dev1)
expect_empty "KeId of an unknown MEF: no answer" "$a"

# A later request whose head arrives in pieces (separate TLS records) is still
# checked and stripped before anything of it reaches the upstream.
a=$( { printf 'GET /1 HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: C-dev1\r\n\r\n'; sleep 0.3
    printf 'GET /2 HTTP/1.1\r\nX-MEF-Enrolee-ID: admin\r\n'; sleep 0.3
    printf 'X-M2M-Origin: C-dev1\r\nConnection: close\r\n\r\n'; } |
    timeout 10 openssl s_client -connect "127.0.0.1:$GATE_PORT" -tls1_2 \
    -cipher PSK-AES128-CBC-SHA256 -psk_identity "$K1" -psk "$KPSA1" -quiet \
    2>/dev/null | tr -d '\r')
expect_eq "split head: both requests answered" "$(printf '%s' "$a" | grep -c '^HTTP/1.1 200')" 2
if printf '%s' "$a" | grep -q admin; then fail "split head: spoofed header reached the upstream"
else pass "split head: spoofed header stripped"; fi

# libmef's own Enrolee connect: mef-enrol bootstraps, then talks to the upstream
# through the gate with mef_enrolment_connect().
a=$(printf 'GET /via/libmef HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: C-dev2\r\nConnection: close\r\n\r\n' |
    "$MEF_BUILD/mef-enrol" --mef "127.0.0.1:$BOOT_PORT" --fqdn "$FQDN" --kpm-id dev2 \
    --kpm "$KPM2" --target /in-cse-1 --connect "127.0.0.1:$GATE_PORT" 2>"$T/connect.err" |
    tr -d '\r')
expect_match "libmef connect: 200 through the gate" "$a" '^HTTP/1.1 200 OK'
expect_match "libmef connect: request reached the upstream" "$a" 'GET /via/libmef'
expect_match "libmef connect: upstream told the EnroleeID" "$a" 'X-MEF-Enrolee-ID: C-dev2'
out=$(enrol dev2 "$KPM2" /in-cse-1) || fail "mef-enrol dev2 again"
K2=$(printf '%s' "$out" | jq -r .KeId); KPSA2=$(printf '%s' "$out" | jq -r .Kpsa)

# Many Enrolees at once: 16 associations in parallel, each answered.
pids=""
i=1
while [ $i -le 16 ]; do
	gw "$GATE_PORT" "$K1" "$KPSA1" "$GET" C-dev1 >"$T/par.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
expect_eq "16 parallel associations answered" \
    "$(cat "$T"/par.* | grep -c '^HTTP/1.1 200 OK')" 16

# A MEF that hangs delays only the handshakes that need it.
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
gw "$GATE_PORT" "00000000000000000000000000000000@slow.example.com" "$KPSA1" "$GET" C-dev1 \
    >"$T/slow.out" &
SLOW=$!
sleep 0.3
out=$(enrol dev2 "$KPM2" /in-cse-1) || fail "mef-enrol dev2 (during the slow fetch)"
KS=$(printf '%s' "$out" | jq -r .KeId); KPSAS=$(printf '%s' "$out" | jq -r .Kpsa)
t1=$(ms)
a=$(gw "$GATE_PORT" "$KS" "$KPSAS" "$GET" C-dev2)
t2=$(ms)
expect_match "a new KeId is served while another MEF hangs" "$a" '^HTTP/1.1 200 OK'
[ $((t2 - t1)) -lt 1500 ] && pass "that handshake took $((t2 - t1)) ms (< 1500)" ||
    fail "that handshake waited $((t2 - t1)) ms for the hanging MEF"
wait $SLOW
t3=$(ms)
expect_empty "the KeId of the hanging MEF is refused" "$(cat "$T/slow.out")"
[ $((t3 - t0)) -ge 2500 ] && pass "after the fetch timeout ($((t3 - t0)) ms)" ||
    fail "refused after only $((t3 - t0)) ms: the hanging MEF was not waited for"
expect_match "hanging MEF logged" "$(grep 'slow.example.com' "$T/gate.log" | tail -1)" \
    'mef-unreachable'

# MAF: the Enrolee derives Km for maf.example.com, and the MAF's gate fetches Km.
out=$(enrol dev1 "$KPM1" maf.example.com --kind maf) || fail "mef-enrol for MAF"
KM=$(printf '%s' "$out" | jq -r .Km); KMID=$(printf '%s' "$out" | jq -r .KeId)
a=$(gw "$MAF_PORT" "$KMID" "$KM" "$GET" C-dev1)
expect_match "MAF gate accepts Km" "$a" '^HTTP/1.1 200 OK'
a=$(gw "$MAF_PORT" "$K1" "$KPSA1" "$GET" C-dev1)
expect_empty "MAF gate refuses a Kpsa" "$a"

# MEF stopped: the cached association works, a new KeId fails cleanly.
a=$(gw "$GATE_PORT" "$K1" "$KPSA1" "$GET" C-dev1)
mef_stop
a=$(gw "$GATE_PORT" "$K1" "$KPSA1" "$GET" C-dev1)
expect_match "MEF down: cached KeId still served" "$a" '^HTTP/1.1 200 OK'
a=$(gw "$GATE_PORT" "$K2" "$KPSA2" "$GET" C-dev2)
expect_empty "MEF down: uncached KeId refused" "$a"
expect_match "MEF down: logged" "$(grep "keyid=$K2" "$T/gate.log" | tail -1)" 'mef-unreachable'
mef_start
sleep 1.5
a=$(gw "$GATE_PORT" "$K2" "$KPSA2" "$GET" C-dev2)
expect_match "MEF back: new KeId served" "$a" '^HTTP/1.1 200 OK'

# Revocation takes effect once the cached Lifetime (capped at 2 s here) ends.
check "revoke dev1" mefctl enrolee revoke --kpm-id dev1
sleep 2.5
a=$(gw "$GATE_PORT" "$K1" "$KPSA1" "$GET" C-dev1)
expect_empty "revoked Enrolee refused after the cache time" "$a"
expect_match "refusal logged" "$(grep "keyid=$K1" "$T/gate.log" | tail -1)" 'refused-by-mef'

kill -TERM "$GATE_PID"; wait "$GATE_PID"; st=$?; GATE_PID=""
expect_eq "mef-gate exits 0 on SIGTERM" "$st" 0
for key in "$KPSA1" "$KPSA2" "$KM" "$GPSK" "$MPSK"; do
	if [ -z "$key" ]; then fail "empty key"; elif grep -qiF "$key" "$T/gate.log"; then
		fail "a key is in the gate log"; else pass "key absent from the gate log"; fi
done
mef_finish
