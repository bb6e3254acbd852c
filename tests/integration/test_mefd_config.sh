# test_mefd_config.sh -- mefd -n checks a configuration and names the file and line
# of each error; a bad KEK file or certificate stops the start with a clear message;
# SIGINT and SIGTERM stop mefd cleanly with status 0.
. "$MEF_SRC/tests/integration/lib.sh"
mef_setup

out=$("$MEF_BUILD/mefd" -c "$T/mefd.conf" -n 2>&1)
expect_eq "valid config: exit 0" "$?" 0
expect_match "valid config: message" "$out" 'configuration OK'

bad() {	# bad NAME EXPECTED_REGEX: $T/bad.conf must be refused with that message
	out=$("$MEF_BUILD/mefd" -c "$T/bad.conf" -n 2>&1)
	st=$?
	expect_eq "$1: exit 1" "$st" 1
	expect_match "$1: message" "$out" "$2"
}
sed 's/^workers = 2/wrokers = 2/' "$T/mefd.conf" >"$T/bad.conf"
bad "unknown key" 'bad\.conf:3'
sed 's/^workers = 2/workers = many/' "$T/mefd.conf" >"$T/bad.conf"
bad "bad number" 'bad\.conf:3'
grep -v '^fqdn' "$T/mefd.conf" >"$T/bad.conf"
bad "missing fqdn" 'fqdn'
sed "s|^listen = 127.0.0.1:$BOOT_PORT|listen = nowhere|" "$T/mefd.conf" >"$T/bad.conf"
bad "bad listen address" 'listen|nowhere'
printf '[nosuch]\nx = 1\n' | cat "$T/mefd.conf" - >"$T/bad.conf"
bad "unknown section" 'bad\.conf:[0-9]+'

cp "$T/kek" "$T/kek.bak"
chmod 0644 "$T/kek"
out=$("$MEF_BUILD/mefd" -c "$T/mefd.conf" -n 2>&1)
expect_eq "KEK readable by others: exit 1" "$?" 1
expect_match "KEK readable by others: message" "$out" 'kek'
chmod 0600 "$T/kek"
printf 'not hex\n' >"$T/kek"
out=$("$MEF_BUILD/mefd" -c "$T/mefd.conf" -n 2>&1)
expect_eq "KEK not hex: exit 1" "$?" 1
cp "$T/kek.bak" "$T/kek"; chmod 0600 "$T/kek"

printf '[target]\n' >/dev/null
TARGET_EXTRA="cert = $T/missing.pem
key = $T/missing.key"
mef_write_config
out=$("$MEF_BUILD/mefd" -c "$T/mefd.conf" -n 2>&1)
expect_eq "missing certificate: exit 1" "$?" 1
expect_match "missing certificate: message" "$out" 'missing\.pem'
TARGET_EXTRA=""
mef_write_config

mef_start
kill -INT "$MEFD_PID"; wait "$MEFD_PID"; st=$?; MEFD_PID=""
expect_eq "SIGINT: exit 0" "$st" 0
mef_start
mef_stop
expect_eq "SIGTERM: exit 0" "$MEFD_STATUS" 0
expect_match "shutdown logged" "$(tail -1 "$T/mefd.log")" 'stopped'
mef_finish
