#!/usr/bin/env bats
# pop3d through pipes: RFC 1939 / 2449 / 5034 protocol detail and bad input.

bats_require_minimum_version 1.5.0
load helpers
load pop3d-helpers

setup() {
	instance_setup
	pop3d_setup
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG"
}

@test "pop3d: greeting and CAPA with plaintext allowed" {
	pop 'CAPA\r\nQUIT\r\n'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "+OK mx.example.test POP3 server ready" ]
	[ "${lines[1]}" = "+OK capability list follows" ]
	[ "$(printf '%s\n' "${lines[@]:2:9}")" = "$(printf '%s\n' TOP UIDL RESP-CODES AUTH-RESP-CODE PIPELINING 'IMPLEMENTATION postern' USER 'SASL PLAIN' .)" ]
	[ "${lines[11]}" = "+OK bye" ]
	[ "${#lines[@]}" -eq 12 ]
}

@test "pop3d: replies end in CRLF and the greeting comes first" {
	printf 'NOOP\r\nQUIT\r\n' | "$POP3D" > "$BATS_TEST_TMPDIR/raw" 2>/dev/null
	printf '+OK mx.example.test POP3 server ready\r\n-ERR command not valid in this state\r\n+OK bye\r\n' > "$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/raw" "$BATS_TEST_TMPDIR/want"
}

@test "pop3d: unencrypted link without plaintextauth: no USER, no PLAIN, logins refused" {
	control plaintextauth 0
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	before=$(snap)
	pop 'CAPA\r\nUSER joe@example.test\r\nPASS secret\r\nAUTH PLAIN AGpvZUBleGFtcGxlLnRlc3QAc2VjcmV0\r\nAUTH\r\nQUIT\r\n'
	[ "$status" -eq 0 ]
	! printf '%s\n' "${lines[@]}" | grep -qE '^(USER|SASL)'
	[ "${lines[9]}" = "-ERR [AUTH] plaintext authentication is not allowed on an unencrypted link" ]
	[ "${lines[10]}" = "${lines[9]}" ]
	[ "${lines[11]}" = "${lines[9]}" ]
	[ "${lines[12]}" = "+OK mechanisms follow" ]
	[ "${lines[13]}" = "." ]
	[ "$(snap)" = "$before" ]
}

@test "pop3d: -T and SSL_PROTOCOL mark the link encrypted" {
	control plaintextauth 0
	pop_args=(-T)
	pop 'CAPA\r\nUSER joe@example.test\r\nPASS secret\r\nQUIT\r\n'
	pop_args=()
	[ "${lines[8]}" = "USER" ]
	[ "${lines[9]}" = "SASL PLAIN" ]
	[ "${lines[12]}" = "+OK 0 messages" ]
	SSL_PROTOCOL=TLSv1.3 pop 'USER joe@example.test\r\nPASS secret\r\nQUIT\r\n'
	[ "${lines[2]}" = "+OK 0 messages" ]
}

@test "pop3d: usage error exits 64" {
	run "$POP3D" -x
	[ "$status" -eq 64 ]
	run "$POP3D" extra
	[ "$status" -eq 64 ]
}

@test "pop3d: USER/PASS login moves new/ to cur/ with :2, and STAT counts CRLF octets" {
	deliver 1000.M1P1.host 'Subject: a\n\nhello\n'
	deliver 1001.M1P1.host 'Subject: b\r\n\r\nbody\r\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r\n'
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "+OK send PASS" ]
	[ "${lines[2]}" = "+OK 2 messages" ]
	[ "${lines[3]}" = "+OK 2 41" ]
	[ "${lines[4]}" = "+OK bye, 0 messages deleted" ]
	[ -f "$MB/cur/1000.M1P1.host:2," ]
	[ -f "$MB/cur/1001.M1P1.host:2," ]
	[ -z "$(ls "$MB/new")" ]
	grep -q 'event=login user=joe@example.test' "$LOG"
}

@test "pop3d: user name is matched without regard to case" {
	pop 'USER JOE@Example.Test\r\nPASS secret\r\nQUIT\r\n'
	[ "${lines[2]}" = "+OK 0 messages" ]
}

@test "pop3d: wrong password is refused after a delay and touches nothing" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	before=$(snap)
	start=$(date +%s%N)
	pop 'USER joe@example.test\r\nPASS wrong\r\nSTAT\r\nUSER nobody@example.test\r\nPASS secret\r\nQUIT\r\n'
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "${lines[2]}" = "-ERR [AUTH] authentication failed" ]
	[ "${lines[3]}" = "-ERR command not valid in this state" ]
	[ "${lines[5]}" = "-ERR [AUTH] authentication failed" ]
	[ "${lines[6]}" = "+OK bye" ]
	[ "$elapsed" -ge 2000 ]
	[ "$(snap)" = "$before" ]
	grep -q 'event=login-failed user=joe@example.test' "$LOG"
}

