#!/bin/sh
# test_mefctl.sh -- every mefctl verb, its --json output, and every kind of bad input.
#
# Bad input must exit 1 (2 for usage), say so in one "mefctl: " line on stderr, and
# change nothing: after each refused command the whole store, as mefctl lists it, must
# be what it was before. Every output of the run is kept, and at the end no key this
# test made may appear in it. No mefd is needed: mefctl works on the store directly.
set -u

: "${MEF_BUILD:?MEF_BUILD must name the build directory}"
MEFCTL="$MEF_BUILD/mefctl"
PASSED=0
FAILED=0

T=$(mktemp -d "${TMPDIR:-/tmp}/mef-mefctl.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
ALL="$T/all-output"
: >"$ALL"
# Under valgrind (MEF_VALGRIND=1: ctest valgrind/test_mefctl) each verb that must
# succeed runs under memcheck through wrap.sh; refusals and the store dumps run as
# they are, which keeps the run to some 60 memchecked processes instead of 300.
MEFCTL_OK=$MEFCTL
if [ -n "${MEF_VALGRIND:-}" ]; then
	. "${MEF_SRC:?MEF_SRC must name the source directory}/tests/integration/wrap.sh"
	mef_wrap_setup
	MEFCTL_OK="$MEF_BUILD/mefctl"
fi
CTL_BIN=$MEFCTL

pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1"; }

cat >"$T/mefd.conf" <<EOF
; written by test_mefctl.sh
[mef]
fqdn = mef.example.com
[database]
url = sqlite:$T/mef.db
kek_file = $T/kek
[bootstrap]
listen = 127.0.0.1:8443
default_lifetime_s = 7200
[target]
listen = 127.0.0.1:9443
EOF

# ctl ARGS...: mefctl on the test config; stdout in $T/out, stderr in $T/err.
ctl() {
	"$CTL_BIN" -c "$T/mefd.conf" "$@" >"$T/out" 2>"$T/err"
	st=$?
	cat "$T/out" "$T/err" >>"$ALL"
	return $st
}

# state: the whole store as mefctl sees it.
state() {
	"$MEFCTL" -c "$T/mefd.conf" --json target list 2>&1
	"$MEFCTL" -c "$T/mefd.conf" --json enrolee list 2>&1
	"$MEFCTL" -c "$T/mefd.conf" --json keys list 2>&1
	"$MEFCTL" -c "$T/mefd.conf" --json anchor list 2>&1
	for k in $("$MEFCTL" -c "$T/mefd.conf" --json enrolee list 2>/dev/null |
	    jq -r '.[].kpm_id'); do
		"$MEFCTL" -c "$T/mefd.conf" --json enrolee show --kpm-id "$k" 2>&1
	done
}

# ok NAME ARGS...: mefctl must succeed.
ok() {
	name=$1; shift
	CTL_BIN=$MEFCTL_OK
	if ctl "$@"; then pass "$name"; else
		fail "$name (exit $?)"; sed 's/^/    /' "$T/err"; fi
	CTL_BIN=$MEFCTL
}

# bad NAME STATUS ARGS...: mefctl must exit STATUS with one "mefctl: " line on
# stderr, print nothing on stdout, and leave the store as it was.
bad() {
	name=$1; want=$2; shift 2
	state >"$T/before"
	ctl "$@"
	st=$?
	state >"$T/after"
	if [ "$st" -ne "$want" ]; then
		fail "$name: exit $st, expected $want"; sed 's/^/    /' "$T/err"
	elif [ "$(wc -l <"$T/err")" -ne 1 ] || ! grep -q '^mefctl: ' "$T/err"; then
		fail "$name: stderr is not one 'mefctl:' line"; sed 's/^/    /' "$T/err"
	elif [ -s "$T/out" ]; then
		fail "$name: printed on stdout"
	elif ! cmp -s "$T/before" "$T/after"; then
		fail "$name: the store changed"
	else
		pass "$name ($(cat "$T/err"))"
	fi
}

# expect NAME ACTUAL EXPECTED
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1: got '$2', expected '$3'"; fi
}

hexkey() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

KPM1=$(hexkey 32); KPM2=$(hexkey 16); KPM3=$(hexkey 64)
PSK1=$(hexkey 32); PSK2=$(hexkey 16)
FP=$(hexkey 32)
FP_COLON=$(printf '%s' "$(hexkey 32)" | sed 's/../&:/g; s/:$//')

