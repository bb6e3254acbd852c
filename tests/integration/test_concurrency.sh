# test_concurrency.sh -- many Enrolees bootstrapping at once: every one gets its 201,
# every KeId is then fetchable with the Kpsa its Enrolee derived, and the commit
# thread writes them in shared transactions (group commit) rather than one by one.
. "$MEF_SRC/tests/integration/lib.sh"
MEF_LOG_LEVEL=debug
mef_setup
mef_start

N=24
# 24 clients under memcheck at once are minutes of CPU on two cores: 8 still overlap.
[ -n "${MEF_VALGRIND:-}" ] && N=8
PSK=$(hexkey 32)
check "target" mefctl target add --id /in-cse-1 --psk-id in-cse-1 --psk "$PSK"
i=1
while [ $i -le $N ]; do
	hexkey 32 >"$T/kpm.$i"
	mefctl enrolee add --kpm-id "dev$i" --kpm-file "$T/kpm.$i" --enrolee-id "C-dev$i" \
	    --target /in-cse-1 >/dev/null || fail "enrolee add dev$i"
	i=$((i + 1))
done
pass "$N Enrolees registered"

i=1
pids=""
while [ $i -le $N ]; do
	enrol "dev$i" "$(cat "$T/kpm.$i")" /in-cse-1 >"$T/enrol.$i" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids	# not a bare wait: mefd is a child too

ok=0
i=1
while [ $i -le $N ]; do
	k=$(jq -r .KeId "$T/enrol.$i" 2>/dev/null)
	kpsa=$(jq -r .Kpsa "$T/enrol.$i" 2>/dev/null | tr 'A-F' 'a-f')
	ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK" "$k" 2>/dev/null)
	cred=$(b64hex "$(printf '%s' "$ans" | jq -r .Credential 2>/dev/null)" 2>/dev/null)
	if [ -n "$kpsa" ] && [ "$cred" = "$kpsa" ]; then ok=$((ok + 1)); fi
	i=$((i + 1))
done
expect_eq "every concurrent bootstrap confirmed and fetchable" "$ok" "$N"
expect_eq "one stored line per bootstrap" \
    "$(grep -c 'bootstrap .*outcome=stored' "$T/mefd.log")" "$N"
rows=$(sed -n 's/.*commit: \([0-9]*\) enrolment keys in one transaction.*/\1/p' "$T/mefd.log" |
    awk '{ s += $1 } END { print s + 0 }')
expect_eq "the commit thread wrote every row" "$rows" "$N"
echo "commit batches: $(sed -n 's/.*commit: \([0-9]*\) enrolment keys.*/\1/p' "$T/mefd.log" | tr '\n' ' ')"
mef_finish
