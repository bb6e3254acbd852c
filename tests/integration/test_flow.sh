# test_flow.sh -- the whole flow of the change request with the real CLIs: register,
# bootstrap (mef-enrol), fetch (mef-fetch) in JSON, XML and CBOR, a MAF getting Km, a
# restart after which every confirmed KeId is still fetchable, and logs without keys.
. "$MEF_SRC/tests/integration/lib.sh"
MEF_LOG_LEVEL=debug	# the most verbose logs must still carry no key
mef_setup
mef_start

KPM1=$(hexkey 32); KPM2=$(hexkey 16); PSK1=$(hexkey 32); PSKM=$(hexkey 32)
check "target add cse" mefctl target add --id /in-cse-1 --kind cse --psk-id in-cse-1 --psk "$PSK1"
check "target add maf" mefctl target add --id maf.example.com --kind maf --psk-id maf-1 --psk "$PSKM"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --target maf.example.com --lifetime 3600
check "enrolee add dev2 (16-byte Kpm)" mefctl enrolee add --kpm-id dev2 --kpm "$KPM2" \
    --enrolee-id C-dev2 --target /in-cse-1

# Bootstrap: mef-enrol prints KeId, EnroleeID, Lifetime and (with --show-key) Kpsa.
out=$(enrol dev1 "$KPM1" /in-cse-1) || fail "mef-enrol dev1"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
KPSA=$(printf '%s' "$out" | jq -r .Kpsa | tr 'A-F' 'a-f')
expect_match "KeId shape" "$KEYID" '^[0-9A-F]{32}@mef\.example\.com$'
expect_eq "EnroleeID in enrolment answer" "$(printf '%s' "$out" | jq -r .EnroleeID)" C-dev1
lt=$(printf '%s' "$out" | jq -r .Lifetime)
expect_match "Lifetime close to 3600" "$lt" '^(3600|359[0-9])$'
expect_match "Kpsa is 32 bytes of hex" "$KPSA" '^[0-9a-f]{64}$'

# Fetch as the Target: the Credential is the Kpsa the Enrolee derived.
ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK1" "$KEYID") || fail "mef-fetch exit status"
expect_eq "fetch Status" "$(printf '%s' "$ans" | jq -r .Status)" true
expect_eq "fetch Credential = Kpsa" "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" "$KPSA"
expect_eq "fetch EnroleeID" "$(printf '%s' "$ans" | jq -r .EnroleeID)" C-dev1
expect_match "fetch Lifetime" "$(printf '%s' "$ans" | jq -r .Lifetime)" '^(3600|35[0-9][0-9])$'

ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK1" --accept xml "$KEYID") || fail "fetch xml"
cred=$(printf '%s' "$ans" | sed -n 's/.*<Credential>\([^<]*\)<\/Credential>.*/\1/p')
expect_eq "XML Credential = Kpsa" "$(b64hex "$cred")" "$KPSA"
expect_match "XML Status" "$ans" '<Status>true</Status>'

fetch_psk /in-cse-1 in-cse-1 "$PSK1" --accept cbor "$KEYID" >"$T/ans.cbor" || fail "fetch cbor"
cbor_hex=$(od -An -v -tx1 "$T/ans.cbor" | tr -d ' \n')
# "Credential" as a CBOR text key, then a 32-byte byte string (0x58 0x20) of the key.
expect_match "CBOR carries Credential = Kpsa" "$cbor_hex" "6a43726564656e7469616c5820$KPSA"

# A second Enrolee with a 16-byte Kpm.
out2=$(enrol dev2 "$KPM2" /in-cse-1) || fail "mef-enrol dev2"
KEYID2=$(printf '%s' "$out2" | jq -r .KeId)
ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK1" "$KEYID2")
expect_eq "dev2 Credential = its Kpsa" "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" \
    "$(printf '%s' "$out2" | jq -r .Kpsa | tr 'A-F' 'a-f')"

# A MAF gets Km, not Kpsa.
outm=$(enrol dev1 "$KPM1" maf.example.com --kind maf) || fail "mef-enrol for MAF"
KEYIDM=$(printf '%s' "$outm" | jq -r .KeId)
KM=$(printf '%s' "$outm" | jq -r .Km | tr 'A-F' 'a-f')
expect_match "Km printed for a MAF" "$KM" '^[0-9a-f]{64}$'
ans=$(fetch_psk maf.example.com maf-1 "$PSKM" "$KEYIDM") || fail "MAF fetch"
expect_eq "MAF Credential = Km" "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" "$KM"

# The old KeId of dev1 (re-bootstrapped for the MAF) is still valid.
check "first KeId still valid after re-bootstrap" fetch_psk /in-cse-1 in-cse-1 "$PSK1" "$KEYID"

# Restart: every confirmed KeId is still fetchable.
mef_stop
expect_eq "mefd exits 0 on SIGTERM" "$MEFD_STATUS" 0
mef_start
for k in "$KEYID" "$KEYID2" "$KEYIDM"; do
	case $k in *"$KEYIDM"*) o=maf.example.com; p=maf-1; s=$PSKM ;;
	*) o=/in-cse-1; p=in-cse-1; s=$PSK1 ;; esac
	check "fetch $k after restart" fetch_psk "$o" "$p" "$s" "$k"
done
ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK1" "$KEYID")
expect_eq "Credential unchanged after restart" \
    "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" "$KPSA"

# One log line per bootstrap and per fetch, and never a key.
expect_eq "bootstrap log lines" "$(grep -c 'bootstrap .*outcome=stored' "$T/mefd.log")" 3
expect_match "fetch log line" "$(grep 'fetch ' "$T/mefd.log" | head -1)" 'keyid=.*outcome=2000'
mef_stop
for key in "$KPM1" "$KPM2" "$PSK1" "$PSKM" "$KPSA" "$KM"; do
	up=$(printf '%s' "$key" | tr 'a-f' 'A-F')
	b64=$(printf '%s' "$key" | xxd -r -p | base64)
	if [ -z "$key" ]; then
		fail "a key to look for is empty"
	elif grep -qiF -e "$key" -e "$b64" "$T/mefd.log"; then
		fail "a key appears in the logs"
	else
		pass "key absent from logs (${up%"${up#????}"}...)"
	fi
done
mef_finish
