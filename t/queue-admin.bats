#!/usr/bin/env bats
# postern-queue: list, show, rm, retry, stats.
load helpers
load queue-lib

setup() { queue_setup; }
teardown() { queue_teardown; }

the_id() { ls "$SPOOL/queue" | head -1; }

@test "postern-queue list: empty, then a new message" {
	run "$PQUEUE" list
	[ "$status" -eq 0 ]
	[ "$output" = "queue is empty" ]
	msg | inject alice@example.test bob@example.test dave@remote.test
	run "$PQUEUE" list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^$(the_id)\ +[0-9]+s\ +[0-9]+\ +\<alice@example.test\>\ +\(not\ tried\ yet\)$ ]]
	[[ "${lines[1]}" =~ ^\ +bob@example.test\ +pending\ +next\ try\ now$ ]]
	[[ "${lines[2]}" =~ ^\ +dave@remote.test\ +pending\ +next\ try\ now$ ]]
}

@test "postern-queue list: a deferred recipient shows attempts, reply, next try" {
	control retrymin 600
	control retrymax 600
	control routes "remote.test 127.0.0.1:$(free_port)"
	msg | inject alice@example.test dave@remote.test bob@example.test
	run_runner -1
	run "$PQUEUE" list
	[[ "$output" == *"bob@example.test"*"sent"*"attempts 1: 250 2.0.0 delivered"* ]]
	[[ "$output" =~ dave@remote.test\ +pending\ +next\ try\ in\ (9|10)m\ +attempts\ 1:\ 421\ 4.4.1\ connect ]]
}

@test "postern-queue show ID prints envelope, recipients and message" {
	msg "shown" | inject alice@example.test bob@example.test
	run "$PQUEUE" show "$(the_id)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "id: $(the_id)" ]
	[ "${lines[1]}" = "sender: <alice@example.test>" ]
	[[ "$output" == *"Subject: shown"* ]]
	[[ "$output" == *".leading dot"* ]]
	run "$PQUEUE" show 1234.5.6
	[ "$status" -eq 100 ]
}

@test "postern-queue rm ID removes it; the runner drops its state" {
	control routes "remote.test 127.0.0.1:$(free_port)"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	local id=$(the_id)
	[ -e "$SPOOL/state/$id" ]
	run "$PQUEUE" rm "$id"
	[ "$status" -eq 0 ]
	[ "$(queue_count)" -eq 0 ]
	run_runner -1
	[ ! -e "$SPOOL/state/$id" ]
	run "$PQUEUE" rm "$id"
	[ "$status" -eq 100 ]
}

@test "postern-queue retry ID makes a deferred message due now" {
	control retrymin 3600
	control retrymax 3600
	fake_start fake --conn rcpt=451 --conn rcpt=250
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	[ "$(grep -c 'RCPT TO' "$BATS_TEST_TMPDIR/fake/transcript")" -eq 1 ]
	run "$PQUEUE" retry "$(the_id)"
	[ "$status" -eq 0 ]
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
}

@test "postern-queue retry all wakes a running runner" {
	control retrymin 3600
	control retrymax 3600
	fake_start fake --conn rcpt=451 --conn rcpt=250
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	msg | inject alice@example.test dave@remote.test
	msg | inject alice@example.test erin@remote.test
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$! i
	for i in $(seq 1 40); do
		[ "$(grep -c 'result=deferred' "$RUNNER_LOG")" -ge 1 ] && break
		sleep 0.05
	done
	sleep 0.3
	run "$PQUEUE" list
	[[ "$output" == *"pending"*"next try in"* ]]
	run "$PQUEUE" retry all
	[ "$status" -eq 0 ]
	for i in $(seq 1 60); do
		[ "$(queue_count)" -eq 0 ] && break
		sleep 0.05
	done
	[ "$(queue_count)" -eq 0 ]
	kill -TERM "$pid"
	wait "$pid"
}

@test "postern-queue stats: count, oldest, bytes" {
	run "$PQUEUE" stats
	[ "$output" = $'messages 0\noldest -\nbytes 0' ]
	msg | inject alice@example.test bob@example.test
	msg | inject alice@example.test bob@example.test
	local bytes=$(cat "$SPOOL"/queue/* | wc -c)
	run "$PQUEUE" stats
	[ "${lines[0]}" = "messages 2" ]
	[[ "${lines[1]}" =~ ^oldest\ [0-9]+s$ ]]
	[ "${lines[2]}" = "bytes $bytes" ]
}

@test "postern-queue: usage errors and bad IDs exit 64" {
	run "$PQUEUE"
	[ "$status" -eq 64 ]
	run "$PQUEUE" frobnicate
	[ "$status" -eq 64 ]
	run "$PQUEUE" rm
	[ "$status" -eq 64 ]
	run "$PQUEUE" rm ../conf/users
	[ "$status" -eq 64 ]
	[[ "$output" == *"not a queue ID"* ]]
	[ -e "$CONF/users" ]
	run "$PQUEUE" show .hidden
	[ "$status" -eq 64 ]
	run "$PQUEUE" retry 1234.5.6
	[ "$status" -eq 100 ]
}
