#!/usr/bin/env bats
# smtpd through pipes: every limit and every kind of bad input gets its
# reply and leaves nothing in the spool.

load helpers
load smtpd-helpers

setup() { smtpd_setup; }
teardown() { smtpd_teardown; }

# The start of a transaction to bob, ready for DATA.
TXN='EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n'

@test "a command line of 512 octets passes, 513 get 500 5.5.2" {
	pad505=$(printf 'x%.0s' $(seq 1 505))
	raw_dialog "NOOP ${pad505}\r\nNOOP ${pad505}x\r\nMAIL FROM:<a@remote.test>${pad505}\r\nQUIT\r\n"
	expect_replies "220 mx.example.test ESMTP postern" \
		"250 2.0.0 Ok" \
		"500 5.5.2 Error: line too long" \
		"500 5.5.2 Error: line too long" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "a text line of 1000 octets passes, 1001 get 554 5.6.0 after the data" {
	pad998=$(printf 'y%.0s' $(seq 1 998))
	raw_dialog "${TXN}DATA\r\n${pad998}\r\n.\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n${pad998}y\r\nmore\r\n.\r\nQUIT\r\n"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	expect_reply 9 "354 End data with <CR><LF>.<CR><LF>"
	expect_reply 10 "554 5.6.0 Error: message has a line over 1000 octets"
	expect_reply 11 "221 2.0.0 mx.example.test Bye"
	[ "$(queue_count)" -eq 1 ] && [ "$(tmp_count)" -eq 0 ]
	grep -qx "$pad998" "$(queued_file)"
}

@test "an over-long text line ending in a bare LF cannot end the data" {
	pad=$(printf 'z%.0s' $(seq 1 1200))
	raw_dialog "${TXN}DATA\r\n${pad}\n.\r\nNOOP\r\n.\r\nQUIT\r\n"
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"250 2.1.0 Ok" "250 2.1.5 Ok" \
		"354 End data with <CR><LF>.<CR><LF>" \
		"554 5.6.0 Error: message has a line over 1000 octets" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "maxsize: SIZE= over it 552 5.3.4 at MAIL; a bigger message 552 5.3.4 after the data" {
	control maxsize 1000
	body=$(for i in $(seq 1 30); do printf '%s\\r\\n' "0123456789012345678901234567890123456789012345678"; done)
	raw_dialog "EHLO c\r\nMAIL FROM:<a@remote.test> SIZE=1001\r\nMAIL FROM:<a@remote.test> SIZE=1000\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n${body}.\r\nNOOP\r\nQUIT\r\n"
	grep -qx '250-SIZE 1000' "$OUT"
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"552 5.3.4 Message size exceeds fixed limit" \
		"250 2.1.0 Ok" "250 2.1.5 Ok" \
		"354 End data with <CR><LF>.<CR><LF>" \
		"552 5.3.4 Message size exceeds fixed limit" \
		"250 2.0.0 Ok" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "maxsize: a message just under it is accepted" {
	control maxsize 1000
	body=$(for i in $(seq 1 20); do printf '%s\\r\\n' "0123456789012345678901234567890123456789012345678"; done)
	raw_dialog "${TXN}DATA\r\n${body}.\r\n"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
}

@test "maxrcpt: one more recipient gets 452 4.5.3, the others are kept" {
	control maxrcpt 2
	dialog <<'EOF'
EHLO c.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
RCPT TO:<carol@example.test>
RCPT TO:<info@example.test>
DATA
x
.
EOF
	expect_reply 6 "452 4.5.3 Too many recipients"
	reply 8 | grep -q '^250 2.0.0 Ok: queued as '
	[ "$(queued_envelope | grep -c '^recipient ')" -eq 2 ]
}

@test "NUL in a command voids it: 500 5.5.2" {
	raw_dialog 'EHLO c.test\r\nMAIL FROM:<a@remote.test>\0\r\nRCPT TO:<bob@example.test>\r\nQUIT\r\n'
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"500 5.5.2 Error: NUL in command" \
		"503 5.5.1 Error: need MAIL command" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "NUL in the data: 554 5.6.0, nothing stored" {
	raw_dialog "${TXN}DATA\r\nSubject: x\r\n\r\nnul \0 here\r\n.\r\nQUIT\r\n"
	expect_reply 6 "554 5.6.0 Error: NUL in message"
	expect_reply 7 "221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "bare LF or bare CR in a command: 500 5.5.2" {
	raw_dialog 'EHLO c.test\r\nNOOP\nMAIL FROM:<a@remote.test>\r\nRSET\rNOOP\r\nQUIT\r\n'
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"500 5.5.2 Error: bare CR or LF in command" \
		"250 2.1.0 Ok" \
		"500 5.5.2 Error: bare CR or LF in command" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "bare LF and bare CR in the data: 554 5.6.0, nothing stored" {
	raw_dialog "${TXN}DATA\r\nline one\nline two\r\n.\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\ncr\ralone\r\n.\r\nQUIT\r\n"
	expect_reply 6 "554 5.6.0 Error: bare CR or LF in message"
	expect_reply 9 "354 End data with <CR><LF>.<CR><LF>"
	expect_reply 10 "554 5.6.0 Error: bare CR or LF in message"
	expect_reply 11 "221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "SMTP smuggling: <LF>.<LF>, <LF>.<CRLF> and <CR>.<CR> do not end the data" {
	for end in '\n.\n' '\n.\r\n' '\r.\r' '\r\n.\n' '\r\n.\r\r\n'; do
		raw_dialog "${TXN}DATA\r\nSubject: s\r\n\r\nx${end}MAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nsmuggled\r\n.\r\nQUIT\r\n"
		expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
			"250 2.1.0 Ok" "250 2.1.5 Ok" \
			"354 End data with <CR><LF>.<CR><LF>" \
			"554 5.6.0 Error: bare CR or LF in message" \
			"221 2.0.0 mx.example.test Bye"
		no_trace
	done
}

@test "20 bad commands in a row: 421 and close; a good one resets the count" {
	{
		printf 'EHLO c.test\r\n'
		for i in $(seq 1 19); do printf 'BAD%d\r\n' "$i"; done
		printf 'NOOP\r\n'
		for i in $(seq 1 20); do printf 'RCPT TO:<x@y>\r\n'; done
		printf 'NOOP\r\n'
	} > "$BATS_TEST_TMPDIR/in"
	"$SMTPD" < "$BATS_TEST_TMPDIR/in" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	[ "$(replies | grep -c '^500 5.5.1 ')" -eq 19 ]
	[ "$(replies | grep -c '^503 5.5.1 ')" -eq 20 ]
	expect_reply 22 "250 2.0.0 Ok"
	[ "$(replies | tail -n 1)" = "421 4.7.0 mx.example.test Error: too many errors" ]
	[ "$(replies | wc -l)" -eq 43 ]
	grep -q 'event=too-many-errors' "$SMTPD_LOG"
	no_trace
}

@test "silence past timeout: 421 4.4.2 and close" {
	control timeout 1
	start=$SECONDS
	(printf 'EHLO c.test\r\n'; sleep 2) | "$SMTPD" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT" &
	pid=$!
	for i in $(seq 1 40); do grep -q '^421' "$OUT" && break; sleep 0.1; done
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"421 4.4.2 mx.example.test Error: timeout exceeded"
	[ $((SECONDS - start)) -le 2 ]
	wait "$pid"
	no_trace
}

@test "silence in the middle of DATA: 421 4.4.2, nothing stored" {
	control timeout 1
	(printf "${TXN}DATA\r\nSubject: half\r\n"; sleep 2) | "$SMTPD" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	expect_reply 6 "421 4.4.2 mx.example.test Error: timeout exceeded"
	no_trace
}

@test "a client gone in the middle of DATA: nothing stored" {
	raw_dialog "${TXN}DATA\r\nSubject: gone\r\n\r\nhalf a mess"
	[ "$DIALOG_STATUS" -eq 0 ]
	expect_reply 5 "354 End data with <CR><LF>.<CR><LF>"
	[ "$(replies | wc -l)" -eq 5 ]
	no_trace
	grep -q 'event=lost client=unknown in=data' "$SMTPD_LOG"
}

@test "a bad timeout file: 421 4.3.0 at the greeting, exit 111" {
	control timeout 5m
	raw_dialog 'EHLO c.test\r\n'
	[ "$DIALOG_STATUS" -eq 111 ]
	expect_replies "421 4.3.0 mx.example.test Configuration error, try again later"
	no_trace
}

@test "a bad maxsize or maxrcpt file: 421 4.3.0 at the greeting, exit 111" {
	control maxsize 10MB
	raw_dialog 'EHLO c.test\r\nQUIT\r\n'
	[ "$DIALOG_STATUS" -eq 111 ]
	expect_replies "421 4.3.0 mx.example.test Configuration error, try again later"
	grep -q 'event=config-error file=maxsize reason="not a number"' "$SMTPD_LOG"
	rm "$CONF/maxsize"
	control maxrcpt -1
	raw_dialog "${TXN}QUIT\r\n"
	expect_replies "421 4.3.0 mx.example.test Configuration error, try again later"
	no_trace
}
