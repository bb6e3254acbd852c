# test_lifecycle.sh -- what happens to Enrolment Keys over time: revocation, expiry
# with a short lifetime, re-bootstrap and the limit of Ke kept per Enrolee, removal of
# an Enrolee, and the refusal of a wrong or unknown Kpm.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
mef_start

# The short lifetime: 3 s, or 20 s under valgrind, where one bootstrap and one fetch
# alone take seconds. LT_RE matches every whole number of seconds 1..LT.
LT=3; LT_RE='^[123]$'
[ -n "${MEF_VALGRIND:-}" ] && LT=20 && LT_RE='^([1-9]|1[0-9]|20)$'
PSK=$(hexkey 32); KA=$(hexkey 32); KB=$(hexkey 32); KC=$(hexkey 32)
check "target" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK"
check "enrolee A" mefctl enrolee add --kpm-id devA --kpm "$KA" --enrolee-id C-A --target /in-cse-1
check "enrolee B ($LT s lifetime)" mefctl enrolee add --kpm-id devB --kpm "$KB" \
    --enrolee-id C-B --target /in-cse-1 --lifetime "$LT"
check "enrolee C" mefctl enrolee add --kpm-id devC --kpm "$KC" --enrolee-id C-C --target /in-cse-1

f() { fetch_psk /in-cse-1 in-cse-1 "$PSK" "$1"; }
keyid() { enrol "$1" "$2" /in-cse-1 | jq -r .KeId; }

# Wrong and unknown Kpm both fail the handshake.
check_fails "wrong Kpm refused" enrol devA "$KB" /in-cse-1
check_fails "unknown KpmId refused" enrol nobody "$KA" /in-cse-1
# mefd logs the failure once it has seen the client give up, which may come
# after the client has returned: wait for the line (at most 3 s).
i=0
while ! grep -q 'kpm_id=nobody' "$T/mefd.log" && [ $i -lt 30 ]; do
	sleep 0.1; i=$((i + 1))
done
expect_match "unknown identity logged as such" \
    "$(grep 'kpm_id=nobody' "$T/mefd.log" | head -1)" 'outcome=handshake-failed'

# Expiry: a short-lived Ke is fetchable, then not (whole seconds: 1..LT left).
KB1=$(keyid devB "$KB")
ans=$(f "$KB1")
expect_match "short lifetime answered" "$(printf '%s' "$ans" | jq -r .Lifetime)" "$LT_RE"
sleep $((LT + 1))
check_fails "expired KeId refused" f "$KB1"
expect_match "expired is 4004" "$(f "$KB1")" '"Status":false'

# Re-bootstrap: a new Ke each time, older ones valid, at most 4 kept.
K1=$(keyid devC "$KC"); K2=$(keyid devC "$KC")
[ "$K1" != "$K2" ] && pass "re-bootstrap gives a new KeId" || fail "same KeId twice"
check "first Ke still valid" f "$K1"
check "second Ke valid" f "$K2"
K3=$(keyid devC "$KC"); K4=$(keyid devC "$KC"); K5=$(keyid devC "$KC")
check_fails "oldest Ke dropped past 4" f "$K1"
for k in "$K2" "$K3" "$K4" "$K5"; do check "newest 4 kept ($k)" f "$k"; done
expect_eq "keys list shows 4 for devC" \
    "$(mefctl --json keys list --kpm-id devC | jq 'length')" 4
if mefctl keys list --kpm-id devC | grep -qiF "$KC"; then fail "keys list shows key bytes"
else pass "keys list shows no key bytes"; fi

# Revocation: every Ke of the Enrolee at once, and no new bootstrap.
KA1=$(keyid devA "$KA"); KA2=$(keyid devA "$KA")
check "devA fetchable" f "$KA2"
check "revoke devA" mefctl enrolee revoke --kpm-id devA
check_fails "revoked Ke 1 refused" f "$KA1"
check_fails "revoked Ke 2 refused" f "$KA2"
check_fails "revoked Enrolee cannot bootstrap" enrol devA "$KA" /in-cse-1
check "other Enrolees unaffected" f "$K5"

# Removal deletes the Enrolee and its Ke.
check "remove devC" mefctl enrolee remove --kpm-id devC
check_fails "removed Enrolee's Ke refused" f "$K5"
check_fails "removed Enrolee cannot bootstrap" enrol devC "$KC" /in-cse-1
mef_finish
