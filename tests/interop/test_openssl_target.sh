# test_openssl_target.sh -- openssl s_client as an Enrolment Target speaking raw HTTP
# over TLS-PSK: every row of the error table of PROTOCOL.md 3.4 with its RSC and HTTP
# status, X-M2M-RI echoed, %40 in the path, the SUID form, and a 200 whose Credential
# is the Kpsa mef-enrol derived.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
# One loop, at most 2 connections on it: the third is answered 503.
mef_write_config
sed -i 's/^workers = 2/workers = 1/' "$T/mefd.conf"
printf 'max_connections = 2\n' >>"$T/mefd.conf"
mef_start

KPM=$(hexkey 32); PSK1=$(hexkey 32); PSK2=$(hexkey 32)
check "target 1" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK1"
check "target 2" mefctl target add --id /in-cse-2 --psk-id in-cse-2 --psk "$PSK2" \
    --fqdn in-cse-2.sp.example.com
check "enrolee" mefctl enrolee add --kpm-id dev1 --kpm "$KPM" --enrolee-id C-dev1 \
    --target /in-cse-1
out=$(enrol dev1 "$KPM" /in-cse-1) || fail "mef-enrol"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
KPSA=$(printf '%s' "$out" | jq -r .Kpsa | tr 'A-F' 'a-f')
HEXID=${KEYID%@*}

# raw PSK_ID PSK PATH [HEADER_LINES]: a GET through openssl s_client; prints the answer.
raw() {
	printf 'GET %s HTTP/1.1\r\nHost: mef.example.com\r\nX-M2M-RI: ri-%s\r\n%bConnection: close\r\n\r\n' \
	    "$3" "$$" "${4:-}" |
	    timeout 10 openssl s_client -connect "127.0.0.1:$TARGET_PORT" -tls1_2 \
	    -cipher PSK-AES128-CBC-SHA256 -psk_identity "$1" -psk "$2" -quiet \
	    2>/dev/null | tr -d '\r'
}
# row NAME HTTP RSC ANSWER
row() {
	expect_match "$1: HTTP $2" "$(printf '%s' "$4" | head -1)" "^HTTP/1.1 $2 "
	expect_match "$1: X-M2M-RSC $3" "$4" "X-M2M-RSC: $3"
	expect_match "$1: X-M2M-RI echoed" "$4" "X-M2M-RI: ri-$$"
}
O1='X-M2M-Origin: /in-cse-1\r\n'

a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID" "$O1")
row "granted" 200 2000 "$a"
body=$(printf '%s' "$a" | sed -n '/^$/,$p' | tail -n +2)
expect_eq "Credential = Kpsa" "$(b64hex "$(printf '%s' "$body" | jq -r .Credential)")" "$KPSA"
expect_match "Content-Type JSON" "$a" 'Content-Type: application/json'

a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/${HEXID}%40mef.example.com" "$O1")
row "%40 for @" 200 2000 "$a"

a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/XYZ@mef.example.com" "$O1")
row "malformed KeId" 400 4000 "$a"
expect_match "error body" "$a" '"Status":false'
expect_match "ErrorString present" "$a" '"ErrorString":"'
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID/abc" "$O1")
row "malformed SUID" 400 4000 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/../$KEYID" "$O1")
row "dot segment" 400 4000 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID")
row "X-M2M-Origin missing" 400 4000 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID" 'X-M2M-Origin: /in-cse-2\r\n')
row "Origin is another Target" 403 4103 "$a"
a=$(raw in-cse-2 "$PSK2" "/fetchCredentials/$KEYID" 'X-M2M-Origin: /in-cse-2\r\n')
row "Target not allowed" 403 4103 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/00000000000000000000000000000000@mef.example.com" "$O1")
row "unknown KeId" 404 4004 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/${HEXID}@other.example.com" "$O1")
row "another MEF's KeId" 404 4004 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID" "${O1}Accept: text/html\r\n")
row "Accept not servable" 406 5207 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID/21" "$O1")
row "SUID not allowed for a CSE" 403 4103 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID/22" "$O1")
row "SUID 22 allowed" 200 2000 "$a"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID" "${O1}Accept: application/xml\r\n")
row "XML" 200 2000 "$a"
expect_match "XML Content-Type" "$a" 'Content-Type: application/xml'
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID" "${O1}Accept: application/cbor\r\n")
expect_match "CBOR Content-Type" "$a" 'Content-Type: application/cbor'
a=$(raw in-cse-1 "$PSK1" "/enrolment" "$O1")
row "unknown resource" 404 4004 "$a"

# Overloaded: two idle connections hold this loop's slots; the third gets 503.
# Under valgrind the two handshakes take seconds: longer holds, a longer settle.
HOLD=3; SETTLE=1
[ -n "${MEF_VALGRIND:-}" ] && HOLD=20 && SETTLE=10
( sleep "$HOLD" ) | openssl s_client -connect "127.0.0.1:$TARGET_PORT" -tls1_2 \
    -cipher PSK-AES128-CBC-SHA256 -psk_identity in-cse-1 -psk "$PSK1" -quiet \
    >/dev/null 2>&1 &
H1=$!
( sleep "$HOLD" ) | openssl s_client -connect "127.0.0.1:$TARGET_PORT" -tls1_2 \
    -cipher PSK-AES128-CBC-SHA256 -psk_identity in-cse-1 -psk "$PSK1" -quiet \
    >/dev/null 2>&1 &
H2=$!
sleep "$SETTLE"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID" "$O1")
row "overloaded" 503 5000 "$a"
expect_match "Retry-After" "$a" 'Retry-After: [0-9]+'
wait $H1 $H2
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID" "$O1")
row "served again after the load" 200 2000 "$a"

# Internal error: a Ke row whose wrapped key no longer verifies.
sqlite3 "$T/mef.db" "UPDATE enrolment_key SET ke = zeroblob(61);" 2>"$T/sql.err" ||
    fail "corrupt the Ke column: $(cat "$T/sql.err")"
a=$(raw in-cse-1 "$PSK1" "/fetchCredentials/$KEYID" "$O1")
row "internal error" 500 5000 "$a"
mef_finish