@test "pop3d: three failed logins close the connection" {
	pop 'USER joe@example.test\r\nPASS a\r\nUSER joe@example.test\r\nPASS b\r\nAUTH PLAIN AGpvZUBleGFtcGxlLnRlc3QAYw==\r\nUSER joe@example.test\r\nPASS secret\r\n'
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = "-ERR [AUTH] authentication failed" ]
	[ "${lines[4]}" = "-ERR [AUTH] authentication failed" ]
	[ "${lines[5]}" = "-ERR [AUTH] authentication failed, closing" ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "pop3d: PASS without USER, USER with bad arguments" {
	pop 'PASS secret\r\nUSER\r\nUSER a b\r\nQUIT\r\n'
	[ "${lines[1]}" = "-ERR give USER first" ]
	[ "${lines[2]}" = "-ERR syntax error in arguments" ]
	[ "${lines[3]}" = "-ERR syntax error in arguments" ]
	[ "${lines[4]}" = "+OK bye" ]
}

@test "pop3d: AUTH PLAIN with an initial response" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	pop "AUTH PLAIN $(plain joe@example.test secret)\r\nSTAT\r\nAUTH PLAIN x\r\nQUIT\r\n"
	[ "${lines[1]}" = "+OK 1 messages" ]
	[ "${lines[2]}" = "+OK 1 17" ]
	[ "${lines[3]}" = "-ERR command not valid in this state" ]
	[ "${lines[4]}" = "+OK bye, 0 messages deleted" ]
}

@test "pop3d: AUTH PLAIN with an empty challenge, and with an authzid" {
	pop "AUTH plain\r\n$(plain joe@example.test secret joe@example.test)\r\nQUIT\r\n"
	[ "${lines[1]}" = "+ " ]
	[ "${lines[2]}" = "+OK 0 messages" ]
}

@test "pop3d: AUTH cancelled with *, unknown mechanism, mechanism list" {
	pop 'AUTH PLAIN\r\n*\r\nAUTH CRAM-MD5\r\nAUTH LOGIN dXNlcg==\r\nAUTH\r\nQUIT\r\n'
	[ "${lines[1]}" = "+ " ]
	[ "${lines[2]}" = "-ERR authentication cancelled" ]
	[ "${lines[3]}" = "-ERR unsupported authentication mechanism" ]
	[ "${lines[4]}" = "-ERR unsupported authentication mechanism" ]
	[ "${lines[5]}" = "+OK mechanisms follow" ]
	[ "${lines[6]}" = "PLAIN" ]
	[ "${lines[7]}" = "." ]
	[ "${lines[8]}" = "+OK bye" ]
}

@test "pop3d: AUTH PLAIN with bad base64, an empty response, another authzid" {
	pop "AUTH PLAIN =\r\nAUTH PLAIN !!!!\r\nAUTH PLAIN $(plain joe@example.test secret other@example.test)\r\n"
	[ "${lines[1]}" = "-ERR [AUTH] authentication failed" ]
	[ "${lines[2]}" = "-ERR [AUTH] authentication failed" ]
	[ "${lines[3]}" = "-ERR [AUTH] authentication failed, closing" ]
}

@test "pop3d: AUTH PLAIN syntax: empty or extra initial response" {
	pop 'AUTH PLAIN \r\nAUTH PLAIN a b\r\nQUIT\r\n'
	[ "${lines[1]}" = "-ERR syntax error in arguments" ]
	[ "${lines[2]}" = "-ERR syntax error in arguments" ]
	[ "${lines[3]}" = "+OK bye" ]
}

