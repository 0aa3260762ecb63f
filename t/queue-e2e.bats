#!/usr/bin/env bats
# End to end: smtpd (under tcpserver) -> spool -> runner -> Maildir or
# relay. Needs smtpd/smtpd (issue 3); skipped when it is not built.
load helpers
load queue-lib

setup() {
	queue_setup
	[ -x "$TOP/smtpd/smtpd" ] || skip "smtpd/smtpd is not built in this tree"
}
teardown() {
	queue_teardown
	no_sanitizer_reports "$BATS_TEST_TMPDIR/server.log"
}

wait_until() {          # wait_until COMMAND...: at most 4 s (eval re-reads a $(...))
	local i
	for i in $(seq 1 80); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

@test "e2e: swaks -> smtpd -> runner -> Maildir" {
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$!
	server_start tcpserver "$TOP/smtpd/smtpd"
	run swaks --server 127.0.0.1 --port "$PORT" --from alice@example.test \
		--to bob@example.test --header "Subject: end to end" --body "hello bob"
	[ "$status" -eq 0 ]
	wait_until eval '[ "$(maildir_count bob@example.test)" -eq 1 ]'
	run maildir_cat bob@example.test
	[ "${lines[0]}" = "Return-Path: <alice@example.test>" ]
	[ "${lines[1]}" = "Delivered-To: bob@example.test" ]
	[[ "$output" == *"Received: from "* ]]
	[[ "$output" == *"Subject: end to end"* ]]
	[[ "$output" == *"hello bob"* ]]
	wait_until eval '[ "$(queue_count)" -eq 0 ]'
	kill -TERM "$pid"
	wait "$pid"
}

@test "e2e: smtplib -> smtpd -> runner -> relay through routes" {
	fake_start fake
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	server_start tcpserver "$TOP/smtpd/smtpd"
	python3 - "$PORT" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.sendmail("alice@example.test", ["dave@remote.test", "bob@example.test"],
           "Subject: relay e2e\r\n\r\n.dot line\r\nbye\r\n")
s.quit()
PY
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	grep -q "RCPT TO:<dave@remote.test>" "$BATS_TEST_TMPDIR/fake/transcript"
	body=$(cat "$BATS_TEST_TMPDIR/fake/msg-1")
	[[ "$body" == *$'Subject: relay e2e\r\n'* ]]
	[[ "$body" == *$'\r\n..dot line\r\nbye\r' ]]
}

@test "e2e: a 5xx from the remote comes back as a DSN to the SMTP sender" {
	fake_start fake --conn rcpt=550
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	server_start tcpserver "$TOP/smtpd/smtpd"
	run swaks --server 127.0.0.1 --port "$PORT" --from alice@example.test \
		--to dave@remote.test --header "Subject: will bounce"
	[ "$status" -eq 0 ]
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	run maildir_cat alice@example.test
	[[ "$output" == *"Final-Recipient: rfc822; dave@remote.test"* ]]
	[[ "$output" == *"Subject: will bounce"* ]]
}
