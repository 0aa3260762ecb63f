#!/usr/bin/env bats
# Real clients over real sockets: STARTTLS on smtpd, imapd and pop3d under
# tcpserver and "tlswrapper -n", and implicit TLS (RFC 8314) under plain
# tlswrapper with -T. Clients check the test certificate ($TLS_CA).

load helpers
load smtpd-helpers
load tls-helpers

setup() {
	smtpd_setup
	MB="$MAILROOT/example.test/bob"
	mkdir -p "$MB/cur" "$MB/new" "$MB/tmp"
	: > "$MB/subscriptions"
	printf 'Subject: hello\n\nover TLS\n' > "$MB/new/1.M1.test"
	printf 'Subject: t\r\n\r\nbody\r\n' > "$BATS_TEST_TMPDIR/msg"
	IMAPD="$TOP/imapd/imapd" POP3D="$TOP/pop3d/pop3d"
}
teardown() { smtpd_teardown; }

# The one queued message was received over TLS (RFC 3848), with this
# "with" protocol.
received_with() {
	[ "$(queue_count)" -eq 1 ] || { echo "queued: $(queue_count)" >&2; return 1; }
	queued_message | grep -q "with $1 id" || { queued_message >&2; return 1; }
}

@test "swaks --tls to MX mode: ESMTPS; and to submission with AUTH: ESMTPSA" {
	tls_start starttls "$SMTPD"
	run swaks --server "127.0.0.1:$PORT" --tls --from a@example.org \
		--to bob@example.test --silent 2
	[ "$status" -eq 0 ]
	received_with ESMTPS
	rm -f "$SPOOL"/queue/*
	tls_start starttls "$SMTPD" -s
	run swaks --server "127.0.0.1:$PORT" --tls --auth PLAIN \
		--auth-user bob@example.test --auth-password secret \
		--from bob@example.test --to bob@example.test --silent 2
	[ "$status" -eq 0 ]
	received_with ESMTPSA
}

@test "openssl s_client -starttls smtp: verified handshake, then a mail transaction" {
	tls_start starttls "$SMTPD"
	run bash -c "printf 'EHLO c.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: s\r\n\r\nx\r\n.\r\nQUIT\r\n' |
		timeout 20 openssl s_client -quiet -ign_eof -verify_return_error \
		-CAfile '$TLS_CA' -starttls smtp -connect 127.0.0.1:$PORT 2>/dev/null | tr -d '\r'"
	[ "$status" -eq 0 ]
	grep -qx '250 2.0.0 Ok: queued as .*' <<<"$output"
	received_with ESMTPS
}

@test "openssl s_client -starttls imap and pop3: LOGIN and USER/PASS under TLS" {
	tls_start starttls "$IMAPD"
	run bash -c "printf 'a LOGIN bob@example.test secret\r\nb SELECT INBOX\r\nc LOGOUT\r\n' |
		timeout 20 openssl s_client -quiet -ign_eof -verify_return_error \
		-CAfile '$TLS_CA' -starttls imap -connect 127.0.0.1:$PORT 2>/dev/null | tr -d '\r'"
	[ "$status" -eq 0 ]
	grep -qx 'a OK \[CAPABILITY .*\] Logged in' <<<"$output"
	grep -qx '\* 1 EXISTS' <<<"$output"
	tls_start starttls "$POP3D"
	run bash -c "printf 'USER bob@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r\n' |
		timeout 20 openssl s_client -quiet -ign_eof -verify_return_error \
		-CAfile '$TLS_CA' -starttls pop3 -connect 127.0.0.1:$PORT 2>/dev/null | tr -d '\r'"
	[ "$status" -eq 0 ]
	grep -qx '+OK 1 28' <<<"$output"
}

@test "curl --ssl-reqd: smtp, imap and pop3 with STARTTLS" {
	tls_start starttls "$SMTPD" -s
	run curl -sS --ssl-reqd --cacert "$TLS_CA" "smtp://127.0.0.1:$PORT" \
		-u bob@example.test:secret --mail-from bob@example.test \
		--mail-rcpt bob@example.test -T "$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 0 ]
	received_with ESMTPSA
	tls_start starttls "$IMAPD"
	run curl -sS --ssl-reqd --cacert "$TLS_CA" -u bob@example.test:secret \
		"imap://127.0.0.1:$PORT/INBOX;UID=1"
	[ "$status" -eq 0 ]
	grep -q 'over TLS' <<<"$output"
	tls_start starttls "$POP3D"
	run curl -sS --ssl-reqd --cacert "$TLS_CA" -u bob@example.test:secret \
		"pop3://127.0.0.1:$PORT/1"
	[ "$status" -eq 0 ]
	grep -q 'over TLS' <<<"$output"
}

@test "curl --ssl-reqd fails against a server without the control pipe (no STARTTLS offered)" {
	server_start tcpserver "$POP3D"
	run curl -sS --ssl-reqd --cacert "$TLS_CA" -u bob@example.test:secret \
		"pop3://127.0.0.1:$PORT/1"
	[ "$status" -ne 0 ]
	! grep -q 'event=login' "$BATS_TEST_TMPDIR/server.log"
}

@test "msmtp with tls_starttls submits with AUTH under TLS" {
	tls_start starttls "$SMTPD" -s
	cat > "$BATS_TEST_TMPDIR/msmtprc" <<EOF
account default
host 127.0.0.1
port $PORT
tls on
tls_starttls on
tls_trust_file $TLS_CA
auth plain
user bob@example.test
password secret
from bob@example.test
EOF
	chmod 600 "$BATS_TEST_TMPDIR/msmtprc"
	run timeout 20 msmtp -C "$BATS_TEST_TMPDIR/msmtprc" bob@example.test \
		< "$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 0 ]
	received_with ESMTPSA
}

@test "implicit TLS on all three: curl smtps://, imaps://, pop3s:// under tlswrapper with -T" {
	tls_start implicit "$SMTPD" -T -s
	run curl -sS --cacert "$TLS_CA" "smtps://127.0.0.1:$PORT" \
		-u bob@example.test:secret --mail-from bob@example.test \
		--mail-rcpt bob@example.test -T "$BATS_TEST_TMPDIR/msg"
	[ "$status" -eq 0 ]
	received_with ESMTPSA
	tls_start implicit "$IMAPD" -T
	run curl -sS --cacert "$TLS_CA" -u bob@example.test:secret \
		"imaps://127.0.0.1:$PORT/INBOX;UID=1"
	[ "$status" -eq 0 ]
	grep -q 'over TLS' <<<"$output"
	tls_start implicit "$POP3D" -T
	run curl -sS --cacert "$TLS_CA" -u bob@example.test:secret \
		"pop3s://127.0.0.1:$PORT/1"
	[ "$status" -eq 0 ]
	grep -q 'over TLS' <<<"$output"
}

@test "implicit TLS: no STARTTLS offered, and it is refused" {
	tls_start implicit "$SMTPD" -T
	run bash -c "printf 'EHLO c.test\r\nSTARTTLS\r\nQUIT\r\n' |
		timeout 20 openssl s_client -quiet -ign_eof -verify_return_error \
		-CAfile '$TLS_CA' -connect 127.0.0.1:$PORT 2>/dev/null | tr -d '\r'"
	! grep -q '250-STARTTLS' <<<"$output"
	grep -qx '503 5.5.1 Error: TLS already active' <<<"$output"
}