@test "pop3d: RETR sends CRLF lines, byte-stuffs, ends a last partial line; size matches" {
	deliver 1000.M1P1.host 'Subject: a\n\nhello\n.dot\n..two\n.\nlast'
	pop 'USER joe@example.test\r\nPASS secret\r\nLIST 1\r\nRETR 1\r\nQUIT\r\n'
	[ "${lines[3]}" = "+OK 1 43" ]
	printf 'USER joe@example.test\r\nPASS secret\r\nRETR 1\r\nQUIT\r\n' | "$POP3D" 2>/dev/null > "$BATS_TEST_TMPDIR/raw"
	printf '+OK mx.example.test POP3 server ready\r\n+OK send PASS\r\n+OK 1 messages\r\n+OK 43 octets\r\nSubject: a\r\n\r\nhello\r\n..dot\r\n...two\r\n..\r\nlast\r\n.\r\n+OK bye, 0 messages deleted\r\n' > "$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/raw" "$BATS_TEST_TMPDIR/want"
	# 42 = the message as sent, stuffing dots not counted (RFC 1939 §11)
	[ "$(printf 'Subject: a\r\n\r\nhello\r\n.dot\r\n..two\r\n.\r\nlast\r\n' | wc -c)" -eq 43 ]
}

@test "pop3d: CRLF already in the file is not doubled; a bare CR is kept" {
	deliver 1000.M1P1.host 'A: b\r\n\r\nx\ry\r\n'
	printf 'USER joe@example.test\r\nPASS secret\r\nRETR 1\r\n' | "$POP3D" 2>/dev/null | tail -n +4 > "$BATS_TEST_TMPDIR/raw"
	printf '+OK 13 octets\r\nA: b\r\n\r\nx\ry\r\n.\r\n' > "$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/raw" "$BATS_TEST_TMPDIR/want"
}

@test "pop3d: a large message streams intact and LIST agrees with RETR" {
	python3 -c '
import sys
for i in range(20000): sys.stdout.write(("." if i % 7 == 0 else "") + "line %d of a long message\n" % i)
' > "$MB/new/1000.M1P1.host"
	printf 'USER joe@example.test\r\nPASS secret\r\nLIST 1\r\nRETR 1\r\nQUIT\r\n' | "$POP3D" 2>/dev/null > "$BATS_TEST_TMPDIR/raw"
	python3 - "$BATS_TEST_TMPDIR/raw" "$MB/cur/1000.M1P1.host:2,S" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read()
stored = open(sys.argv[2], 'rb').read()
lines = raw.split(b'\r\n')
size = int(lines[3].split()[2])
assert lines[4] == b'+OK %d octets' % size, lines[4]
body = raw.split(b'octets\r\n', 1)[1].rsplit(b'\r\n.\r\n+OK bye', 1)[0] + b'\r\n'
unstuffed = b'\r\n'.join(l[1:] if l.startswith(b'.') else l for l in body.split(b'\r\n'))
assert unstuffed == stored.replace(b'\n', b'\r\n'), 'content differs'
assert len(unstuffed) == size, (len(unstuffed), size)
PY
}

@test "pop3d: TOP sends the header, the blank line and n body lines" {
	deliver 1000.M1P1.host 'From: a\nSubject: b\n\none\n.two\nthree\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nTOP 1 0\r\nTOP 1 2\r\nTOP 1 99\r\nQUIT\r\n'
	[ "$(printf '%s|' "${lines[@]:3:5}")" = "+OK top of message follows|From: a|Subject: b||.|" ]
	[ "$(printf '%s|' "${lines[@]:8:7}")" = "+OK top of message follows|From: a|Subject: b||one|..two|.|" ]
	[ "$(printf '%s|' "${lines[@]:15:8}")" = "+OK top of message follows|From: a|Subject: b||one|..two|three|.|" ]
}

@test "pop3d: TOP with bad arguments" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nTOP\r\nTOP 1\r\nTOP 1 x\r\nTOP 1 -1\r\nTOP 2 1\r\nTOP 1 1 1\r\nQUIT\r\n'
	[ "${lines[3]}" = "-ERR syntax error in arguments" ]
	[ "${lines[4]}" = "-ERR syntax error in arguments" ]
	[ "${lines[5]}" = "-ERR syntax error in arguments" ]
	[ "${lines[6]}" = "-ERR syntax error in arguments" ]
	[ "${lines[7]}" = "-ERR no such message" ]
	[ "${lines[8]}" = "-ERR syntax error in arguments" ]
}

@test "pop3d: LIST and UIDL, one and all; messages in delivery order" {
	deliver 1000000002.M1P1.host 'Subject: later\n\n'
	deliver 999999999.M1P1.host 'Subject: first\n\nxx\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nLIST\r\nLIST 2\r\nUIDL\r\nUIDL 1\r\nQUIT\r\n'
	[ "$(printf '%s|' "${lines[@]:3:4}")" = "+OK 2 messages|1 22|2 18|.|" ]
	[ "${lines[7]}" = "+OK 2 18" ]
	[ "$(printf '%s|' "${lines[@]:8:4}")" = "+OK unique-id listing follows|1 999999999.M1P1.host|2 1000000002.M1P1.host|.|" ]
	[ "${lines[12]}" = "+OK 1 999999999.M1P1.host" ]
}

