# test_hostile_probe.sh -- an unknown KpmId and a known KpmId with a wrong key are
# indistinguishable on the bootstrap listener: the same records from the server (types,
# lengths, the alert's octets), the same close, and the same handshake latency.
# hostile_peer measures N interleaved failed handshakes of each kind (the order of each
# pair random, so load hits both alike) and prints both latency distributions
# (p10/p50/p90/p99, from the client's second flight to the server's answer) and the
# two-sample Kolmogorov-Smirnov D. It fails only when D > 0.2 (above the critical
# value at alpha 0.001 for 500 against 500) AND the medians differ by more than a
# quarter of the pooled interquartile range, which a busy machine does not produce
# alone; one retry absorbs a burst. Without enrol_decoy.c the known KpmId was ~10 us
# slower at the median (D 0.24-0.48): this test caught it. Back-off is off here (it would turn every attempt into the
# dummy key after a few). A legitimate bootstrap and fetch work during and after.
. "$MEF_SRC/tests/integration/lib.sh"
mef_vg_skip "compares handshake latency distributions; memcheck's serialised threads and 20-50x slowdown measure valgrind, not mefd"
mef_setup
HP_PID=""
probe_cleanup() {
	[ -n "$HP_PID" ] && kill "$HP_PID" 2>/dev/null && wait "$HP_PID" 2>/dev/null
	mef_cleanup
}
trap probe_cleanup EXIT
printf '[bootstrap]\nbackoff_after = 0\nbackoff_address_after = 0\n' >>"$T/mefd.conf"
mef_start

KPM1=$(hexkey 32); KPM2=$(hexkey 32); PSK=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id cse-1 --psk "$PSK"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --lifetime 3600
check "enrolee add dev2" mefctl enrolee add --kpm-id dev2 --kpm "$KPM2" \
    --enrolee-id C-dev2 --target /in-cse-1 --lifetime 3600

N=${MEF_PROBE_N:-500}
probe() {
	"$MEF_BUILD/hostile_peer" probe --connect "127.0.0.1:$BOOT_PORT" --n "$N" \
	    --a-id ghost-device --a-key "$(hexkey 32)" \
	    --b-id dev1 --b-key "$(hexkey 32)" --max-d 0.2 --max-rel 0.25 >"$T/probe.out" 2>&1
}
# A legitimate Enrolee bootstraps and its Target fetches while the probe runs.
probe &
HP_PID=$!
sleep 0.2
out=$(enrol dev2 "$KPM2" /in-cse-1) || fail "bootstrap during the probe"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
a=$(fetch_psk /in-cse-1 cse-1 "$PSK" "$KEYID")
expect_match "fetch during the probe" "$a" '"Status":true'
wait "$HP_PID"
rc=$?
HP_PID=""
if [ $rc -ne 0 ] && grep -q 'timing differs' "$T/probe.out" &&
    ! grep -Eq 'shapes differ|shape changed' "$T/probe.out"; then
	echo "timing differed once; measuring again"
	sed 's/^/    first run: /' "$T/probe.out"
	probe
	rc=$?
fi
sed 's/^/    /' "$T/probe.out"
if [ $rc -eq 0 ]; then pass "unknown KpmId vs wrong key: same records, close and timing"
else fail "unknown KpmId vs wrong key distinguishable"; fi
expect_match "the server answers with an alert" "$(grep '^shape A' "$T/probe.out")" ' 21:2\[02'
expect_eq "every probe was logged as a failed handshake" \
    "$(grep -c 'outcome=handshake-failed' "$T/mefd.log")" "$((2 * N))"
expect_eq "unknown ones logged as unknown" \
    "$(grep -c 'kpm_id=ghost-device outcome=handshake-failed identity=unknown' "$T/mefd.log")" "$N"

out=$(enrol dev2 "$KPM2" /in-cse-1) || fail "bootstrap after the probe"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
a=$(fetch_psk /in-cse-1 cse-1 "$PSK" "$KEYID")
expect_match "fetch after the probe" "$a" '"Status":true'
mef_finish
