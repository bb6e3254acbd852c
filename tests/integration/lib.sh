# lib.sh -- shared helpers of the shell test drivers (sourced, POSIX sh).
#
# A driver calls mef_setup (a private temp dir, a config on free loopback ports, a
# KEK), mef_start/mef_stop around a real mefd, and the check helpers; mef_finish prints
# "N passed, M failed" and sets the exit status. The EXIT trap stops only the mefd this
# driver started (by its PID) and removes the temp dir.

: "${MEF_BUILD:?MEF_BUILD must name the build directory}"
: "${MEF_SRC:?MEF_SRC must name the source directory}"
. "$MEF_SRC/tests/integration/wrap.sh"

PASSED=0
FAILED=0
MEFD_PID=""
FQDN=mef.example.com

pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1"; }

# check NAME CMD...: the command must succeed.
check() {
	name=$1; shift
	if "$@" >"$T/check.out" 2>&1; then pass "$name"; else
		fail "$name"; sed 's/^/    /' "$T/check.out" | tail -20; fi
}
# check_fails NAME CMD...: the command must fail.
check_fails() {
	name=$1; shift
	if "$@" >"$T/check.out" 2>&1; then
		fail "$name (succeeded)"; sed 's/^/    /' "$T/check.out" | tail -20
	else pass "$name"; fi
}
# expect_eq NAME ACTUAL EXPECTED (an empty EXPECTED is itself a failure)
expect_eq() {
	if [ -z "$3" ]; then fail "$1: nothing to compare with"; return; fi
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1: got '$2', expected '$3'"; fi
}
# expect_empty NAME TEXT
expect_empty() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1: got '$2'"; fi
}
# expect_match NAME TEXT REGEX (grep -E)
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass "$1"; else
		fail "$1: '$2' does not match '$3'"; fi
}

mef_cleanup() {
	mef_stop
	[ -n "${T:-}" ] && [ -d "$T" ] && [ -z "${MEF_KEEP:-}" ] && rm -rf "$T"
}

# mef_write_config: mefd.conf for the current ports and extra lines in $EXTRA_CONF.
mef_write_config() {
	cat >"$T/mefd.conf" <<CONF
[mef]
fqdn = $FQDN
workers = 2
log_level = ${MEF_LOG_LEVEL:-debug}
[database]
url = sqlite:$T/mef.db
kek_file = $T/kek
[bootstrap]
listen = 127.0.0.1:$BOOT_PORT
[target]
listen = 127.0.0.1:$TARGET_PORT
${TARGET_EXTRA:-}
[process]
sandbox = ${MEF_SANDBOX:-yes}
${MEF_USER:+user = $MEF_USER}
[limits]
handshake_timeout_ms = ${HANDSHAKE_MS:-$((5000 * MEF_SLOW))}
idle_timeout_ms = ${IDLE_MS:-$((5000 * MEF_SLOW))}
CONF
	# Extra lines from the driver or the environment, then those valgrind needs.
	if [ -n "${MEF_CONF_APPEND:-}" ]; then
		printf '%b\n' "$MEF_CONF_APPEND" >>"$T/mefd.conf"; fi
	if [ -n "${MEF_VALGRIND:-}" ] && [ -n "$MEF_VG_CONF_APPEND" ]; then
		printf '%b\n' "$MEF_VG_CONF_APPEND" >>"$T/mefd.conf"; fi
}

# As root, every test runs mefd's children as nobody (MEF_USER= to stay root);
# MEF_SANDBOX=no (valgrind) or trap (report a refused system call) changes the filter.
if [ "$(id -u)" -eq 0 ] && [ -z "${MEF_USER+set}" ]; then
	MEF_USER=nobody
fi

mef_setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/mef-test.XXXXXX")
	trap mef_cleanup EXIT
	trap 'exit 1' INT TERM
	mef_wrap_setup
	set -- $("$MEF_BUILD/mef_freeport" 2)
	BOOT_PORT=$1
	TARGET_PORT=$2
	mef_write_config
	"$MEF_BUILD/mefctl" kek generate "$T/kek" >/dev/null || {
		echo "FAIL: kek generate"; exit 1; }
}

mefctl() { "$MEF_BUILD/mefctl" -c "$T/mefd.conf" "$@"; }

port_listening() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q LISTEN; }

mef_start() {
	tries=0
	while :; do
		"$MEF_BUILD/mefd" -c "$T/mefd.conf" >>"$T/mefd.log" 2>&1 &
		MEFD_PID=$!
		i=0
		while [ $i -lt $((100 * MEF_SLOW)) ]; do
			kill -0 "$MEFD_PID" 2>/dev/null || break
			if port_listening "$BOOT_PORT" && port_listening "$TARGET_PORT"; then
				return 0
			fi
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 "$MEFD_PID" 2>/dev/null; then
			echo "FAIL: mefd did not listen"; tail -20 "$T/mefd.log"; exit 1
		fi
		MEFD_PID=""
		# Another program took a port between mef_freeport and the bind: new ports.
		tries=$((tries + 1))
		if [ $tries -ge 3 ] || ! tail -3 "$T/mefd.log" | grep -q 'in use'; then
			echo "FAIL: mefd exited at start"; tail -20 "$T/mefd.log"; exit 1
		fi
		set -- $("$MEF_BUILD/mef_freeport" 2)
		sed -i "s/:$BOOT_PORT\$/:$1/; s/:$TARGET_PORT\$/:$2/" "$T/mefd.conf"
		BOOT_PORT=$1
		TARGET_PORT=$2
	done
}

mef_stop() {
	if [ -n "$MEFD_PID" ]; then
		kill -TERM "$MEFD_PID" 2>/dev/null
		wait "$MEFD_PID" 2>/dev/null
		MEFD_STATUS=$?
		MEFD_PID=""
	fi
}

# hexkey [N]: N random bytes in hex, recorded as a key the logs must not carry.
hexkey() {
	_k=$(openssl rand -hex "${1:-32}")
	mef_key "$_k"
	printf '%s\n' "$_k"
}

# b64hex B64: the hex of base64 text.
b64hex() { printf '%s' "$1" | base64 -d | od -An -v -tx1 | tr -d ' \n'; }

enrol() {	# enrol KPM_ID KPM_HEX TARGET [extra args]
	id=$1; kpm=$2; tgt=$3; shift 3
	"$MEF_BUILD/mef-enrol" --mef "127.0.0.1:$BOOT_PORT" --fqdn "$FQDN" \
	    --kpm-id "$id" --kpm "$kpm" --target "$tgt" --json --show-key "$@"
}

fetch_psk() {	# fetch_psk ORIGIN PSK_ID PSK_HEX [args] KEYID [SUID]
	origin=$1; pid=$2; psk=$3; shift 3
	"$MEF_BUILD/mef-fetch" --mef "127.0.0.1:$TARGET_PORT" --origin "$origin" \
	    --psk-id "$pid" --psk "$psk" "$@"
}

# mef_finish: stops mefd (and, through the driver's mef_before_finish if it defines
# one, the other programs it started) so that valgrind sees every exit, runs the
# secrets checks, and exits with the verdict.
mef_finish() {
	command -v mef_before_finish >/dev/null 2>&1 && mef_before_finish
	mef_stop
	mef_secrets_check
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
	exit $?
}
