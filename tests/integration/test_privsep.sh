# test_privsep.sh -- mefd's process model: a root parent, a KEK process and a network
# process, both children as the [process] user under seccomp, no core dumps, the KEK
# file never open in the network process; a child that dies takes mefd down with a
# log line and a non-zero status; a start as non-root still separates and filters.
. "$MEF_SRC/tests/integration/lib.sh"
mef_vg_skip "it checks the seccomp filters, which memcheck cannot run under (MEF_SANDBOX=no)"
MEF_LOG_LEVEL=debug
mef_setup
NOBODY_UID=$(id -u nobody)

# started N LOG: waits (at most 10 s) for the Nth "started" line in LOG: the
# listeners are bound before the drop and the filter, the line comes after both.
started() {
	i=0
	while [ "$(grep -c 'info: started' "$2")" -lt "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

mef_start
started 1 "$T/mefd.log"

# child NAME: the PID of mefd's child with that name (from /proc, by parent PID).
child() {
	for s in /proc/[0-9]*/stat; do
		p=${s#/proc/}; p=${p%/stat}
		[ "$(cut -d' ' -f4 "$s" 2>/dev/null)" = "$MEFD_PID" ] || continue
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] && echo "$p"
	done
}
field() { awk -v f="$2:" '$1 == f { $1 = ""; print substr($0, 2) }' "/proc/$1/status"; }
core_limit() { awk '/^Max core file size/ { print $5 " " $6 }' "/proc/$1/limits"; }
fd_targets() { for f in /proc/"$1"/fd/*; do readlink "$f"; done; }
# fds_above_2 PID: what the descriptors past stdin/out/err point to.
fds_above_2() {
	for f in /proc/"$1"/fd/*; do
		[ "${f##*/}" -gt 2 ] && readlink "$f"
	done
}

KEYD=$(child mefd-kek)
NET=$(child mefd-net)
expect_match "a KEK process" "$KEYD" '^[0-9]+$'
expect_match "a network process" "$NET" '^[0-9]+$'
expect_eq "exactly two children" "$(ps -o pid= --ppid "$MEFD_PID" | wc -l)" 2
expect_eq "the parent stays root" "$(field "$MEFD_PID" Uid)" "0 0 0 0"
for who in KEYD NET; do
	eval p=\$$who
	expect_eq "$who uid dropped" "$(field "$p" Uid)" \
	    "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID"
	g=$(id -g nobody)
	expect_eq "$who gid dropped" "$(field "$p" Gid)" "$g $g $g $g"
	expect_eq "$who groups" "$(field "$p" Groups | tr -d ' ')" "$g"
	expect_eq "$who seccomp filter" "$(field "$p" Seccomp)" 2
	expect_eq "$who no_new_privs" "$(field "$p" NoNewPrivs)" 1
	expect_eq "$who no core file" "$(core_limit "$p")" "0 0"
	# Not dumpable: /proc files of the process belong to root, not to its uid.
	expect_eq "$who not dumpable" "$(stat -c %u "/proc/$p/status")" 0
	expect_eq "$who no capabilities" "$(field "$p" CapEff)" 0000000000000000
done
expect_eq "parent no core file" "$(core_limit "$MEFD_PID")" "0 0"
expect_empty "the network process never opened kek_file" \
    "$(fd_targets "$NET" | grep -F "$T/kek")"
expect_empty "nor the parent" "$(fd_targets "$MEFD_PID" | grep -F "$T/kek")"
expect_empty "the KEK process closed it after reading" \
    "$(fd_targets "$KEYD" | grep -F "$T/kek")"
expect_empty "the KEK process has no file but stdio and its channels" \
    "$(fds_above_2 "$KEYD" | grep -v '^socket:')"
# workers = 2: one channel per worker, the commit thread and the main thread.
expect_eq "the KEK process serves 4 channels" \
    "$(fds_above_2 "$KEYD" | grep -c '^socket:')" 4
expect_empty "the KEK process holds no listener" \
    "$(ss -ltnpH 2>/dev/null | grep "pid=$KEYD,")"

# The whole flow under the filter and the dropped uid: bootstrap, fetch, revoke.
KPM=$(hexkey 32); PSK=$(hexkey 32)
check "target add" mefctl target add --id /in-cse-1 --kind cse --psk-id in-cse-1 --psk "$PSK"
check "enrolee add" mefctl enrolee add --kpm-id dev1 --kpm "$KPM" --enrolee-id C-dev1 \
    --target /in-cse-1
out=$(enrol dev1 "$KPM" /in-cse-1) || fail "bootstrap"
KEYID=$(printf '%s' "$out" | jq -r .KeId)
ans=$(fetch_psk /in-cse-1 in-cse-1 "$PSK" "$KEYID") || fail "fetch"
expect_eq "fetch through the KEK process" \
    "$(b64hex "$(printf '%s' "$ans" | jq -r .Credential)")" \
    "$(printf '%s' "$out" | jq -r .Kpsa | tr 'A-F' 'a-f')"
check "enrolee revoke" mefctl enrolee revoke --kpm-id dev1
check_fails "revoked: fetch refused" fetch_psk /in-cse-1 in-cse-1 "$PSK" "$KEYID"
expect_eq "both children still alive" \
    "$(kill -0 "$KEYD" && kill -0 "$NET" && echo yes)" yes
expect_empty "no key in the log" "$(grep -iF -e "$KPM" -e "$PSK" "$T/mefd.log")"

mef_stop
expect_eq "SIGTERM: exit 0" "$MEFD_STATUS" 0
expect_eq "SIGTERM: both children gone" \
    "$(kill -0 "$KEYD" 2>/dev/null || kill -0 "$NET" 2>/dev/null || echo gone)" gone

# wait_exit: waits (at most 10 s) for the mefd started last, sets MEFD_STATUS.
wait_exit() {
	i=0
	while kill -0 "$MEFD_PID" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	mef_stop
}

# The KEK process killed: mefd stops cleanly, says why, exits non-zero.
mef_start
started 2 "$T/mefd.log"
KEYD=$(child mefd-kek); NET=$(child mefd-net)
kill -KILL "$KEYD"
wait_exit
expect_eq "KEK process killed: mefd exits 1" "$MEFD_STATUS" 1
check "KEK process killed: log line" grep -q 'kek process was killed by signal 9: shutting down' "$T/mefd.log"
check "KEK process killed: the network process stopped" grep -q "mefd\[$NET\]: info: stopped" "$T/mefd.log"
check_fails "KEK process killed: nothing listens" port_listening "$BOOT_PORT"

# The network process killed: same.
mef_start
started 3 "$T/mefd.log"
NET=$(child mefd-net); KEYD=$(child mefd-kek)
kill -KILL "$NET"
wait_exit
expect_eq "network process killed: mefd exits 1" "$MEFD_STATUS" 1
check "network process killed: log line" grep -q 'network process was killed by signal 9' "$T/mefd.log"
expect_eq "network process killed: the KEK process ended" \
    "$(kill -0 "$KEYD" 2>/dev/null || echo gone)" gone

# mefd itself killed (kill -9, as test_crash.sh does): its children go with it,
# although their uid changed (which clears the parent-death signal; mefd sets it
# again).
mef_start
started 4 "$T/mefd.log"
NET=$(child mefd-net); KEYD=$(child mefd-kek)
kill -KILL "$MEFD_PID"
mef_stop
i=0
while { kill -0 "$NET" 2>/dev/null || kill -0 "$KEYD" 2>/dev/null; } && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
expect_eq "mefd killed: both children gone" \
    "$(kill -0 "$KEYD" 2>/dev/null || kill -0 "$NET" 2>/dev/null || echo gone)" gone

# Started as a user other than root: no drop (a log note), still two children
# under seccomp.
U=$(mktemp -d "${TMPDIR:-/tmp}/mef-nr.XXXXXX")
cp "$T/kek" "$U/kek"
sed -e "s|$T/|$U/|g" "$T/mefd.conf" >"$U/mefd.conf"
chown -R nobody "$U"
# The program itself: nobody cannot enter $T, where lib.sh's wrappers live.
setpriv --reuid nobody --regid "$(id -g nobody)" --clear-groups \
    "${MEF_REAL_BUILD:-$MEF_BUILD}/mefd" -c "$U/mefd.conf" >"$U/mefd.log" 2>&1 &
MEFD_PID=$!
i=0
while ! port_listening "$TARGET_PORT" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "non-root: listening" port_listening "$TARGET_PORT"
started 1 "$U/mefd.log"
check "non-root: the drop is skipped with a note" grep -q 'not running as root: staying uid' "$U/mefd.log"
expect_eq "non-root: network process filtered" "$(field "$(child mefd-net)" Seccomp)" 2
expect_eq "non-root: KEK process filtered" "$(field "$(child mefd-kek)" Seccomp)" 2
mef_stop
expect_eq "non-root: SIGTERM exit 0" "$MEFD_STATUS" 0
rm -rf "$U"

# An unknown user: refused by mefd -n and at start, before anything is forked.
sed -e 's/^user = .*//; s/^\[process\]$/[process]\nuser = no-such-user-mef/' \
    "$T/mefd.conf" >"$T/bad.conf"
out=$("$MEF_BUILD/mefd" -n -c "$T/bad.conf" 2>&1)
expect_match "mefd -n: unknown user refused" "$out" 'user no-such-user-mef: no such user'
"$MEF_BUILD/mefd" -c "$T/bad.conf" >"$T/bad.log" 2>&1
expect_eq "unknown user: mefd exits 1" "$?" 1
check "unknown user: log line" grep -q 'no such user' "$T/bad.log"

mef_finish
