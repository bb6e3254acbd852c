# test_hostile_logline.sh -- a peer cannot forge key=value pairs in the log lines of
# mefd and mef-gate. The KpmId (TLS-PSK identity), the X-M2M-Origin and the KeId of the request path are
# peer-chosen; a value holding a space, '=', '"' or '\' is logged as one quoted string
# (util/log.c log_value()), so every log line keeps exactly one outcome= outside quotes.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
mef_start

KPM1=$(hexkey 32); PSK1=$(hexkey 32); WRONG=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id cse-1 --psk "$PSK1"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --lifetime 3600
out=$(enrol dev1 "$KPM1" /in-cse-1) || fail "legit bootstrap"
K1=$(printf '%s' "$out" | jq -r .KeId)
H1=${K1%@*}

# The same through mef-gate: the PSK identity (KeId) and X-M2M-Origin of its peers.
set -- $("$MEF_BUILD/mef_freeport" 2)
GATE_PORT=$1; UP_PORT=$2
GPSK=$(hexkey 32)
printf '%s\n' "$GPSK" >"$T/gate.psk"
check "gate target" mefctl target add --id /in-cse-2 --psk-id gate-2 --psk-file "$T/gate.psk"
check "enrolee add dev2" mefctl enrolee add --kpm-id dev2 --kpm "$KPM1" \
    --enrolee-id C-dev2 --target /in-cse-2 --lifetime 3600
cat >"$T/gate.conf" <<CONF
[gate]
listen = 127.0.0.1:$GATE_PORT
upstream = http://127.0.0.1:$UP_PORT
target_id = /in-cse-2
workers = 1
[mef:$FQDN]
url = 127.0.0.1:$TARGET_PORT
psk_id = gate-2
psk_file = $T/gate.psk
CONF
"$MEF_BUILD/mef_echo_upstream" "$UP_PORT" "$T/upstream.log" &
UP_PID=$!
"$MEF_BUILD/mef-gate" -c "$T/gate.conf" >>"$T/gate.log" 2>&1 &
GATE_PID=$!
stop_gate() {
	for p in $GATE_PID $UP_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	GATE_PID=""; UP_PID=""
}
# mef_finish stops the gate first, so valgrind's log of it is complete.
mef_before_finish() { stop_gate; }
cleanup_gate() {
	stop_gate
	mef_cleanup
}
trap cleanup_gate EXIT
i=0
while [ $i -lt 50 ] && ! { port_listening "$GATE_PORT" && port_listening "$UP_PORT"; }; do
	sleep 0.1; i=$((i + 1)); done

# logged FILE TEXT: wait (up to 10 s) until FILE has a line with TEXT.
logged() {
	i=0
	while [ $i -lt 100 ] && ! grep -aqF -- "$2" "$1"; do sleep 0.1; i=$((i + 1)); done
}
# unquoted LINE: the line with every quoted value replaced by Q.
unquoted() { printf '%s\n' "$1" | sed 's/"\([^"\\]\|\\.\)*"/Q/g'; }
# one_outcome NAME PATTERN: the log line(s) matching PATTERN (fixed string) exist and
# each has exactly one outcome= outside quoted values.
one_outcome() {	# [LOG] defaults to mefd.log
	lines=$(grep -aF -- "$2" "${3:-$T/mefd.log}")
	if [ -z "$lines" ]; then fail "$1: no log line with $2"; return; fi
	printf '%s\n' "$lines" | while IFS= read -r l; do
		n=$(unquoted "$l" | grep -o ' outcome=' | wc -l)
		[ "$n" -eq 1 ] || echo "bad: $l"
	done >"$T/bad"
	if [ -s "$T/bad" ]; then fail "$1: forged outcome"; cat "$T/bad"
	else pass "$1: exactly one outcome= outside quotes"; fi
}
try() {	# try PSK_ID: one bootstrap handshake with a wrong key
	"$MEF_BUILD/hostile_peer" try --connect "127.0.0.1:$BOOT_PORT" \
	    --psk-id "$1" --psk "$WRONG" >/dev/null
}
send() {	# send: stdin to the Target listener as /in-cse-1
	"$MEF_BUILD/hostile_peer" req --connect "127.0.0.1:$TARGET_PORT" --psk-id cse-1 \
	    --psk "$PSK1" --max-ms 5000 2>/dev/null | tr -d '\r'
}
get() {	# get PATH ORIGIN
	printf 'GET %s HTTP/1.1\r\nHost: mef\r\nX-M2M-Origin: %s\r\nX-M2M-RI: ri-1\r\nConnection: close\r\n\r\n' \
	    "$1" "$2" | send >/dev/null
}

