#!/usr/bin/env bats
# smtpd -s through pipes: message submission (RFC 6409) and AUTH
# (RFC 4954) with PLAIN (RFC 4616) and LOGIN.

load helpers
load smtpd-helpers

setup() {
	smtpd_setup
	BOB=$(b64 '\0bob@example.test\0secret')
	WRONG=$(b64 '\0bob@example.test\0guess')
}
teardown() { smtpd_teardown; }

@test "submission EHLO offers AUTH PLAIN LOGIN; MX mode only when AUTH may run" {
	printf 'EHLO c.test\nQUIT\n' > "$BATS_TEST_TMPDIR/in"
	dialog -s < "$BATS_TEST_TMPDIR/in"
	grep -qx '250-AUTH PLAIN LOGIN' "$OUT"
	dialog < "$BATS_TEST_TMPDIR/in"
	! grep -q AUTH "$OUT"
	dialog -T < "$BATS_TEST_TMPDIR/in"
	grep -qx '250-AUTH PLAIN LOGIN' "$OUT"
	control plaintextauth 1
	dialog < "$BATS_TEST_TMPDIR/in"
	grep -qx '250-AUTH PLAIN LOGIN' "$OUT"
}

@test "submission: MAIL needs AUTH first (530 5.7.0)" {
	dialog -s -T <<'EOF'
EHLO c.test
MAIL FROM:<bob@example.test>
RCPT TO:<x@elsewhere.test>
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"530 5.7.0 Authentication required" \
		"503 5.5.1 Error: need MAIL command" \
		"221 2.0.0 mx.example.test Bye"
}

@test "AUTH on an unencrypted link without plaintextauth: 538 5.7.11" {
	dialog -s <<EOF
EHLO c.test
AUTH PLAIN $BOB
QUIT
EOF
	expect_reply 3 "538 5.7.11 Encryption required for requested authentication mechanism"
	! grep -q 'event=auth' "$SMTPD_LOG"
}

@test "AUTH PLAIN with an initial response over -T; a submitted message" {
	dialog -s -T <<EOF
EHLO c.test
AUTH PLAIN $BOB
MAIL FROM:<bob@example.test>
RCPT TO:<friend@elsewhere.test>
DATA
Subject: from bob

hello
.
QUIT
EOF
	expect_reply 3 "235 2.7.0 Authentication successful"
	expect_reply 4 "250 2.1.0 Ok"
	expect_reply 5 "250 2.1.5 Ok"
	[[ "$(reply 7)" =~ ^"250 2.0.0 Ok: queued as "(.*)$ ]]
	id=${BASH_REMATCH[1]}
	queued_envelope | grep -qx 'auth bob@example.test'
	queued_envelope | grep -qx 'recipient friend@elsewhere.test'
	queued_message | grep -q "with ESMTPSA id $id"
	queued_message | grep -qE '^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [+-][0-9]{4}$'
	queued_message | grep -qx "Message-ID: <$id@mx.example.test>"
	# added at the end of the header section, before the blank line
	queued_message | sed -n '5,$p' | head -n 4 | sed 's/^Date: .*/Date: D/' |
		diff -u - <(printf 'Subject: from bob\nDate: D\nMessage-ID: <%s@mx.example.test>\n\n' "$id")
	grep -q 'event=auth result=ok client=unknown user=bob@example.test' "$SMTPD_LOG"
	grep -q "event=queued id=$id .* auth=bob@example.test" "$SMTPD_LOG"
}

@test "submission keeps a Date: and Message-ID: the message has" {
	dialog -s -T <<EOF
EHLO c.test
AUTH PLAIN $BOB
MAIL FROM:<bob@example.test>
RCPT TO:<carol@example.test>
DATA
date: Mon, 2 Nov 2026 10:00:00 +0100
Message-Id: <own@client.test>

x
.
EOF
	reply 7 | grep -q '^250 2.0.0 Ok: queued as '
	[ "$(queued_message | grep -ci '^date:')" -eq 1 ]
	[ "$(queued_message | grep -ci '^message-id:')" -eq 1 ]
	queued_message | grep -qx 'Message-Id: <own@client.test>'
}

@test "SSL_PROTOCOL in the environment means an encrypted link" {
	SSL_PROTOCOL=TLSv1.3 dialog -s <<EOF
EHLO c.test
AUTH PLAIN $BOB
QUIT
EOF
	expect_reply 3 "235 2.7.0 Authentication successful"
}

@test "plaintextauth 1 allows AUTH on a plain link; Received says ESMTPA" {
	control plaintextauth 1
	dialog -s <<EOF
EHLO c.test
AUTH PLAIN $BOB
MAIL FROM:<bob@example.test>
RCPT TO:<carol@example.test>
DATA
x
.
EOF
	expect_reply 3 "235 2.7.0 Authentication successful"
	queued_message | grep -q 'with ESMTPA id '
}

@test "AUTH PLAIN with an empty challenge; '*' cancels with 501 5.0.0" {
	dialog -s -T <<EOF
EHLO c.test
AUTH PLAIN
*
AUTH PLAIN
$BOB
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"334 " "501 5.0.0 Authentication cancelled" \
		"334 " "235 2.7.0 Authentication successful" \
		"221 2.0.0 mx.example.test Bye"
}