# ---- kek generate -----------------------------------------------------------------
bad "kek generate: no FILE" 2 kek generate
ok "kek generate" kek generate "$T/kek"
# Bad input writes nothing, not even a new store file (state() would create one, so
# these run first and by hand).
ctl target add --id x --psk-id p --psk zz
expect "bad input before the store exists: exit 1" $? 1
ctl enrolee add --kpm-id d --kpm "$(hexkey 8)" --enrolee-id e --target nope
expect "short Kpm before the store exists: exit 1" $? 1
ctl enrolee add --kpm-id d --kpm "$KPM1" --enrolee-id e
expect "usage error before the store exists: exit 2" $? 2
if [ -e "$T/mef.db" ]; then fail "store file created by bad input"; else
	pass "no store file created by bad input"; fi
expect "kek mode 0600" "$(stat -c %a "$T/kek")" 600
expect "kek is 64 hex digits and a newline" \
    "$(grep -Ec '^[0-9a-f]{64}$' "$T/kek"):$(wc -c <"$T/kek")" "1:65"
cp "$T/kek" "$T/kek.orig"
bad "kek generate refuses to overwrite" 1 kek generate "$T/kek"
if cmp -s "$T/kek" "$T/kek.orig"; then pass "kek unchanged"; else fail "kek changed"; fi
ok "kek generate --json" --json kek generate "$T/kek2"
expect "kek generate JSON" "$(jq -r .kek_file "$T/out")" "$T/kek2"
bad "kek generate into a missing directory" 1 kek generate "$T/no/such/kek"

# ---- config check -----------------------------------------------------------------
ok "config check" config check
ok "config check --json" config check --json
expect "config check JSON" "$(jq -r .ok "$T/out")" true
ok "config show" config show
if grep -q '^default_lifetime_s = 7200$' "$T/out"; then pass "config show values"; else
	fail "config show values"; fi
cp "$T/mefd.conf" "$T/good.conf"
printf '[mef]\nfqdn = mef.example.com\nfdqn = typo\n' >"$T/bad.conf"
if "$MEFCTL" -c "$T/bad.conf" config check 2>"$T/err"; then fail "bad config accepted"
else expect "bad config: file:line" "$(cat "$T/err")" \
    "mefctl: $T/bad.conf:3: unknown directive 'fdqn' in [mef]"; fi
"$MEFCTL" -c "$T/missing.conf" config check 2>/dev/null
expect "missing config exits 1" $? 1
chmod 644 "$T/kek"
bad "KEK readable by others refused" 1 target list
chmod 600 "$T/kek"


# ---- global usage -----------------------------------------------------------------
"$MEFCTL" >/dev/null 2>&1; expect "no command: usage" $? 2
bad "unknown command" 2 frobnicate
bad "noun without verb" 2 enrolee
bad "unknown verb" 2 enrolee frob
bad "unknown global option" 2 --frob target list
ctl --help; expect "--help exits 0" $? 0
if grep -q 'enrolee add --kpm-id' "$T/out"; then pass "--help lists commands"; else
	fail "--help lists commands"; fi
ctl target add --help; expect "verb --help exits 0" $? 0

# ---- target add -------------------------------------------------------------------
ok "target add (PSK)" target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK1"
printf '  %s\n\n' "$PSK2" >"$T/psk2"
ok "target add (PSK file, kind ae, fqdn)" target add --id ae-1 --kind ae \
    --fqdn ae-1.sp.example.com --psk-id ae-1-psk --psk-file "$T/psk2"
ok "target add (fingerprint, maf)" target add --id maf.example.com --kind maf \
    --cert-fingerprint "$FP"
ok "target add (fingerprint with colons) --json" --json target add --id cse-2 \
    --cert-fingerprint "$FP_COLON"
expect "target add JSON" "$(jq -r '.id + " " + .kind' "$T/out")" "cse-2 cse"
ok "target list" target list
expect "target list rows" "$(grep -c 'psk:\|cert:' "$T/out")" 4
ok "target list --json" target list --json
expect "target list JSON" "$(jq -r 'map(.id) | sort | join(",")' "$T/out")" \
    "/in-cse-1,ae-1,cse-2,maf.example.com"
expect "target fingerprint JSON" \
    "$(jq -r '.[] | select(.id == "maf.example.com") | .cert_fingerprint' "$T/out")" "$FP"
expect "target psk_id JSON" \
    "$(jq -r '.[] | select(.id == "ae-1") | .psk_id + " " + .fqdn' "$T/out")" \
    "ae-1-psk ae-1.sp.example.com"

