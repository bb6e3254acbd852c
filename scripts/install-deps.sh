#!/bin/sh
# install-deps.sh -- install the Debian packages the MEF needs, only those missing.
#
# Called by `make run` and `make test`. It asks dpkg which packages are absent and runs
# apt-get only for those, so a machine that already has everything makes no network call.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
libssl-dev openssl libevent-dev libhttp-parser-dev libsqlite3-dev sqlite3
libjansson-dev libxml2-dev libcbor-dev libunistring-dev libinih-dev
libseccomp-dev libcmocka-dev gnutls-bin curl xxd procps jq iproute2"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root, or install them with apt-get" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
