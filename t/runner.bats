#!/usr/bin/env bats
# runner: local delivery, aliases, bounces, spool recovery, lock, trigger.
load helpers
load queue-lib

setup() { queue_setup; }
teardown() { queue_teardown; }

@test "local delivery into a new Maildir with Return-Path and Delivered-To" {
	msg hello | inject alice@example.test bob@example.test
	[ "$(queue_count)" -eq 1 ]
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ -d "$MAILROOT/example.test/bob/cur" ] && [ -d "$MAILROOT/example.test/bob/tmp" ]
	run maildir_cat bob@example.test
	[ "${lines[0]}" = "Return-Path: <alice@example.test>" ]
	[ "${lines[1]}" = "Delivered-To: bob@example.test" ]
	[[ "$output" == *"Subject: hello"* ]]
	[[ "$output" == *$'\n.leading dot\n'* ]]
	[ "$(queue_count)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
	[ -z "$(ls "$MAILROOT/example.test/bob/tmp")" ]
	grep -q "rcpt=bob@example.test result=sent relay=local" "$RUNNER_LOG"
	grep -q "event=done sent=1 bounced=0" "$RUNNER_LOG"
}

@test "user+tag goes to user, Delivered-To keeps the tag" {
	msg | inject alice@example.test Bob+Lists@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	run maildir_cat bob@example.test
	[ "${lines[1]}" = "Delivered-To: Bob+Lists@example.test" ]
}

@test "several local recipients of one message each get a copy" {
	msg | inject alice@example.test bob@example.test carol@example.test alice@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_count carol@example.test)" -eq 1 ]
	[ "$(maildir_count alice@example.test)" -eq 1 ]
}