bad "target: duplicate id" 1 target add --id /in-cse-1 --psk-id other --psk "$PSK1"
bad "target: duplicate PSK identity" 1 target add --id t9 --psk-id in-cse-1 --psk "$PSK1"
bad "target: duplicate fingerprint" 1 target add --id t9 --cert-fingerprint "$FP"
bad "target: PSK not hex" 1 target add --id t9 --psk-id p9 --psk "zz$(hexkey 15)"
bad "target: PSK odd length" 1 target add --id t9 --psk-id p9 --psk "$(hexkey 16)a"
bad "target: PSK 15 bytes" 1 target add --id t9 --psk-id p9 --psk "$(hexkey 15)"
bad "target: PSK 65 bytes" 1 target add --id t9 --psk-id p9 --psk "$(hexkey 65)"
bad "target: PSK file missing" 1 target add --id t9 --psk-id p9 --psk-file "$T/nope"
printf 'not hex at all, not hex at all!!\n' >"$T/badpsk"
bad "target: PSK file not hex" 1 target add --id t9 --psk-id p9 --psk-file "$T/badpsk"
bad "target: PSK without identity" 2 target add --id t9 --psk "$PSK1"
bad "target: identity without PSK" 2 target add --id t9 --psk-id p9
bad "target: --psk and --psk-file" 2 target add --id t9 --psk-id p9 --psk "$PSK1" \
    --psk-file "$T/psk2"
bad "target: PSK and fingerprint" 2 target add --id t9 --psk-id p9 --psk "$PSK1" \
    --cert-fingerprint "$FP"
bad "target: no credential" 2 target add --id t9
bad "target: no id" 2 target add --psk-id p9 --psk "$PSK1"
bad "target: fingerprint 31 bytes" 1 target add --id t9 --cert-fingerprint "$(hexkey 31)"
bad "target: fingerprint not hex" 1 target add --id t9 \
    --cert-fingerprint "$(hexkey 31)zz"
bad "target: fingerprint bad colons" 1 target add --id t9 \
    --cert-fingerprint "$(printf '%s' "$FP" | sed 's/.../&:/g')"
bad "target: bad kind" 1 target add --id t9 --kind mcu --psk-id p9 --psk "$PSK1"
bad "target: bad fqdn" 1 target add --id t9 --fqdn 'not a name' --psk-id p9 --psk "$PSK1"
LONG=$(printf '%0256d' 0)
bad "target: id of 256 bytes" 1 target add --id "$LONG" --psk-id p9 --psk "$PSK1"
bad "target: id not UTF-8" 1 target add --id "$(printf 'a\377b')" --psk-id p9 --psk "$PSK1"
bad "target: id with a control character" 1 target add --id "$(printf 'a\tb')" \
    --psk-id p9 --psk "$PSK1"
bad "target: empty id" 1 target add --id "" --psk-id p9 --psk "$PSK1"
bad "target: unknown option" 2 target add --id t9 --psk-id p9 --psk "$PSK1" --colour red
bad "target: option without value" 2 target add --id
bad "target: option of another verb" 2 target add --id t9 --kpm-id x --psk-id p9 \
    --psk "$PSK1"

# ---- a busy store, and argv -------------------------------------------------------
# Another process holds the write lock for 2 s (as mefd does during a commit):
# mefctl waits for it instead of failing, and while it waits its command line no
# longer shows the key it was given.
if command -v sqlite3 >/dev/null 2>&1; then
	PSK3=$(hexkey 32)
	printf 'BEGIN IMMEDIATE;\n.shell sleep 2\nCOMMIT;\n' | sqlite3 "$T/mef.db" &
	lockpid=$!
	sleep 0.5
	"$MEFCTL" -c "$T/mefd.conf" target add --id busy --psk-id busy \
	    --psk "$PSK3" >"$T/busy.out" 2>&1 &
	ctlpid=$!
	sleep 0.5
	if tr '\0' ' ' <"/proc/$ctlpid/cmdline" 2>/dev/null | grep -qiF "$PSK3"; then
		fail "the PSK is still in mefctl's command line"
	else
		pass "the PSK is wiped from mefctl's command line"
	fi
	wait "$ctlpid"
	expect "mefctl waits for a busy store" $? 0
	wait "$lockpid"
	cat "$T/busy.out" >>"$ALL"
	ok "target remove (busy)" target remove --id busy
fi

# ---- enrolee add ------------------------------------------------------------------
ok "enrolee add" enrolee add --kpm-id dev1 --kpm "$KPM1" --enrolee-id C-dev1 \
    --target /in-cse-1 --target maf.example.com --lifetime 3600
printf '\n %s \n' "$KPM2" >"$T/kpm2"
ok "enrolee add (Kpm file, default lifetime, SUIDs) --json" --json enrolee add \
    --kpm-id dev2 --kpm-file "$T/kpm2" --enrolee-id C-dev2 --target ae-1 \
    --suid 22 --suid 41
