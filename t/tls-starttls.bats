#!/usr/bin/env bats
# STARTTLS in smtpd (RFC 3207), imapd (RFC 3501 §6.2.1) and pop3d
# (RFC 2595 §4) through the control pipe on fd 5 that "tlswrapper -n"
# gives them: first through pipes (exact replies, what went through the
# control pipe), then over real sockets under tcpserver and tlswrapper.
# The injection test (CVE-2011-0411): commands sent in the same packet
# after STARTTLS never run.

load helpers
load smtpd-helpers
load tls-helpers

setup() {
	smtpd_setup
	MB="$MAILROOT/example.test/bob"
	mkdir -p "$MB/cur" "$MB/new" "$MB/tmp"
	: > "$MB/subscriptions"
	IMAPD="$TOP/imapd/imapd" POP3D="$TOP/pop3d/pop3d"
}
teardown() { smtpd_teardown; }

EHLO_LINES=(
	'220 mx.example.test ESMTP postern' '250-mx.example.test'
	'250-PIPELINING' '250-SIZE 36700160' '250-8BITMIME'
	'250-ENHANCEDSTATUSCODES' '250-SMTPUTF8' '250-CHUNKING' '250-BINARYMIME'
	'250-DSN'
)

# --- smtpd through pipes -------------------------------------------------

@test "smtpd: EHLO offers STARTTLS only with the control pipe and not yet encrypted" {
	control_pipe 'EHLO c.test\r\nQUIT\r\n' "$SMTPD"
	expect_file "$OUT" "${EHLO_LINES[@]}" '250-STARTTLS' '250 HELP' \
		'221 2.0.0 mx.example.test Bye'
	control_pipe 'EHLO c.test\r\nQUIT\r\n' "$SMTPD" -T
	! grep -q STARTTLS "$OUT"
	dialog <<<'EHLO c.test'
	! grep -q STARTTLS "$OUT"
	# fd 5 open, but a file and not a pipe: not the wrapper's
	printf 'EHLO c.test\r\n' | "$SMTPD" 5>"$BATS_TEST_TMPDIR/f" 2>>"$SMTPD_LOG" |
		tr -d '\r' > "$OUT"
	! grep -q STARTTLS "$OUT"
}

@test "smtpd -s: AUTH is offered after STARTTLS, not before it" {
	control_pipe 'EHLO c.test\r\nQUIT\r\n' "$SMTPD" -s
	grep -qx '250-STARTTLS' "$OUT"
	! grep -q AUTH "$OUT"
	control_pipe 'EHLO c.test\r\nQUIT\r\n' "$SMTPD" -s -T
	grep -qx '250-AUTH PLAIN LOGIN' "$OUT"
}

@test "smtpd: 220 goes through the control pipe; commands pipelined after STARTTLS never run" {
	control_pipe 'EHLO c.test\r\nSTARTTLS\r\nRSET\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n' "$SMTPD"
	expect_file "$OUT" "${EHLO_LINES[@]}" '250-STARTTLS' '250 HELP'
	expect_file "$CTL" '220 2.0.0 Ready to start TLS'
	grep -q 'event=starttls client=unknown tls=1' "$SLOG"
	! grep -qE 'event=(queued|reject)' "$SLOG"
	no_trace
}

@test "smtpd: STARTTLS refused before EHLO, with an argument, in a transaction, without the pipe, when encrypted" {
	control_pipe 'STARTTLS\r\nEHLO c.test\r\nSTARTTLS now\r\nMAIL FROM:<a@example.test>\r\nSTARTTLS\r\nQUIT\r\n' "$SMTPD"
	expect_replies '220 mx.example.test ESMTP postern' \
		'503 5.5.1 Error: send HELO/EHLO first' '250 HELP' \
		'501 5.5.4 Syntax error in parameters or arguments' \
		'250 2.1.0 Ok' '503 5.5.1 Error: bad sequence of commands' \
		'221 2.0.0 mx.example.test Bye'
	[ ! -s "$CTL" ]
	dialog <<<$'EHLO c.test\nSTARTTLS'
	expect_reply 3 '502 5.5.1 Error: STARTTLS not available here'
	control_pipe 'EHLO c.test\r\nSTARTTLS\r\n' "$SMTPD" -T
	expect_reply 3 '503 5.5.1 Error: TLS already active'
	[ ! -s "$CTL" ]
}

# --- imapd and pop3d through pipes -------------------------------------

