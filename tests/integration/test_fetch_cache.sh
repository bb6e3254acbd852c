# test_fetch_cache.sh -- mefd's fetch cache never outlives a change made by mefctl in
# another process: on one keep-alive TLS connection (openssl s_client fed through a
# FIFO), a KeId is fetched twice (the second from the cache, says the log), then
# mefctl revokes its Enrolee and the very next request on that connection is refused;
# the same for a Target's removal and for a pruned Ke. One worker, so every fetch
# meets the same cache.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup
sed -i 's/^workers = 2/workers = 1/' "$T/mefd.conf"
mef_start

PSK1=$(hexkey 32); PSK2=$(hexkey 32); KA=$(hexkey 32); KB=$(hexkey 32)
check "target 1" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK1"
check "target 2" mefctl target add --id /in-cse-2 --psk-id in-cse-2 --psk "$PSK2"
check "enrolee A" mefctl enrolee add --kpm-id devA --kpm "$KA" --enrolee-id C-A \
    --target /in-cse-1
check "enrolee B" mefctl enrolee add --kpm-id devB --kpm "$KB" --enrolee-id C-B \
    --target /in-cse-1 --target /in-cse-2
keyid() { enrol "$1" "$2" /in-cse-1 | jq -r .KeId; }
KA1=$(keyid devA "$KA")
KB1=$(keyid devB "$KB")

SC_PID=""
N=0
# open_conn NAME PSK_ID PSK: one keep-alive TLS-PSK connection; requests go to fd 3.
open_conn() {
	rm -f "$T/$1.in"
	mkfifo "$T/$1.in"
	timeout 60 openssl s_client -connect "127.0.0.1:$TARGET_PORT" -tls1_2 \
	    -cipher PSK-AES128-CBC-SHA256 -psk_identity "$2" -psk "$3" -quiet \
	    -ign_eof <"$T/$1.in" >"$T/$1.out" 2>"$T/$1.err" &
	SC_PID=$!
	exec 3>"$T/$1.in"
	N=0
	CONN=$1
}
close_conn() {
	exec 3>&-
	[ -n "$SC_PID" ] && { kill "$SC_PID" 2>/dev/null; wait "$SC_PID" 2>/dev/null; }
	SC_PID=""
}
# req ORIGIN KEYID: one GET on the open connection; its status line in $ST (not
# run in a subshell: N counts the requests of the connection).
req() {
	N=$((N + 1))
	printf 'GET /fetchCredentials/%s HTTP/1.1\r\nHost: %s\r\nX-M2M-Origin: %s\r\nX-M2M-RI: %s\r\n\r\n' \
	    "$2" "$FQDN" "$1" "$N" >&3
	i=0
	# A body ends without a newline: count status lines anywhere on a line.
	while [ "$(grep -o 'HTTP/1.1 [0-9]*' "$T/$CONN.out" | wc -l)" -lt "$N" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { ST="no answer"; return; }
		sleep 0.1
	done
	ST=$(grep -o 'HTTP/1.1 [0-9]*' "$T/$CONN.out" | sed -n "${N}p")
}
last_cache() { grep "keyid=$1 " "$T/mefd.log" | tail -1 | sed -n 's/.* cache=\([a-z-]*\).*/\1/p'; }
trap 'close_conn; mef_cleanup' EXIT

# Revocation.
open_conn c1 in-cse-1 "$PSK1"
req /in-cse-1 "$KA1"
expect_match "A fetched" "$ST" '^HTTP/1.1 200$'
expect_eq "first fetch misses" "$(last_cache "$KA1")" miss
req /in-cse-1 "$KA1"
expect_match "A fetched again" "$ST" '^HTTP/1.1 200$'
expect_eq "second fetch hits the cache" "$(last_cache "$KA1")" hit
req /in-cse-1 "$KB1"
expect_match "B fetched (cached)" "$ST" '^HTTP/1.1 200$'
check "mefctl revokes A" mefctl enrolee revoke --kpm-id devA
req /in-cse-1 "$KA1"
expect_match "A refused at once on the same connection" "$ST" '^HTTP/1.1 404$'
req /in-cse-1 "$KB1"
expect_match "B still answered" "$ST" '^HTTP/1.1 200$'
expect_eq "B read again after the flush" "$(last_cache "$KB1")" miss
close_conn

# Target removal, on a connection the removed Target opened before.
open_conn c2 in-cse-2 "$PSK2"
req /in-cse-2 "$KB1"
expect_match "B fetched by Target 2" "$ST" '^HTTP/1.1 200$'
req /in-cse-2 "$KB1"
expect_match "B fetched by Target 2 again" "$ST" '^HTTP/1.1 200$'
expect_eq "Target 2's fetch hits the cache" "$(last_cache "$KB1")" hit
check "mefctl removes Target 2" mefctl target remove --id /in-cse-2
req /in-cse-2 "$KB1"
expect_match "Target 2 refused at once" "$ST" '^HTTP/1.1 (403|404)$'
close_conn

# A Ke pruned by re-bootstraps (4 kept) is not served from the cache.
open_conn c3 in-cse-1 "$PSK1"
req /in-cse-1 "$KB1"
expect_match "B fetched" "$ST" '^HTTP/1.1 200$'
req /in-cse-1 "$KB1"
expect_match "B fetched again" "$ST" '^HTTP/1.1 200$'
expect_eq "B from the cache" "$(last_cache "$KB1")" hit
for i in 1 2 3 4; do keyid devB "$KB" >/dev/null; done
req /in-cse-1 "$KB1"
expect_match "pruned Ke refused at once" "$ST" '^HTTP/1.1 404$'
close_conn

# With the cache off nothing is kept, and fetches still work.
mef_stop
printf 'fetch_cache_entries = 0\n' >>"$T/mefd.conf"
mef_start
KB5=$(keyid devB "$KB")
check "fetch with the cache off" fetch_psk /in-cse-1 in-cse-1 "$PSK1" "$KB5"
check "fetch with the cache off, again" fetch_psk /in-cse-1 in-cse-1 "$PSK1" "$KB5"
expect_eq "no cache in the log" "$(last_cache "$KB5")" -
mef_finish
