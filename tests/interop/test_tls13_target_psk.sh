# test_tls13_target_psk.sh -- Enrolment Targets fetching over TLS 1.3 with their PSK
# (PROTOCOL.md 3.1), against a Target listener without and then with a server
# certificate: openssl s_client, gnutls-cli and mef-fetch --tls13 get the same
# Credential bytes as a TLS 1.2 fetch of the same KeId; a wrong key and an unknown
# identity fail alike (alert illegal_parameter, nothing answered); a known identity
# with a wrong key, offered where the PSK cannot be used (a SHA-384 suite), or a
# client with no credential at all, never reaches the HTTP layer.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
mef_start

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/server.key" -out "$T/server.pem" -subj "/CN=mef.example.com" \
    -days 2 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/target.key" -out "$T/target.pem" -subj "/CN=in-cse-9" \
    -days 2 2>/dev/null
FP=$(openssl x509 -in "$T/target.pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d :)

KPM=$(hexkey 32); PSK=$(hexkey 32)
check "psk target" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK"
check "certificate target" mefctl target add --id /in-cse-9 --cert-fingerprint "$FP"
check "enrolee" mefctl enrolee add --kpm-id dev1 --kpm "$KPM" --enrolee-id C-dev1 \
    --target /in-cse-1
out=$(enrol dev1 "$KPM" /in-cse-1) || fail "mef-enrol"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
KPSA=$(printf '%s' "$out" | jq -r .Kpsa | tr 'A-F' 'a-f')
REQ="GET /fetchCredentials/$KEYID HTTP/1.1\r\nHost: mef.example.com\r\nX-M2M-Origin: /in-cse-1\r\nX-M2M-RI: t13\r\nConnection: close\r\n\r\n"

# sclient FILE ARGS...: the request through openssl s_client; the answer in FILE,
# its diagnostics (-brief) in FILE.err.
sclient() {
	f=$1; shift
	printf "$REQ" | timeout 10 openssl s_client -connect "127.0.0.1:$TARGET_PORT" \
	    -brief -ign_eof "$@" >"$f" 2>"$f.err"
	tr -d '\r' <"$f" >"$f.txt"
}
# cred FILE: the Credential of the answer in FILE.txt, as hex.
cred() { b64hex "$(sed -n 's/^\({.*}\).*/\1/p' "$1.txt" | jq -r .Credential)"; }
# alert FILE: the TLS alert the client received, without OpenSSL's address prefix.
alert() { sed -n 's/.*:\(ssl3_read_bytes:[^:]*\):.*/\1/p' "$1.err" | head -1; }

phase() {	# phase NAME: every check against the running mefd
	p=$1
	sclient "$T/v12" -tls1_2 -cipher PSK-AES128-CBC-SHA256 -psk_identity in-cse-1 -psk "$PSK"
	C12=$(cred "$T/v12")
	expect_eq "$p: TLS 1.2 PSK fetch gives the Kpsa" "$C12" "$KPSA"

	sclient "$T/v13" -tls1_3 -psk_identity in-cse-1 -psk "$PSK"
	expect_match "$p: s_client negotiated TLS 1.3" "$(cat "$T/v13.err")" \
	    'Protocol version: TLSv1.3'
	expect_match "$p: s_client TLS 1.3 answered 200" "$(head -1 "$T/v13.txt")" '^HTTP/1.1 200 '
	expect_eq "$p: s_client TLS 1.3 Credential = TLS 1.2 Credential" "$(cred "$T/v13")" "$C12"

	printf "$REQ" | timeout 10 gnutls-cli --port "$TARGET_PORT" \
	    --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3:+ECDHE-PSK:+DHE-PSK:+PSK' \
	    --pskusername in-cse-1 --pskkey "$PSK" 127.0.0.1 >"$T/g13" 2>&1
	tr -d '\r' <"$T/g13" >"$T/g13.txt"
	expect_match "$p: gnutls-cli negotiated TLS 1.3" "$(cat "$T/g13.txt")" \
	    'Description: \(TLS1\.3-'
	expect_match "$p: gnutls-cli authenticated with the PSK" "$(cat "$T/g13.txt")" \
	    "PSK authentication\\. Connected as 'in-cse-1'"
	expect_eq "$p: gnutls-cli TLS 1.3 Credential = TLS 1.2 Credential" "$(cred "$T/g13")" "$C12"

	ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK" --tls13 -v "$KEYID" 2>"$T/mf.err") ||
	    fail "$p: mef-fetch --tls13"
	expect_match "$p: mef-fetch --tls13 negotiated TLS 1.3" "$(cat "$T/mf.err")" \
	    'connected, TLSv1\.3'
	expect_eq "$p: mef-fetch --tls13 Credential = TLS 1.2 Credential" \
	    "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" "$C12"
	check_fails "$p: mef-fetch --tls13 with a wrong PSK" \
	    fetch_psk /in-cse-1 in-cse-1 "$(hexkey 32)" --tls13 "$KEYID"

	sclient "$T/wk" -tls1_3 -psk_identity in-cse-1 -psk "$(hexkey 32)"
	sclient "$T/un" -tls1_3 -psk_identity in-cse-404 -psk "$PSK"
	expect_empty "$p: wrong PSK over TLS 1.3: nothing answered" "$(cat "$T/wk.txt")"
	expect_empty "$p: unknown identity over TLS 1.3: nothing answered" "$(cat "$T/un.txt")"
	expect_match "$p: wrong PSK: alert illegal parameter" "$(alert "$T/wk")" 'illegal parameter'
	expect_eq "$p: unknown identity fails as a wrong PSK" "$(alert "$T/un")" "$(alert "$T/wk")"

	# A SHA-384 suite cannot carry the PSK: refused, never a certificate fallback
	# that would keep the looked-up identity.
	sclient "$T/s384" -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384 \
	    -psk_identity in-cse-1 -psk "$(hexkey 32)"
	expect_empty "$p: wrong PSK with a SHA-384 suite: nothing answered" "$(cat "$T/s384.txt")"
}

phase "no certificate"

mef_stop
TARGET_EXTRA="cert = $T/server.pem
key = $T/server.key"
mef_write_config
mef_start
phase "certificate"

# The certificate Target still works over TLS 1.3, and a client with neither a PSK
# nor a certificate completes no request.
sclient "$T/c13" -tls1_3 -cert "$T/target.pem" -key "$T/target.key"
expect_match "certificate Target over TLS 1.3 reaches the HTTP layer" \
    "$(head -1 "$T/c13.txt")" '^HTTP/1.1 403 '
sclient "$T/none" -tls1_3
expect_empty "no credential over TLS 1.3: nothing answered" "$(cat "$T/none.txt")"
expect_match "logged as no client authentication" "$(cat "$T/mefd.log")" \
    'outcome=handshake-failed target=- reason="no client authentication"'
mef_finish
