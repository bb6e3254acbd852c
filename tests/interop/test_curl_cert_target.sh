# test_curl_cert_target.sh -- curl as an Enrolment Target authenticating with a client
# certificate (registered by SHA-256 fingerprint): the Credential it receives equals the
# Kpsa mef-enrol derived and what mef-fetch receives with the same certificate; an
# unregistered certificate fails the handshake; the certificate's Target cannot claim
# another Target's ID.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup

mkcert() {	# mkcert NAME CN
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/$1.key" -out "$T/$1.pem" -subj "/CN=$2" -days 2 \
	    -addext "subjectAltName=DNS:$2" 2>/dev/null
}
mkcert server mef.example.com
mkcert target in-cse-9
mkcert stranger in-cse-9
TARGET_EXTRA="cert = $T/server.pem
key = $T/server.key"
mef_write_config
check "mefd -n accepts the certificate settings" "$MEF_BUILD/mefd" -c "$T/mefd.conf" -n
mef_start

FP=$(openssl x509 -in "$T/target.pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d :)
KPM=$(hexkey 32); PSK=$(hexkey 32)
check "certificate target" mefctl target add --id /in-cse-9 --cert-fingerprint "$FP"
check "psk target" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK"
check "enrolee" mefctl enrolee add --kpm-id dev1 --kpm "$KPM" --enrolee-id C-dev1 \
    --target /in-cse-9
out=$(enrol dev1 "$KPM" /in-cse-9) || fail "mef-enrol"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
KPSA=$(printf '%s' "$out" | jq -r .Kpsa | tr 'A-F' 'a-f')

URL="https://mef.example.com:$TARGET_PORT/fetchCredentials/$KEYID"
c() {	# c CERTNAME ORIGIN
	curl -sS --max-time 10 --cacert "$T/server.pem" \
	    --resolve "mef.example.com:$TARGET_PORT:127.0.0.1" \
	    --cert "$T/$1.pem" --key "$T/$1.key" -H "X-M2M-Origin: $2" \
	    -H 'X-M2M-RI: curl-1' -D "$T/headers" "$URL"
}
body=$(c target /in-cse-9) || fail "curl fetch"
expect_eq "curl: Status" "$(printf '%s' "$body" | jq -r .Status)" true
expect_eq "curl: Credential = Kpsa" "$(b64hex "$(printf '%s' "$body" | jq -r .Credential)")" "$KPSA"
expect_match "curl: RSC 2000" "$(tr -d '\r' <"$T/headers")" 'X-M2M-RSC: 2000'
expect_match "curl: RI echoed" "$(tr -d '\r' <"$T/headers")" 'X-M2M-RI: curl-1'

ans=$("$MEF_BUILD/mef-fetch" --mef "127.0.0.1:$TARGET_PORT" --fqdn mef.example.com \
    --origin /in-cse-9 --cert "$T/target.pem" --key "$T/target.key" \
    --ca "$T/server.pem" "$KEYID") || fail "mef-fetch with a certificate"
# The same answer but for Lifetime, which may have ticked a second in between.
expect_eq "mef-fetch and curl receive the same answer" \
    "$(printf '%s' "$ans" | jq -c 'del(.Lifetime)')" \
    "$(printf '%s' "$body" | jq -c 'del(.Lifetime)')"

check_fails "unregistered certificate refused" c stranger /in-cse-9
body=$(c target /in-cse-1)
expect_match "certificate Target claiming another ID: 4103" \
    "$(tr -d '\r' <"$T/headers")" 'X-M2M-RSC: 4103'
check_fails "no client certificate and no PSK refused" curl -sS --max-time 10 \
    --cacert "$T/server.pem" --resolve "mef.example.com:$TARGET_PORT:127.0.0.1" \
    -H 'X-M2M-Origin: /in-cse-9' --fail "$URL"
mef_finish
