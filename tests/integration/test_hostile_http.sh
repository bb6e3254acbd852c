# test_hostile_http.sh -- hostile requests on mefd's Target and bootstrap listeners,
# sent byte for byte by hostile_peer (NUL, CR and LF included). Each gets the answer
# docs/errors.md gives it: oversize head or body 413 and the connection closed; every
# malformed KeId shape (wrong length, not hex, a second '@', percent-encoding tricks,
# dot segments, very long, empty) 400 or 404 and never a credential; CR, LF or NUL in
# X-M2M-Origin and a duplicate X-M2M-Origin 400 and closed; a Target authenticated as
# one ID claiming another, or asking for a KeId of an Enrolee not provisioned for it,
# 403 with X-M2M-RSC 4103. The one 200 of the test carries the requesting Target's own
# Kpsa. Pipelined fetches and enrolments are answered in order. A legitimate fetch
# succeeds between the attacks and after them.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
mef_start

KPM1=$(hexkey 32); KPM2=$(hexkey 32); KPM3=$(hexkey 32)
PSK1=$(hexkey 32); PSK2=$(hexkey 32)
check "target add 1" mefctl target add --id /in-cse-1 --kind cse --psk-id cse-1 --psk "$PSK1"
check "target add 2" mefctl target add --id /in-cse-2 --kind cse --psk-id cse-2 --psk "$PSK2"
check "enrolee add dev1" mefctl enrolee add --kpm-id dev1 --kpm "$KPM1" \
    --enrolee-id C-dev1 --target /in-cse-1 --lifetime 3600
check "enrolee add dev2" mefctl enrolee add --kpm-id dev2 --kpm "$KPM2" \
    --enrolee-id C-dev2 --target /in-cse-2 --lifetime 3600
check "enrolee add dev3" mefctl enrolee add --kpm-id dev3 --kpm "$KPM3" \
    --enrolee-id C-dev3 --target /in-cse-1 --lifetime 3600
out=$(enrol dev1 "$KPM1" /in-cse-1) || fail "enrol dev1"
K1=$(printf '%s' "$out" | jq -r .KeId)
KPSA1=$(printf '%s' "$out" | jq -r .Kpsa)
out=$(enrol dev2 "$KPM2" /in-cse-2) || fail "enrol dev2"
K2=$(printf '%s' "$out" | jq -r .KeId)
H1=${K1%@*}

# send PORT PSK_ID PSK: stdin over TLS-PSK as is; the answer (CR removed) on stdout,
# how the server ended the connection in $T/end.
send() {
	"$MEF_BUILD/hostile_peer" req --connect "127.0.0.1:$1" --psk-id "$2" --psk "$3" \
	    --max-ms 5000 2>"$T/end" | tr -d '\r'
}
# get PATH [ORIGIN]: a fetch by /in-cse-1 with a normal head.
get() {
	printf 'GET %s HTTP/1.1\r\nHost: mef\r\nX-M2M-Origin: %s\r\nX-M2M-RI: ri-1\r\nConnection: close\r\n\r\n' \
	    "$1" "${2:-/in-cse-1}" | send "$TARGET_PORT" cse-1 "$PSK1"
}
status() { printf '%s\n' "$1" | head -1 | cut -d' ' -f2; }
rsc() { printf '%s\n' "$1" | sed -n 's/^X-M2M-RSC: //p' | head -1; }
ended() { sed -n 's/^end=//p' "$T/end"; }
# expect NAME ANSWER STATUS RSC: status line, RSC, and no credential unless 200.
expect() {
	expect_eq "$1: HTTP $3" "$(status "$2")" "$3"
	expect_eq "$1: X-M2M-RSC $4" "$(rsc "$2")" "$4"
	if [ "$3" != 200 ] && printf '%s' "$2" | grep -aq Credential; then
		fail "$1: a credential in a refusal"; fi
}
# cred ANSWER: the Credential of a JSON answer, in hex.
cred() { b64hex "$(printf '%s\n' "$1" | grep -a '^{' | jq -r .Credential)"; }
legit() {
	a=$(fetch_psk /in-cse-1 cse-1 "$PSK1" "$K1")
	expect_eq "legit fetch $1" "$(cred "$a")" "$KPSA1"
}

legit "before"
a=$(get "/fetchCredentials/$K1")
expect "well-formed" "$a" 200 2000
expect_eq "the 200 is /in-cse-1's Kpsa of dev1" "$(cred "$a")" "$KPSA1"

