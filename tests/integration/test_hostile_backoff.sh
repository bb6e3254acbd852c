# test_hostile_backoff.sh -- repeated wrong keys for one KpmId, and from one address,
# are answered by back-off ([bootstrap] backoff_*): after backoff_after failures of an
# identity (unknown identities counted alike) or backoff_address_after failures from
# one address, the next handshakes of that identity or address fail exactly like a
# wrong key, even with the right key, for a period that doubles from backoff_base_ms;
# a success clears the identity. One warn line per block, no key bytes. Legitimate
# Enrolees on other identities and addresses (127.0.0.x on loopback) bootstrap and
# fetch during and after the attack.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
cat >>"$T/mefd.conf" <<CONF
[bootstrap]
backoff_after = 3
backoff_address_after = 6
backoff_base_ms = 2500
backoff_max_ms = 10000
backoff_window_s = 60
CONF
mef_start

KPM1=$(hexkey 32); KPM2=$(hexkey 32); PSK=$(hexkey 32)
WRONG1=$(hexkey 32); WRONG2=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id cse-1 --psk "$PSK"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --lifetime 3600
check "enrolee add dev2" mefctl enrolee add --kpm-id dev2 --kpm "$KPM2" \
    --enrolee-id C-dev2 --target /in-cse-1 --lifetime 3600

# try FROM ID KEY: one handshake from 127.0.0.FROM; prints "handshake=... shape=...".
try() {
	"$MEF_BUILD/hostile_peer" try --connect "127.0.0.1:$BOOT_PORT" \
	    --bind "127.0.0.$1" --psk-id "$2" --psk "$3"
}
shape() { printf '%s\n' "$1" | sed 's/.*shape=//'; }
legit() {	# legit WHEN: dev2 from 127.0.0.1 bootstraps and its Target fetches
	out=$(enrol dev2 "$KPM2" /in-cse-1) || { fail "legit bootstrap $1"; return; }
	a=$(fetch_psk /in-cse-1 cse-1 "$PSK" "$(printf '%s' "$out" | jq -r .KeId)")
	expect_match "legit bootstrap and fetch $1" "$a" '"Status":true'
}
blocks() { grep -c "outcome=backoff $1" "$T/mefd.log"; }

# Identity: three wrong keys for dev1 from 127.0.0.2.
WRONG_SHAPE=$(shape "$(try 2 dev1 "$WRONG1")")
try 2 dev1 "$WRONG1" >/dev/null
expect_eq "no block before backoff_after failures" "$(blocks 'scope=identity')" 0
try 2 dev1 "$WRONG2" >/dev/null
expect_match "third failure starts a block of backoff_base_ms" \
    "$(grep 'outcome=backoff scope=identity' "$T/mefd.log")" \
    'kpm_id=dev1 outcome=backoff scope=identity address=127\.0\.0\.2 failures=3 until_ms=2500'
# During the block even the right key fails, from any address, exactly like a wrong key.
r=$(try 3 dev1 "$KPM1"); rc=$?
expect_eq "right key during the block: refused" "$rc" 1
expect_eq "refused like a wrong key (same records, same close)" "$(shape "$r")" "$WRONG_SHAPE"
expect_match "refusal logged as back-off" "$(grep 'reason="back-off"' "$T/mefd.log")" 'kpm_id=dev1'
legit "during the identity block"
expect_eq "refused attempts add no block" "$(blocks 'scope=identity')" 1

# Unknown identities are counted like known ones.
for i in 1 2 3; do try 4 ghost-x "$WRONG1" >/dev/null; done
expect_match "an unknown KpmId gets the same block" \
    "$(grep 'kpm_id=ghost-x outcome=backoff' "$T/mefd.log")" 'scope=identity .*failures=3 until_ms=2500'

# Address: 127.0.0.2 has failed 3 times; 3 more on other, unknown identities.
for i in 1 2 3; do try 2 "probe-$i" "$WRONG1" >/dev/null; done
expect_match "sixth failure from one address blocks the address" \
    "$(grep 'outcome=backoff scope=address' "$T/mefd.log")" \
    'address=127\.0\.0\.2 failures=6 until_ms=2500'
r=$(try 2 dev2 "$KPM2"); rc=$?
expect_eq "a good Enrolee from the blocked address: refused" "$rc" 1
expect_eq "... like a wrong key" "$(shape "$r")" "$WRONG_SHAPE"
r=$(try 5 dev2 "$KPM2"); rc=$?
expect_eq "the same Enrolee from another address: accepted" "$rc" 0
legit "during the address block"

# The block ends; the next failure doubles it; a success clears the identity.
sleep 2.7
r=$(try 3 dev1 "$WRONG1"); rc=$?
expect_match "after the block, a wrong key is tried again (and doubles)" \
    "$(grep 'kpm_id=dev1 outcome=backoff' "$T/mefd.log" | tail -1)" 'failures=4 until_ms=5000'
sleep 5.2
r=$(try 3 dev1 "$KPM1"); rc=$?
expect_eq "right key once the block is over: accepted" "$rc" 0
try 3 dev1 "$WRONG1" >/dev/null
try 3 dev1 "$WRONG1" >/dev/null
r=$(try 3 dev1 "$KPM1"); rc=$?
expect_eq "a success cleared dev1's failures (two more do not block)" "$rc" 0
legit "after the attack"

expect_empty "no key bytes in the log" \
    "$(grep -i -e "$KPM1" -e "$KPM2" -e "$WRONG1" -e "$WRONG2" -e "$PSK" "$T/mefd.log")"

# Configuration bounds.
cp "$T/mefd.conf" "$T/bad.conf"
printf '[bootstrap]\n' >>"$T/bad.conf"
sed -i 's/^backoff_after = 3$/backoff_after = 1001/' "$T/bad.conf"
out=$("$MEF_BUILD/mefd" -n -c "$T/bad.conf" 2>&1)
expect_match "backoff_after out of range: file:line" "$out" 'bad\.conf:[0-9]+: backoff_after'
sed -i 's/^backoff_after = 1001$/backoff_after = 3/; s/^backoff_max_ms = 10000$/backoff_max_ms = 1000/' "$T/bad.conf"
out=$("$MEF_BUILD/mefd" -n -c "$T/bad.conf" 2>&1)
expect_match "backoff_max_ms below backoff_base_ms refused" "$out" 'backoff_max_ms is below backoff_base_ms'
mef_finish