@test "pop3d: DELE hides a message; deletion happens at QUIT and cur/ keeps the rest" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	deliver 1001.M1P1.host 'Subject: b\n\nyy\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nDELE 1\r\nDELE 1\r\nRETR 1\r\nTOP 1 0\r\nLIST 1\r\nUIDL 1\r\nSTAT\r\nLIST\r\nUIDL\r\nQUIT\r\n'
	[ "${lines[3]}" = "+OK message 1 deleted" ]
	for i in 4 5 6 7 8; do
		[ "${lines[$i]}" = "-ERR message is marked deleted" ]
	done
	[ "${lines[9]}" = "+OK 1 18" ]
	[ "$(printf '%s|' "${lines[@]:10:3}")" = "+OK 1 messages|2 18|.|" ]
	[ "$(printf '%s|' "${lines[@]:13:3}")" = "+OK unique-id listing follows|2 1001.M1P1.host|.|" ]
	[ "${lines[16]}" = "+OK bye, 1 messages deleted" ]
	[ "$(ls "$MB/cur")" = "1001.M1P1.host:2," ]
	grep -q 'event=logout user=joe@example.test retrieved=0 deleted=1 failed=0' "$LOG"
}

@test "pop3d: RSET undoes DELE" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nDELE 1\r\nRSET\r\nSTAT\r\nRSET x\r\nQUIT\r\n'
	[ "${lines[4]}" = "+OK 1 messages" ]
	[ "${lines[5]}" = "+OK 1 17" ]
	[ "${lines[6]}" = "-ERR syntax error in arguments" ]
	[ "${lines[7]}" = "+OK bye, 0 messages deleted" ]
	[ -f "$MB/cur/1000.M1P1.host:2," ]
}

@test "pop3d: a dropped connection deletes nothing" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nDELE 1\r\n'
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = "+OK message 1 deleted" ]
	[ -f "$MB/cur/1000.M1P1.host:2," ]
	grep -q 'event=disconnect' "$LOG"
}

@test "pop3d: message numbers out of range, malformed, or with extra arguments" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nRETR\r\nRETR 0\r\nRETR 2\r\nRETR x\r\nRETR -1\r\nRETR +1\r\nRETR 1 2\r\nRETR  1\r\nLIST 99999999999999999999999\r\nDELE 2\r\nUIDL 0\r\nSTAT x\r\nNOOP x\r\nQUIT x\r\nNOOP\r\nQUIT\r\n'
	want=(
		"-ERR syntax error in arguments"
		"-ERR no such message"
		"-ERR no such message"
		"-ERR syntax error in arguments"
		"-ERR syntax error in arguments"
		"-ERR syntax error in arguments"
		"-ERR syntax error in arguments"
		"-ERR syntax error in arguments"
		"-ERR no such message"
		"-ERR no such message"
		"-ERR no such message"
		"-ERR syntax error in arguments"
		"-ERR syntax error in arguments"
		"-ERR syntax error in arguments"
		"+OK"
		"+OK bye, 0 messages deleted"
	)
	for i in "${!want[@]}"; do
		[ "${lines[$((i + 3))]}" = "${want[$i]}" ]
	done
	[ -f "$MB/cur/1000.M1P1.host:2," ]
}

@test "pop3d: unknown commands and commands in the wrong state" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	before=$(snap)
	pop 'HELO\r\nXY\r\nRETRIEVE 1\r\n\r\nSTAT\r\nLIST\r\nRETR 1\r\nDELE 1\r\nRSET\r\nNOOP\r\nUIDL\r\nTOP 1 1\r\nAPOP joe@example.test 0123456789abcdef0123456789abcdef\r\nQUIT\r\n'
	for i in 1 2 3 4 13; do
		[ "${lines[$i]}" = "-ERR unknown command" ]
	done
	for i in 5 6 7 8 9 10 11 12; do
		[ "${lines[$i]}" = "-ERR command not valid in this state" ]
	done
	[ "${lines[14]}" = "+OK bye" ]
	[ "$(snap)" = "$before" ]
	pop 'USER joe@example.test\r\nPASS secret\r\nUSER joe@example.test\r\nPASS secret\r\nAUTH PLAIN\r\nquit\r\n'
	[ "${lines[3]}" = "-ERR command not valid in this state" ]
	[ "${lines[4]}" = "-ERR command not valid in this state" ]
	[ "${lines[5]}" = "-ERR command not valid in this state" ]
	[ "${lines[6]}" = "+OK bye, 0 messages deleted" ]
}