# Oversize head and body: 413, X-M2M-RSC 4000, and the connection is closed.
big=$(head -c 9000 /dev/zero | tr '\0' 'a')
a=$(printf 'GET /fetchCredentials/%s HTTP/1.1\r\nX-M2M-Origin: /in-cse-1\r\nX-Pad: %s\r\n\r\n' "$K1" "$big" |
    send "$TARGET_PORT" cse-1 "$PSK1")
expect "head past header_max" "$a" 413 4000
expect_eq "head past header_max: closed" "$(ended)" eof
a=$(printf 'GET /fetchCredentials/%s HTTP/1.1\r\nX-M2M-Origin: /in-cse-1\r\nContent-Length: 100000\r\n\r\n' "$K1" |
    send "$TARGET_PORT" cse-1 "$PSK1")
expect "declared body past body_max" "$a" 413 4000
expect_eq "declared body past body_max: closed" "$(ended)" eof
a=$( (printf 'POST /enrolment HTTP/1.1\r\nX-M2M-Origin: dev3\r\nTransfer-Encoding: chunked\r\n\r\n2000\r\n'
    head -c 8192 /dev/zero | tr '\0' 'b'; printf '\r\n0\r\n\r\n') | send "$BOOT_PORT" dev3 "$KPM3")
expect "chunked enrolment body past body_max" "$a" 413 4000
expect_eq "chunked body past body_max: closed" "$(ended)" eof
a=$(get "/fetchCredentials/$(head -c 1100 /dev/zero | tr '\0' 'A')@mef.example.com")
expect "path past 1024 bytes" "$a" 413 4000
legit "after the oversize requests"

# KeId shapes: each refused, none answered with a credential.
for p in \
    "${H1%?}@mef.example.com" "${H1}0@mef.example.com" "${H1%?}G@mef.example.com" \
    "${H1}@@mef.example.com" "${H1}@mef.example.com@mef.example.com" "@${H1}@mef.example.com" \
    "${H1}%2540mef.example.com" "${H1}%40%40mef.example.com" "${H1}%4" "${H1}%00@mef.example.com" \
    "${H1}@mef.example.com%00" "%2e%2e" "%2E%2E/$K1" ".." "../$K1" "./$K1" "$K1/.." \
    "${H1}@mef.example.com/../../$K2" "${H1}@mef.example.com%2f22" "${H1}@mef.example.com/022" \
    "${H1}@mef.example.com/22/22" "${H1}@mef.example.com?x=1" "${H1}@mef.example.com#f" \
    "${H1}@mef..example.com" "${H1}@" "$H1" "" "${H1}@mef.example.com%20" \
    "%41${H1#?}@mef.example.com" "$(printf '%s' "$H1" | sed 's/^../%&/')@mef.example.com" \
    "$(head -c 900 /dev/zero | tr '\0' 'A')@mef.example.com" "${H1}@$(head -c 300 /dev/zero | tr '\0' 'a').com"; do
	a=$(get "/fetchCredentials/$p")
	expect "KeId shape '$p'" "$a" 400 4000
done
# Shapes that name no KeId of this MEF: 404. A path outside the resource: 404.
a=$(get "/fetchCredentials/${H1}@other.example.com")
expect "another MEF's FQDN" "$a" 404 4004
a=$(get "/fetchCredentials/00000000000000000000000000000000@mef.example.com")
expect "unknown KeId" "$a" 404 4004
a=$(get "/x/../fetchCredentials/$K1")
expect "dot segment before the resource" "$a" 404 4004
a=$(get "/fetchCredentials%2f$K1")
expect "encoded slash after the resource" "$a" 404 4004
# Accepted spellings of the same KeId: %40 for '@', either case.
a=$(get "/fetchCredentials/${H1}%40mef.example.com")
expect "%40 for @" "$a" 200 2000
a=$(get "/fetchCredentials/$(printf '%s' "$H1" | tr 'A-F' 'a-f')@MEF.example.COM")
expect "other case" "$a" 200 2000
legit "after the KeId shapes"

# Header injection in X-M2M-Origin, and a duplicate X-M2M-Origin: 400 and closed.
for inj in '/in-cse-1\rX-M2M-Origin: /in-cse-2' '/in-cse-1\r' '/in-cse-1\000' '/in-cse-1\000/in-cse-2' \
    '\000' '/in-cse-1\nX-M2M-Origin: /in-cse-2' '/in-cse-1\033'; do
	a=$(printf "GET /fetchCredentials/%s HTTP/1.1\r\nX-M2M-Origin: $inj\r\n\r\n" "$K1" |
	    send "$TARGET_PORT" cse-1 "$PSK1")
	name=$(printf '%s' "$inj" | tr '\\' '^')
	expect "X-M2M-Origin '$name'" "$a" 400 4000
	expect_eq "X-M2M-Origin '$name': closed" "$(ended)" eof
