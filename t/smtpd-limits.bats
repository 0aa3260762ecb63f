#!/usr/bin/env bats
# smtpd through pipes: every limit and every kind of bad input gets its
# reply and leaves nothing in the spool.

load helpers
load smtpd-helpers

setup() { smtpd_setup; }
teardown() { smtpd_teardown; }

# The start of a transaction to bob, ready for DATA.
TXN='EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n'

@test "a command line of 512 octets passes, 513 get 500 5.5.2, logged with the size" {
	pad505=$(printf 'x%.0s' $(seq 1 505))
	raw_dialog "NOOP ${pad505}\r\nNOOP ${pad505}x\r\nQUIT\r\n"
	expect_replies "220 mx.example.test ESMTP postern" \
		"250 2.0.0 Ok" \
		"500 5.5.2 Error: line too long" \
		"221 2.0.0 mx.example.test Bye"
	grep -q 'event=reject cmd=- client=unknown reason=line-too-long size=513' "$SMTPD_LOG"
	no_trace
}

@test "MAIL and RCPT lines get what their parameters add (RFC 1870, 3030, 3461, 4954, 6531)" {
	local64=$(printf 'l%.0s' $(seq 1 64)) d60=$(printf 'd%.0s' $(seq 1 60))
	dom=$d60.$d60.$d60
	auth=$(printf 'a%.0s' $(seq 1 256)) orcpt=$(printf 'o%.0s' $(seq 1 490))
	mail="MAIL FROM:<${local64}@${dom}.test> SIZE=100 BODY=8BITMIME AUTH=<${auth}@x.test>"
	[ "${#mail}" -ge 554 ]
	pad=$(printf 'p%.0s' $(seq 1 1180))
	raw_dialog "EHLO c.test\r\n${mail}\r\nRCPT TO:<bob@example.test> ORCPT=rfc822;${orcpt}\r\nRCPT TO:<bob@example.test> ${pad}\r\nMAIL FROM:<a@remote.test> ${pad}\r\nQUIT\r\n"
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"250 2.1.0 Ok" "250 2.1.5 Ok" \
		"500 5.5.2 Error: line too long" \
		"500 5.5.2 Error: line too long" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "a 3,000-octet body line is accepted and stored intact" {
	pad=$(printf 'y%.0s' $(seq 1 3000))
	raw_dialog "${TXN}DATA\r\nSubject: long\r\n\r\n${pad}\r\n.${pad}\r\nend\r\n.\r\nQUIT\r\n"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	[ "$(queue_count)" -eq 1 ] && [ "$(tmp_count)" -eq 0 ]
	[ "$(grep -cx "$pad" "$(queued_file)")" -eq 2 ]
	queued_message | tail -n 1 | grep -qx end
}

@test "an over-long line ending in a bare LF: the \".\" after it is content" {
	pad=$(printf 'z%.0s' $(seq 1 1200))
	raw_dialog "${TXN}DATA\r\n${pad}\n.\r\nNOOP\r\n.\r\nQUIT\r\n"
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"250 2.1.0 Ok" "250 2.1.5 Ok" \
		"354 End data with <CR><LF>.<CR><LF>" \
		"$(reply 6 | grep '^250 2.0.0 Ok: queued as ')" \
		"221 2.0.0 mx.example.test Bye"
	queued_message | tail -n 3 > "$BATS_TEST_TMPDIR/tail"
	printf '%s\n.\nNOOP\n' "$pad" | diff - "$BATS_TEST_TMPDIR/tail"
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

@test "maxrcpt counts a repeated recipient each time" {
	control maxrcpt 2
	dialog <<'EOF'
EHLO c.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
RCPT TO:<bob@example.test>
RCPT TO:<bob@example.test>
RCPT TO:<carol@example.test>
RSET
MAIL FROM:<a@remote.test>
RCPT TO:<carol@example.test>
EOF
	expect_reply 5 "250 2.1.5 Ok"
	expect_reply 6 "452 4.5.3 Too many recipients"
	expect_reply 7 "452 4.5.3 Too many recipients"
	expect_reply 10 "250 2.1.5 Ok"
	no_trace
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

@test "a bare LF ends a command as CRLF does; a bare CR gets 500 5.5.2" {
	raw_dialog 'EHLO c.test\nNOOP\nMAIL FROM:<a@remote.test>\r\nRSET\rNOOP\r\nQUIT\n'
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"250 2.0.0 Ok" \
		"250 2.1.0 Ok" \
		"500 5.5.2 Error: bare CR or LF in command" \
		"221 2.0.0 mx.example.test Bye"
	grep -q 'event=reject cmd=- client=unknown reason=bare-cr size=9' "$SMTPD_LOG"
	no_trace
}

@test "barelf reject: a bare LF in a command gets 500 5.5.2, logged reason=bare-lf" {
	control barelf reject
	raw_dialog 'EHLO c.test\r\nNOOP\nMAIL FROM:<a@remote.test>\r\nQUIT\r\n'
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"500 5.5.2 Error: bare CR or LF in command" \
		"250 2.1.0 Ok" \
		"221 2.0.0 mx.example.test Bye"
	grep -q 'reason=bare-lf size=4' "$SMTPD_LOG"
	no_trace
}

@test "a bad barelf file: 421 4.3.0 at the greeting" {
	control barelf strict
	raw_dialog 'EHLO c.test\r\n'
	[ "$DIALOG_STATUS" -eq 111 ]
	expect_replies "421 4.3.0 mx.example.test Configuration error, try again later"
	grep -q 'event=config-error file=barelf' "$SMTPD_LOG"
	no_trace
}

@test "a bare LF in the data is a line end; a bare CR: 554 5.6.0, nothing stored" {
	raw_dialog "${TXN}DATA\r\nline one\nline two\r\n.\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\ncr\ralone\r\n.\r\nQUIT\r\n"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	expect_reply 9 "354 End data with <CR><LF>.<CR><LF>"
	expect_reply 10 "554 5.6.0 Error: bare CR or LF in message"
	expect_reply 11 "221 2.0.0 mx.example.test Bye"
	[ "$(queue_count)" -eq 1 ] && [ "$(tmp_count)" -eq 0 ]
	queued_message | tail -n 2 | diff - <(printf 'line one\nline two\n')
	grep -q 'event=reject cmd=DATA client=unknown status=5.6.0 reason=bare-cr size=' "$SMTPD_LOG"
}

@test "barelf reject: a bare LF in the data: 554 5.6.0, nothing stored, reason=bare-lf" {
	control barelf reject
	raw_dialog "${TXN}DATA\r\nline one\nline two\r\n.\r\nQUIT\r\n"
	expect_reply 6 "554 5.6.0 Error: bare CR or LF in message"
	grep -q 'event=reject cmd=DATA client=unknown status=5.6.0 reason=bare-lf size=18' "$SMTPD_LOG"
	no_trace
}

# The published SMTP smuggling end-of-data variants (SEC Consult, 2023):
# none may end the data, so no second message and no injected envelope.
SMUGGLE_ENDS='\n.\n \n.\r\n \r\n.\n \r.\r\n \r\n.\r \r.\r \r\n\0.\r\n \r\n.\0\r\n \n..\n'

@test "SMTP smuggling: no published payload ends the data or injects an envelope" {
	for end in $SMUGGLE_ENDS; do
		raw_dialog "${TXN}DATA\r\nSubject: s\r\n\r\nx${end}MAIL FROM:<evil@remote.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\nsmuggled\r\n.\r\nQUIT\r\n"
		expect_reply 5 "354 End data with <CR><LF>.<CR><LF>"
		[ "$(replies | wc -l)" -eq 7 ]
		expect_reply 7 "221 2.0.0 mx.example.test Bye"
		[ "$(queue_count)" -le 1 ] && [ "$(tmp_count)" -eq 0 ]
		if [ "$(queue_count)" -eq 1 ]; then
			reply 6 | grep -q '^250 2.0.0 Ok: queued as '
			queued_envelope | grep -qx 'sender a@remote.test'
			[ "$(queued_envelope | grep -c '^recipient ')" -eq 1 ]
			queued_envelope | grep -qx 'recipient bob@example.test'
			queued_message | grep -qx 'MAIL FROM:<evil@remote.test>'
			rm "$(queued_file)"
		else
			expect_reply 6 "554 5.6.0 Error: $(case $end in *0*) echo NUL;; *) echo bare CR or LF;; esac) in message"
		fi
	done
}

@test "SMTP smuggling: a \".\" that came as <LF>.<LF> is stored as content" {
	raw_dialog "${TXN}DATA\r\nSubject: s\r\n\r\nx\n.\nafter\r\n.\r\nQUIT\r\n"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	queued_message | tail -n 3 | diff - <(printf 'x\n.\nafter\n')
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