@test "pop3d: verbs are case-insensitive" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	pop 'user joe@example.test\r\npass secret\r\nStAt\r\ndele 1\r\nquit\r\n'
	[ "${lines[3]}" = "+OK 1 17" ]
	[ "${lines[4]}" = "+OK message 1 deleted" ]
	[ -z "$(ls "$MB/cur")" ]
}

@test "pop3d: an over-long line (over 255 octets) is refused once and skipped" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	long=$(head -c 300 /dev/zero | tr '\0' 'A')
	ok=$(head -c 253 /dev/zero | tr '\0' 'B')
	before=$(snap)
	pop "USER $long\r\nDELE 1 $long\r\n${ok}\r\nQUIT\r\n"
	[ "${lines[1]}" = "-ERR line too long" ]
	[ "${lines[2]}" = "-ERR line too long" ]
	[ "${lines[3]}" = "-ERR unknown command" ]
	[ "${lines[4]}" = "+OK bye" ]
	[ "${#lines[@]}" -eq 5 ]
	[ "$(snap)" = "$before" ]
}

@test "pop3d: a NUL or a bare CR voids the command" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nDELE\000 1\r\nDELE 1\rX\r\nSTAT\r\n'
	[ "${lines[3]}" = "-ERR malformed command line" ]
	[ "${lines[4]}" = "-ERR malformed command line" ]
	[ "${lines[5]}" = "+OK 1 17" ]
	[ -f "$MB/cur/1000.M1P1.host:2," ]
}

@test "pop3d: too many bad commands close the connection" {
	pop "$(for i in $(seq 1 25); do printf 'BAD\\r\\n'; done)QUIT\r\n"
	[ "${lines[20]}" = "-ERR unknown command" ]
	[ "${lines[21]}" = "-ERR too many errors, closing" ]
	[ "${#lines[@]}" -eq 22 ]
	grep -q 'event=too-many-errors' "$LOG"
}

@test "pop3d: silence past timeout closes without a reply and deletes nothing" {
	control pop3timeout 1
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	fifo="$BATS_TEST_TMPDIR/in"
	mkfifo "$fifo"
	timeout 10 "$POP3D" < "$fifo" > "$BATS_TEST_TMPDIR/out" 2>"$LOG" &
	pid=$!
	exec 4>"$fifo"
	printf 'USER joe@example.test\r\nPASS secret\r\nDELE 1\r\n' >&4
	start=$SECONDS
	wait "$pid"
	rc=$?
	exec 4>&-
	[ "$rc" -eq 0 ]
	[ $((SECONDS - start)) -le 4 ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = $'+OK message 1 deleted\r' ]
	[ -f "$MB/cur/1000.M1P1.host:2," ]
	grep -q 'event=timeout' "$LOG"
}

@test "pop3d: a second session on a locked mailbox gets -ERR [IN-USE]" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	fifo="$BATS_TEST_TMPDIR/in"
	mkfifo "$fifo"
	timeout 10 "$POP3D" < "$fifo" > "$BATS_TEST_TMPDIR/out" 2>/dev/null &
	pid=$!
	exec 4>"$fifo"
	printf 'USER joe@example.test\r\nPASS secret\r\n' >&4
	wait_for_line "$BATS_TEST_TMPDIR/out" '+OK 1 messages'
	pop 'USER joe@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r\n'
	[ "${lines[2]}" = "-ERR [IN-USE] mailbox is locked by another session" ]
	[ "${lines[3]}" = "-ERR command not valid in this state" ]
	grep -q 'event=login-in-use' "$LOG"
	printf 'QUIT\r\n' >&4
	exec 4>&-
	wait "$pid"
	pop 'USER joe@example.test\r\nPASS secret\r\nQUIT\r\n'
	[ "${lines[2]}" = "+OK 1 messages" ]
}

