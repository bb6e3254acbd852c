# bench_lib.sh -- helpers of the bench scripts (sourced; not run on its own).
#
# bench_begin (tools, free ports, a private temp dir, cleanup at exit), process
# bookkeeping (every process started is remembered by PID, and only those are ever
# stopped), readiness, /proc probes (resident memory, CPU time), the configurations
# of mefd and nginx, and the rows of the result table. Expects BUILD and FQDN set by
# the script.

PIDS=""
T=""
BENCH_NAME=bench

# die MESSAGE: the message, the end of every log of this run, exit 1.
die() {
	echo "$BENCH_NAME: $*" >&2
	if [ -n "$T" ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] && { echo "== $f" >&2; tail -5 "$f" >&2; }
		done
	fi
	exit 1
}

bench_cleanup() {
	stop_all
	if [ -n "$T" ] && [ -d "$T" ] && [ -z "${MEF_KEEP:-}" ]; then
		rm -rf "$T"
	fi
}

# bench_begin NAME TOOL...: each TOOL must be built in BUILD; sets FREEPORT (the
# free-port helper) and T (a private temp dir), and at exit stops every process
# started with start() and removes T (kept with MEF_KEEP=1).
bench_begin() {
	BENCH_NAME=$1
	shift
	for tool in "$@"; do
		[ -x "$BUILD/$tool" ] || die "$BUILD/$tool is not built"
	done
	FREEPORT=$BUILD/mef_freeport
	[ -x "$FREEPORT" ] || FREEPORT=$BUILD/tests/mef_freeport
	[ -x "$FREEPORT" ] || die "mef_freeport is not built"
	T=$(mktemp -d "${TMPDIR:-/tmp}/mef-$BENCH_NAME.XXXXXX") || exit 1
	trap bench_cleanup EXIT
	trap 'exit 1' INT TERM HUP PIPE
}

# start LOG CMD...: runs CMD in the background, output to LOG; sets LAST_PID.
start() {
	log=$1
	shift
	"$@" >>"$log" 2>&1 &
	LAST_PID=$!
	PIDS="$PIDS $LAST_PID"
}

# stop PID: TERM to one process this script started, then wait for it.
stop() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	forget "$1"
}

stop_all() {
	for p in $PIDS; do
		stop "$p"
	done
}

listening() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q LISTEN; }

# wait_listen PID PORT...: until each port listens; fails when PID exits.
wait_listen() {
	pid=$1
	shift
	i=0
	for port in "$@"; do
		until listening "$port"; do
			kill -0 "$pid" 2>/dev/null || return 1
			i=$((i + 1))
			[ $i -lt 200 ] || return 1
			sleep 0.1
		done
	done
}

# forget PID: drops a PID that was already waited for (its number may be reused).
forget() {
	rest=""
	for p in $PIDS; do
		[ "$p" = "$1" ] || rest="$rest $p"
	done
	PIDS=$rest
}

# family PID: PID and its children (nginx: the master and its workers).
family() {
	echo "$1"
	ps -o pid= --ppid "$1" 2>/dev/null
}

# rss_kib PID...: the sum of VmRSS.
rss_kib() {
	for p in "$@"; do
		sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$p/status" \
		    2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}

# cpu_stat FILE: busy and total clock ticks of each CPU (/proc/stat) into FILE.
cpu_stat() {
	awk '/^cpu[0-9]/ { t = 0; for (i = 2; i <= NF; i++) t += $i
		print $1, t - $5 - $6, t }' /proc/stat >"$1"
}

# cpu_busy BEFORE AFTER: the busy fraction of each CPU between two cpu_stat files,
# softirq time included (on loopback much of the TCP work is softirq).
cpu_busy() {
	awk 'NR == FNR { b[$1] = $2; t[$1] = $3; next }
	    { d = $3 - t[$1]; f = d > 0 ? ($2 - b[$1]) / d : 0
	      printf "%s%s=%.2f", sep, $1, f; sep = " " }
	    END { print "" }' "$1" "$2"
}

# median NAME ROUNDS: copies the run of NAME.1..NAME.ROUNDS with the median rate
# (and its .busy) to NAME.
median() {
	m=$(for r in $(seq 1 "$2"); do
		echo "$(field "$T/$1.$r" rate) $r"
	done | sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')
	cp "$T/$1.$m" "$T/$1"
	cp "$T/$1.$m.busy" "$T/$1.busy"
}

# mefd_conf FILE DB WORKERS: the mefd of every run; only the store and workers vary.
mefd_conf() {
	cat >"$1" <<CONF
[mef]
fqdn = $FQDN
workers = $3
log_level = $MEF_LOG_LEVEL
[database]
url = sqlite:$2
kek_file = $T/kek
[bootstrap]
listen = 127.0.0.1:$BOOT_PORT
[target]
listen = 127.0.0.1:$TARGET_PORT
cert = $T/server.pem
key = $T/server.key
[limits]
max_connections = 100000
idle_timeout_ms = 600000
CONF
	# MEFD_CACHE: fetch_cache_entries ([limits] is the last section).
	[ -z "${MEFD_CACHE:-}" ] || echo "fetch_cache_entries = $MEFD_CACHE" >>"$1"
}

# cert NAME CN: a self-signed P-256 certificate $T/NAME.pem (SAN DNS:CN) and key.
cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/$1.key" -out "$T/$1.pem" -subj "/CN=$2" -days 2 \
	    -addext "subjectAltName=DNS:$2" 2>/dev/null || die "certificate $1"
}

# nginx_conf FILE WORKERS: the static reference of the fetch, mefd's TLS settings.
nginx_conf() {
	user=""
	[ "$(id -u)" -eq 0 ] && user="user root root;"
	access="access_log off;"
	[ "$MEF_LOG_LEVEL" = info ] && access="access_log $T/nginx-access.log;"
	mkdir -p "$T/nginx"
	cat >"$1" <<CONF
$user
worker_processes $2;
worker_rlimit_nofile 200000;
daemon off;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events {
	worker_connections 100000;
}
http {
	$access
	server_tokens off;
	keepalive_requests 1000000000;
	keepalive_timeout 600s;
	client_body_temp_path $T/nginx/body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fastcgi;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT ssl;
		server_name $FQDN;
		ssl_certificate $T/server.pem;
		ssl_certificate_key $T/server.key;
		ssl_protocols TLSv1.2;
		ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256;
		ssl_verify_client on;
		ssl_client_certificate $T/target.pem;
		ssl_session_cache off;
		ssl_session_tickets off;
		root $T/www;
		etag off;
		# Every KeId gets the one captured answer; X-M2M-Origin is ignored.
		location /fetchCredentials/ {
			default_type application/json;
			add_header X-M2M-RSC 2000;
			add_header X-M2M-RI \$http_x_m2m_ri;
			try_files /fetch.json =404;
		}
	}
}
CONF
}

# field FILE KEY: KEY=value from a bench_loadgen line.
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$1"; }

# row NAME VALUE REF GOAL DETAILS: one metric line, kept for the final table.
row() {
	line=$(awk -v n="$1" -v v="$2" -v r="$3" -v g="$4" -v d="$5" 'BEGIN {
		printf "%-26s %10s %10s %7.3f  %-8s %s", n, v, r,
		    (r > 0 ? v / r : 0), g, d }')
	echo "$line"
	echo "$line" >>"$T/rows"
}

# took PART START: one line of the time table.
took() {
	line=$(printf '%-34s %6d s' "$1" $(($(date +%s) - $2)))
	echo "# time: $line"
	echo "$line" >>"$T/times"
}
