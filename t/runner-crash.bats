#!/usr/bin/env bats
# runner: recovery from every state a crash can leave (postern-spool(5),
# STATE FILES), and SIGKILL mid-pass.
load helpers
load queue-lib

setup() { queue_setup; }
teardown() {
	[ -z "${CRASH_RUNNER:-}" ] || kill -KILL "$CRASH_RUNNER" 2>/dev/null || true
	queue_teardown
}

the_id() { ls "$SPOOL/queue" | head -1; }

# state ID LINE...: write spool/state/ID as the runner would.
state() {
	local id=$1; shift
	mkdir -p "$SPOOL/state"
	{ printf 'postern-state\t1\n'; printf '%s\n' "$@"; } > "$SPOOL/state/$id"
}

@test "crash after the DSN was committed, before removal: no second DSN" {
	msg | inject alice@example.test nobody@example.test
	local id=$(the_id)
	msg | inject carol@example.test bob@example.test   # stands for the DSN
	local bid=$(ls "$SPOOL/queue" | tail -1)
	state "$id" $'dsn\t'"$bid" $'rcpt\tbounced\t1\t0\t-1\tnobody@example.test\tlocal\t550 5.1.1 no such user here'
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
	[ "$(maildir_count alice@example.test)" -eq 0 ]
	[ "$(maildir_count bob@example.test)" -eq 1 ]
}