@test "pop3d: a message renamed by another process is still found; a vanished one gives -ERR" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	deliver 1001.M1P1.host 'Subject: b\n\ny\n'
	deliver 1002.M1P1.host 'Subject: c\n\nz\n'
	fifo="$BATS_TEST_TMPDIR/in"
	mkfifo "$fifo"
	timeout 10 "$POP3D" < "$fifo" > "$BATS_TEST_TMPDIR/out" 2>/dev/null &
	pid=$!
	exec 4>"$fifo"
	printf 'USER joe@example.test\r\nPASS secret\r\n' >&4
	wait_for_line "$BATS_TEST_TMPDIR/out" '+OK 3 messages'
	mv "$MB/cur/1000.M1P1.host:2," "$MB/cur/1000.M1P1.host:2,S"
	mv "$MB/cur/1001.M1P1.host:2," "$MB/cur/1001.M1P1.host:2,FS"
	rm "$MB/cur/1002.M1P1.host:2,"
	printf 'RETR 1\r\nUIDL 1\r\nRETR 3\r\nLIST 3\r\nDELE 1\r\nDELE 2\r\nDELE 3\r\nQUIT\r\n' >&4
	exec 4>&-
	wait "$pid"
	tr -d '\r' < "$BATS_TEST_TMPDIR/out" > "$BATS_TEST_TMPDIR/text"
	run --keep-empty-lines cat "$BATS_TEST_TMPDIR/text"
	[ "${lines[3]}" = "+OK 17 octets" ]
	[ "${lines[4]}" = "Subject: a" ]
	[ "${lines[8]}" = "+OK 1 1000.M1P1.host" ]
	[ "${lines[9]}" = "-ERR message is no longer in the mailbox" ]
	[ "${lines[10]}" = "-ERR message is no longer in the mailbox" ]
	[ "${lines[14]}" = "+OK bye, 3 messages deleted" ]
	[ -z "$(ls "$MB/cur")" ]
}

@test "pop3d: UIDL is stable across sessions and flag changes; long names are hashed" {
	long="1000.M1P1.$(head -c 80 /dev/zero | tr '\0' 'h')"
	deliver "$long" 'Subject: a\n\nx\n'
	deliver 1001.M1P1.host 'Subject: b\n\ny\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nUIDL\r\nQUIT\r\n'
	first=$(printf '%s|' "${lines[@]:3:4}")
	[[ "${lines[4]}" =~ ^1\ H[0-9a-f]{32}$ ]]
	[ "${lines[5]}" = "2 1001.M1P1.host" ]
	mv "$MB/cur/$long:2," "$MB/cur/$long:2,S"
	mv "$MB/cur/1001.M1P1.host:2," "$MB/cur/1001.M1P1.host:2,RS"
	pop 'USER joe@example.test\r\nPASS secret\r\nUIDL\r\nQUIT\r\n'
	[ "$(printf '%s|' "${lines[@]:3:4}")" = "$first" ]
}

@test "pop3d: hidden files, folders and the store's files are not messages" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	mkdir -p "$MB/.Sent/cur" "$MB/.pop3.lock/cur" "$MB/cur/subdir"
	printf 'junk\n' > "$MB/cur/.hidden"
	printf 'junk\n' > "$MB/new/.hidden"
	mkdir "$MB/new/dir"
	toolong="1000.M2P1.$(head -c 245 /dev/zero | tr '\0' 'h')"   # 255: no room for ":2,"
	printf 'Subject: x\n\n' > "$MB/new/$toolong"
	pop 'USER joe@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r\n'
	[ "${lines[3]}" = "+OK 1 17" ]
	[ -f "$MB/postern-lock" ] && [ -f "$MB/postern-index" ]
	[ ! -e "$MB/postern-pop3.lock" ]
	[ -f "$MB/new/.hidden" ]
	[ -d "$MB/new/dir" ]
	[ -f "$MB/new/$toolong" ]
}

@test "pop3d: a Dovecot-style ,W= size in the name is the CRLF size" {
	printf 'Subject: a\n\nx\n' > "$MB/cur/1000.M1P1.host,S=15,W=18:2,S"
	pop 'USER joe@example.test\r\nPASS secret\r\nLIST 1\r\nUIDL 1\r\nQUIT\r\n'
	[ "${lines[3]}" = "+OK 1 18" ]
	[ "${lines[4]}" = "+OK 1 1000.M1P1.host,S=15,W=18" ]
}

@test "pop3d: a missing Maildir is created at login" {
	rm -rf "$MB"
	pop 'USER joe@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r\n'
	[ "${lines[2]}" = "+OK 0 messages" ]
	[ "${lines[3]}" = "+OK 0 0" ]
	[ -d "$MB/cur" ] && [ -d "$MB/new" ] && [ -d "$MB/tmp" ]
}

@test "pop3d: an unreadable users file is a temporary failure" {
	rm "$CONF/users"
	mkdir "$CONF/users"
	pop 'USER joe@example.test\r\nPASS secret\r\nQUIT\r\n'
	[ "${lines[2]}" = "-ERR [SYS/TEMP] temporary failure, try again later" ]
	[ "${lines[3]}" = "+OK bye" ]
}