expect "enrolee add JSON" "$(jq -r '.kpm_id + " " + (.lifetime_s | tostring) +
    " " + (.targets | join(","))' "$T/out")" "dev2 7200 ae-1"
ok "enrolee add (64-byte Kpm, NFKC id)" enrolee add \
    --kpm-id "$(printf '\357\274\244\357\274\245\357\274\266\357\274\223')" \
    --kpm "$KPM3" --enrolee-id C-dev3 --target /in-cse-1

bad "enrolee: duplicate" 1 enrolee add --kpm-id dev1 --kpm "$KPM1" --enrolee-id x \
    --target /in-cse-1
bad "enrolee: duplicate after NFKC" 1 enrolee add --kpm-id DEV3 --kpm "$KPM1" \
    --enrolee-id x --target /in-cse-1
bad "enrolee: unknown target" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --enrolee-id x --target /in-cse-1 --target nope
bad "enrolee: target twice" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --enrolee-id x --target /in-cse-1 --target /in-cse-1
bad "enrolee: Kpm not hex" 1 enrolee add --kpm-id dev9 --kpm "$(hexkey 15)xy" \
    --enrolee-id x --target /in-cse-1
bad "enrolee: Kpm 15 bytes" 1 enrolee add --kpm-id dev9 --kpm "$(hexkey 15)" \
    --enrolee-id x --target /in-cse-1
bad "enrolee: Kpm 65 bytes" 1 enrolee add --kpm-id dev9 --kpm "$(hexkey 65)" \
    --enrolee-id x --target /in-cse-1
bad "enrolee: Kpm with inner space" 1 enrolee add --kpm-id dev9 \
    --kpm "$(hexkey 8) $(hexkey 8)" --enrolee-id x --target /in-cse-1
: >"$T/empty"
bad "enrolee: empty Kpm file" 1 enrolee add --kpm-id dev9 --kpm-file "$T/empty" \
    --enrolee-id x --target /in-cse-1
bad "enrolee: Kpm file missing" 1 enrolee add --kpm-id dev9 --kpm-file "$T/nope" \
    --enrolee-id x --target /in-cse-1
bad "enrolee: --kpm and --kpm-file" 2 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --kpm-file "$T/kpm2" --enrolee-id x --target /in-cse-1
bad "enrolee: no Kpm" 2 enrolee add --kpm-id dev9 --enrolee-id x --target /in-cse-1
bad "enrolee: no target" 2 enrolee add --kpm-id dev9 --kpm "$KPM1" --enrolee-id x
bad "enrolee: no enrolee-id" 2 enrolee add --kpm-id dev9 --kpm "$KPM1" --target ae-1
bad "enrolee: no kpm-id" 2 enrolee add --kpm "$KPM1" --enrolee-id x --target ae-1
bad "enrolee: kpm-id twice" 2 enrolee add --kpm-id a --kpm-id b --kpm "$KPM1" \
    --enrolee-id x --target ae-1
bad "enrolee: kpm-id of 256 bytes" 1 enrolee add --kpm-id "$LONG" --kpm "$KPM1" \
    --enrolee-id x --target ae-1
bad "enrolee: enrolee-id of 256 bytes" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --enrolee-id "$LONG" --target ae-1
bad "enrolee: kpm-id not UTF-8" 1 enrolee add --kpm-id "$(printf '\300\200')" \
    --kpm "$KPM1" --enrolee-id x --target ae-1
bad "enrolee: lifetime 0" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" --enrolee-id x \
    --target ae-1 --lifetime 0
bad "enrolee: lifetime not a number" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --enrolee-id x --target ae-1 --lifetime 1h
bad "enrolee: lifetime too large" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --enrolee-id x --target ae-1 --lifetime 99999999999999999999
bad "enrolee: SUID not a number" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --enrolee-id x --target ae-1 --suid x
bad "enrolee: SUID twice" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --enrolee-id x --target ae-1 --suid 22 --suid 22
bad "enrolee: nine SUIDs" 1 enrolee add --kpm-id dev9 --kpm "$KPM1" \
    --enrolee-id x --target ae-1 --suid 1 --suid 2 --suid 3 --suid 4 --suid 5 \
    --suid 6 --suid 7 --suid 8 --suid 9

# ---- enrolee list / show ----------------------------------------------------------
ok "enrolee list" enrolee list
expect "enrolee list rows" "$(grep -c 'C-dev' "$T/out")" 3
ok "enrolee list --json" --json enrolee list
expect "enrolee list JSON" "$(jq -r 'map(.kpm_id) | sort | join(",")' "$T/out")" \
    "DEV3,dev1,dev2"
ok "enrolee show" enrolee show --kpm-id dev1
if grep -q 'maf.example.com' "$T/out" && grep -q 'C-dev1' "$T/out"; then
	pass "enrolee show text"; else fail "enrolee show text"; fi
