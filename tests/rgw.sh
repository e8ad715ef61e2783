#!/bin/bash
# rgw.sh - a throwaway single-node Ceph (mon + memstore OSD + radosgw) on
# 127.0.0.1, with every bit of state under one directory.  See tests/README.md.
#
#   tests/rgw.sh start DIR   start it (DIR must not exist or be empty), write
#                            DIR/env.sh, print the endpoint and start time
#   tests/rgw.sh env DIR     print DIR/env.sh (for eval, or use `source`)
#   tests/rgw.sh stop DIR    stop the daemons by their saved PIDs, remove DIR
#
# Ports are picked free at start, so several servers can run side by side.
# Daemons are stopped only by the PIDs saved in DIR (never by name).
set -u

# Fixed test credentials (documented in tests/README.md).  The vendor's secret
# has '/' and '+' like real AWS secrets do, so signing code meets them.
TENANT=999689269917
CUSTOMER_KEY=S3PTESTCUSTOMER00001
CUSTOMER_SECRET=customerSecretKey0000000000000000000001
VENDOR_USER=statsig-abc
VENDOR_KEY=S3PTESTVENDOR0000001
VENDOR_SECRET=vendor/Secret+Key00000000000000000000001
OTHER_KEY=S3PTESTOTHER00000001
OTHER_SECRET=otherSecretKey000000000000000000000000001

TIMEOUT=${S3PERM_RGW_TIMEOUT:-60}
MARKER=.s3perm-rgw

die() {
	echo "rgw.sh: error: $*" >&2
	exit 1
}

usage() {
	echo "usage: tests/rgw.sh start|stop|env DIR" >&2
	exit 2
}

# A free TCP port on 127.0.0.1 (the kernel's choice for port 0).
free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Is PID alive and running the program NAME?  (Guards against PID reuse.)
pid_is() {
	local pid=$1 name=$2
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$name"
}

