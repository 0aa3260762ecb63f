#!/usr/bin/env bats
# smtpd through pipes: the dialogue of RFC 5321, reply by reply.

load helpers
load smtpd-helpers

setup() { smtpd_setup; }
teardown() { smtpd_teardown; }

@test "greeting, EHLO keywords and QUIT" {
	dialog <<'EOF'
EHLO client.test
QUIT
EOF
	[ "$DIALOG_STATUS" -eq 0 ]
	diff -u - "$OUT" <<'EOF'
220 mx.example.test ESMTP postern
250-mx.example.test
250-PIPELINING
250-SIZE 36700160
250-8BITMIME
250-ENHANCEDSTATUSCODES
250-SMTPUTF8
250-CHUNKING
250-BINARYMIME
250-DSN
250 HELP
221 2.0.0 mx.example.test Bye
EOF
}

@test "HELO, NOOP, RSET, VRFY, HELP, EXPN" {
	dialog <<'EOF'
HELO client.test
NOOP
RSET
VRFY bob
VRFY
HELP
EXPN list
RSET now
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" \
		"250 mx.example.test" \
		"250 2.0.0 Ok" \
		"250 2.0.0 Ok" \
		"252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery" \
		"501 5.5.4 Syntax error in parameters or arguments" \
		"214 2.0.0 End of HELP info" \
		"502 5.5.1 Error: command not implemented" \
		"501 5.5.4 Syntax error in parameters or arguments" \
		"221 2.0.0 mx.example.test Bye"
}

@test "EHLO and HELO need an argument" {
	dialog <<'EOF'
EHLO
HELO
MAIL FROM:<a@remote.test>
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" \
		"501 5.5.4 Syntax error in parameters or arguments" \
		"501 5.5.4 Syntax error in parameters or arguments" \
		"503 5.5.1 Error: send HELO/EHLO first" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "a message to a local user is queued with a Received: field" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<alice@remote.test>
RCPT TO:<bob@example.test>
DATA
Subject: hello

Hi Bob.
.
QUIT
EOF
	expect_reply 3 "250 2.1.0 Ok"
	expect_reply 4 "250 2.1.5 Ok"
	expect_reply 5 "354 End data with <CR><LF>.<CR><LF>"
	[[ "$(reply 6)" =~ ^"250 2.0.0 Ok: queued as "([0-9]+\.[0-9]+\.[0-9]+)$ ]]
	id=${BASH_REMATCH[1]}
	[ -f "$SPOOL/queue/$id" ]
	[ "$(tmp_count)" -eq 0 ]
	queued_envelope | grep -qx 'sender alice@remote.test'
	queued_envelope | grep -qx 'recipient bob@example.test'
	queued_message > "$BATS_TEST_TMPDIR/msg"
	sed -n 1p "$BATS_TEST_TMPDIR/msg" | grep -qx 'Received: from client.test (unknown)'
	sed -n 2p "$BATS_TEST_TMPDIR/msg" | grep -qx "	by mx.example.test (postern) with ESMTP id $id"
	sed -n 3p "$BATS_TEST_TMPDIR/msg" | grep -qx '	for <bob@example.test>;'
	sed -n 4p "$BATS_TEST_TMPDIR/msg" | grep -qE '^	[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [+-][0-9]{4}$'
	sed -n '5,$p' "$BATS_TEST_TMPDIR/msg" | diff -u - <(printf 'Subject: hello\n\nHi Bob.\n')
	# stored with LF line ends, no CR anywhere
	! grep -q $'\r' "$(queued_file)"
	grep -q "event=queued id=$id" "$SMTPD_LOG"
}

@test "the Received: field names the client address and protocol HELO gives SMTP" {
	TCPREMOTEIP=192.0.2.7 TCPREMOTEHOST=host.remote.test dialog <<'EOF'
HELO client.test
MAIL FROM:<>
RCPT TO:<bob@example.test>
RCPT TO:<carol@example.test>
DATA
x
.
EOF
	reply 7 | grep -q "^250 2.0.0 Ok: queued as "
	queued_message | sed -n 1,2p | diff -u - <(printf 'Received: from client.test (host.remote.test [192.0.2.7])\n\tby mx.example.test (postern) with SMTP id %s;\n' "$(basename "$(queued_file)")")
	queued_envelope | grep -qx 'sender <>'
	queued_envelope | grep -qx 'client 192.0.2.7'
}

