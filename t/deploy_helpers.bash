# t/deploy_helpers.bash - shared by the t/deploy-*.bats files (after
# `load helpers`). They run the installed programs as an unprivileged user,
# the way a real deployment does, so most of them need root (skipped
# otherwise).
#
# deploy_setup_file     (in setup_file) the test user, a world-traversable
#                       base directory, and `scripts/install` into
#                       $BASE/usr (PREFIX), so that every example config
#                       names the programs there. Exports BASE SBIN SHARE.
# deploy_teardown_file  removes them (the user only if this file made it)
# deploy_instance       (in setup) postern-setup for a fresh control dir,
#                       spool and mailroot under $BASE; sets CONF SPOOL
#                       MAILROOT POSTERN_CONF, a local domain example.test
#                       and the user alice@example.test, password "secret"
# need_root, need_program NAME, bg LOG CMD..., session_uids PORT COMM
#
# The test user's name is unique to the run (several suites may run at
# once on one machine), and only this run's processes are looked at.

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (creates a user, runs servers as it)"
}

deploy_setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	BASE=$(mktemp -d /tmp/postern-deploy.XXXXXX)
	chmod 755 "$BASE"
	DEPLOY_USER="pstdeploy$$"
	export DEPLOY_USER
	if ! getent passwd "$DEPLOY_USER" >/dev/null; then
		useradd --system --user-group --no-create-home \
			--shell /usr/sbin/nologin "$DEPLOY_USER"
		touch "$BASE/.user-made-here"
	fi
	"$TOP/scripts/install" "" "$BASE/usr" >/dev/null
	SBIN="$BASE/usr/sbin" SHARE="$BASE/usr/share/postern"
	export BASE SBIN SHARE
}

deploy_teardown_file() {
	[ -n "${BASE:-}" ] && [ -d "$BASE" ] || return 0
	if [ -e "$BASE/.user-made-here" ]; then
		userdel "$DEPLOY_USER" 2>/dev/null
		getent group "$DEPLOY_USER" >/dev/null && groupdel "$DEPLOY_USER" 2>/dev/null
	fi
	rm -rf "$BASE"
}

deploy_instance() {
	need_root
	SERVER_PIDS=()
	local d="$BASE/i$BATS_TEST_NUMBER"
	"$TOP/scripts/postern-setup" --user "$DEPLOY_USER" --conf "$d/conf" \
		--spool "$d/spool" --mailroot "$d/mailroot" >/dev/null
	CONF="$d/conf" SPOOL="$d/spool" MAILROOT="$d/mailroot"
	LOGDIR="$d/log"
	mkdir -p "$LOGDIR"
	export POSTERN_CONF="$CONF" CONF SPOOL MAILROOT LOGDIR
	control me mx.example.test
	control domains example.test
	add_user alice@example.test secret
	DEPLOY_UID=$(id -u "$DEPLOY_USER")
}

need_program() {
	[ -x "$SBIN/$1" ] || skip "$1 is not built yet"
}

# bg LOG CMD...: start CMD in the background, its output into LOG, to be
# stopped by server_stop_all. CMD must exec the daemon (so $! is it).
# (fds 3 to 5 closed: tlswrapper -n needs 5 free, and takes it itself when
# 3 and 4 are open.)
bg() {
	local log=$1; shift
	"$@" >>"$log" 2>&1 3>&- 4>&- 5>&- &
	SERVER_PIDS+=($!)
}

# session_uids PORT COMM [tls]: the uids of the running processes named
# COMM that belong to this test (their POSTERN_CONF is $CONF), sorted and
# unique, while a connection to PORT (over TLS with "tls") is open, after
# its greeting, which is printed first.
session_uids() {
	python3 - "$1" "$2" "${3:-}" "$CONF" <<'PY'
import os, socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
if sys.argv[3] == "tls":
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(s)
greeting = s.recv(1000).decode(errors="replace").splitlines()
print(greeting[0] if greeting else "(nothing)")
mine = ("POSTERN_CONF=" + sys.argv[4]).encode()
uids = set()
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open("/proc/%s/comm" % pid) as f:
            if f.read().strip() != sys.argv[2]:
                continue
        with open("/proc/%s/environ" % pid, "rb") as f:
            if mine not in f.read().split(b"\0"):
                continue
        uids.add(str(os.stat("/proc/%s" % pid).st_uid))
    except OSError:
        pass
print(" ".join(sorted(uids)) or "(none)")
s.close()
PY
}

# Mode and owner of a path as "MODE USER:GROUP".
mode_owner() {
	stat -c '%a %U:%G' "$1"
}

# Put a message for alice into her Maildir, owned by the mail user.
deliver_to_alice() {
	local box="$MAILROOT/example.test/alice" f
	mkdir -p "$box/cur" "$box/new" "$box/tmp"
	f="$box/new/1700000000.P1Q1.deploy"
	printf 'From: bob@example.test\nTo: alice@example.test\nSubject: %s\n\nHello Alice.\n' \
		"${1:-deploy test}" > "$f"
	chown -R "$DEPLOY_USER:$DEPLOY_USER" "$MAILROOT/example.test"
	chmod -R go-rwx "$MAILROOT/example.test"
}

# raw_session PORT BYTES: send BYTES (printf escapes, e.g. 'NOOP\r\n') to
# 127.0.0.1:PORT and print everything the server sends until it closes,
# CRs removed: the raw stream, to prove nothing but replies is on it.
raw_session() {
	python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode('unicode_escape').encode('latin-1'))
data = b''
while True:
    b = s.recv(4096)
    if not b:
        break
    data += b
print(data.decode(errors='replace').replace('\r', ''), end='')
PY
}
