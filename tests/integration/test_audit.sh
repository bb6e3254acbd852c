# test_audit.sh -- the audit log: bootstraps, fetches granted and refused, a
# revocation and admin changes made by mefctl while mefd runs all land in one
# chained log with the right fields and no key bytes; `mefctl audit verify`
# accepts it, and rejects each tampered copy (a field edited, a middle, the
# first or the last line removed, two lines swapped, a line cut mid-way) naming
# the right line; a crash's partial line is repaired and only warned about.
# Identities a peer chose (quote, backslash, control and non-UTF-8 bytes) come
# out escaped; mefd and mefctl appending at once keep one chain, and a verify
# run meanwhile sees no half-written batch.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
printf '[audit]\nfile = %s\nfsync_ms = 0\n' "$T/audit.log" >>"$T/mefd.conf"
LOG=$T/audit.log
mef_start

KPM1=$(hexkey 32); PSK1=$(hexkey 32); PSK2=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id in-cse-1 --psk "$PSK1"
check "target add 2" mefctl target add --id /in-cse-2 --kind cse --psk-id in-cse-2 --psk "$PSK2"
check "enrolee add" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1
out=$(enrol dev1 "$KPM1" /in-cse-1) || fail "mef-enrol dev1"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
KPSA=$(printf '%s' "$out" | jq -r .Kpsa | tr 'A-F' 'a-f')
check "fetch granted" fetch_psk /in-cse-1 in-cse-1 "$PSK1" "$KEYID"
# Refused: /in-cse-2 is not a Target of dev1; an Origin with a quote and CRLF.
check_fails "fetch refused" fetch_psk /in-cse-2 in-cse-2 "$PSK2" "$KEYID"
check_fails "fetch as another Target" fetch_psk '/in-cse-1' in-cse-2 "$PSK2" "$KEYID"
check_fails "bootstrap with a wrong Kpm" enrol dev1 "$(hexkey 32)" /in-cse-1
# Identities chosen by peers: a quote, a backslash, a control byte, a byte that
# is not UTF-8. They must come out escaped, each line still one JSON object.
ODD=$(printf 'dev"\\\001\377x')
check_fails "bootstrap with an odd unknown KpmId" enrol "$ODD" "$(hexkey 32)" /in-cse-1
# mef-fetch will not send such an Origin: a raw request through openssl s_client.
printf 'GET /fetchCredentials/%s HTTP/1.1\r\nHost: m\r\nX-M2M-Origin: %s\r\nX-M2M-RI: 1\r\nConnection: close\r\n\r\n' \
    "$KEYID" "$(printf 'dev"\\\377x')" | timeout 10 openssl s_client -quiet -ign_eof \
    -connect "127.0.0.1:$TARGET_PORT" -tls1_2 -psk "$PSK1" -psk_identity in-cse-1 \
    >"$T/odd.out" 2>&1
expect_match "fetch with an odd Origin refused" "$(cat "$T/odd.out")" 'X-M2M-RSC: 4103'
check "enrolee revoke" mefctl enrolee revoke --kpm-id dev1
check "target remove" mefctl target remove --id /in-cse-2
mef_stop
expect_eq "mefd exit status" "$MEFD_STATUS" 0

verify() { mefctl audit verify --file "$1"; }
vjson() { mefctl --json audit verify --file "$1"; }

check "verify intact" mefctl audit verify
j=$(mefctl --json audit verify)
expect_eq "verify --json ok" "$(printf '%s' "$j" | jq -r .ok)" true
N=$(wc -l <"$LOG")
expect_eq "entries = lines" "$(printf '%s' "$j" | jq -r .entries)" "$N"
HEAD=$(printf '%s' "$j" | jq -r .head)
check "verify --expect-head" mefctl audit verify --expect-head "$HEAD"

ev() { jq -r .event "$LOG" | tr '\n' ' '; }
expect_eq "events in order" "$(ev)" "mefd-start target-add target-add enrolee-add bootstrap fetch fetch fetch bootstrap bootstrap fetch enrolee-revoke target-remove mefd-stop "
line() { grep "\"event\":\"$1\"" "$LOG" | sed -n "${2:-1}p"; }
l=$(line bootstrap)
expect_eq "bootstrap kpm_id" "$(printf '%s' "$l" | jq -r .kpm_id)" dev1
expect_eq "bootstrap ke_id" "$(printf '%s' "$l" | jq -r .ke_id)" "$KEYID"
expect_eq "bootstrap enrolee_id" "$(printf '%s' "$l" | jq -r .enrolee_id)" C-dev1
expect_eq "bootstrap outcome" "$(printf '%s' "$l" | jq -r '.outcome + "/" + (.rsc|tostring)')" granted/2001
l=$(line fetch 1)
expect_eq "fetch granted" "$(printf '%s' "$l" | jq -r '.outcome + "/" + (.rsc|tostring) + "/" + .target_id + "/" + .ke_id')" \
    "granted/2000//in-cse-1/$KEYID"
expect_match "fetch peer" "$(printf '%s' "$l" | jq -r .peer)" '^127\.0\.0\.1:[0-9]+$'
l=$(line fetch 2)
expect_eq "fetch refused" "$(printf '%s' "$l" | jq -r '.outcome + "/" + (.rsc|tostring) + "/" + .target_id')" \
    "refused/4103//in-cse-2"
l=$(line bootstrap 2)
expect_eq "bootstrap wrong key" "$(printf '%s' "$l" | jq -r '.outcome + "/" + .kpm_id')" handshake-failed/dev1
l=$(line bootstrap 3)
expect_eq "odd KpmId escaped" "$(printf '%s' "$l" | jq -r .kpm_id | od -An -c | tr -s ' ')" \
    "$(printf 'dev"\\\001\357\277\275x\n' | od -An -c | tr -s ' ')"
