#!/usr/bin/env bats
# make run (scripts/run-local): STARTTLS on its SMTP, submission, POP3 and
# IMAP ports and implicit TLS on three more, through tlswrapper, with a
# certificate made on the first run; passwords only under TLS.

load helpers

setup() {
	RUNDIR="$BATS_TEST_TMPDIR/run"
	OFF=$(free_offset 2525 2587 2110 2143 2465 2993 2995 2443 2080)
	RUN="$RUNDIR" RUN_PORT_OFFSET=$OFF "$TOP/scripts/run-local" \
		> "$BATS_TEST_TMPDIR/out" 2>&1 3>&- 4>&- 5>&- &
	RL_PID=$!
	wait_listening $((2995 + OFF))
	[ ! -x "$TOP/httpd/httpd" ] || wait_listening $((2080 + OFF))
	PASS=$(cat "$RUNDIR/demo-password")
	CA="$RUNDIR/tls/cert.pem"
}
teardown() {
	kill "$RL_PID" 2>/dev/null
	wait "$RL_PID" 2>/dev/null
	no_sanitizer_reports "$RUNDIR/log"
}

@test "make run: seven ports, four with STARTTLS and three with implicit TLS; plaintextauth 0" {
	grep -qx "  submission  127.0.0.1:$((2587 + OFF)) starttls" "$BATS_TEST_TMPDIR/out"
	grep -qx "  imaps       127.0.0.1:$((2993 + OFF)) implicit" "$BATS_TEST_TMPDIR/out"
	[ "$(cat "$RUNDIR/conf/plaintextauth")" = 0 ]
	openssl x509 -in "$CA" -noout -ext subjectAltName | grep -q 'IP Address:127.0.0.1'
}

@test "make run: submission with swaks --tls, and the message read back over POP3S and IMAP STARTTLS" {
	run swaks --server 127.0.0.1:$((2587 + OFF)) --tls --tls-verify \
		--tls-ca-path "$CA" --auth PLAIN --auth-user demo@example.test \
		--auth-password "$PASS" --from demo@example.test \
		--to demo@example.test --header 'Subject: run-local' --silent 2
	[ "$status" -eq 0 ]
	for i in $(seq 1 100); do
		ls "$RUNDIR"/mailroot/example.test/demo/new/* >/dev/null 2>&1 && break
		sleep 0.1
	done
	run curl -sS --cacert "$CA" -u "demo@example.test:$PASS" \
		"pop3s://127.0.0.1:$((2995 + OFF))/1"
	[ "$status" -eq 0 ]
	grep -q 'Subject: run-local' <<<"$output"
	run curl -sS --ssl-reqd --cacert "$CA" -u "demo@example.test:$PASS" \
		"imap://127.0.0.1:$((2143 + OFF))/INBOX;UID=1"
	[ "$status" -eq 0 ]
	grep -q 'Subject: run-local' <<<"$output"
}

@test "make run: passwords refused on the plain link" {
	run curl -sS -u "demo@example.test:$PASS" "pop3://127.0.0.1:$((2110 + OFF))/"
	[ "$status" -ne 0 ]
	! grep -q 'event=login user' "$RUNDIR/log"
}

@test "make run: the webmail's JMAP over HTTPS on 2443 takes the password; plain HTTP on 2080 does not" {
	[ -x "$TOP/httpd/httpd" ] || skip "httpd is not built"
	run curl -sS --cacert "$CA" -u "demo@example.test:$PASS" -o /dev/null \
		-w '%{http_code}' "https://127.0.0.1:$((2443 + OFF))/.well-known/jmap"
	[ "$output" = 200 ]
	run curl -sS -u "demo@example.test:$PASS" -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$((2080 + OFF))/.well-known/jmap"
	[ "$output" != 200 ]
}