@test "pop3d: pipelined commands are answered in order in one go" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nNOOP\r\nQUIT\r\n'
	[ "${lines[3]}" = "+OK 1 17" ]
	[ "${lines[-2]}" = "+OK" ]
	[ "${lines[-1]}" = "+OK bye, 0 messages deleted" ]
	no_sanitizer_reports "$LOG"
}

@test "pop3d: a ,W= size in the name is used without reading the message; sizes computed are kept by the store" {
	deliver 1000.M1P1.host,S=15,W=1234 'Subject: a\n\nx\n'
	deliver 1001.M1P1.host 'Subject: b\n\nyy\n'
	pop 'USER joe@example.test\r\nPASS secret\r\nLIST\r\nSTAT\r\nQUIT\r\n'
	[ "$(printf '%s|' "${lines[@]:3:4}")" = "+OK 2 messages|1 1234|2 18|.|" ]
	[ "${lines[7]}" = "+OK 2 1252" ]
	# the size read is a "w" record of the store's change log, for the
	# next session (store.h); no file of pop3d's own
	grep -qx 'w 2 18' "$MB/postern-changes"
	[ -z "$(ls "$MB" | grep -v '^cur$\|^new$\|^tmp$\|^postern-index$\|^postern-lock$\|^postern-uidvalidity$\|^postern-changes$\|^postern-recent$')" ]
	printf 'Subject: b\n\nchanged behind our back\n' > "$MB/cur/1001.M1P1.host:2,"
	pop 'USER joe@example.test\r\nPASS secret\r\nLIST 2\r\nQUIT\r\n'
	[ "${lines[3]}" = "+OK 2 18" ]
}

@test "pop3d: stuffing and CRLF are right across the 64 KB read boundary" {
	python3 - "$MB/new" <<'PY'
import sys
d = sys.argv[1]
line = b"a" * 99 + b"\n"                       # 100 octets
fill = line * 655 + b"b" * 35 + b"\n"          # 65536 octets: next line starts at 64 KB
open(d + "/1000.M1P1.host", "wb").write(fill + b".dot at the boundary\nend\n")
fill = line * 655 + b"b" * 35 + b"\r\n"        # CR is the last octet of the first chunk
open(d + "/1001.M1P1.host", "wb").write(fill[:65535] + b"\r\nend\n")
PY
	printf 'USER joe@example.test\r\nPASS secret\r\nLIST\r\nRETR 1\r\nRETR 2\r\nQUIT\r\n' | "$POP3D" 2>/dev/null > "$BATS_TEST_TMPDIR/raw"
	python3 - "$BATS_TEST_TMPDIR/raw" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
line = b"a" * 99 + b"\r\n"
m1 = line * 655 + b"b" * 35 + b"\r\n..dot at the boundary\r\nend\r\n"
m2 = line * 655 + b"b" * 35 + b"\r\nend\r\n"
assert b"1 %d\r\n2 %d\r\n" % (len(m1) - 1, len(m2)) in raw, raw[:200]
assert b"+OK %d octets\r\n" % (len(m1) - 1) + m1 + b".\r\n" in raw
assert b"+OK %d octets\r\n" % len(m2) + m2 + b".\r\n" in raw
PY
}

@test "pop3d: AUTH PLAIN continuation longer than a command line" {
	long=$(head -c 200 /dev/zero | tr '\0' 'p')
	add_user long@example.test "$long"
	resp=$(plain long@example.test "$long" long@example.test)
	[ "${#resp}" -gt 255 ]
	pop "AUTH PLAIN\r\n$resp\r\nQUIT\r\n"
	[ "${lines[1]}" = "+ " ]
	[ "${lines[2]}" = "+OK 0 messages" ]
	over=$(head -c 1100 /dev/zero | tr '\0' 'A')
	pop "AUTH PLAIN\r\n$over\r\nQUIT\r\n"
	[ "${lines[2]}" = "-ERR authentication response too long" ]
	[ "${lines[3]}" = "+OK bye" ]
}

@test "pop3d: a users-file entry that names no Maildir is refused" {
	add_user noat secret2
	add_user .dot@example.test secret3
	pop 'USER noat\r\nPASS secret2\r\nUSER .dot@example.test\r\nPASS secret3\r\nQUIT\r\n'
	[ "${lines[2]}" = "-ERR [SYS/PERM] no mailbox for this user" ]
	[ "${lines[4]}" = "-ERR [SYS/PERM] no mailbox for this user" ]
	[ "${lines[5]}" = "+OK bye" ]
	[ -z "$(find "$MAILROOT" -name '*noat*' -o -name '.dot')" ]
}

