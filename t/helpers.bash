# t/helpers.bash - shared set-up for the bats tests. Load with:
#     load helpers
#
# instance_setup   a fresh control dir, spool and mailroot under
#                  $BATS_TEST_TMPDIR; exports POSTERN_CONF, SPOOL, MAILROOT,
#                  CONF. Local domain example.test, me mx.example.test.
# add_user ADDR PASSWORD      a line in the users file
# control NAME VALUE...       write a control file (one item per argument)
# server_start LAUNCHER CMD...  start CMD per connection on a free loopback
#                  port under LAUNCHER (tcpserver | socket-activate);
#                  sets PORT; stopped by server_stop_all (in teardown).
# queue_count      number of files in $SPOOL/queue
# free_port        prints a free TCP port on 127.0.0.1
# free_offset PORT...  an offset at which every PORT+offset is free

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}"

instance_setup() {
	CONF="$BATS_TEST_TMPDIR/conf"
	SPOOL="$BATS_TEST_TMPDIR/spool"
	MAILROOT="$BATS_TEST_TMPDIR/mailroot"
	mkdir -p "$CONF" "$SPOOL" "$MAILROOT"
	export POSTERN_CONF="$CONF" CONF SPOOL MAILROOT
	echo "mx.example.test" > "$CONF/me"
	echo "example.test" > "$CONF/domains"
	echo "$SPOOL" > "$CONF/spool"
	echo "$MAILROOT" > "$CONF/mailroot"
	: > "$CONF/users"
	SERVER_PIDS=()
}

control() {
	local name=$1; shift
	printf '%s\n' "$@" > "$CONF/$name"
}

# A fixed SHA-512 crypt hash per password, made once per test run (the
# file's run: openssl's start costs 30 ms of CPU, paid at every setup
# otherwise), kept under $BATS_RUN_TMPDIR by the password's hex.
add_user() {
	local addr=$1 pass=$2 hash cache
	cache="$BATS_RUN_TMPDIR/passwd-$(printf '%s' "$pass" | od -An -tx1 | tr -d ' \n')"
	if [ -s "$cache" ]; then
		hash=$(<"$cache")
	else
		hash=$(openssl passwd -6 -salt postern.test "$pass") || return 1
		printf '%s\n' "$hash" > "$cache.new" && mv "$cache.new" "$cache"
	fi
	echo "$addr:$hash" >> "$CONF/users"
}

queue_count() {
	find "$SPOOL/queue" -type f 2>/dev/null | wc -l
}

tmp_count() {
	find "$SPOOL/tmp" -type f 2>/dev/null | wc -l
}

free_port() {
	python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# free_offset PORT...: prints an offset N at which every PORT+N on
# 127.0.0.1 is free now (make run's RUN_PORT_OFFSET: its nine ports must
# not meet the ports of files t/run runs beside this one).
free_offset() {
	python3 - "$@" <<'PY'
import random, socket, sys
ports = [int(p) for p in sys.argv[1:]]
for _ in range(100):
    off = random.randrange(20000, 40000)
    socks = []
    try:
        for p in ports:
            s = socket.socket()
            socks.append(s)
            s.bind(("127.0.0.1", p + off))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(off)
    sys.exit(0)
sys.exit("no offset with every port free")
PY
}

# Wait (at most 5 s) until something listens on 127.0.0.1:$1.
wait_listening() {
	local port=$1 i
	for i in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	echo "nothing listens on port $port" >&2
	return 1
}

# server_start LAUNCHER CMD ARGS...: serve CMD per connection on $PORT.
# The server's stderr (its log) goes to $BATS_TEST_TMPDIR/server.log.
server_start() {
	local launcher=$1; shift
	PORT=$(free_port)
	local log="$BATS_TEST_TMPDIR/server.log"
	case $launcher in
	tcpserver)
		tcpserver -q -R -H -l localhost 127.0.0.1 "$PORT" "$@" 2>>"$log" &
		;;
	socket-activate)
		# It passes the children only PATH, HOME, TERM and what -E names.
		systemd-socket-activate --accept --inetd -l "127.0.0.1:$PORT" \
			-E POSTERN_CONF -E ASAN_OPTIONS -E UBSAN_OPTIONS "$@" 2>>"$log" &
		;;
	*)
		echo "unknown launcher $launcher" >&2; return 1 ;;
	esac
	SERVER_PIDS+=($!)
	wait_listening "$PORT"
}

server_stop_all() {
	local pid
	for pid in "${SERVER_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	SERVER_PIDS=()
}

# Fail the test when a sanitizer spoke in a log file.
no_sanitizer_reports() {
	local f
	for f in "$@"; do
		[ -f "$f" ] || continue
		if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$f"; then
			cat "$f" >&2
			return 1
		fi
	done
}