@test "imapd: STARTTLS and LOGINDISABLED in CAPABILITY; the tagged OK through the pipe; pipelined LOGIN never runs" {
	add_user bob@example.test secret
	control_pipe 'a CAPABILITY\r\nb STARTTLS\r\nc LOGIN bob@example.test secret\r\nd LOGOUT\r\n' "$IMAPD"
	expect_file "$OUT" \
		'* OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE ESEARCH SEARCHRES WITHIN SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES THREAD=REFS LIST-EXTENDED LIST-STATUS STATUS=SIZE BINARY MULTIAPPEND CONDSTORE QRESYNC UTF8=ACCEPT NOTIFY QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE CREATE-SPECIAL-USE CATENATE STARTTLS LOGINDISABLED] postern IMAP4rev1 ready' \
		'* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE ESEARCH SEARCHRES WITHIN SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES THREAD=REFS LIST-EXTENDED LIST-STATUS STATUS=SIZE BINARY MULTIAPPEND CONDSTORE QRESYNC UTF8=ACCEPT NOTIFY QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE CREATE-SPECIAL-USE CATENATE STARTTLS LOGINDISABLED' \
		'a OK CAPABILITY completed'
	expect_file "$CTL" 'b OK Begin TLS negotiation now'
	grep -q 'event=starttls peer=unknown tls=1' "$SLOG"
	! grep -q 'event=login' "$SLOG"
}

@test "imapd: STARTTLS refused with an argument, without the pipe, when encrypted, after LOGIN" {
	control_pipe 'a STARTTLS x\r\nb LOGOUT\r\n' "$IMAPD"
	grep -qx 'a BAD .*' "$OUT"
	[ ! -s "$CTL" ]
	printf 'a STARTTLS\r\nb LOGOUT\r\n' | "$IMAPD" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	grep -qx 'a NO STARTTLS is not available' "$OUT"
	control_pipe 'a CAPABILITY\r\nb STARTTLS\r\nc LOGOUT\r\n' "$IMAPD" -T
	grep -qx 'b BAD TLS is already active' "$OUT"
	! grep -q STARTTLS.*LOGINDISABLED "$OUT"
	[ ! -s "$CTL" ]
	add_user bob@example.test secret
	control_pipe 'a LOGIN bob@example.test secret\r\nb STARTTLS\r\nc LOGOUT\r\n' "$IMAPD" -T
	grep -qx 'b BAD Command not valid in this state' "$OUT"
}

@test "pop3d: STLS in CAPA; +OK through the pipe; pipelined USER/PASS never run" {
	add_user bob@example.test secret
	control_pipe 'CAPA\r\nSTLS\r\nUSER bob@example.test\r\nPASS secret\r\nQUIT\r\n' "$POP3D"
	expect_file "$OUT" '+OK mx.example.test POP3 server ready' \
		'+OK capability list follows' 'TOP' 'UIDL' 'RESP-CODES' \
		'AUTH-RESP-CODE' 'PIPELINING' 'IMPLEMENTATION postern' 'STLS' '.'
	expect_file "$CTL" '+OK begin TLS negotiation'
	grep -q 'event=starttls client=unknown tls=1' "$SLOG"
	! grep -q 'event=login' "$SLOG"
}

@test "pop3d: STLS refused with an argument, without the pipe, when encrypted, after login" {
	control_pipe 'STLS x\r\nQUIT\r\n' "$POP3D"
	grep -qx -- '-ERR syntax error in arguments' "$OUT"
	[ ! -s "$CTL" ]
	printf 'STLS\r\nQUIT\r\n' | "$POP3D" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	grep -qx -- '-ERR STLS is not available' "$OUT"
	control_pipe 'CAPA\r\nSTLS\r\nQUIT\r\n' "$POP3D" -T
	grep -qx -- '-ERR TLS is already active' "$OUT"
	! grep -qx STLS "$OUT"
	add_user bob@example.test secret
	control_pipe 'USER bob@example.test\r\nPASS secret\r\nSTLS\r\nQUIT\r\n' "$POP3D" -T
	grep -qx -- '-ERR command not valid in this state' "$OUT"
	[ ! -s "$CTL" ]
}

# --- over sockets, through tlswrapper -n --------------------------------

@test "smtpd under tlswrapper -n: MAIL pipelined after STARTTLS in one packet never runs" {
	tls_start starttls "$SMTPD"
	run tls_client inject smtp "$PORT" "$TLS_CA"
	[ "$status" -eq 0 ]
	# after "--- tls": EHLO's reply, then the probe's; nothing for the MAIL
	[ "$(sed -n '/^--- tls$/,$p' <<<"$output" | sed -n 2p)" = '250-mx.example.test' ]
	[ "${lines[-1]}" = '250 2.1.0 Ok' ]
	! grep -q 'evil' "$SMTPD_LOG" "$BATS_TEST_TMPDIR/server.log"
}

@test "imapd under tlswrapper -n: LOGIN pipelined after STARTTLS never runs" {
	add_user bob@example.test secret
	tls_start starttls "$IMAPD"
	run tls_client inject imap "$PORT" "$TLS_CA"
	[ "$status" -eq 0 ]
	[ "$(sed -n '/^--- tls$/,$p' <<<"$output" | sed -n 2p | cut -c1-13)" = '* CAPABILITY ' ]
	[ "${lines[-1]}" = 'c OK CAPABILITY completed' ]
	! grep -q '^b ' <<<"$output"
	! grep -q 'event=login' "$BATS_TEST_TMPDIR/server.log"
}