ok "enrolee show --json (NFKC lookup)" enrolee show --kpm-id \
    "$(printf '\357\274\244\357\274\245\357\274\266\357\274\223')" --json
expect "enrolee show JSON" "$(jq -r '.kpm_id + " " + .state + " " +
    (.targets | join(","))' "$T/out")" "DEV3 active /in-cse-1"
bad "enrolee show unknown" 1 enrolee show --kpm-id nobody
bad "enrolee show without --kpm-id" 2 enrolee show

# ---- keys list --------------------------------------------------------------------
ok "keys list (none yet)" --json keys list
expect "keys list empty" "$(jq length "$T/out")" 0
if command -v sqlite3 >/dev/null 2>&1; then
	# Ke rows are made by mefd at bootstrap; here they are planted directly.
	now=$(date +%s)
	sqlite3 "$T/mef.db" "INSERT INTO enrolment_key (keyid, kpm_id, ke, created,
	    expires) VALUES ('000102030405060708090A0B0C0D0E0F@mef.example.com',
	    'dev1', x'00', $now, $((now + 600))), ('FF0102030405060708090A0B0C0D0E0F@mef.example.com',
	    'dev1', x'00', $((now - 10)), $((now - 5))), ('AA0102030405060708090A0B0C0D0E0F@mef.example.com',
	    'dev2', x'00', $now, $((now + 600)))" ||
	    fail "plant Ke rows"
	ok "keys list" keys list
	expect "keys list rows" "$(grep -c '@mef.example.com' "$T/out")" 3
	ok "keys list --kpm-id --json" keys list --kpm-id dev1 --json
	expect "keys list JSON" "$(jq -r 'map(.keyid[0:2] + ":" + .state) | join(",")' \
	    "$T/out")" "00:active,FF:expired"
	expect "keys list never has key bytes" \
	    "$(jq -r '.[] | keys | join(",")' "$T/out" | sort -u)" \
	    "created,expires,keyid,kpm_id,state"
	ok "enrolee show lists keys" --json enrolee show --kpm-id dev1
	expect "enrolee show keys" "$(jq '.keys | length' "$T/out")" 2
else
	echo "SKIP: sqlite3 not installed; keys list with rows not checked"
fi
bad "keys list of unknown enrolee" 1 keys list --kpm-id nobody

# ---- revoke / remove --------------------------------------------------------------
ok "enrolee revoke" enrolee revoke --kpm-id dev1
ok "enrolee revoke --json" --json enrolee revoke --kpm-id dev1
expect "revoke JSON" "$(jq -r .state "$T/out")" revoked
ctl --json enrolee show --kpm-id dev1
expect "revoked state shown" "$(jq -r .state "$T/out")" revoked
if command -v sqlite3 >/dev/null 2>&1; then
	ctl --json keys list --kpm-id dev1
	expect "revoke revokes every Ke" "$(jq -r 'map(.state) | unique | join(",")' \
	    "$T/out")" revoked
fi
bad "revoke unknown" 1 enrolee revoke --kpm-id nobody
ok "enrolee remove" enrolee remove --kpm-id dev1
bad "remove again" 1 enrolee remove --kpm-id dev1
ok "enrolee remove --json" --json enrolee remove --kpm-id dev2
expect "remove JSON" "$(jq -r .removed "$T/out")" true
ok "target remove" target remove --id maf.example.com
bad "target remove unknown" 1 target remove --id maf.example.com
ok "target remove --json" target remove --id cse-2 --json
expect "target remove JSON" "$(jq -r .id "$T/out")" cse-2
ctl --json target list
expect "targets left" "$(jq -r 'map(.id) | sort | join(",")' "$T/out")" \
    "/in-cse-1,ae-1"