done
for o2 in /in-cse-1 /in-cse-2; do
	a=$(printf 'GET /fetchCredentials/%s HTTP/1.1\r\nX-M2M-Origin: /in-cse-1\r\nX-M2M-Origin: %s\r\n\r\n' "$K1" "$o2" |
	    send "$TARGET_PORT" cse-1 "$PSK1")
	expect "duplicate X-M2M-Origin ($o2)" "$a" 400 4000
	expect_eq "duplicate X-M2M-Origin ($o2): closed" "$(ended)" eof
done
a=$(printf 'GET /fetchCredentials/%s HTTP/1.1\r\nX-M2M-Origin : /in-cse-1\r\n\r\n' "$K1" |
    send "$TARGET_PORT" cse-1 "$PSK1")
expect "space before the colon" "$a" 400 4000
a=$(printf 'GET /fetchCredentials/%s HTTP/1.1\r\nX-M2M-Origin:\r\n /in-cse-1\r\n\r\n' "$K1" |
    send "$TARGET_PORT" cse-1 "$PSK1")
expect "folded X-M2M-Origin" "$a" 400 4000
a=$(printf 'GET /fetchCredentials/%s HTTP/1.1\r\nConnection: close\r\n\r\n' "$K1" | send "$TARGET_PORT" cse-1 "$PSK1")
expect "no X-M2M-Origin" "$a" 400 4000
legit "after the header injections"

# Another Target's ID, and a KeId of an Enrolee not provisioned for this Target.
a=$(get "/fetchCredentials/$K1" /in-cse-2)
expect "cse-1 claiming /in-cse-2" "$a" 403 4103
a=$(get "/fetchCredentials/$K2" /in-cse-2)
expect "cse-1 claiming /in-cse-2 for its KeId" "$a" 403 4103
a=$(get "/fetchCredentials/$K2")
expect "KeId of an Enrolee not provisioned for cse-1" "$a" 403 4103
a=$(printf 'GET /fetchCredentials/%s HTTP/1.1\r\nX-M2M-Origin: /in-cse-2\r\nConnection: close\r\n\r\n' "$K2" |
    send "$TARGET_PORT" cse-2 "$PSK2")
expect "cse-2 for its own Enrolee" "$a" 200 2000
a=$(get "/fetchCredentials/$K1/21")
expect "a SUID not allowed for the Target" "$a" 403 4103
a=$(get "/fetchCredentials/$K1/22")
expect "the default SUID of a CSE" "$a" 200 2000

# Pipelining: requests sent in one write are answered one after the other, in order;
# the last asks to close. On the bootstrap listener the second request arrives while
# the first may still wait for its commit (reading pauses, the rest is kept).
r="GET /fetchCredentials/$K1 HTTP/1.1\r\nX-M2M-Origin: /in-cse-1\r\nX-M2M-RI: p%s\r\n%b\r\n"
a=$(printf "$r$r$r" 1 '' 2 '' 3 'Connection: close\r\n' | send "$TARGET_PORT" cse-1 "$PSK1")
expect_eq "pipelined fetches: three 200s" "$(printf '%s\n' "$a" | grep -o 'HTTP/1.1 200 ' | wc -l)" 3
expect_eq "pipelined fetches: in order" "$(printf '%s\n' "$a" | sed -n 's/^X-M2M-RI: //p' | tr -d '\n')" p1p2p3
expect_eq "pipelined fetches: closed" "$(ended)" eof
r="POST /enrolment HTTP/1.1\r\nX-M2M-Origin: dev3\r\nX-M2M-RI: e%s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n%b\r\n{}"
a=$(printf "$r$r" 1 '' 2 'Connection: close\r\n' | send "$BOOT_PORT" dev3 "$KPM3")
expect_eq "pipelined enrolments: two answers, in order" \
    "$(printf '%s\n' "$a" | sed -n 's/^X-M2M-RI: //p' | tr -d '\n')" e1e2
expect_eq "pipelined enrolments: the first 201" "$(status "$a")" 201
expect_eq "pipelined enrolments: no 400" "$(printf '%s\n' "$a" | grep -c 'HTTP/1.1 400')" 0
expect_eq "pipelined enrolments: closed" "$(ended)" eof

legit "after the attack"
expect_match "mefd still runs" "$(kill -0 "$MEFD_PID" && echo alive)" alive
mef_finish