@test "pop3d under tlswrapper -n: USER pipelined after STLS never runs" {
	add_user bob@example.test secret
	tls_start starttls "$POP3D"
	run tls_client inject pop3 "$PORT" "$TLS_CA"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = '-ERR give USER first' ]
	! grep -q 'event=login' "$BATS_TEST_TMPDIR/server.log"
}

@test "a second STARTTLS under TLS is refused in all three" {
	tls_start starttls "$SMTPD"
	run tls_client again smtp "$PORT" "$TLS_CA"
	[ "${lines[-1]}" = '503 5.5.1 Error: TLS already active' ]
	tls_start starttls "$IMAPD"
	run tls_client again imap "$PORT" "$TLS_CA"
	[ "${lines[-1]}" = 'b BAD TLS is already active' ]
	tls_start starttls "$POP3D"
	run tls_client again pop3 "$PORT" "$TLS_CA"
	[ "${lines[-1]}" = '-ERR TLS is already active' ]
}

@test "passwords are refused on the plain link in all three (plaintextauth 0)" {
	add_user bob@example.test secret
	tls_start starttls "$SMTPD" -s
	run tls_client plainauth smtp "$PORT" bob@example.test secret
	[ "${lines[-1]}" = '538 5.7.11 Encryption required for requested authentication mechanism' ]
	tls_start starttls "$IMAPD"
	run tls_client plainauth imap "$PORT" bob@example.test secret
	[ "${lines[-2]}" = 'a NO [PRIVACYREQUIRED] LOGIN is disabled on an unencrypted link' ]
	[ "${lines[-1]}" = 'b NO [PRIVACYREQUIRED] Authentication needs an encrypted link' ]
	tls_start starttls "$POP3D"
	run tls_client plainauth pop3 "$PORT" bob@example.test secret
	[ "${lines[-2]}" = '-ERR [AUTH] plaintext authentication is not allowed on an unencrypted link' ]
	[ "${lines[-1]}" = '-ERR [AUTH] plaintext authentication is not allowed on an unencrypted link' ]
	! grep -qE 'event=(auth result=ok|login )' "$BATS_TEST_TMPDIR/server.log"
}

@test "Python smtplib starttls(): AUTH after TLS, the message says ESMTPSA, the log tls=1" {
	tls_start starttls "$SMTPD" -s
	run tls_client lib smtp "$PORT" "$TLS_CA" bob@example.test secret
	[ "$status" -eq 0 ]
	[ "$output" = "starttls offered: True
auth before: False
starttls: 220
starttls after: False
login: 235
sent" ]
	queued_message | grep -q 'with ESMTPSA id'
	grep -q 'event=queued .* tls=1 auth=bob@example.test' "$BATS_TEST_TMPDIR/server.log"
}

@test "Python imaplib starttls(): LOGINDISABLED before, AUTH=PLAIN and LOGIN after" {
	tls_start starttls "$IMAPD"
	run tls_client lib imap "$PORT" "$TLS_CA" bob@example.test secret
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 'capabilities: IMAP4REV1 IMAP4REV2 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE ESEARCH SEARCHRES WITHIN SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES THREAD=REFS LIST-EXTENDED LIST-STATUS STATUS=SIZE BINARY MULTIAPPEND CONDSTORE QRESYNC UTF8=ACCEPT NOTIFY QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE CREATE-SPECIAL-USE CATENATE STARTTLS LOGINDISABLED' ]
	[ "${lines[1]}" = 'starttls: OK' ]
	[ "${lines[2]}" = 'capabilities: IMAP4REV1 IMAP4REV2 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE ESEARCH SEARCHRES WITHIN SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES THREAD=REFS LIST-EXTENDED LIST-STATUS STATUS=SIZE BINARY MULTIAPPEND CONDSTORE QRESYNC UTF8=ACCEPT NOTIFY QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE CREATE-SPECIAL-USE CATENATE AUTH=PLAIN' ]
	[ "${lines[3]}" = 'login: OK' ]
	[ "${lines[4]}" = 'select: OK' ]
}

@test "Python poplib stls(): USER and SASL appear after STLS, login works" {
	printf 'Subject: x\n\nhello\n' > "$MB/new/1.M1.test"
	tls_start starttls "$POP3D"
	run tls_client lib pop3 "$PORT" "$TLS_CA" bob@example.test secret
	[ "$status" -eq 0 ]
	[ "$output" = "capa: AUTH-RESP-CODE IMPLEMENTATION PIPELINING RESP-CODES STLS TOP UIDL
stls: +OK begin TLS negotiation
capa: AUTH-RESP-CODE IMPLEMENTATION PIPELINING RESP-CODES SASL TOP UIDL USER
pass: +OK
stat: (1, 21)" ]
}
