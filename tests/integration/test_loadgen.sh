# test_loadgen.sh -- a smoke run of bench_loadgen (the bench scripts' load client)
# against a real mefd: keep-alive fetches and bootstraps with distinct identities
# complete with no error, a held idle connection answers, and the client counts what
# it must count as errors (a non-2xx status, a body of the wrong length).
. "$MEF_SRC/tests/integration/lib.sh"
MEF_LOG_LEVEL=warn
mef_setup
mef_start
LG=$MEF_BUILD/bench_loadgen

KPM=$(hexkey 32); PSK=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id in-cse-1 --psk "$PSK"
: >"$T/boot.creds"
for i in 1 2 3; do
	check "enrolee add lg$i" mefctl enrolee add --kpm-id "lg$i" --kpm "$KPM" \
	    --enrolee-id "C-lg$i" --target /in-cse-1 --lifetime 3600
	echo "lg$i $KPM" >>"$T/boot.creds"
done
# A fourth Enrolee for the fetches: each bootstrap of lg1..lg3 may drop an older Ke.
check "enrolee add lgf" mefctl enrolee add --kpm-id lgf --kpm "$KPM" \
    --enrolee-id C-lgf --target /in-cse-1 --lifetime 3600
KEYID=$(enrol lgf "$KPM" /in-cse-1 | jq -r .KeId)
expect_match "KeId to fetch" "$KEYID" '@mef\.example\.com$'

# field NAME: NAME=value from the last line bench_loadgen printed.
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$T/lg.out"; }
lg() { "$LG" "$@" >"$T/lg.out" 2>"$T/lg.err"; }
PSKARGS="-i in-cse-1 -k $PSK -o /in-cse-1"

check "fetch: 300 keep-alive requests over 2 connections" \
    lg fetch -a "127.0.0.1:$TARGET_PORT" -c 2 -n 300 -d 20 $PSKARGS -e "$KEYID"
expect_eq "fetch: ops" "$(field ops)" 300
expect_eq "fetch: errors" "$(field errors)" 0
expect_match "fetch: rate" "$(field rate)" '^[1-9][0-9]*\.[0-9]$'
expect_match "fetch: p50 <= p99 <= max" "$(field p50_us) $(field p99_us) $(field max_us)" \
    '^[0-9]+ [0-9]+ [0-9]+$'
[ "$(field p50_us)" -le "$(field p99_us)" ] && [ "$(field p99_us)" -le "$(field max_us)" ] &&
    pass "fetch: quantiles ordered" || fail "fetch: quantiles $(cat "$T/lg.out")"
BODY=$(field body_bytes)
expect_match "fetch: body length" "$BODY" '^[1-9][0-9]*$'
check "fetch: -b with the right length" lg fetch -a "127.0.0.1:$TARGET_PORT" -c 1 \
    -n 20 -d 20 $PSKARGS -e "$KEYID" -b "$BODY"
expect_eq "fetch -b: errors" "$(field errors)" 0

check_fails "fetch: wrong body length is no op" lg fetch -a "127.0.0.1:$TARGET_PORT" \
    -c 1 -d 0.3 $PSKARGS -e "$KEYID" -b 3
expect_match "fetch: wrong body length counted" "$(cat "$T/lg.err")" 'length=[1-9]'
check_fails "fetch: unknown KeId is no op" lg fetch -a "127.0.0.1:$TARGET_PORT" \
    -c 1 -d 0.3 $PSKARGS -e "00000000000000000000000000000000@$FQDN"
expect_match "fetch: non-2xx counted" "$(field non2xx)" '^[1-9]'

check "bootstrap: 30 over 2 connections, 3 identities" lg bootstrap \
    -a "127.0.0.1:$BOOT_PORT" -c 2 -t 2 -n 30 -d 20 -I "$T/boot.creds"
expect_eq "bootstrap: ops" "$(field ops)" 30
expect_eq "bootstrap: errors" "$(field errors)" 0
for i in 2 3; do
	expect_match "bootstrap: lg$i enrolled" "$(mefctl enrolee show --kpm-id "lg$i" 2>&1)" \
	    '[0-9A-F]{32}@'
done

check "idle: 4 connections opened, held" lg idle -a "127.0.0.1:$TARGET_PORT" -c 4 \
    -d 0.2 $PSKARGS -e "$KEYID"
expect_eq "idle: opened" "$(field ops)" 4
check_fails "no server: refused" "$LG" fetch -a "127.0.0.1:1" -c 1 -d 0.2 $PSKARGS \
    -e "$KEYID"
mef_finish
