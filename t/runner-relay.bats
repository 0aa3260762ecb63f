#!/usr/bin/env bats
# runner: relaying by SMTP through "routes" to a scripted test server.
load helpers
load queue-lib

setup() { queue_setup; }
teardown() { queue_teardown; }

# route DOMAIN...: send those domains to the fake server on $FAKE_PORT.
route() {
	local d lines=()
	for d in "$@"; do lines+=("$d 127.0.0.1:$FAKE_PORT"); done
	control routes "${lines[@]}"
}

T() { cat "$BATS_TEST_TMPDIR/${1:-fake}/transcript"; }

@test "relay: one transaction, CRLF and dot-stuffing on the wire" {
	fake_start fake
	route remote.test
	msg relayed | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	run T
	[ "${lines[0]}" = "C1: EHLO mx.example.test" ]
	[ "${lines[1]}" = "C1: MAIL FROM:<alice@example.test>" ]
	[ "${lines[2]}" = "C1: RCPT TO:<dave@remote.test>" ]
	[ "${lines[3]}" = "C1: DATA" ]
	[ "${lines[5]}" = "C1: QUIT" ]
	body=$(cat "$BATS_TEST_TMPDIR/fake/msg-1")
	[[ "$body" == *$'Subject: relayed\r\n'* ]]
	[[ "$body" == *$'\r\n..leading dot\r\nlast\r' ]]  # $() ate the last LF
	grep -q "rcpt=dave@remote.test result=sent relay=\"127.0.0.1\[127.0.0.1\]:$FAKE_PORT tls=0\" reply=\"250 2.0.0 queued as fake1\"" "$RUNNER_LOG"
}