@test "aliases expand to local users, +tag falls back to the base alias" {
	control aliases "team@example.test: bob, carol@example.test" \
		"info@example.test: team@example.test"
	msg | inject alice@example.test info+web@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_count carol@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "an alias loop ends: a self-reference delivers to the mailbox" {
	control aliases "bob@example.test: carol@example.test" \
		"carol@example.test: bob@example.test" \
		"alice@example.test: alice@example.test, bob@example.test"
	msg | inject carol@example.test alice@example.test
	run_runner -1
	[ "$(maildir_count alice@example.test)" -eq 1 ]
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "postmaster is deliverable without a users line" {
	msg | inject alice@example.test PostMaster@example.test
	run_runner -1
	[ "$(maildir_count postmaster@example.test)" -eq 1 ]
}

@test "unknown local user: an RFC 3464 DSN reaches the sender's Maildir" {
	msg "lost one" | inject alice@example.test nobody@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_count alice@example.test)" -eq 1 ]
	run maildir_cat alice@example.test
	[ "${lines[0]}" = "Return-Path: <>" ]
	[[ "$output" == *"From: MAILER-DAEMON@mx.example.test"* ]]
	[[ "$output" == *"Content-Type: multipart/report; report-type=delivery-status;"* ]]
	[[ "$output" == *"Content-Type: message/delivery-status"* ]]
	[[ "$output" == *"Reporting-MTA: dns; mx.example.test"* ]]
	[[ "$output" == *"Final-Recipient: rfc822; nobody@example.test"* ]]
	[[ "$output" == *"Action: failed"* ]]
	[[ "$output" == *"Status: 5.1.1"* ]]
	[[ "$output" == *"Diagnostic-Code: smtp; 550 5.1.1 no such user here"* ]]
	[[ "$output" == *"Content-Type: text/rfc822-headers"* ]]
	[[ "$output" == *"Subject: lost one"* ]]
	[[ "$output" != *"Final-Recipient: rfc822; bob@example.test"* ]]
	[[ "$output" != *"line one"* ]]     # headers only, not the body
	[ "$(queue_count)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
}

@test "one DSN per message for all its failed recipients" {
	msg | inject alice@example.test nobody@example.test ghost@example.test
	run_runner -1
	[ "$(maildir_count alice@example.test)" -eq 1 ]
	run maildir_cat alice@example.test
	[[ "$output" == *"Final-Recipient: rfc822; nobody@example.test"* ]]
	[[ "$output" == *"Final-Recipient: rfc822; ghost@example.test"* ]]
}

@test "a bounce to an undeliverable sender goes once to postmaster, no loop" {
	msg | inject ghost@example.test nobody@example.test
	run_runner -1
	[ "$(maildir_count postmaster@example.test)" -eq 1 ]
	run maildir_cat postmaster@example.test
	[[ "$output" == *"X-Postern-Double-Bounce: yes"* ]]
	[[ "$output" == *"Final-Recipient: rfc822; ghost@example.test"* ]]
	[ "$(queue_count)" -eq 0 ]
	# the postmaster itself undeliverable: the double bounce is dropped
	control aliases "postmaster@example.test: nobody@example.test"
	msg | inject ghost@example.test nobody@example.test
	run_runner -1
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(maildir_count postmaster@example.test)" -eq 1 ]
	grep -q "event=double-bounce-discarded" "$RUNNER_LOG"
}

@test "a failing message with the null sender goes to postmaster, never to <>" {
	msg | "$SENDMAIL" -f '<>' nobody@example.test
	run_runner -1
	[ "$(maildir_count postmaster@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "Maildir failure defers and keeps the message; a later pass delivers" {
	mkdir -p "$MAILROOT/example.test"
	: > "$MAILROOT/example.test/bob"       # a file where the Maildir goes
	msg | inject alice@example.test bob@example.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	grep -q "result=deferred" "$RUNNER_LOG"
	run cat "$SPOOL"/state/*
	[[ "${lines[1]}" == $'rcpt\tpending\t1\t'* ]]
	rm "$MAILROOT/example.test/bob"
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "over its quota (control quota) local delivery defers with 4.2.2 and writes nothing; it delivers once there is room" {
	control quota "bob@example.test: 1"
	msg first | inject alice@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(head -1 "$MAILROOT/example.test/bob/maildirsize")" = 1024S ]
	big=$(printf 'x%.0s' $(seq 1 1100))
	msg "$big" | inject alice@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 1 ]
	[ -z "$(ls "$MAILROOT/example.test/bob/tmp")" ]
	grep -q 'rcpt=bob@example.test result=deferred relay=local.*452 4.2.2 mailbox full: over its quota' "$RUNNER_LOG"
	control quota "bob@example.test: 10"
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 2 ]
	[ "$(queue_count)" -eq 0 ]
	[ "$(awk 'NR > 1 { m += $2 } END { print m }' "$MAILROOT/example.test/bob/maildirsize")" -eq 2 ]
}

@test "over quota past the queue lifetime: the sender gets a DSN with the 4.2.2 reply; a broken quota file defers" {
	control quota "bob@example.test: 0 1"
	msg first | inject alice@example.test bob@example.test
	msg second | inject alice@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 1 ]
	control queuelifetime 1
	sleep 1.2
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	run maildir_cat alice@example.test
	[[ "$output" == *"Status: 4.4.7"* ]]
	[[ "$output" == *"queue lifetime expired; last reply: 452 4.2.2 mailbox full"* ]]
	rm "$CONF/queuelifetime"
	control quota "bob@example.test: many"
	msg third | inject alice@example.test bob@example.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	grep -q '451 4.3.0 cannot read the quota file' "$RUNNER_LOG"
	grep -q 'event=config-error file=quota' "$RUNNER_LOG"
}

@test "tmp debris older than a day is removed, a file being written is not" {
	mkdir -p "$SPOOL/tmp"
	echo old > "$SPOOL/tmp/1.1.1"
	touch -d '2 days ago' "$SPOOL/tmp/1.1.1"
	echo new > "$SPOOL/tmp/2.2.2"
	run_runner -1
	[ ! -e "$SPOOL/tmp/1.1.1" ]
	[ -e "$SPOOL/tmp/2.2.2" ]
}

@test "a state file without its queue file is removed" {
	mkdir -p "$SPOOL/state"
	printf 'postern-state\t1\n' > "$SPOOL/state/1234.5.6"
	run_runner -1
	[ ! -e "$SPOOL/state/1234.5.6" ]
}

@test "a malformed queue file is left alone and logged" {
	mkdir -p "$SPOOL/queue"
	printf 'garbage without envelope' > "$SPOOL/queue/1000000000000000.1.1"
	msg | inject alice@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ -e "$SPOOL/queue/1000000000000000.1.1" ]
	grep -q "id=1000000000000000.1.1 event=error op=read-envelope" "$RUNNER_LOG"
}

@test "a second runner exits while the first holds the lock" {
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$!
	sleep 0.3
	run "$RUNNER" -1
	[ "$status" -eq 0 ]
	[[ "$output" == *"another runner holds the lock"* ]]
	run "$RUNNER"
	[ "$status" -eq 111 ]
	kill -TERM "$pid"
	wait "$pid"
}

@test "the daemon is woken by the trigger and exits on SIGTERM" {
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$! i
	sleep 0.3
	msg | inject alice@example.test bob@example.test
	for i in $(seq 1 40); do
		[ "$(maildir_count bob@example.test)" -eq 1 ] && break
		sleep 0.05
	done
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	kill -TERM "$pid"
	wait "$pid"
	grep -q "event=exit" "$RUNNER_LOG"
}

@test "the daemon retries on its own when a deferral comes due" {
	control retrymin 1
	control retrymax 1
	mkdir -p "$MAILROOT/example.test"
	: > "$MAILROOT/example.test/bob"
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$! i
	sleep 0.3
	msg | inject alice@example.test bob@example.test
	sleep 0.5
	rm "$MAILROOT/example.test/bob"
	for i in $(seq 1 60); do
		[ "$(maildir_count bob@example.test)" -eq 1 ] && break
		sleep 0.05
	done
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	kill -TERM "$pid"
	wait "$pid"
}

@test "runner usage error exits 64" {
	run "$RUNNER" -x
	[ "$status" -eq 64 ]
	run "$RUNNER" extra
	[ "$status" -eq 64 ]
}

@test "the daemon re-reads control files without a restart" {
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$! i
	sleep 0.3
	control aliases "sales@example.test: carol@example.test"
	msg | inject alice@example.test sales@example.test
	for i in $(seq 1 40); do
		[ "$(maildir_count carol@example.test)" -eq 1 ] && break
		sleep 0.05
	done
	[ "$(maildir_count carol@example.test)" -eq 1 ]
	kill -TERM "$pid"
	wait "$pid"
}
