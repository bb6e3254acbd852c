# test_hostile_slow.sh -- slowloris on both listeners. Connections that trickle one
# byte every 200 ms -- of a ClientHello (raw), or after a good PSK handshake of an
# endless request head -- are closed by mefd at handshake_timeout_ms and
# idle_timeout_ms (1.5 s here; a trickle never extends them), each logged as a
# timeout, and their slots are freed: two rounds of 60 under max_connections = 48 per
# worker leave room for a legitimate bootstrap and fetch during each round and after.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
HANDSHAKE_MS=1500
IDLE_MS=1500
mef_write_config
sed -i 's/^\[limits\]$/[limits]\nmax_connections = 48/' "$T/mefd.conf"
PIDS=""
slow_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	mef_cleanup
}
trap slow_cleanup EXIT
mef_start

KPM1=$(hexkey 32); KPM2=$(hexkey 32); PSK=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id cse-1 --psk "$PSK"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --lifetime 3600
check "enrolee add dev2" mefctl enrolee add --kpm-id dev2 --kpm "$KPM2" \
    --enrolee-id C-dev2 --target /in-cse-1 --lifetime 3600

# slow NAME PORT N [psk args]: N trickling connections in the background.
slow() {
	name=$1; port=$2; n=$3; shift 3
	"$MEF_BUILD/hostile_peer" slow --connect "127.0.0.1:$port" --conns "$n" \
	    --interval-ms 200 --max-ms 8000 "$@" >"$T/$name.out" 2>&1 &
	PIDS="$PIDS $!"
}
legit() {
	out=$(enrol dev2 "$KPM2" /in-cse-1) || { fail "legit bootstrap $1"; return; }
	a=$(fetch_psk /in-cse-1 cse-1 "$PSK" "$(printf '%s' "$out" | jq -r .KeId)")
	expect_match "legit bootstrap and fetch $1" "$a" '"Status":true'
}
# opened NAME...: wait until each has all its connections open.
opened() {
	for name in "$@"; do
		i=0
		until grep -q 'connections open' "$T/$name.out" 2>/dev/null; do
			i=$((i + 1))
			[ $i -gt 100 ] && { fail "$name: connections not open"; return; }
			sleep 0.1
		done
	done
}

for round in 1 2; do
	slow "raw-boot-$round" "$BOOT_PORT" 20
	slow "raw-target-$round" "$TARGET_PORT" 20
	slow "tls-target-$round" "$TARGET_PORT" 10 --psk-id cse-1 --psk "$PSK"
	slow "tls-boot-$round" "$BOOT_PORT" 10 --psk-id dev1 --psk "$KPM1"
	opened "raw-boot-$round" "raw-target-$round" "tls-target-$round" "tls-boot-$round"
	legit "during slowloris round $round"
	for p in $PIDS; do wait "$p"; done
	PIDS=""
	for name in raw-boot raw-target tls-target tls-boot; do
		r=$(sed -n 's/^slow: closed=//p' "$T/$name-$round.out")
		expect_match "round $round $name: all closed by mefd ($r)" "$r" '^([0-9]+)/\1 '
		ms=$(printf '%s' "$r" | sed 's/.*last_close_ms=//')
		[ -n "$ms" ] && [ "$ms" -lt 5000 ] && pass "round $round $name: closed within the deadline (${ms} ms)" ||
		    fail "round $round $name: last close after ${ms:-?} ms"
	done
done
legit "after slowloris"
expect_match "handshake timeouts logged" \
    "$(grep -c 'outcome=timeout phase=handshake' "$T/mefd.log")" '^(8[0-9]|9[0-9]|1[0-9][0-9])$'
expect_match "request timeouts logged" \
    "$(grep -c 'outcome=timeout phase=request' "$T/mefd.log")" '^(4[0-9]|[5-9][0-9])$'
expect_eq "no connection refused for want of a slot" "$(grep -c 'overloaded\|refused: ' "$T/mefd.log")" 0
mef_finish
