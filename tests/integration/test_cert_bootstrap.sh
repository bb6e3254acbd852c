# test_cert_bootstrap.sh -- the certificate RSPF (TS-0003 8.3.2.2): Enrolees bootstrap
# with X.509 certificates over mutual TLS 1.2, bound either by fingerprint or by trust
# anchor plus identity (subject CN or SAN); every refusal case (expired, not yet
# valid, wrongly signed, unknown, revoked Enrolee, revoked by CRL); and the fetch
# after a certificate bootstrap returns the Kpsa the device derived.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
. "$MEF_SRC/tests/integration/pki.sh"

pki_ca devca
pki_ca rogue
pki_dev devca dev42 device-42
pki_dev devca devsan device-san "DNS:dev-san.example.com"
pki_dev devca devexp device-exp "" 20200101000000Z 20200102000000Z
pki_dev devca devfut device-fut "" 20990101000000Z 20990102000000Z
pki_dev devca devcrl device-crl
pki_dev rogue fake42 device-42
pki_selfsigned pinned device-pinned
pki_selfsigned stranger device-stranger
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/rsa.key" -out "$P/rsa.pem" -days 2 \
    -subj /CN=device-rsa 2>/dev/null
openssl ca -batch -config "$P/devca.cnf" -revoke "$P/devcrl.pem" >/dev/null 2>&1
openssl ca -batch -config "$P/devca.cnf" -gencrl -out "$P/devca.crl" >/dev/null 2>&1 ||
    fail "gencrl"

set -- $("$MEF_BUILD/mef_freeport" 1)
CERT_PORT=$1
sed -i "/^\[bootstrap\]/a listen_cert = 127.0.0.1:$CERT_PORT\ncert = $P/mef.pem\nkey = $P/mef.key" \
    "$T/mefd.conf"
check "mefd -n with listen_cert" "$MEF_BUILD/mefd" -c "$T/mefd.conf" -n
sed "s/^listen_cert = .*/listen_cert = 127.0.0.1:$BOOT_PORT/" "$T/mefd.conf" >"$T/bad.conf"
check_fails "listen_cert on the PSK listener's address refused" "$MEF_BUILD/mefd" \
    -c "$T/bad.conf" -n
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/mefrsa.key" -out "$P/mefrsa.pem" \
    -days 2 -subj "/CN=$FQDN" 2>/dev/null
sed "s|^cert = $P/mef.pem|cert = $P/mefrsa.pem|; s|^key = $P/mef.key|key = $P/mefrsa.key|" \
    "$T/mefd.conf" >"$T/bad.conf"
check_fails "an RSA certificate for the certificate listener refused" "$MEF_BUILD/mefd" \
    -c "$T/bad.conf" -n
grep -v '^listen_cert' "$T/mefd.conf" >"$T/bad.conf"
check_fails "cert and key without listen_cert refused" "$MEF_BUILD/mefd" -c "$T/bad.conf" -n
mef_start
i=0; while [ $i -lt 50 ] && ! port_listening "$CERT_PORT"; do sleep 0.1; i=$((i + 1)); done

PSK=$(hexkey 32)
check "target" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK"
check "pinned Enrolee" mefctl enrolee add --cert-fingerprint "$(pki_fp "$P/pinned.pem")" \
    --enrolee-id C-pinned --target /in-cse-1
check "RSA-key Enrolee registered" mefctl enrolee add --cert-fingerprint \
    "$(pki_fp "$P/rsa.pem")" --enrolee-id C-rsa --target /in-cse-1
check "anchor (CN, with CRL)" mefctl anchor add --name devca --ca "$P/devca.pem" \
    --crl "$P/devca.crl" --identity cn
check "anchor (SAN)" mefctl anchor add --name devca-san --ca "$P/devca.pem" --identity san
for cn in device-42 device-exp device-fut device-crl; do
	check "anchor Enrolee $cn" mefctl enrolee add --anchor devca --cert-identity "$cn" \
	    --enrolee-id "C-$cn" --target /in-cse-1
done
check "anchor Enrolee by SAN" mefctl enrolee add --anchor devca-san \
    --cert-identity dev-san.example.com --enrolee-id C-san --target /in-cse-1

cenrol() {	# cenrol NAME: bootstrap with $P/NAME.pem
	"$MEF_BUILD/mef-enrol" --mef "127.0.0.1:$CERT_PORT" --fqdn "$FQDN" \
	    --cert "$P/$1.pem" --key "$P/$1.key" --ca "$P/mef.pem" \
	    --target /in-cse-1 --json --show-key
}
granted() {	# granted NAME EID: bootstrap, then the Target fetches the same Kpsa
	out=$(cenrol "$1") || { fail "$1: bootstrap refused"; return; }
	k=$(printf '%s' "$out" | jq -r .KeId)
	expect_eq "$1: EnroleeID" "$(printf '%s' "$out" | jq -r .EnroleeID)" "$2"
	ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK" "$k")
	expect_eq "$1: fetched Credential = the device's Kpsa" \
	    "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" \
	    "$(printf '%s' "$out" | jq -r .Kpsa | tr 'A-F' 'a-f')"
}
granted pinned C-pinned
granted dev42 C-device-42
granted devsan C-san
check_fails "expired certificate refused" cenrol devexp
check_fails "not yet valid certificate refused" cenrol devfut
check_fails "certificate revoked by the CRL refused" cenrol devcrl
check_fails "wrongly signed certificate refused" cenrol fake42
check_fails "unknown certificate refused" cenrol stranger
check_fails "a pinned RSA certificate is refused (P-256 only)" cenrol rsa
check "revoke the pinned Enrolee" mefctl enrolee revoke \
    --kpm-id "sha256:$(pki_fp "$P/pinned.pem" | tr 'A-F' 'a-f')"
check_fails "revoked Enrolee refused" cenrol pinned
check "dev42 still accepted" cenrol dev42
expect_match "certificate bootstrap logged" \
    "$(grep 'bootstrap .*outcome=stored' "$T/mefd.log" | tail -1)" 'cipher=ECDHE-ECDSA'
check_fails "a PSK client on the certificate port is refused" \
    "$MEF_BUILD/mef-enrol" --mef "127.0.0.1:$CERT_PORT" --fqdn "$FQDN" \
    --kpm-id x --kpm "$PSK" --target /in-cse-1
mef_finish