# KpmId forging a stored bootstrap.
try 'x outcome=stored enrolee_id=C-victim'
one_outcome "forged KpmId" 'C-victim'
expect_match "forged KpmId is one quoted value" "$(grep -a C-victim "$T/mefd.log")" \
    'kpm_id="x outcome=stored enrolee_id=C-victim" outcome=handshake-failed'
# KpmId that tries to close the quotes itself.
try 'y" outcome=stored z="\'
one_outcome "KpmId with quote and backslash" 'kpm_id="y'
expect_match "quote and backslash escaped" "$(grep -a 'kpm_id="y' "$T/mefd.log")" \
    'kpm_id="y\\" outcome=stored z=\\"\\\\" outcome=handshake-failed'
# Non-ASCII bytes are \xHH.
try "$(printf 'caf\303\251=1')"
expect_match "UTF-8 KpmId as \\xHH" "$(cat "$T/mefd.log")" 'kpm_id="caf\\xc3\\xa9=1"'

# X-M2M-Origin forging a successful fetch.
get "/fetchCredentials/$K1" '/in-cse-1 outcome=2000 cache=hit'
one_outcome "forged X-M2M-Origin" 'cache=hit'
expect_match "forged origin is one quoted value" "$(grep -a 'cache=hit' "$T/mefd.log")" \
    'origin="/in-cse-1 outcome=2000 cache=hit"'
# KeId in the path forging pairs (percent-decoded spaces and '='): refused, and only a
# KeId that parsed is logged, so it shows as absent.
get "/fetchCredentials/${H1}%20outcome=2000%20x=@mef.example.com" /in-cse-1
one_outcome "forged KeId" 'fetch peer='
expect_match "forged KeId logged as absent" "$(grep -a 'outcome=4000' "$T/mefd.log")" \
    'keyid=- suid=- format=[^ ]* outcome=4000 '
expect_empty "no bare forged pair from the KeId" \
    "$(grep -a 'fetch peer=' "$T/mefd.log" | while IFS= read -r l; do unquoted "$l"; done | grep ' x=')"
# Plain identities stay bare tokens.
expect_match "a plain KpmId is a bare token" "$(grep -a 'outcome=stored' "$T/mefd.log")" \
    'kpm_id=dev1 enrolee=C-dev1 keyid=[0-9A-Fa-f]*@'

# mef-gate: a PSK identity that is no KeId, and a forged origin on a real association.
out=$(enrol dev2 "$KPM1" /in-cse-2) || fail "legit bootstrap dev2"
K2=$(printf '%s' "$out" | jq -r .KeId); KPSA2=$(printf '%s' "$out" | jq -r .Kpsa)
"$MEF_BUILD/hostile_peer" try --connect "127.0.0.1:$GATE_PORT" \
    --psk-id 'k outcome=ok source=cache' --psk "$WRONG" >/dev/null
logged "$T/gate.log" 'source=cache'
one_outcome "gate: forged PSK identity" 'source=cache' "$T/gate.log"
expect_match "gate: forged identity is one quoted value" \
    "$(grep -a 'source=cache' "$T/gate.log")" 'keyid="k outcome=ok source=cache" outcome='
printf 'GET /cse/x HTTP/1.1\r\nHost: cse\r\nX-M2M-Origin: C-dev2 outcome=2000 status=200\r\nConnection: close\r\n\r\n' |
    "$MEF_BUILD/hostile_peer" req --connect "127.0.0.1:$GATE_PORT" --psk-id "$K2" \
    --psk "$KPSA2" --max-ms 5000 >/dev/null 2>&1
logged "$T/gate.log" 'request peer='
one_outcome "gate: forged X-M2M-Origin" 'status=200"' "$T/gate.log"
expect_match "gate: forged origin is one quoted value" \
    "$(grep -a 'request peer=' "$T/gate.log")" 'origin="C-dev2 outcome=2000 status=200" outcome='

mef_stop
mef_finish