@test "pop3d: RETR and TOP of random messages agree with a reference encoder" {
	python3 - "$MB/new" "$BATS_TEST_TMPDIR/want" <<'PY'
import random, sys
random.seed(1939)
d, want = sys.argv[1], sys.argv[2]
pieces = [b"\n", b"\r\n", b"\r", b".", b"..", b"a", b"text ", b"\n.\n", b"\n\n"]
def wire(m):
    # LF not after CR becomes CRLF; a last line without LF gets CRLF
    out, prev = bytearray(), None
    for c in m:
        if c == 10 and prev != 13:
            out += b"\r"
        out.append(c)
        prev = c
    if m and not m.endswith(b"\n"):
        out += b"\r\n"
    return bytes(out)
def top(w, n):
    lines = w.split(b"\r\n")[:-1]       # w is empty or ends in CRLF
    if b"" not in lines:
        return w
    h = lines.index(b"")
    keep = lines[:h + 1 + n]
    return b"".join(l + b"\r\n" for l in keep)
def stuff(w):
    lines = [l + b"\r\n" for l in w.split(b"\r\n")[:-1]]
    return b"".join((b"." + l if l.startswith(b".") else l) for l in lines)
script, expect = [], []
for i in range(12):
    size = random.choice([0, 1, 100, 5000, 65535, 65536, 65537, 140000])
    m = b"Subject: %d\n\n" % i if i % 3 else b""
    while len(m) < size:
        m += random.choice(pieces) * random.randint(1, 40)
    m = m[:size] if size else m
    open("%s/%d.M%dP1.host" % (d, 1000 + i, i), "wb").write(m)
    w = wire(m)
    n = random.randint(0, 5)
    script.append(b"RETR %d\r\nTOP %d %d\r\n" % (i + 1, i + 1, n))
    expect.append(b"+OK %d octets\r\n" % len(w) + stuff(w) + b".\r\n")
    expect.append(b"+OK top of message follows\r\n" + stuff(top(w, n)) + b".\r\n")
open(want + ".in", "wb").write(b"USER joe@example.test\r\nPASS secret\r\n" + b"".join(script) + b"QUIT\r\n")
open(want, "wb").write(b"".join(expect))
PY
	"$POP3D" < "$BATS_TEST_TMPDIR/want.in" 2>/dev/null | tail -n +4 | head -n -1 > "$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
}

@test "pop3d: messages RETRieved and kept get the Seen flag at QUIT, and only then" {
	deliver 1000.M1P1.host 'Subject: a\n\nx\n'
	printf 'Subject: b\n\ny\n' > "$MB/cur/1001.M1P1.host:2,FR"
	printf 'Subject: c\n\nz\n' > "$MB/cur/1002.M1P1.host:2,Ta"
	printf 'Subject: d\n\nw\n' > "$MB/cur/1003.M1P1.host:2,RS"
	printf 'Subject: e\n\nv\n' > "$MB/cur/1004.M1P1.host:1,x"
	printf 'Subject: f\n\nu\n' > "$MB/cur/1005.M1P1.host:2,"
	pop 'USER joe@example.test\r\nPASS secret\r\nRETR 1\r\nRETR 2\r\nRETR 3\r\nRETR 4\r\nRETR 5\r\nTOP 6 1\r\n'
	[ "$(ls "$MB/cur" | tr '\n' ' ')" = "1000.M1P1.host:2, 1001.M1P1.host:2,FR 1002.M1P1.host:2,Ta 1003.M1P1.host:2,RS 1004.M1P1.host:1,x 1005.M1P1.host:2, " ]
	pop 'USER joe@example.test\r\nPASS secret\r\nUIDL 1\r\nRETR 1\r\nRETR 2\r\nRETR 3\r\nRETR 4\r\nRETR 5\r\nTOP 6 1\r\nDELE 4\r\nQUIT\r\n'
	[ "${lines[-1]}" = "+OK bye, 1 messages deleted" ]
	[ "$(ls "$MB/cur" | tr '\n' ' ')" = "1000.M1P1.host:2,S 1001.M1P1.host:2,FRS 1002.M1P1.host:2,STa 1004.M1P1.host:1,x 1005.M1P1.host:2, " ]
	pop 'USER joe@example.test\r\nPASS secret\r\nUIDL 1\r\nQUIT\r\n'
	[ "${lines[3]}" = "+OK 1 1000.M1P1.host" ]
}
