# test_hostile_flood.sh -- a connection flood past [limits] max_connections (4 per
# worker, 2 workers here). Held TLS connections that each fetch: at most 8 are
# served, every other one is answered 503 with X-M2M-RSC 5000 and Retry-After, and
# closed. A legitimate fetch during the flood gets the same documented 503 (never a
# hang or a reset); the moment the flood's connections end, their slots are free and
# the legitimate fetch succeeds at once. A raw flood past the overload margin (64 more
# per worker) is closed at accept, logged at most once a second per worker, and
# service resumes as soon as it ends.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
sed -i 's/^\[limits\]$/[limits]\nmax_connections = 4/' "$T/mefd.conf"
HP_PIDS=""
flood_cleanup() {
	for p in $HP_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	mef_cleanup
}
trap flood_cleanup EXIT
mef_start

KPM1=$(hexkey 32); PSK=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id cse-1 --psk "$PSK"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --lifetime 3600
out=$(enrol dev1 "$KPM1" /in-cse-1) || fail "enrol dev1"
K1=$(printf '%s' "$out" | jq -r .KeId)
printf 'GET /fetchCredentials/%s HTTP/1.1\r\nX-M2M-Origin: /in-cse-1\r\nX-M2M-RI: flood\r\n\r\n' \
    "$K1" >"$T/req"

# one: a fetch over hostile_peer; the answer head (CR removed), the end in $T/end.
one() {
	"$MEF_BUILD/hostile_peer" req --connect "127.0.0.1:$TARGET_PORT" --psk-id cse-1 \
	    --psk "$PSK" --max-ms 5000 <"$T/req" 2>"$T/end" | tr -d '\r'
}
waitfor() {
	i=0
	until [ -e "$1" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && { fail "flood did not start"; return; }
		sleep 0.05
	done
}
a=$(fetch_psk /in-cse-1 cse-1 "$PSK" "$K1")
expect_match "legit fetch before" "$a" '"Status":true'
# legit_soon NAME: a fetch that, like a client honouring Retry-After, tries again
# (up to 5 times, 0.2 s apart) while mefd still counts the flood's last connections.
legit_soon() {
	n=0
	while [ $n -lt 5 ]; do
		n=$((n + 1))
		a=$(fetch_psk /in-cse-1 cse-1 "$PSK" "$K1" 2>/dev/null) && break
		sleep 0.2
	done
	expect_match "$1 (attempt $n)" "$a" '"Status":true'
}

# TLS flood: 40 held connections, each with one fetch.
"$MEF_BUILD/hostile_peer" flood --connect "127.0.0.1:$TARGET_PORT" --conns 40 \
    --psk-id cse-1 --psk "$PSK" --request "$T/req" --hold-ms 1500 \
    --ready "$T/ready1" >"$T/flood1.out" 2>&1 &
HP_PIDS="$HP_PIDS $!"
waitfor "$T/ready1"
a=$(one)
expect_match "legit fetch during the flood: 503" "$(printf '%s\n' "$a" | head -1)" '^HTTP/1.1 503 '
expect_match "... with X-M2M-RSC 5000" "$a" 'X-M2M-RSC: 5000'
expect_match "... and Retry-After" "$a" 'Retry-After: [0-9]+'
expect_eq "... and closed" "$(sed -n 's/^end=//p' "$T/end")" eof
for p in $HP_PIDS; do wait "$p"; done
HP_PIDS=""
r=$(cat "$T/flood1.out")
echo "    $r"
served=$(printf '%s' "$r" | sed -n 's/.*status_200=\([0-9]*\).*/\1/p')
over=$(printf '%s' "$r" | sed -n 's/.*status_503=\([0-9]*\).*/\1/p')
retry=$(printf '%s' "$r" | sed -n 's/.*retry_after_503=\([0-9]*\).*/\1/p')
closed=$(printf '%s' "$r" | sed -n 's/.*closed_by_server=\([0-9]*\).*/\1/p')
[ "${served:-0}" -ge 1 ] && [ "${served:-0}" -le 8 ] && pass "at most 8 flood connections served ($served)" ||
    fail "flood connections served: ${served:-none}"
expect_eq "every other flood connection answered 503" "$((${served:-0} + ${over:-0}))" 40
expect_eq "every 503 carries Retry-After" "${retry:-0}" "${over:-x}"
expect_eq "every 503 connection closed by mefd" "${closed:-0}" "${over:-x}"
legit_soon "legit fetch right after the flood"

# Raw flood past the margin: 4 + 64 per worker are accepted, the rest closed at once.
"$MEF_BUILD/hostile_peer" flood --connect "127.0.0.1:$TARGET_PORT" --conns 300 --raw \
    --hold-ms 500 --ready "$T/ready2" >"$T/flood2.out" 2>&1 &
HP_PIDS="$HP_PIDS $!"
waitfor "$T/ready2"
for p in $HP_PIDS; do wait "$p"; done
HP_PIDS=""
r=$(cat "$T/flood2.out")
echo "    $r"
closed=$(printf '%s' "$r" | sed -n 's/.*closed_by_server=\([0-9]*\).*/\1/p')
[ "${closed:-0}" -ge 100 ] && [ "${closed:-0}" -le 164 ] &&
    pass "raw flood: the connections past the margin closed at once ($closed of 300)" ||
    fail "raw flood: ${closed:-?} of 300 closed at once, expected 164"
nlines=$(grep -c 'refused: ' "$T/mefd.log")
[ "$nlines" -ge 1 ] && [ "$nlines" -le 4 ] && pass "refusals logged at most once a second per worker ($nlines lines)" ||
    fail "refusals logged in $nlines lines"
legit_soon "legit fetch after the raw flood"
expect_match "mefd still runs" "$(kill -0 "$MEFD_PID" && echo alive)" alive
mef_finish
