# test_hostile_tls.sh -- broken TLS on both listeners: random bytes, a ClientHello cut
# short (the peer closes mid-record), a record header announcing 64 KiB (past any TLS
# bound), a record of 16000 octets that never comes, and, after a good PSK handshake, a record that cannot decrypt and a record of
# no known type. mefd must close each connection (at once, or at the handshake
# deadline for the record that never comes), log it, free its slot, and keep serving:
# a legitimate bootstrap and fetch run while a batch of these is in flight and after.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
HANDSHAKE_MS=1500
mef_write_config
PIDS=""
tls_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	mef_cleanup
}
trap tls_cleanup EXIT
mef_start

KPM1=$(hexkey 32); PSK=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id cse-1 --psk "$PSK"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --lifetime 3600

garbage() {	# garbage PORT KIND [psk args]: prints "close=..."
	port=$1; kind=$2; shift 2
	"$MEF_BUILD/hostile_peer" garbage --connect "127.0.0.1:$port" --kind "$kind" \
	    --max-ms 4000 "$@" | sed -n 's/^close=//p'
}
legit() {
	out=$(enrol dev1 "$KPM1" /in-cse-1) || { fail "legit bootstrap $1"; return; }
	a=$(fetch_psk /in-cse-1 cse-1 "$PSK" "$(printf '%s' "$out" | jq -r .KeId)")
	expect_match "legit bootstrap and fetch $1" "$a" '"Status":true'
}
legit "before"

for kind in random short-hello big-record stalled-record; do
	for lsn in boot target; do
		[ $lsn = boot ] && port=$BOOT_PORT || port=$TARGET_PORT
		c=$(garbage "$port" $kind)
		case $c in eof|reset) pass "$kind on $lsn: closed ($c)" ;;
		*) fail "$kind on $lsn: connection left $c" ;; esac
	done
done
for kind in post-handshake bad-type; do
	c=$(garbage "$BOOT_PORT" $kind --psk-id dev1 --psk "$KPM1")
	case $c in eof|reset) pass "$kind on boot: closed ($c)" ;;
	*) fail "$kind on boot: connection left $c" ;; esac
	c=$(garbage "$TARGET_PORT" $kind --psk-id cse-1 --psk "$PSK")
	case $c in eof|reset) pass "$kind on target: closed ($c)" ;;
	*) fail "$kind on target: connection left $c" ;; esac
done

# A batch of all of them at once, 20 of each (180 connections), with legitimate work in the middle.
n0=$(grep -c 'outcome=' "$T/mefd.log")
i=0
while [ $i -lt 20 ]; do
	for kind in random short-hello big-record stalled-record; do
		garbage "$TARGET_PORT" $kind >/dev/null &
		PIDS="$PIDS $!"
		garbage "$BOOT_PORT" $kind >/dev/null &
		PIDS="$PIDS $!"
	done
	garbage "$TARGET_PORT" post-handshake --psk-id cse-1 --psk "$PSK" >/dev/null &
	PIDS="$PIDS $!"
	i=$((i + 1))
done
legit "during the batch"
for p in $PIDS; do wait "$p"; done
PIDS=""
legit "after the batch"
expect_match "mefd still runs" "$(kill -0 "$MEFD_PID" && echo alive)" alive
# Every broken connection was logged: handshake failed or timed out, or, after the
# handshake, outcome=tls-error.
n1=$(grep -c 'outcome=' "$T/mefd.log")
expect_match "the broken connections were logged" "$((n1 - n0))" '^(1[89][0-9]|[2-9][0-9][0-9])$'
expect_match "the record that never comes ends at the handshake deadline" \
    "$(grep -c 'outcome=timeout phase=handshake' "$T/mefd.log")" '^[1-9]'
expect_match "a record that does not decrypt after the handshake is logged" \
    "$(grep -c 'outcome=tls-error' "$T/mefd.log")" '^[1-9]'
mef_stop
expect_eq "clean shutdown after the attack" "$MEFD_STATUS" 0
mef_finish
