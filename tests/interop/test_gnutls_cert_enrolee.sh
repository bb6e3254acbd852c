# test_gnutls_cert_enrolee.sh -- gnutls-cli as a certificate Enrolee: mutual TLS 1.2
# with ECDSA P-256 and the mandatory suite TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
# exporting the keying material; from its octets, PROTOCOL.md section 1 computed with
# the openssl command line gives the KeId the MEF answered and the Credential that
# mef-fetch receives.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
. "$MEF_SRC/tests/integration/pki.sh"
pki_selfsigned device device-gnutls

set -- $("$MEF_BUILD/mef_freeport" 1)
CERT_PORT=$1
sed -i "/^\[bootstrap\]/a listen_cert = 127.0.0.1:$CERT_PORT\ncert = $P/mef.pem\nkey = $P/mef.key" \
    "$T/mefd.conf"
mef_start
i=0; while [ $i -lt 50 ] && ! port_listening "$CERT_PORT"; do sleep 0.1; i=$((i + 1)); done

PSK=$(hexkey 32)
check "target" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK"
check "pinned Enrolee" mefctl enrolee add --cert-fingerprint "$(pki_fp "$P/device.pem")" \
    --enrolee-id C-gnutls --target /in-cse-1

# gnutls-cli quits at the end of its input; under valgrind mefd needs seconds to
# answer, so the input stays open a while (mefd closes the connection when done).
{ printf 'POST /enrolment HTTP/1.1\r\nHost: mef.example.com\r\nX-M2M-Origin: device-gnutls\r\nX-M2M-RI: g1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'; [ "$MEF_SLOW" -gt 1 ] && sleep 10; } |
    timeout 20 gnutls-cli --port "$CERT_PORT" --sni-hostname mef.example.com \
    --verify-hostname mef.example.com --x509cafile "$P/mef.pem" --x509certfile "$P/device.pem" --x509keyfile "$P/device.key" \
    --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA256' \
    --keymatexport EXPORTER-oneM2M-Bootstrap --keymatexportsize 48 \
    127.0.0.1 >"$T/gnutls.out" 2>&1
X=$(sed -n 's/^- Key material: *\([0-9a-fA-F]*\).*/\1/p' "$T/gnutls.out" | tr 'A-F' 'a-f')
expect_match "gnutls-cli exported 48 octets" "$X" '^[0-9a-f]{96}$'
expect_match "the mandatory suite was negotiated" "$(cat "$T/gnutls.out")" \
    'Description: \(TLS1.2-X.509\)-\(ECDHE-[A-Z0-9]+\)-\(ECDSA-SHA256\)-\(AES-128-CBC\)-\(SHA256\)'
REL=$(printf '%s' "$X" | cut -c1-32 | tr 'a-f' 'A-F')
KE=$(printf '%s' "$X" | cut -c33-96)
mef_key "$KE"	# the exported Ke: the scan at mef_finish must not find it in a log
expect_match "enrolment answered 201" "$(tr -d '\r' <"$T/gnutls.out")" 'HTTP/1.1 201'
answer=$(tr -d '\r' <"$T/gnutls.out" | sed -n 's/^\({"KeId".*\)$/\1/p' | head -1)
expect_eq "KeId = UPPERHEX(X[0..15])@fqdn" "$(printf '%s' "$answer" | jq -r .KeId)" \
    "$REL@mef.example.com"
KPSA=$(printf '%s' "oneM2M Enrolment Key to Provisioned Secure Connection Key derivation/in-cse-1" |
    openssl mac -digest SHA256 -macopt "hexkey:$KE" HMAC | tr 'A-F' 'a-f')
ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK" "$REL@mef.example.com") || fail "mef-fetch"
expect_eq "Credential = HMAC(Ke, label || TargetID) from gnutls's octets" \
    "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" "$KPSA"
mef_finish