show_logs() {
	local dir=$1 f
	for f in "$dir"/log/*; do
		[ -f "$f" ] || continue
		echo "----- tail of $f" >&2
		tail -n 25 "$f" >&2
	done
}

# Start a daemon in the foreground (-f) in the background of this script;
# save its PID in DIR/NAME.pid.
spawn() {
	local dir=$1 name=$2
	shift 2
	"$@" </dev/null >>"$dir/log/$name.out" 2>&1 &
	echo $! >"$dir/$name.pid"
}

# Record how long each start step took (DIR/log/steps; shown with
# S3PERM_RGW_VERBOSE=1).
step() {
	local line
	line="$(elapsed "$t0")s $*"
	echo "$line" >>"$DIR/log/steps"
	[ -z "${S3PERM_RGW_VERBOSE:-}" ] || echo "rgw.sh: $line" >&2
}

ceph_cli() {
	timeout 20 ceph --conf "$DIR/ceph.conf" --connect-timeout 10 "$@"
}

fail_start() {
	echo "rgw.sh: error: $*" >&2
	show_logs "$DIR"
	stop_daemons "$DIR"
	exit 1
}

write_conf() {
	cat >"$DIR/ceph.conf" <<EOF
[global]
fsid = $(uuidgen)
mon host = v2:127.0.0.1:$MON_PORT
auth cluster required = none
auth service required = none
auth client required = none
keyring = /dev/null
ms bind msgr1 = false
ms mon client mode = crc
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0

[mon.a]
mon data = $DIR/mon.a
mon data avail crit = 0
mon data avail warn = 0
# commit map changes (pool creations) without the default 1 s batching
paxos propose interval = 0.01
paxos min wait = 0.01

[osd]
public addr = 127.0.0.1
osd data = $DIR/osd.\$id
osd objectstore = memstore
memstore device bytes = 1073741824

# tcp_nodelay=1: without it beast's answers that take two writes (headers,
# then body: every GET) wait ~40 ms for the client's delayed ACK (Nagle):
# GetObject, ListObjectsV2 and GetBucketPolicy took 47 ms each instead of
# 2-4 ms, and most of the e2e suite's time was that wait.
[client.rgw.s3perm]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw dns name = localhost
rgw enable usage log = false
rgw enable lc threads = false
rgw enable quota threads = false

# A second gateway on the same cluster with STS (AssumeRole) on, for the
# credential-provider tests.  Kept apart because with 'rgw s3 auth use sts'
# radosgw answers a wrong signature with AccessDenied instead of AWS's
# SignatureDoesNotMatch, which the other tests rely on.  The key that
# encrypts session tokens must be 16 characters.
[client.rgw.sts]
rgw frontends = beast endpoint=127.0.0.1:$STS_PORT tcp_nodelay=1
rgw dns name = localhost
rgw enable usage log = false
rgw enable lc threads = false
rgw enable quota threads = false
rgw sts key = s3permStsKey0001
rgw s3 auth use sts = true
EOF
}

# Make IAM role NAME (tenant TENANT) whose trust policy lets PRINCIPAL (a
# user name) assume it, with CONDITION (JSON or empty) on that statement,
# and a role policy allowing every S3 action.
create_role() {
	local name=$1 principal=$2 condition=$3 trust out
	trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::'$TENANT':user/'$principal'"]},"Action":["sts:AssumeRole"]'
	[ -z "$condition" ] || trust="$trust"',"Condition":'"$condition"
	trust="$trust"'}]}'
	out=$(timeout 60 radosgw-admin --conf "$DIR/ceph.conf" role create \
		--tenant "$TENANT" --role-name "$name" \
		--assume-role-policy-doc "$trust" 2>&1) ||
		fail_start "radosgw-admin role create $name failed: $out"
	out=$(timeout 60 radosgw-admin --conf "$DIR/ceph.conf" role-policy put \
		--tenant "$TENANT" --role-name "$name" --policy-name s3all \
		--policy-doc '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]}]}' 2>&1) ||
		fail_start "radosgw-admin role-policy put $name failed: $out"
}

create_user() {
	local uid=$1 key=$2 secret=$3 name=$4 out
	out=$(timeout 60 radosgw-admin --conf "$DIR/ceph.conf" \
		user create --tenant "$TENANT" --uid "$uid" \
		--display-name "$name" --access-key "$key" --secret-key "$secret" \
		--max-buckets 100000 2>&1) ||
		fail_start "radosgw-admin user create $uid failed: $out"
}

do_start() {
	local t0 i id tries old_port
	t0=$(now)
	if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
		die "'$DIR' exists and is not empty"
	fi
	for t in ceph-mon ceph-osd radosgw radosgw-admin ceph uuidgen; do
		command -v "$t" >/dev/null || die "'$t' not found (run make deps)"
	done
	mkdir -p "$DIR/run" "$DIR/log" "$DIR/mon.a" || die "cannot create '$DIR'"
	DIR=$(cd "$DIR" && pwd) || die "cannot enter '$DIR'"
	: >"$DIR/$MARKER"
	MON_PORT=$(free_port) || die "cannot pick a free port"
	RGW_PORT=$(free_port) || die "cannot pick a free port"
	STS_PORT=$(free_port) || die "cannot pick a free port"
	write_conf

	ceph-mon --conf "$DIR/ceph.conf" --id a --mkfs --keyring /dev/null \
		>>"$DIR/log/mkfs.out" 2>&1 || fail_start "ceph-mon --mkfs failed"
	step "mon mkfs done"
	spawn "$DIR" mon ceph-mon --conf "$DIR/ceph.conf" -f --id a \
		--public-addr "127.0.0.1:$MON_PORT"

	id=$(ceph_cli osd create 2>>"$DIR/log/cli.out") ||
		fail_start "monitor did not answer 'ceph osd create'"
	step "osd create answered"
	mkdir -p "$DIR/osd.$id"
	ceph_cli osd crush add "osd.$id" 1 root=default >>"$DIR/log/cli.out" 2>&1 ||
		fail_start "ceph osd crush add failed"
	ceph-osd --conf "$DIR/ceph.conf" --id "$id" --mkfs >>"$DIR/log/mkfs.out" 2>&1 ||
		fail_start "ceph-osd --mkfs failed"
	step "osd mkfs done"
	spawn "$DIR" osd ceph-osd --conf "$DIR/ceph.conf" -f --id "$id"

	i=0
	until ceph_cli osd stat 2>>"$DIR/log/cli.out" | grep -q ' 1 up'; do
		pid_is "$(cat "$DIR/osd.pid")" ceph-osd || fail_start "ceph-osd exited"
		i=$((i + 1))
		[ "$(elapsed "$t0" | cut -d. -f1)" -lt "$TIMEOUT" ] ||
			fail_start "OSD not up after ${TIMEOUT}s"
		sleep 0.3
	done

	step "osd up"
	# radosgw may lose its port to another process between our pick and its
	# bind: then pick another (3 tries).  The answer must be radosgw's own.
	tries=1
	spawn "$DIR" rgw radosgw --conf "$DIR/ceph.conf" -f -n client.rgw.s3perm
	until /usr/bin/python3 - "$RGW_PORT" 2>/dev/null <<'EOF'
import sys, http.client
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=2)
c.request("GET", "/")
sys.exit(b"ListAllMyBucketsResult" not in c.getresponse().read())
EOF
	do
		if ! pid_is "$(cat "$DIR/rgw.pid")" radosgw; then
			if [ "$tries" -lt 3 ] && grep -qiE 'already in use|failed to bind' \
				"$DIR/log/client.rgw.s3perm.log" "$DIR/log/rgw.out" 2>/dev/null; then
				tries=$((tries + 1))
				old_port=$RGW_PORT
				RGW_PORT=$(free_port) || fail_start "cannot pick a free port"
				# (this gateway's line only, not the STS one's)
				sed -i "s/ endpoint=127.0.0.1:$old_port / endpoint=127.0.0.1:$RGW_PORT /" \
					"$DIR/ceph.conf"
				mv "$DIR/log/client.rgw.s3perm.log" "$DIR/log/rgw-try$tries.log" 2>/dev/null
				step "radosgw port taken; trying $RGW_PORT"
				spawn "$DIR" rgw radosgw --conf "$DIR/ceph.conf" -f -n client.rgw.s3perm
				continue
			fi
			fail_start "radosgw exited"
		fi
		[ "$(elapsed "$t0" | cut -d. -f1)" -lt "$TIMEOUT" ] ||
			fail_start "radosgw did not answer HTTP after ${TIMEOUT}s"
		sleep 0.3
	done
	step "radosgw answers HTTP"
	spawn "$DIR" rgwsts radosgw --conf "$DIR/ceph.conf" -f -n client.rgw.sts
	until /usr/bin/python3 - "$STS_PORT" 2>/dev/null <<'EOF'
import sys, http.client
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=2)
c.request("GET", "/")
sys.exit(b"ListAllMyBucketsResult" not in c.getresponse().read())
EOF
	do
		pid_is "$(cat "$DIR/rgwsts.pid")" radosgw ||
			fail_start "the STS radosgw (client.rgw.sts) exited"
		[ "$(elapsed "$t0" | cut -d. -f1)" -lt "$TIMEOUT" ] ||
			fail_start "the STS radosgw did not answer HTTP after ${TIMEOUT}s"
		sleep 0.3
	done
	step "STS radosgw answers HTTP"
	create_user customer "$CUSTOMER_KEY" "$CUSTOMER_SECRET" "Bucket owner"
	create_user "$VENDOR_USER" "$VENDOR_KEY" "$VENDOR_SECRET" "Vendor"
	create_user other "$OTHER_KEY" "$OTHER_SECRET" "Someone else"

	step "users created"
	# Roles the customer's profile assumes (tests/e2e/test_creds_rgw.py):
	# one it may assume, one only 'other' may assume (so the customer is
	# denied).  (radosgw 16 does not evaluate sts:ExternalId in a trust
	# policy: a role requiring it is denied even with the right id, so
	# the external id is tested against a stand-in STS,
	# tests/test_creds_providers.sh.)
	create_role s3perm-role customer ""
	create_role s3perm-role-other other ""
	step "roles created"
	cat >"$DIR/env.sh" <<EOF
# Written by tests/rgw.sh start: the test server's environment contract.
export S3PERM_TEST_ENDPOINT=http://127.0.0.1:$RGW_PORT
export CEPH_CONF=$DIR/ceph.conf
export S3PERM_TEST_TENANT=$TENANT
export S3PERM_TEST_CUSTOMER_USER=customer
export S3PERM_TEST_CUSTOMER_KEY=$CUSTOMER_KEY
export S3PERM_TEST_CUSTOMER_SECRET='$CUSTOMER_SECRET'
export S3PERM_TEST_VENDOR_USER=$VENDOR_USER
export S3PERM_TEST_VENDOR_KEY=$VENDOR_KEY
export S3PERM_TEST_VENDOR_SECRET='$VENDOR_SECRET'
export S3PERM_TEST_OTHER_USER=other
export S3PERM_TEST_OTHER_KEY=$OTHER_KEY
export S3PERM_TEST_OTHER_SECRET='$OTHER_SECRET'
export S3PERM_TEST_STS_ENDPOINT=http://127.0.0.1:$STS_PORT
export S3PERM_TEST_ROLE_ARN=arn:aws:iam::$TENANT:role/s3perm-role
export S3PERM_TEST_ROLE_DENIED_ARN=arn:aws:iam::$TENANT:role/s3perm-role-other
EOF
	echo "rgw.sh: radosgw up at http://127.0.0.1:$RGW_PORT in $(elapsed "$t0")s" \
		"(state in $DIR; source $DIR/env.sh)"
}

# Stop the daemons whose PIDs are saved in DIR, radosgw first (it shuts down
# quickly only while the cluster is still there), then the OSD, then the
# monitor: TERM, wait up to 10 s, KILL.
stop_daemons() {
	local dir=$1 n pid name i
	for n in rgw:radosgw rgwsts:radosgw osd:ceph-osd mon:ceph-mon; do
		[ -f "$dir/${n%%:*}.pid" ] || continue
		pid=$(cat "$dir/${n%%:*}.pid")
		name=${n#*:}
		if pid_is "$pid" "$name"; then
			kill -TERM "$pid" 2>/dev/null
			for i in $(seq 1 100); do
				pid_is "$pid" "$name" || break
				sleep 0.1
			done
			pid_is "$pid" "$name" && kill -KILL "$pid" 2>/dev/null
		fi
		rm -f "$dir/${n%%:*}.pid"
	done
	return 0
}

do_stop() {
	[ -d "$DIR" ] || die "'$DIR' is not a directory"
	[ -f "$DIR/$MARKER" ] || die "'$DIR' was not made by tests/rgw.sh start; not touching it"
	stop_daemons "$DIR"
	rm -rf "$DIR"
}

[ $# = 2 ] || usage
DIR=$2
case $1 in
start) do_start ;;
stop) do_stop ;;
env)
	[ -f "$DIR/env.sh" ] || die "no '$DIR/env.sh' (is the server started?)"
	cat "$DIR/env.sh"
	;;
*) usage ;;
esac