@test "AUTH LOGIN, with and without an initial response; '*' cancels" {
	user=$(b64 'bob@example.test') pass=$(b64 'secret')
	dialog -s -T <<EOF
EHLO c.test
AUTH LOGIN
$user
*
AUTH LOGIN $user
$pass
QUIT
EOF
	diff -u - "$OUT" <<'EOF'
220 mx.example.test ESMTP postern
250-mx.example.test
250-PIPELINING
250-SIZE 36700160
250-8BITMIME
250-ENHANCEDSTATUSCODES
250-SMTPUTF8
250-AUTH PLAIN LOGIN
250 HELP
334 VXNlcm5hbWU6
334 UGFzc3dvcmQ6
501 5.0.0 Authentication cancelled
334 UGFzc3dvcmQ6
235 2.7.0 Authentication successful
221 2.0.0 mx.example.test Bye
EOF
}

@test "AUTH errors: bad base64 501 5.5.2, unknown mechanism 504 5.5.4, twice 503" {
	dialog -s -T <<EOF
EHLO c.test
AUTH PLAIN not*base64
AUTH CRAM-MD5
AUTH
AUTH PLAIN $BOB
AUTH PLAIN $BOB
MAIL FROM:<bob@example.test>
AUTH PLAIN $BOB
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"501 5.5.2 Cannot decode response" \
		"504 5.5.4 Unrecognized authentication type" \
		"501 5.5.4 Syntax error in parameters or arguments" \
		"235 2.7.0 Authentication successful" \
		"503 5.5.1 Error: already authenticated" \
		"250 2.1.0 Ok" \
		"503 5.5.1 Error: bad sequence of commands" \
		"221 2.0.0 mx.example.test Bye"
}

@test "AUTH after HELO (not EHLO) is out of sequence" {
	dialog -s -T <<EOF
HELO c.test
AUTH PLAIN $BOB
QUIT
EOF
	expect_reply 3 "503 5.5.1 Error: bad sequence of commands"
}

@test "a failed AUTH: 535 5.7.8 after a delay; the third closes with 421" {
	start=$SECONDS
	dialog -s -T <<EOF
EHLO c.test
AUTH PLAIN $WRONG
AUTH PLAIN $(b64 '\0nobody@example.test\0secret')
AUTH PLAIN $WRONG
AUTH PLAIN $BOB
EOF
	[ $((SECONDS - start)) -ge 2 ]
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"535 5.7.8 Authentication credentials invalid" \
		"535 5.7.8 Authentication credentials invalid" \
		"421 4.7.0 mx.example.test Too many failed authentications"
	[ "$(grep -c 'event=auth result=fail' "$SMTPD_LOG")" -eq 3 ]
}

@test "an authorization identity other than the user is refused (535)" {
	dialog -s -T <<EOF
EHLO c.test
AUTH PLAIN $(b64 'carol@example.test\0bob@example.test\0secret')
AUTH PLAIN $(b64 'bob@example.test\0bob@example.test\0secret')
QUIT
EOF
	expect_reply 3 "535 5.7.8 Authentication credentials invalid"
	expect_reply 4 "235 2.7.0 Authentication successful"
}

@test "an AUTH response over 12288 octets: 500 5.5.6" {
	long=$(head -c 12000 /dev/zero | base64 -w0)
	dialog -s -T <<EOF
EHLO c.test
AUTH PLAIN
$long
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"334 " "500 5.5.6 Authentication exchange line is too long" \
		"221 2.0.0 mx.example.test Bye"
}

@test "submission: the sender must be the user's address (553 5.7.1)" {
	dialog -s -T <<EOF
EHLO c.test
AUTH PLAIN $BOB
MAIL FROM:<carol@example.test>
MAIL FROM:<>
MAIL FROM:<Bob+Lists@Example.Test>
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"235 2.7.0 Authentication successful" \
		"553 5.7.1 Sender address not owned by authenticated user" \
		"553 5.7.1 Sender address not owned by authenticated user" \
		"250 2.1.0 Ok" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "MX mode: an authenticated client may relay" {
	dialog -T <<EOF
EHLO c.test
MAIL FROM:<bob@example.test>
RCPT TO:<x@elsewhere.test>
AUTH PLAIN $BOB
RSET
AUTH PLAIN $BOB
MAIL FROM:<bob@example.test>
RCPT TO:<x@elsewhere.test>
QUIT
EOF
	expect_reply 4 "554 5.7.1 Relay access denied"
	expect_reply 5 "503 5.5.1 Error: bad sequence of commands"
	expect_reply 7 "235 2.7.0 Authentication successful"
	expect_reply 9 "250 2.1.5 Ok"
}

@test "a bad plaintextauth file: 421 4.3.0 at the greeting, submission and MX" {
	control plaintextauth yes
	dialog -s <<EOF
EHLO c.test
AUTH PLAIN $BOB
QUIT
EOF
	expect_replies "421 4.3.0 mx.example.test Configuration error, try again later"
	dialog <<EOF
EHLO c.test
EOF
	expect_replies "421 4.3.0 mx.example.test Configuration error, try again later"
}