# ---- certificate Enrolees: anchors and bindings -------------------------------------
# Test PKI (EC P-256): two device CAs, a device certificate under the first (CN and
# a DNS SAN), a self-signed device certificate, a CRL of the first CA, and files
# that are not what they claim.
P="$T/pki"
mkdir -p "$P"
pki() { openssl "$@" >>"$P/log" 2>&1 || fail "openssl $1"; }
ec_key() { pki genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
ca_cert() {	# KEY CN OUT
	pki req -x509 -new -key "$1" -subj "/CN=$2" -days 30 -sha256 \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign -out "$3"
}
ec_key "$P/ca.key"; ca_cert "$P/ca.key" "Device CA" "$P/ca.pem"
ec_key "$P/ca2.key"; ca_cert "$P/ca2.key" "Device CA 2" "$P/ca2.pem"
ec_key "$P/dev.key"
pki req -new -key "$P/dev.key" -subj /CN=dev-1 -out "$P/dev.csr"
printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:dev-1.example.com\n' \
    >"$P/dev.ext"
pki x509 -req -in "$P/dev.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" \
    -CAcreateserial -days 10 -sha256 -extfile "$P/dev.ext" -out "$P/dev.pem"
ec_key "$P/dev2.key"
pki req -x509 -new -key "$P/dev2.key" -subj /CN=dev-2 -days 10 \
    -addext basicConstraints=CA:FALSE -out "$P/dev2.pem"
: >"$P/index.txt"; echo 01 >"$P/crlnumber"
printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s\ncrlnumber = %s\n%s\n%s\n' \
    "$P/index.txt" "$P/crlnumber" "default_md = sha256" "default_crl_days = 30" \
    >"$P/ca.cnf"
pki ca -config "$P/ca.cnf" -gencrl -keyfile "$P/ca.key" -cert "$P/ca.pem" \
    -out "$P/ca.crl"
cat "$P/ca.pem" "$P/ca2.pem" >"$P/bundle.pem"
cat "$P/ca.pem" "$P/ca.key" >"$P/with-key.pem"
head -n 3 "$P/ca.pem" >"$P/truncated.pem"
printf 'hello, not PEM\n' >"$P/garbage.pem"
sed '2s/^..../!!!!/' "$P/ca.pem" >"$P/badb64.pem"
# openssl prints "sha256 Fingerprint=AB:CD:..." (upper case, colons).
FP_DEV=$(openssl x509 -in "$P/dev.pem" -noout -fingerprint -sha256 | cut -d= -f2)
FP_DEV_HEX=$(printf '%s' "$FP_DEV" | tr -d : | tr 'A-F' 'a-f')
FP_DEV2=$(openssl x509 -in "$P/dev2.pem" -noout -fingerprint -sha256 | cut -d= -f2 |
    tr -d :)

ok "anchor add (cn)" anchor add --name dca --ca "$P/ca.pem" --identity cn
expect "anchor add text" "$(cat "$T/out")" \
    "anchor dca added: identity cn, CA $(wc -c <"$P/ca.pem") bytes, no CRL"
ok "anchor add (san, bundle, CRL) --json" --json anchor add --name dca2 \
    --ca "$P/bundle.pem" --crl "$P/ca.crl" --identity san
expect "anchor add JSON keys" "$(jq -r 'keys | join(",")' "$T/out")" \
    "ca_bytes,created,crl_bytes,identity,name"
expect "anchor add JSON" "$(jq -r '.name + " " + .identity + " " +
    (.ca_bytes | tostring) + " " + (.crl_bytes | tostring)' "$T/out")" \
    "dca2 san $(wc -c <"$P/bundle.pem") $(wc -c <"$P/ca.crl")"
ok "anchor list" anchor list
expect "anchor list rows" "$(grep -Ec '^dca2? ' "$T/out")" 2
ok "anchor list --json" --json anchor list
expect "anchor list JSON" "$(jq -r 'map(.name + ":" + .identity + ":" +
    (.crl_bytes != null | tostring)) | join(",")' "$T/out")" \
    "dca:cn:false,dca2:san:true"

bad "anchor: duplicate name" 1 anchor add --name dca --ca "$P/ca2.pem" --identity cn
bad "anchor: duplicate name after NFKC" 1 anchor add \
    --name "$(printf '\357\275\204\357\275\203\357\275\201')" --ca "$P/ca2.pem" \
    --identity cn
bad "anchor: CA is a device certificate" 1 anchor add --name x --ca "$P/dev.pem" \
    --identity cn
bad "anchor: CA file is a private key" 1 anchor add --name x --ca "$P/ca.key" \
    --identity cn
bad "anchor: CA file with a key after the cert" 1 anchor add --name x \
    --ca "$P/with-key.pem" --identity cn
bad "anchor: CA file not PEM" 1 anchor add --name x --ca "$P/garbage.pem" \
    --identity cn
bad "anchor: CA file truncated" 1 anchor add --name x --ca "$P/truncated.pem" \
    --identity cn
bad "anchor: CA file bad base64" 1 anchor add --name x --ca "$P/badb64.pem" \
    --identity cn
bad "anchor: CA file empty" 1 anchor add --name x --ca "$T/empty" --identity cn
bad "anchor: CA file missing" 1 anchor add --name x --ca "$P/nope.pem" --identity cn
bad "anchor: CA file a directory" 1 anchor add --name x --ca "$P" --identity cn
bad "anchor: CRL is a certificate" 1 anchor add --name x --ca "$P/ca.pem" \
    --crl "$P/ca.pem" --identity cn