expect_match "odd KpmId raw text" "$l" '"kpm_id":"dev\\"\\\\\\u0001\\ufffdx"'
l=$(line fetch 4)
expect_match "odd Origin escaped" "$l" '"object":"dev\\"\\\\\\ufffdx"'
l=$(line enrolee-revoke)
expect_eq "revoke entry" "$(printf '%s' "$l" | jq -r '.kpm_id + "/" + .outcome')" dev1/done
expect_match "revoke actor" "$(printf '%s' "$l" | jq -r .actor)" '^mefctl uid=[0-9]+'
l=$(line target-add)
expect_eq "target-add entry" "$(printf '%s' "$l" | jq -r .target_id)" /in-cse-1
expect_eq "keys first, then every line has 14 keys" \
    "$(jq -c 'keys_unsorted' "$LOG" | sort -u)" \
    '["seq","time","event","actor","peer","kpm_id","ke_id","enrolee_id","target_id","object","outcome","rsc","prev","mac"]'
expect_match "time is UTC with ms" "$(jq -r .time "$LOG" | head -1)" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'
lower() { tr 'A-F' 'a-f' <"$1"; }
for k in "$KPM1" "$PSK1" "$PSK2" "$KPSA"; do
	if lower "$LOG" | grep -q "$k"; then fail "key bytes in the audit log"; else
		pass "no key bytes in the audit log"; fi
done

# Tampering, each on a copy (with its head file).
tamper() {	# tamper NAME SED-OR-CMD: copy, run, expect failure and the line
	cp "$LOG" "$T/c.log"; cp "$LOG.head" "$T/c.log.head"
}
expect_bad() {	# expect_bad NAME LINE REASON-REGEX
	j=$(vjson "$T/c.log"); st=$?
	if [ $st -ne 0 ]; then pass "$1: verify fails"; else fail "$1: verify passed"; fi
	expect_eq "$1: bad line" "$(printf '%s' "$j" | jq -r .bad_line)" "$2"
	expect_match "$1: reason" "$(printf '%s' "$j" | jq -r .reason)" "$3"
}
tamper; sed -i '5s/"peer":"127.0.0.1:/"peer":"127.0.0.2:/' "$T/c.log"
expect_bad "field edited" 5 "changed"
tamper; sed -i '6d' "$T/c.log"
expect_bad "middle line removed" 6 "removed or moved before"
tamper; sed -i '1d' "$T/c.log"
expect_bad "first line removed" 1 "first line"
tamper; sed -i '$d' "$T/c.log"
expect_bad "last line removed" "$N" "removed at the end"
# Without the head file an expected head kept elsewhere is the anchor.
tamper; rm "$T/c.log.head"
check_fails "no head file, no expected head" verify "$T/c.log"
check "no head file, --expect-head" mefctl audit verify --file "$T/c.log" --expect-head "$HEAD"
sed -i '$d' "$T/c.log"
check_fails "last line removed, --expect-head" mefctl audit verify --file "$T/c.log" --expect-head "$HEAD"
tamper; sed -i '4{h;d};5G' "$T/c.log"
expect_bad "lines swapped" 4 "moved before|reordered"
tamper; head -c $(( $(stat -c %s "$LOG") - 40 )) "$LOG" >"$T/c.log"
expect_bad "cut mid-line" "$N" "truncated"
tamper; sed -i '3s/.*/garbage/' "$T/c.log"
expect_bad "garbled line" 3 "garbled"

# A crash's partial line: the next writer closes it and chains an audit-repair.
head -c 60 "$LOG" | tr -d '\n' >>"$LOG"
check_fails "partial last line fails verify" mefctl audit verify
check "admin change after a crash" mefctl target add --id /in-cse-3 --kind cse \
    --psk-id in-cse-3 --psk "$(hexkey 32)"
j=$(mefctl --json audit verify); st=$?
expect_eq "repaired log verifies" "$st/$(printf '%s' "$j" | jq -r .ok)" 0/true
expect_eq "one repair reported" "$(printf '%s' "$j" | jq -r .repaired)" 1
expect_eq "repair entry" "$(tail -2 "$LOG" | head -1 | jq -r .event)" audit-repair

# mefd and mefctl appending at the same time keep one chain.
mef_start
pids=""
i=0; while [ $i -lt 20 ]; do
	fetch_psk /in-cse-1 in-cse-1 "$PSK1" "$KEYID" >/dev/null 2>&1 &
	pids="$pids $!"; i=$((i + 1))
done
j=0; while [ $j -lt 5 ]; do
	mefctl target add --id "/t-$j" --kind cse --psk-id "t-$j" --psk "$(hexkey 32)" >/dev/null
	# verify reads a snapshot taken under a shared lock: never a half batch.
	check "verify while mefd writes ($j)" mefctl audit verify
	j=$((j + 1))
done
for p in $pids; do wait "$p"; done
mef_stop
expect_eq "mefd exit status (2)" "$MEFD_STATUS" 0
check "verify after concurrent writers" mefctl audit verify
expect_eq "every writer's entry is there" \
    "$(grep -c '"event":"fetch"' "$LOG")/$(grep -c '"event":"target-add"' "$LOG")" 24/8

# Another KEK means another audit key: the same log does not verify.
"$MEF_BUILD/mefctl" kek generate "$T/kek2" >/dev/null
sed "s|^kek_file = .*|kek_file = $T/kek2|" "$T/mefd.conf" >"$T/k2.conf"
check_fails "verify under another KEK" "$MEF_BUILD/mefctl" -c "$T/k2.conf" audit verify
mef_finish
