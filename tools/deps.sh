#!/bin/sh
# deps.sh - install the Debian 12 packages needed to build s3perm and run its
# tests (`make deps`; .ci/run).  Installs only what is missing; as root
# directly, otherwise through sudo.
#
#   tools/deps.sh              apt-get update (if anything is missing), install
#   tools/deps.sh --no-update  skip apt-get update (the caller just ran it)
#   tools/deps.sh --list       print the package list and exit
set -eu

# clang and libclang-rt-14-dev (libFuzzer's runtime, libclang_rt.fuzzer) are
# for `make fuzz`.
PKGS="build-essential pkg-config libjansson-dev libcurl4-openssl-dev libssl-dev
libexpat1-dev libcmocka-dev valgrind groff-base python3 python3-botocore
radosgw ceph-mon ceph-osd ceph-common uuid-runtime clang libclang-rt-14-dev"

update=yes
case ${1:-} in
--no-update) update=no ;;
--list)
	# shellcheck disable=SC2086
	printf '%s\n' $PKGS
	exit 0
	;;
"") ;;
*)
	echo "usage: tools/deps.sh [--no-update|--list]" >&2
	exit 2
	;;
esac

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps.sh: all build and test packages are installed"
	exit 0
fi

if [ "$(id -u)" = 0 ]; then
	as_root=
elif command -v sudo >/dev/null; then
	as_root=sudo
else
	echo "deps.sh: error: not root and no sudo; install as root:$missing" >&2
	exit 1
fi

echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
if [ $update = yes ]; then
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
fi
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $missing