bad "anchor: CRL not PEM" 1 anchor add --name x --ca "$P/ca.pem" \
    --crl "$P/garbage.pem" --identity cn
bad "anchor: CRL file missing" 1 anchor add --name x --ca "$P/ca.pem" \
    --crl "$P/nope.crl" --identity cn
bad "anchor: identity ou" 1 anchor add --name x --ca "$P/ca.pem" --identity ou
bad "anchor: name of 256 bytes" 1 anchor add --name "$LONG" --ca "$P/ca.pem" \
    --identity cn
bad "anchor: no --identity" 2 anchor add --name x --ca "$P/ca.pem"
bad "anchor: no --ca" 2 anchor add --name x --identity cn
bad "anchor: no --name" 2 anchor add --ca "$P/ca.pem" --identity cn
bad "anchor: --crl twice" 2 anchor add --name x --ca "$P/ca.pem" \
    --crl "$P/ca.crl" --crl "$P/ca.crl" --identity cn
bad "anchor remove unknown" 1 anchor remove --name nope
bad "anchor remove without --name" 2 anchor remove

ok "enrolee add (fingerprint, openssl's colon form)" enrolee add \
    --cert-fingerprint "$FP_DEV" --enrolee-id C-cert-1 --target /in-cse-1 \
    --lifetime 600
expect "fingerprint handle" "$(cut -d' ' -f1-3 "$T/out")" \
    "enrolee sha256:$FP_DEV_HEX added:"
ok "enrolee add (fingerprint, --kpm-id) --json" --json enrolee add \
    --cert-fingerprint "$FP_DEV2" --kpm-id cam-2 --enrolee-id C-cert-2 \
    --target /in-cse-1 --target ae-1
expect "enrolee add fingerprint JSON" "$(jq -r '[.kpm_id, .binding,
    .cert_fingerprint, (.anchor | tostring), (.cert_identity | tostring),
    (.targets | join(","))] | join(" ")' "$T/out")" \
    "cam-2 fingerprint $(printf '%s' "$FP_DEV2" | tr 'A-F' 'a-f') null null /in-cse-1,ae-1"
ok "enrolee add (anchor, cn) --json" --json enrolee add --anchor dca \
    --cert-identity dev-1 --enrolee-id C-cert-3 --target /in-cse-1
expect "enrolee add anchor JSON" "$(jq -r '[.kpm_id, .binding,
    (.cert_fingerprint | tostring), .anchor, .cert_identity] | join(" ")' "$T/out")" \
    "dca/dev-1 anchor null dca dev-1"
ok "enrolee add (anchor, san, --kpm-id)" enrolee add --anchor dca2 \
    --cert-identity dev-1.example.com --kpm-id dev-1-san --enrolee-id C-cert-4 \
    --target ae-1

bad "cert enrolee: duplicate fingerprint" 1 enrolee add --cert-fingerprint \
    "$FP_DEV_HEX" --enrolee-id x --target /in-cse-1
bad "cert enrolee: duplicate fingerprint, other handle" 1 enrolee add \
    --cert-fingerprint "$FP_DEV" --kpm-id other --enrolee-id x --target /in-cse-1
bad "cert enrolee: duplicate anchor identity" 1 enrolee add --anchor dca \
    --cert-identity dev-1 --kpm-id other --enrolee-id x --target /in-cse-1
bad "cert enrolee: handle taken" 1 enrolee add --anchor dca --cert-identity dev-9 \
    --kpm-id cam-2 --enrolee-id x --target /in-cse-1
bad "cert enrolee: unknown anchor" 1 enrolee add --anchor nope \
    --cert-identity dev-1 --enrolee-id x --target /in-cse-1
bad "cert enrolee: unknown target" 1 enrolee add --anchor dca \
    --cert-identity dev-9 --enrolee-id x --target nope
bad "cert enrolee: bad fingerprint" 1 enrolee add --cert-fingerprint \
    "$(hexkey 31)" --enrolee-id x --target /in-cse-1
bad "cert enrolee: identity not UTF-8" 1 enrolee add --anchor dca \
    --cert-identity "$(printf 'a\377')" --enrolee-id x --target /in-cse-1
bad "cert enrolee: handle too long" 1 enrolee add --anchor dca \
    --cert-identity "$(printf '%0254d' 0)" --enrolee-id x --target /in-cse-1
bad "cert enrolee: --kpm and --cert-fingerprint" 2 enrolee add --kpm "$KPM1" \
    --kpm-id x --cert-fingerprint "$FP" --enrolee-id x --target /in-cse-1