@test "dot-unstuffing (RFC 5321 4.5.2)" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
DATA
Subject: dots

..
..leading
...two
 .
.x
.
EOF
	expect_reply 6 "$(reply 6 | grep '^250 2.0.0 Ok: queued as ')"
	queued_message | sed '1,4d' | diff -u - <(printf 'Subject: dots\n\n.\n.leading\n..two\n .\nx\n')
}

@test "pipelined commands are answered in order with nothing lost" {
	raw_dialog 'EHLO client.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\nSubject: p\r\n\r\nbody\r\n.\r\nMAIL FROM:<b@remote.test>\r\nRCPT TO:<info@example.test>\r\nDATA\r\nsecond\r\n.\r\nQUIT\r\n'
	replies > "$BATS_TEST_TMPDIR/r"
	sed -i 's/queued as .*/queued as ID/' "$BATS_TEST_TMPDIR/r"
	diff -u - "$BATS_TEST_TMPDIR/r" <<'EOF'
220 mx.example.test ESMTP postern
250 HELP
250 2.1.0 Ok
250 2.1.5 Ok
550 5.1.1 User unknown
250 2.1.5 Ok
354 End data with <CR><LF>.<CR><LF>
250 2.0.0 Ok: queued as ID
250 2.1.0 Ok
250 2.1.5 Ok
354 End data with <CR><LF>.<CR><LF>
250 2.0.0 Ok: queued as ID
221 2.0.0 mx.example.test Bye
EOF
	[ "$(queue_count)" -eq 2 ]
	grep -l '^second$' "$SPOOL"/queue/* | xargs grep -qx 'recipient info@example.test'
}

@test "commands out of sequence get 503 5.5.1" {
	dialog <<'EOF'
MAIL FROM:<a@remote.test>
EHLO client.test
RCPT TO:<bob@example.test>
DATA
MAIL FROM:<a@remote.test>
MAIL FROM:<b@remote.test>
DATA
AUTH PLAIN
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" \
		"503 5.5.1 Error: send HELO/EHLO first" \
		"250 HELP" \
		"503 5.5.1 Error: need MAIL command" \
		"503 5.5.1 Error: need MAIL command" \
		"250 2.1.0 Ok" \
		"503 5.5.1 Error: nested MAIL command" \
		"554 5.5.1 Error: no valid recipients" \
		"503 5.5.1 Error: bad sequence of commands" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "unknown commands get 500 5.5.1 and are not echoed" {
	dialog <<'EOF'
EHLO client.test
FOOBAR <script>
TURN

QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"500 5.5.1 Error: command not recognized" \
		"500 5.5.1 Error: command not recognized" \
		"500 5.5.1 Error: command not recognized" \
		"221 2.0.0 mx.example.test Bye"
	! grep -q script "$OUT"
	no_trace
}

@test "bad sender and recipient paths: 501 5.1.7 and 501 5.1.3" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:a@remote.test
MAIL FROM:<a@remote.test
MAIL FROM:<a@@remote.test>
MAIL FROM:<a@remote.test>junk
MAIL TO:<a@remote.test>
MAIL FROM:<a@remote.test>
RCPT TO:bob@example.test
RCPT TO:<>
RCPT TO:<bob@>
RCPT TO:<bob@example.test
RCPT FROM:<bob@example.test>
DATA
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"501 5.1.7 Bad sender address syntax" \
		"501 5.1.7 Bad sender address syntax" \
		"501 5.1.7 Bad sender address syntax" \
		"501 5.1.7 Bad sender address syntax" \
		"501 5.5.4 Syntax error in parameters or arguments" \
		"250 2.1.0 Ok" \
		"501 5.1.3 Bad recipient address syntax" \
		"501 5.1.3 Bad recipient address syntax" \
		"501 5.1.3 Bad recipient address syntax" \
		"501 5.1.3 Bad recipient address syntax" \
		"501 5.5.4 Syntax error in parameters or arguments" \
		"554 5.5.1 Error: no valid recipients" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "MAIL parameters: SIZE, BODY, SMTPUTF8, AUTH; unknown ones 555 5.5.4" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test> FOO=bar
MAIL FROM:<a@remote.test> BODY=QUOTED
MAIL FROM:<a@remote.test> SIZE=12x
MAIL FROM:<a@remote.test> SIZE=1 SIZE=2
MAIL FROM:<a@remote.test> SMTPUTF8=yes
MAIL FROM:<a@remote.test> BODY=8BITMIME SIZE=100 SMTPUTF8 AUTH=<>
RCPT TO:<bob@example.test> FOO=BAR
RCPT TO:<bob@example.test>
DATA
caf\xc3\xa9
.
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"555 5.5.4 Unsupported parameter" \
		"501 5.5.4 Bad parameter value" \
		"501 5.5.4 Bad parameter value" \
		"501 5.5.4 Bad parameter value" \
		"501 5.5.4 Bad parameter value" \
		"250 2.1.0 Ok" \
		"555 5.5.4 Unsupported parameter" \
		"250 2.1.5 Ok" \
		"354 End data with <CR><LF>.<CR><LF>" \
		"$(reply 12 | grep '^250 2.0.0 Ok: queued as ')"
	queued_envelope | grep -qx 'body 8bitmime'
	queued_envelope | grep -qx 'smtputf8 yes'
	queued_message | grep -q 'with UTF8SMTP id'
}

@test "8BITMIME: eight-bit data is stored as sent" {
	printf 'EHLO c.test\r\nMAIL FROM:<a@remote.test> BODY=8BITMIME\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: caf\xc3\xa9\r\n\r\n\xe2\x82\xac 5\r\n.\r\n' > "$BATS_TEST_TMPDIR/in"
	"$SMTPD" < "$BATS_TEST_TMPDIR/in" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	grep -q '^250 2.0.0 Ok: queued as ' "$OUT"
	queued_message | sed 1,4d | diff -u - <(printf 'Subject: caf\xc3\xa9\n\n\xe2\x82\xac 5\n')
}

@test "SMTPUTF8 addresses need the SMTPUTF8 parameter (553 5.6.7)" {
	printf 'EHLO c.test\r\nMAIL FROM:<j\xc3\xb6rg@remote.test>\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<j\xc3\xb6rg@remote.test>\r\nRSET\r\nMAIL FROM:<j\xc3\xb6rg@remote.test> SMTPUTF8\r\nRCPT TO:<bob@example.test>\r\nQUIT\r\n' | "$SMTPD" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"553 5.6.7 Non-ASCII address needs SMTPUTF8" \
		"250 2.1.0 Ok" \
		"553 5.6.7 Non-ASCII address needs SMTPUTF8" \
		"250 2.0.0 Ok" \
		"250 2.1.0 Ok" \
		"250 2.1.5 Ok" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "local recipients: users, aliases, +tags, postmaster; others 550 5.1.1" {
	control domains example.test other.test
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
RCPT TO:<BOB@Example.Test>
RCPT TO:<bob+lists@example.test>
RCPT TO:<info@example.test>
RCPT TO:<postmaster@other.test>
RCPT TO:<PostMaster@example.test>
RCPT TO:<Postmaster>
RCPT TO:<nobody@example.test>
RCPT TO:<bob@other.test>
RCPT TO:<"quoted"@example.test>
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"250 2.1.0 Ok" \
		"250 2.1.5 Ok" "250 2.1.5 Ok" "250 2.1.5 Ok" "250 2.1.5 Ok" \
		"250 2.1.5 Ok" "250 2.1.5 Ok" "250 2.1.5 Ok" \
		"550 5.1.1 User unknown" "550 5.1.1 User unknown" \
		"550 5.1.1 User unknown" \
		"221 2.0.0 mx.example.test Bye"
	grep -q 'event=reject cmd=RCPT client=unknown address=nobody@example.test status=5.1.1' "$SMTPD_LOG"
	no_trace
}

@test "<Postmaster> alone is the first local domain's postmaster" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<Postmaster>
DATA
x
.
EOF
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	queued_envelope | grep -qx 'recipient postmaster@example.test'
}

@test "relaying: refused 554 5.7.1 for strangers" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<someone@elsewhere.test>
DATA
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"250 2.1.0 Ok" "554 5.7.1 Relay access denied" \
		"554 5.5.1 Error: no valid recipients" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "relaying: allowed from relaynets (default loopback), custom relaynets" {
	printf 'EHLO c\nMAIL FROM:<a@remote.test>\nRCPT TO:<x@elsewhere.test>\nQUIT\n' > "$BATS_TEST_TMPDIR/in"
	TCPREMOTEIP=127.0.0.1 dialog < "$BATS_TEST_TMPDIR/in"
	expect_reply 4 "250 2.1.5 Ok"
	REMOTE_ADDR=::1 dialog < "$BATS_TEST_TMPDIR/in"
	expect_reply 4 "250 2.1.5 Ok"
	TCPREMOTEIP=192.0.2.9 dialog < "$BATS_TEST_TMPDIR/in"
	expect_reply 4 "554 5.7.1 Relay access denied"
	control relaynets "# the office" 192.0.2.0/24 2001:db8::/32
	TCPREMOTEIP=192.0.2.9 dialog < "$BATS_TEST_TMPDIR/in"
	expect_reply 4 "250 2.1.5 Ok"
	TCPREMOTEIP=2001:db8::5 dialog < "$BATS_TEST_TMPDIR/in"
	expect_reply 4 "250 2.1.5 Ok"
	TCPREMOTEIP=127.0.0.1 dialog < "$BATS_TEST_TMPDIR/in"
	expect_reply 4 "554 5.7.1 Relay access denied"
	no_trace
}

@test "relaying: allowed with RELAYCLIENT set" {
	RELAYCLIENT= dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<x@elsewhere.test>
DATA
relayed
.
EOF
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	queued_envelope | grep -qx 'recipient x@elsewhere.test'
}

@test "a duplicate recipient is recorded once" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
RCPT TO:<Bob@example.test>
DATA
x
.
EOF
	reply 7 | grep -q '^250 2.0.0 Ok: queued as '
	[ "$(queued_envelope | grep -c '^recipient ')" -eq 1 ]
}

@test "RSET ends the transaction; EHLO does too" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
RSET
DATA
MAIL FROM:<a@remote.test>
EHLO again.test
RCPT TO:<bob@example.test>
QUIT
EOF
	expect_reply 5 "250 2.0.0 Ok"
	expect_reply 6 "503 5.5.1 Error: need MAIL command"
	expect_reply 7 "250 2.1.0 Ok"
	expect_reply 8 "250 HELP"
	expect_reply 9 "503 5.5.1 Error: need MAIL command"
	no_trace
}

@test "the Received: count: 100 pass, 101 are a loop (554 5.4.6)" {
	{
		printf 'EHLO c\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n'
		for i in $(seq 1 100); do printf 'Received: from h%d by x; Sun, 1 Jan 2026 00:00:00 +0000\r\n' "$i"; done
		printf 'Subject: ok\r\n\r\nbody\r\n.\r\n'
		printf 'MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n'
		for i in $(seq 1 101); do printf 'received : from h%d by x; Sun, 1 Jan 2026 00:00:00 +0000\r\n' "$i"; done
		printf 'Subject: loop\r\n\r\nbody\r\n.\r\nQUIT\r\n'
	} > "$BATS_TEST_TMPDIR/in"
	"$SMTPD" < "$BATS_TEST_TMPDIR/in" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	expect_reply 10 "554 5.4.6 Error: too many Received: headers (mail loop)"
	expect_reply 11 "221 2.0.0 mx.example.test Bye"
	[ "$(queue_count)" -eq 1 ]
	[ "$(tmp_count)" -eq 0 ]
	grep -q '^Subject: ok$' "$(queued_file)"
}

@test "Received: lines in the body are not counted" {
	{
		printf 'EHLO c\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: quoted\r\n\r\n'
		for i in $(seq 1 120); do printf 'Received: from h%d\r\n' "$i"; done
		printf '.\r\n'
	} > "$BATS_TEST_TMPDIR/in"
	"$SMTPD" < "$BATS_TEST_TMPDIR/in" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
}

@test "MX mode adds no Date: or Message-ID:" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
DATA
Subject: bare

x
.
EOF
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	! queued_message | grep -qi '^date:'
	! queued_message | grep -qi '^message-id:'
}

@test "the log has one line per event and no sanitizer reports" {
	dialog <<'EOF'
EHLO client.test
MAIL FROM:<a@remote.test>
RCPT TO:<nobody@example.test>
QUIT
EOF
	[ "$DIALOG_STATUS" -eq 0 ]
	grep -q '^smtpd\[[0-9]*\]: event=connect client=unknown mode=mx$' "$SMTPD_LOG"
	grep -q '^smtpd\[[0-9]*\]: event=disconnect client=unknown queued=0$' "$SMTPD_LOG"
	[ "$(wc -l < "$SMTPD_LOG")" -eq 3 ]
}

@test "usage errors exit 64" {
	run "$SMTPD" -x
	[ "$status" -eq 64 ]
	run "$SMTPD" extra
	[ "$status" -eq 64 ]
}
