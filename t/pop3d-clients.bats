#!/usr/bin/env bats
# pop3d over real sockets (tcpserver, systemd-socket-activate) with real
# clients: Python's poplib, curl pop3://, fetchmail.

bats_require_minimum_version 1.5.0
load helpers
load pop3d-helpers

setup() {
	instance_setup
	pop3d_setup
	deliver 1000.M1P1.host 'From: a@example.org\nSubject: first\n\nhello\n.leading dot\n'
	deliver 1001.M1P1.host 'From: b@example.org\nSubject: second\n\nworld\n'
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$BATS_TEST_TMPDIR/server.log" "$LOG"
}

@test "pop3d clients: poplib USER/PASS session over tcpserver deletes at QUIT" {
	server_start tcpserver "$POP3D"
	run python3 - "$PORT" <<'PY'
import poplib, sys
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
assert p.getwelcome() == b'+OK mx.example.test POP3 server ready', p.getwelcome()
caps = p.capa()
assert 'UIDL' in caps and 'TOP' in caps and caps['SASL'] == ['PLAIN'], caps
p.user('joe@example.test')
p.pass_('secret')
assert p.stat() == (2, 107), p.stat()
resp, listing, _ = p.list()
assert listing == [b'1 60', b'2 47'], listing
resp, uids, _ = p.uidl()
assert uids == [b'1 1000.M1P1.host', b'2 1001.M1P1.host'], uids
resp, lines, octets = p.retr(1)
assert resp == b'+OK 60 octets', resp
assert lines == [b'From: a@example.org', b'Subject: first', b'', b'hello',
                 b'.leading dot'], lines
resp, lines, _ = p.top(2, 0)
assert lines == [b'From: b@example.org', b'Subject: second', b''], lines
p.dele(1)
assert p.quit() == b'+OK bye, 1 messages deleted'
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(ls "$MB/cur")" = "1001.M1P1.host:2," ]
	grep -q 'event=login user=joe@example.test client=127.0.0.1' "$BATS_TEST_TMPDIR/server.log"
}

@test "pop3d clients: poplib AUTH PLAIN over systemd-socket-activate" {
	server_start socket-activate env POSTERN_CONF="$CONF" ASAN_OPTIONS="$ASAN_OPTIONS" "$POP3D"
	run python3 - "$PORT" <<'PY'
import base64, poplib, sys
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
try:
    p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\0joe@example.test\0wrong').decode())
    raise SystemExit('wrong password accepted')
except poplib.error_proto as e:
    assert e.args[0] == b'-ERR [AUTH] authentication failed', e
resp = p._shortcmd('AUTH PLAIN ' + base64.b64encode(b'\0joe@example.test\0secret').decode())
assert resp == b'+OK 2 messages', resp
assert p.stat() == (2, 107)
p.quit()
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(ls "$MB/cur" | wc -l)" -eq 2 ]
}

@test "pop3d clients: a second session on the same mailbox gets [IN-USE]" {
	server_start tcpserver "$POP3D"
	run python3 - "$PORT" <<'PY'
import poplib, sys
port = int(sys.argv[1])
a = poplib.POP3('127.0.0.1', port, timeout=10)
a.user('joe@example.test'); a.pass_('secret')
b = poplib.POP3('127.0.0.1', port, timeout=10)
b.user('joe@example.test')
try:
    b.pass_('secret')
    raise SystemExit('second session got the mailbox')
except poplib.error_proto as e:
    assert e.args[0] == b'-ERR [IN-USE] mailbox is locked by another session', e
c = poplib.POP3('127.0.0.1', port, timeout=10)
c.user('ann@example.test'); c.pass_('annpass')      # another mailbox: fine
assert c.stat() == (0, 0)
c.quit()
a.dele(2)
a.quit()
b.user('joe@example.test'); b.pass_('secret')       # free again
assert b.stat() == (1, 60), b.stat()
b.quit()
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(ls "$MB/cur")" = "1000.M1P1.host:2," ]
}

@test "pop3d clients: -T under tcpserver allows logins without plaintextauth" {
	control plaintextauth 0
	server_start tcpserver "$POP3D" -T
	run python3 - "$PORT" <<'PY'
import poplib, sys
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
p.user('joe@example.test'); p.pass_('secret')
assert p.stat()[0] == 2
p.quit()
PY
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "pop3d clients: curl pop3:// lists, retrieves, and deletes" {
	server_start tcpserver "$POP3D"
	run curl -sS --max-time 10 -u joe@example.test:secret "pop3://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	[ "$output" = $'1 60\r\n2 47\r' ]
	run curl -sS --max-time 10 -u joe@example.test:secret "pop3://127.0.0.1:$PORT/1"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'From: a@example.org\r\nSubject: first\r\n\r\nhello\r\n.leading dot\r')" ]
	run curl -sS --max-time 10 -u joe@example.test:secret --login-options AUTH=PLAIN -X UIDL "pop3://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	[ "$output" = $'1 1000.M1P1.host\r\n2 1001.M1P1.host\r' ]
	run curl -sS --max-time 10 -u joe@example.test:secret -X DELE -I "pop3://127.0.0.1:$PORT/2"
	[ "$status" -eq 0 ]
	[ "$(ls "$MB/cur")" = "1000.M1P1.host:2,S" ]       # RETRieved: Seen
	run curl -sS --max-time 10 -u joe@example.test:wrong "pop3://127.0.0.1:$PORT/"
	[ "$status" -ne 0 ]
}

@test "pop3d clients: fetchmail fetches into a local mbox and deletes on the server" {
	server_start socket-activate env POSTERN_CONF="$CONF" ASAN_OPTIONS="$ASAN_OPTIONS" "$POP3D"
	mbox="$BATS_TEST_TMPDIR/mbox"
	rc="$BATS_TEST_TMPDIR/fetchmailrc"
	cat > "$rc" <<EOF
set no syslog
poll 127.0.0.1 service $PORT protocol POP3 auth password timeout 10
	user "joe@example.test" password "secret" is "$(id -un)" here
	sslproto '' no sslcertck
	fetchall nokeep
	mda "/bin/sh -c 'cat >> $mbox'"
EOF
	chmod 600 "$rc"
	run timeout 60 fetchmail -f "$rc" -i "$BATS_TEST_TMPDIR/fetchids" \
		--pidfile "$BATS_TEST_TMPDIR/fetchmail.pid" --nosyslog -v
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^Subject: first$' "$mbox"
	grep -q '^Subject: second$' "$mbox"
	grep -q '^\.leading dot$' "$mbox"
	[ -z "$(find "$MB/cur" "$MB/new" -type f)" ]
	# nothing left: a second run finds no mail (fetchmail exits 1)
	run timeout 60 fetchmail -f "$rc" -i "$BATS_TEST_TMPDIR/fetchids" \
		--pidfile "$BATS_TEST_TMPDIR/fetchmail.pid" --nosyslog
	[ "$status" -eq 1 ]
}
