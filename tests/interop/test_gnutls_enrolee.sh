# test_gnutls_enrolee.sh -- gnutls-cli as the Enrolee: a TLS stack we did not write
# bootstraps over TLS 1.2 PSK with the mandatory suite, exports the keying material,
# and runs the enrolment exchange by hand. From its exported octets, PROTOCOL.md
# section 1 computed with the openssl command line (not our code) gives the KeId the
# MEF answered and the Credential mef-fetch receives.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
mef_start

KPM=$(hexkey 32); PSK=$(hexkey 32)
check "target" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK" \
    --fqdn in-cse-1.sp.example.com
check "enrolee" mefctl enrolee add --kpm-id gnutls-dev --kpm "$KPM" \
    --enrolee-id C-gnutls --target /in-cse-1

# gnutls-cli quits at the end of its input; under valgrind mefd needs seconds to
# answer, so the input stays open a while (mefd closes the connection when done).
{ printf 'POST /enrolment HTTP/1.1\r\nHost: mef.example.com\r\nX-M2M-Origin: gnutls-dev\r\nX-M2M-RI: g1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'; [ "$MEF_SLOW" -gt 1 ] && sleep 10; } |
    timeout 20 gnutls-cli --port "$BOOT_PORT" --sni-hostname mef.example.com \
    --pskusername gnutls-dev --pskkey "$KPM" \
    --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+PSK:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA256' \
    --keymatexport EXPORTER-oneM2M-Bootstrap --keymatexportsize 48 \
    127.0.0.1 >"$T/gnutls.out" 2>&1
X=$(sed -n 's/^- Key material: *\([0-9a-fA-F]*\).*/\1/p' "$T/gnutls.out" | tr 'A-F' 'a-f')
expect_match "gnutls-cli exported 48 octets" "$X" '^[0-9a-f]{96}$'
expect_match "gnutls-cli negotiated the mandatory suite" "$(cat "$T/gnutls.out")" \
    'PSK.*AES-128-CBC.*SHA256|AES_128_CBC_SHA256'
REL=$(printf '%s' "$X" | cut -c1-32 | tr 'a-f' 'A-F')
KE=$(printf '%s' "$X" | cut -c33-96)
mef_key "$KE"	# the exported Ke: the scan at mef_finish must not find it in a log
expect_match "enrolment answered 201" "$(tr -d '\r' <"$T/gnutls.out")" 'HTTP/1.1 201'
answer=$(tr -d '\r' <"$T/gnutls.out" | sed -n 's/^\({"KeId".*\)$/\1/p' | head -1)
expect_eq "KeId = UPPERHEX(X[0..15])@fqdn" "$(printf '%s' "$answer" | jq -r .KeId)" \
    "$REL@mef.example.com"

hmac() {	# hmac HEXKEY TEXT: HMAC-SHA-256 with the openssl CLI
	printf '%s' "$2" | openssl mac -digest SHA256 -macopt "hexkey:$1" HMAC |
	    tr 'A-F' 'a-f'
}
KPSA=$(hmac "$KE" "oneM2M Enrolment Key to Provisioned Secure Connection Key derivation/in-cse-1")
ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK" "$REL@mef.example.com") || fail "mef-fetch"
expect_eq "Credential = HMAC(Ke, label || TargetID) from gnutls's octets" \
    "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" "$KPSA"
USAGE=$(hmac "$KE" "oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation22in-cse-1.sp.example.com")
ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK" "$REL@mef.example.com" 22) || fail "mef-fetch SUID"
expect_eq "usage key (SUID 22, Target FQDN) from gnutls's octets" \
    "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" "$USAGE"

# A wrong key fails the handshake with gnutls too.
printf '' | timeout 20 gnutls-cli --port "$BOOT_PORT" --pskusername gnutls-dev \
    --pskkey "$PSK" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+PSK' \
    127.0.0.1 >"$T/gnutls2.out" 2>&1 && fail "wrong key accepted" || pass "wrong key refused"
mef_finish