@test "relay: recipients grouped per domain, one transaction each" {
	fake_start fake
	route one.test two.test
	msg | inject alice@example.test a@one.test b@one.test c@two.test bob@example.test
	run_runner -1
	[ "$(grep -c 'MAIL FROM' "$BATS_TEST_TMPDIR/fake/transcript")" -eq 2 ]
	[ "$(grep -c 'RCPT TO' "$BATS_TEST_TMPDIR/fake/transcript")" -eq 3 ]
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "relay: a smarthost route '*' takes every remote domain" {
	fake_start fake
	control routes "* 127.0.0.1:$FAKE_PORT"
	msg | inject alice@example.test x@anywhere.test
	run_runner -1
	grep -q "RCPT TO:<x@anywhere.test>" "$BATS_TEST_TMPDIR/fake/transcript"
	[ "$(queue_count)" -eq 0 ]
}

@test "relay: 4xx first, success on a later pass" {
	fake_start fake --conn rcpt=451 --conn rcpt=250
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	grep -q "result=deferred .*reply=\"451 recipient refused\"" "$RUNNER_LOG"
	run cat "$SPOOL"/state/*
	[[ "${lines[1]}" == $'rcpt\tpending\t1\t'*$'\tdave@remote.test\t127.0.0.1[127.0.0.1]:'*$'\t451 recipient refused' ]]
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/fake/msg-1" ]
	grep -q "result=sent.*attempts=2" "$RUNNER_LOG"
}

@test "relay: a retry waits for retrymin" {
	control retrymin 3600
	control retrymax 7200
	fake_start fake --conn rcpt=451 --conn rcpt=250
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	run_runner -1
	[ "$(grep -c 'RCPT TO' "$BATS_TEST_TMPDIR/fake/transcript")" -eq 1 ]
	[ "$(queue_count)" -eq 1 ]
}

@test "relay: 5xx bounces with the remote reply in the DSN" {
	fake_start fake --conn rcpt:dave@remote.test=550
	route remote.test
	msg "to dave" | inject alice@example.test dave@remote.test erin@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/fake/msg-1" ]   # erin got it
	[ "$(maildir_count alice@example.test)" -eq 1 ]
	run maildir_cat alice@example.test
	[[ "$output" == *"Final-Recipient: rfc822; dave@remote.test"* ]]
	[[ "$output" != *"Final-Recipient: rfc822; erin@remote.test"* ]]
	[[ "$output" == *"Remote-MTA: dns; 127.0.0.1"* ]]
	[[ "$output" == *"Diagnostic-Code: smtp; 550 recipient refused"* ]]
	[[ "$output" == *"Status: 5.0.0"* ]]
	[[ "$output" == *"Subject: to dave"* ]]
}

@test "relay: 5xx at end of data bounces every recipient" {
	fake_start fake --conn end=554
	route remote.test
	msg | inject alice@example.test dave@remote.test erin@remote.test
	run_runner -1
	run maildir_cat alice@example.test
	[[ "$output" == *"Final-Recipient: rfc822; dave@remote.test"* ]]
	[[ "$output" == *"Final-Recipient: rfc822; erin@remote.test"* ]]
	[[ "$output" == *"Diagnostic-Code: smtp; 554 message refused"* ]]
}

@test "relay: 5xx to MAIL FROM bounces the transaction" {
	fake_start fake --conn mail=553
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	run maildir_cat alice@example.test
	[[ "$output" == *"Diagnostic-Code: smtp; 553 sender refused"* ]]
}

@test "relay: a refused connection defers" {
	FAKE_PORT=$(free_port)
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	grep -q "result=deferred .*reply=\"421 4.4.1 connect to 127.0.0.1\[127.0.0.1\]:$FAKE_PORT: Connection refused\"" "$RUNNER_LOG"
}

@test "relay: a dropped connection defers, then goes through" {
	fake_start fake --conn drop=mail --conn rcpt=250
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	grep -q "result=deferred.*connection closed" "$RUNNER_LOG"
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
}

@test "relay: a silent server times out (relaytimeout) and defers" {
	control relaytimeout 1
	fake_start fake --conn sleep=30@greeting
	route remote.test
	msg | inject alice@example.test dave@remote.test
	SECONDS=0
	run_runner -1
	# given up at relaytimeout, not after the server's 30 s of silence
	# (the bound leaves room for a loaded machine: t/run runs files at once)
	[ "$SECONDS" -lt 20 ]
	[ "$(queue_count)" -eq 1 ]
	grep -q "result=deferred.*timeout waiting for a reply" "$RUNNER_LOG"
}

@test "relay: 4xx greeting defers" {
	fake_start fake --conn greeting=421
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	grep -q 'result=deferred.*reply="421 fake.test ESMTP"' "$RUNNER_LOG"
}

@test "relay: EHLO refused, HELO works" {
	fake_start fake --conn ehlo=502
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	grep -q "C1: HELO mx.example.test" "$BATS_TEST_TMPDIR/fake/transcript"
}

@test "relay: without PIPELINING the client waits for each reply" {
	fake_start fake --conn ext=8BITMIME
	route remote.test
	msg | inject alice@example.test dave@remote.test erin@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(grep -c 'RCPT TO' "$BATS_TEST_TMPDIR/fake/transcript")" -eq 2 ]
}

@test "relay: SIZE and BODY=8BITMIME parameters when offered" {
	fake_start fake --conn ext=PIPELINING+8BITMIME+SIZE=100000
	route remote.test
	printf 'Subject: caf\xc3\xa9\n\nbody\n' | inject alice@example.test dave@remote.test
	run_runner -1
	grep -qE "C1: MAIL FROM:<alice@example.test> SIZE=[0-9]+ BODY=8BITMIME$" "$BATS_TEST_TMPDIR/fake/transcript"
}

@test "relay: a message over the server's SIZE bounces (5.3.4)" {
	fake_start fake --conn ext=PIPELINING+SIZE=50
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	run maildir_cat alice@example.test
	[[ "$output" == *"Status: 5.3.4"* ]]
	! grep -q "MAIL FROM" "$BATS_TEST_TMPDIR/fake/transcript"
}

@test "relay: an SMTPUTF8 message to a server without SMTPUTF8 bounces (5.6.7)" {
	fake_start fake --conn ext=PIPELINING+8BITMIME
	route remote.test
	msg | inject alice@example.test 'dåve@remote.test'
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	run maildir_cat alice@example.test
	[[ "$output" == *"Status: 5.6.7"* ]]
	[[ "$output" == *"Final-Recipient: utf-8; dåve@remote.test"* ]]
}

@test "relay: SMTPUTF8 used when the server offers it" {
	fake_start fake
	route remote.test
	msg | inject alice@example.test 'dåve@remote.test'
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	grep -q "MAIL FROM:<alice@example.test> SMTPUTF8" "$BATS_TEST_TMPDIR/fake/transcript"
}

@test "relay: queuelifetime expiry bounces with 4.4.7" {
	fake_start fake --conn rcpt=451
	route remote.test
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	# a lifetime of 1 s only now: the first attempt may take a second
	# under load (a sanitizer build's process start-up)
	control queuelifetime 1
	sleep 1.2
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	run maildir_cat alice@example.test
	[[ "$output" == *"Status: 4.4.7"* ]]
	[[ "$output" == *"queue lifetime expired; last reply: 451 recipient refused"* ]]
}

@test "relay: alias to a remote address" {
	fake_start fake
	route remote.test
	control aliases "fwd@example.test: dave@remote.test, bob"
	msg | inject alice@example.test fwd@example.test
	run_runner -1
	grep -q "RCPT TO:<dave@remote.test>" "$BATS_TEST_TMPDIR/fake/transcript"
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "relay: many messages with concurrency 3 all arrive" {
	control concurrency 3
	fake_start fake --conn sleep=0.2@end
	route remote.test
	local i
	for i in $(seq 1 12); do msg "n$i" | inject alice@example.test "u$i@remote.test"; done
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(ls "$BATS_TEST_TMPDIR/fake"/msg-* | wc -l)" -eq 12 ]
}

@test "relay: messages to one domain share a connection" {
	fake_start fake
	route remote.test
	local i
	for i in 1 2 3; do msg "n$i" | inject alice@example.test "u$i@remote.test"; done
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(grep -c '^C1: MAIL FROM' "$BATS_TEST_TMPDIR/fake/transcript")" -eq 3 ]
	! grep -q '^C2:' "$BATS_TEST_TMPDIR/fake/transcript"
	[ "$(ls "$BATS_TEST_TMPDIR/fake"/msg-* | wc -l)" -eq 3 ]
}

@test "relay: a refused message does not spoil the shared connection (pipelined)" {
	fake_start fake --conn rcpt:dave@remote.test=550
	route remote.test
	msg first | inject alice@example.test dave@remote.test
	msg second | inject alice@example.test erin@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(ls "$BATS_TEST_TMPDIR/fake"/msg-* | wc -l)" -eq 1 ]
	grep -q "Subject: second" "$BATS_TEST_TMPDIR/fake/msg-1"
	! grep -q '^C2:' "$BATS_TEST_TMPDIR/fake/transcript"
	[ "$(maildir_count alice@example.test)" -eq 1 ]
}

@test "relay: RSET after every RCPT refused (no PIPELINING), next message goes" {
	fake_start fake --conn ext=8BITMIME,rcpt:dave@remote.test=550
	route remote.test
	msg first | inject alice@example.test dave@remote.test
	msg second | inject alice@example.test erin@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	grep -q '^C1: RSET' "$BATS_TEST_TMPDIR/fake/transcript"
	grep -q "Subject: second" "$BATS_TEST_TMPDIR/fake/msg-1"
}

@test "relay: a connection lost mid-batch: reconnect for the rest" {
	fake_start fake --conn drop=end --conn rcpt=250
	route remote.test
	msg first | inject alice@example.test dave@remote.test
	msg second | inject alice@example.test erin@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]          # the first: its end-of-data reply was lost
	grep -q "Subject: second" "$BATS_TEST_TMPDIR/fake/msg-1"
	grep -q 'rcpt=dave@remote.test result=deferred.*connection closed' "$RUNNER_LOG"
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
}

@test "relay: SIGTERM lets the running delivery finish, the waiting ones wait" {
	control concurrency 1
	fake_start fake --conn sleep=0.5@end
	control routes "one.test 127.0.0.1:$FAKE_PORT" "two.test 127.0.0.1:$FAKE_PORT"
	msg | inject alice@example.test a@one.test
	msg | inject alice@example.test b@two.test
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$!
	sleep 0.3
	kill -TERM "$pid"
	wait "$pid"
	[ "$(queue_count)" -eq 1 ]
	[ "$(ls "$BATS_TEST_TMPDIR/fake"/msg-* | wc -l)" -eq 1 ]
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
}

@test "relay: a message removed while it is delivered leaves no state behind" {
	fake_start fake --conn sleep=0.5@greeting
	route remote.test
	msg | inject alice@example.test dave@remote.test
	"$RUNNER" -1 2>>"$RUNNER_LOG" &
	local pid=$!
	sleep 0.2
	"$PQUEUE" rm "$(ls "$SPOOL/queue")"
	wait "$pid"
	[ "$(queue_count)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
	grep -q "event=gone" "$RUNNER_LOG"
}

@test "relay: multi-line replies are read whole and quoted whole in the DSN" {
	fake_start fake --conn multiline=1,rcpt:dave@remote.test=550
	route remote.test
	msg | inject alice@example.test dave@remote.test erin@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/fake/msg-1" ]
	run maildir_cat alice@example.test
	[[ "$output" == *"Diagnostic-Code: smtp; 550 recipient refused; and more"* ]]
}