bad "cert enrolee: --cert-fingerprint and --anchor" 2 enrolee add \
    --cert-fingerprint "$FP" --anchor dca --cert-identity d --enrolee-id x \
    --target /in-cse-1
bad "cert enrolee: --anchor without --cert-identity" 2 enrolee add --anchor dca \
    --enrolee-id x --target /in-cse-1
bad "cert enrolee: --cert-identity without --anchor" 2 enrolee add \
    --cert-identity d --enrolee-id x --target /in-cse-1
bad "cert enrolee: no enrolee-id" 2 enrolee add --anchor dca --cert-identity d \
    --target /in-cse-1

ok "enrolee list (bindings)" enrolee list
expect "enrolee list binding column" "$(grep -Ec " (sha256:$FP_DEV_HEX|anchor:dca/dev-1|anchor:dca2/dev-1\.example\.com)\$" "$T/out")" 3
ok "enrolee list --json (bindings)" --json enrolee list
expect "enrolee list JSON bindings" "$(jq -r 'map(.kpm_id + "=" + .binding) | sort |
    join(",")' "$T/out")" \
    "DEV3=kpm,cam-2=fingerprint,dca/dev-1=anchor,dev-1-san=anchor,sha256:$FP_DEV_HEX=fingerprint"
expect "enrolee JSON keys" "$(jq -r '.[] | keys | join(",")' "$T/out" | sort -u)" \
    "anchor,binding,cert_fingerprint,cert_identity,created,enrolee_id,kpm_id,lifetime_s,state"
ok "enrolee show (fingerprint)" enrolee show --kpm-id "sha256:$FP_DEV_HEX"
expect "enrolee show binding" "$(grep '^binding:' "$T/out")" \
    "binding:     sha256:$FP_DEV_HEX"
ok "enrolee show (anchor)" enrolee show --kpm-id dev-1-san
expect "enrolee show anchor binding" "$(grep '^binding:' "$T/out")" \
    "binding:     anchor:dca2/dev-1.example.com"

bad "anchor remove while in use" 1 anchor remove --name dca
ok "enrolee revoke (certificate handle)" enrolee revoke --kpm-id dca/dev-1
ctl --json enrolee show --kpm-id dca/dev-1
expect "certificate enrolee revoked" "$(jq -r '.state + " " + .binding' "$T/out")" \
    "revoked anchor"
ok "enrolee remove (anchor handle)" enrolee remove --kpm-id dca/dev-1
ok "enrolee remove (fingerprint handle) --json" --json enrolee remove \
    --kpm-id "sha256:$FP_DEV_HEX"
expect "remove certificate enrolee JSON" "$(jq -r '.kpm_id + " " +
    (.removed | tostring)' "$T/out")" "sha256:$FP_DEV_HEX true"
ok "anchor remove once unused" anchor remove --name dca
bad "anchor remove again" 1 anchor remove --name dca
bad "anchor remove dca2 in use" 1 anchor remove --name dca2
ok "enrolee remove dev-1-san" enrolee remove --kpm-id dev-1-san
ok "anchor remove --json" --json anchor remove --name dca2
expect "anchor remove JSON" "$(jq -r '.name + " " + (.removed | tostring)' \
    "$T/out")" "dca2 true"
ok "the freed fingerprint binds again" enrolee add --cert-fingerprint "$FP_DEV" \
    --enrolee-id C-cert-1 --target /in-cse-1
ctl --json anchor list
expect "no anchors left" "$(jq length "$T/out")" 0
if grep -qF -- "$(sed -n 2p "$P/ca.pem")" "$ALL" ||
    grep -qF -- "$(sed -n 2p "$P/ca.crl")" "$ALL" ||
    grep -qF -- "$(sed -n 2p "$P/ca.key")" "$ALL"; then
	fail "PEM text in mefctl's output"; else pass "no PEM text in mefctl's output"; fi

# ---- secrets ----------------------------------------------------------------------
# No key this test made appears in anything mefctl printed, in either case.
leaked=""
for k in "$KPM1" "$KPM2" "$KPM3" "$PSK1" "$PSK2" ${PSK3:+"$PSK3"}; do
	if grep -qiF "$k" "$ALL"; then leaked="$leaked $k"; fi
done
expect "no key bytes in any output" "${leaked:-none}" none
if command -v sqlite3 >/dev/null 2>&1; then
	leaked=""
	for k in "$KPM1" "$KPM2" "$KPM3" "$PSK1" "$PSK2"; do
		if sqlite3 "$T/mef.db" .dump | grep -qiF "$k"; then leaked="$leaked $k"; fi
	done
	expect "no key bytes in clear in the store" "${leaked:-none}" none
fi

[ -n "${MEF_VALGRIND:-}" ] && mef_vg_check
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