@test "crash after the state named a DSN that was never committed: DSN made" {
	msg | inject alice@example.test nobody@example.test
	local id=$(the_id)
	state "$id" $'dsn\t1795000000000000.1.1' $'rcpt\tbounced\t1\t0\t-1\tnobody@example.test\tlocal\t550 5.1.1 no such user here'
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(maildir_count alice@example.test)" -eq 1 ]
	grep -q "Final-Recipient: rfc822; nobody@example.test" "$MAILROOT"/example.test/alice/new/*
}

@test "crash after everything was recorded sent, before removal: not sent again" {
	msg | inject alice@example.test bob@example.test
	state "$(the_id)" $'rcpt\tsent\t1\t0\t-1\tbob@example.test\tlocal\t250 2.0.0 delivered'
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
	[ "$(maildir_count bob@example.test)" -eq 0 ]
}

@test "a recorded bounce with no DSN yet (crash before the DSN): DSN made" {
	msg | inject alice@example.test nobody@example.test bob@example.test
	state "$(the_id)" $'rcpt\tbounced\t1\t0\t-1\tnobody@example.test\tlocal\t550 5.1.1 no such user here' \
		$'rcpt\tpending\t0\t0\t-1\tbob@example.test\t-\t'
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_count alice@example.test)" -eq 1 ]
}

@test "recorded recipients are not delivered again, pending ones are" {
	msg | inject alice@example.test bob@example.test carol@example.test
	state "$(the_id)" $'rcpt\tsent\t1\t0\t-1\tbob@example.test\tlocal\t250 ok' \
		$'rcpt\tpending\t0\t0\t-1\tcarol@example.test\t-\t'
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 0 ]
	[ "$(maildir_count carol@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "a malformed state file is logged and the message kept" {
	msg | inject alice@example.test bob@example.test
	mkdir -p "$SPOOL/state"
	echo "rubbish" > "$SPOOL/state/$(the_id)"
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	grep -q "op=read-state" "$RUNNER_LOG"
}

# journal ID LINE...: append to spool/state/ID.journal as a child would.
journal() {
	local id=$1; shift
	mkdir -p "$SPOOL/state"
	printf '%s\n' "$@" >> "$SPOOL/state/$id.journal"
}

@test "a journaled result left by a crash is folded in, not delivered again" {
	msg | inject alice@example.test bob@example.test carol@example.test
	journal "$(the_id)" $'result\t0\t1\tsent\tbob@example.test\tlocal\t250 2.0.0 delivered'
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 0 ]
	[ "$(maildir_count carol@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
	grep -q "event=recovered results=1" "$RUNNER_LOG"
}

@test "a journal entry for an older attempt or another address counts for nothing" {
	msg | inject alice@example.test bob@example.test carol@example.test
	local id=$(the_id)
	state "$id" $'rcpt\tpending\t1\t0\t-1\tbob@example.test\tlocal\t451 try later' \
		$'rcpt\tpending\t0\t0\t-1\tcarol@example.test\t-\t'
	journal "$id" $'result\t0\t1\tsent\tbob@example.test\tlocal\t250 old attempt' \
		$'result\t1\t1\tsent\tdave@example.test\tlocal\t250 not carol'
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_count carol@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "a Maildir delivery cut before its result: found, not delivered again" {
	msg | inject alice@example.test bob@example.test
	local dir="$MAILROOT/example.test/bob"
	mkdir -p "$dir/new" "$dir/cur" "$dir/tmp"
	msg > "$dir/cur/1796000000.M1P1_0.host:2,S"     # read and moved on since
	journal "$(the_id)" $'maildir\t0\t1\tbob@example.test\t'"$dir"$'\t1796000000.M1P1_0.host'
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 0 ]
	[ "$(queue_count)" -eq 0 ]
	grep -q "found after a crash" "$RUNNER_LOG"
}

@test "a Maildir delivery cut before its rename: delivered once" {
	msg | inject alice@example.test bob@example.test
	local dir="$MAILROOT/example.test/bob"
	journal "$(the_id)" $'maildir\t0\t1\tbob@example.test\t'"$dir"$'\t1796000000.M1P1_0.host' \
		$'result\t0\t1\tsent\tbob@e'       # a cut last line: ignored
	truncate -s -1 "$SPOOL/state/$(the_id).journal"
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(queue_count)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
}

@test "a journal that is not one is logged and its message kept" {
	msg | inject alice@example.test bob@example.test
	journal "$(the_id)" "rubbish"
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	[ "$(maildir_count bob@example.test)" -eq 0 ]
	grep -q "op=journal-read" "$RUNNER_LOG"
}

@test "a journal without its queue file is removed as debris" {
	journal 1796000000000000.1.1 $'result\t0\t1\tsent\tbob@example.test\tlocal\t250 ok'
	run_runner -1
	[ "$(state_count)" -eq 0 ]
	grep -q "event=removed-debris file=state/1796000000000000.1.1.journal" "$RUNNER_LOG"
}

@test "a child killed with the runner: its lock makes the next runner wait, nothing twice" {
	control concurrency 2
	fake_start fake --conn sleep=1@end
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	msg m1 | inject alice@example.test u1@remote.test
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$!
	for i in $(seq 1 100); do
		grep -q "^C1: <message" "$BATS_TEST_TMPDIR/fake/transcript" 2>/dev/null && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	run_runner -1           # waits for the child, which records the reply
	[ "$(queue_count)" -eq 0 ]
	[ "$(ls "$BATS_TEST_TMPDIR/fake"/msg-* | wc -l)" -eq 1 ]
	grep -q "event=wait" "$RUNNER_LOG"
	grep -q "event=recovered results=1" "$RUNNER_LOG"
}

@test "SIGKILL to the runner mid-pass loses no recipient" {
	control concurrency 4
	fake_start fake --conn sleep=0.3@end
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	local i round
	for i in $(seq 1 12); do
		msg "m$i" | inject alice@example.test "u$i@remote.test" bob@example.test
	done
	for round in 1 2 3; do
		"$RUNNER" 2>>"$RUNNER_LOG" &
		local pid=$!
		sleep 0.$((2 * round))
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null || true
	done
	sleep 0.5       # orphaned children finish their transactions
	for i in 1 2 3; do
		[ "$(queue_count)" -eq 0 ] && break
		run_runner -1
	done
	[ "$(queue_count)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
	for i in $(seq 1 12); do
		grep -q "RCPT TO:<u$i@remote.test>" "$BATS_TEST_TMPDIR/fake/transcript"
	done
	[ "$(ls "$BATS_TEST_TMPDIR/fake"/msg-* | wc -l)" -ge 12 ]
	[ "$(maildir_count bob@example.test)" -ge 12 ]
	[ "$(maildir_count alice@example.test)" -eq 0 ]   # nothing bounced
}

# The crash test of issue 16: nothing lost, and no duplicate outside the
# one window postern-spool(5) documents ("Crashes and duplicates"): a
# delivery child itself SIGKILLed between its final dot and recording the
# reply. CRASH_MESSAGES, CRASH_KILLS and CRASH_SEED make a longer run.
@test "crash test: random SIGKILLs of the runner and its children lose nothing, duplicate nothing outside the window" {
	load crash-lib
	local seed=${CRASH_SEED:-$RANDOM}
	crash_run "${CRASH_MESSAGES:-300}" "${CRASH_KILLS:-50}" "$seed" > "$BATS_TEST_TMPDIR/figures"
	echo "seed=$seed" >> "$BATS_TEST_TMPDIR/figures"
	sed "s/^/# /" "$BATS_TEST_TMPDIR/figures" >&3
	[ "$(queue_count)" -eq 0 ]
	[ "$CRASH_LOST" -eq 0 ]
	[ "$CRASH_DUPLICATED" -eq "$CRASH_WINDOW" ]
	[ "$CRASH_KILLS" -ge 20 ]
	[ "$(maildir_count alice@example.test)" -eq 0 ]     # nothing bounced
	find "$SPOOL/state" -type f | { ! grep .; }          # no state, no journal left
}
