#!/usr/bin/env bash
# t/mx-scenario.sh DIR ADDR[=SPEC]... - run inside `unshare -mn` by
# t/runner-mx.bats: brings up loopback in the private network namespace,
# bind-mounts a private resolv.conf (nameserver 127.0.0.1), starts dnsmasq
# with the test zone below, a fake SMTP server on ADDR:25 for each argument
# (SPEC: its --conn script), then runs `runner -1` once and stops them all.
#
# The zone (everything under .test is local: unknown names are NXDOMAIN):
#   mx.test        MX 10 mx1.mx.test (127.0.0.2), MX 20 mx2.mx.test (127.0.0.3)
#   null.test      MX 0 "."  (RFC 7505 null MX)
#   implicit.test  no MX, A 127.0.0.4
set -u
dir=$1; shift
top=$(cd "$(dirname "$0")/.." && pwd)
pids=()
cleanup() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap cleanup EXIT
ip link set lo up || exit 1
echo "nameserver 127.0.0.1" > "$dir/resolv.conf"
mount --bind "$dir/resolv.conf" /etc/resolv.conf || exit 1
dnsmasq --no-daemon --no-resolv --no-hosts --pid-file= --bind-interfaces \
	--listen-address=127.0.0.1 --port 53 --local=/test/ \
	--mx-host=mx.test,mx1.mx.test,10 --mx-host=mx.test,mx2.mx.test,20 \
	--host-record=mx1.mx.test,127.0.0.2 --host-record=mx2.mx.test,127.0.0.3 \
	--mx-host=null.test,.,0 --host-record=implicit.test,127.0.0.4 \
	2>>"$dir/dnsmasq.log" &
pids+=($!)
for arg in "$@"; do
	addr=${arg%%=*}
	spec=""
	[ "$arg" != "$addr" ] && spec=${arg#*=}
	mkdir -p "$dir/fake-$addr"
	python3 "$top/t/fake-smtp.py" --listen "$addr:25" --dir "$dir/fake-$addr" \
		${spec:+--conn "$spec"} 2>>"$dir/fake-$addr/stderr" &
	pids+=($!)
done
for i in $(seq 1 100); do
	ready=1
	grep -q "started" "$dir/dnsmasq.log" 2>/dev/null || ready=0
	for arg in "$@"; do [ -s "$dir/fake-${arg%%=*}/port" ] || ready=0; done
	[ "$ready" = 1 ] && break
	sleep 0.05
done
"$top/queue/runner" -1 2>>"$dir/runner.log"
