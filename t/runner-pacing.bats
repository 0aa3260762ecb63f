#!/usr/bin/env bats
# runner: per-destination state (issue 15): a failing domain's backoff
# in spool/domains, one probe at a time while it fails, the per-domain
# concurrency cap, postern-queue stats per domain; and postern-deliver,
# the program each delivery runs in (issue 17).
load helpers
load queue-lib

setup() {
	queue_setup
	control retrymin 600
	control retrymax 3600
}
teardown() { queue_teardown; }

DELIVER="$TOP/queue/postern-deliver"

# route DOMAIN PORT...: pairs of a domain and the fake server's port.
route() {
	local lines=()
	while [ $# -gt 0 ]; do lines+=("$1 127.0.0.1:$2"); shift 2; done
	control routes "${lines[@]}"
}
conns() {
	local t="$BATS_TEST_TMPDIR/${1:-fake}/transcript"
	if [ -e "$t" ]; then grep -c ': EHLO' "$t" || true; else echo 0; fi
}
domains_file() {
	{ printf 'postern-domains\t1\n'; printf '%s\n' "$@"; } > "$SPOOL/domains"
}

@test "pacing: a domain that deferred everything is not tried for its next message before its backoff" {
	fake_start fake --conn rcpt=451
	route remote.test "$FAKE_PORT"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	[ "$(conns)" -eq 1 ]
	grep -q $'^domain\tremote.test\t1\t[0-9]*\t[0-9]*\t451 ' "$SPOOL/domains"
	grep -q "event=domain-backoff domain=remote.test failures=1" "$RUNNER_LOG"
	msg | inject alice@example.test erin@remote.test      # a new message
	run_runner -1
	[ "$(queue_count)" -eq 2 ]
	[ "$(conns)" -eq 1 ]                                   # not tried
	grep -q "event=held recipients=1 reason=domain-backoff" "$RUNNER_LOG"
	run "$PQUEUE" stats
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "messages 2" ]
	[[ "${lines[3]}" =~ ^domain\ remote.test\ recipients\ 2\ messages\ 2\ failures\ 1\ next-try\ (9|10)m\ last-error\ 451\  ]]
	run "$PQUEUE" stats -j
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys, time
s = json.load(sys.stdin)
assert s["messages"] == 2 and s["oldest"] >= 0 and s["bytes"] > 0, s
[d] = s["domains"]
assert d["domain"] == "remote.test" and d["recipients"] == 2 and d["messages"] == 2, d
assert d["failures"] == 1 and 590 <= d["nextTry"] - time.time() <= 600, d
assert d["lastError"].startswith("451 "), d'
}

@test "pacing: postern-queue retry overrides the backoff; an answer clears the domain" {
	fake_start fake
	route remote.test "$FAKE_PORT"
	domains_file $'domain\tremote.test\t3\t4000000000\t1796000000\t421 4.4.2 gone away'
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	[ "$(conns)" -eq 0 ]
	"$PQUEUE" retry all
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(conns)" -eq 1 ]
	grep -q "event=domain-up domain=remote.test after=3" "$RUNNER_LOG"
	[ "$(cat "$SPOOL/domains")" = $'postern-domains\t1' ]
	run "$PQUEUE" stats
	[ "${#lines[@]}" -eq 3 ]
}

@test "pacing: a failing domain gets one probe; its other deliveries wait for the next try" {
	fake_start fake --conn rcpt=451
	route remote.test "$FAKE_PORT"
	domains_file $'domain\tremote.test\t1\t1\t1\t451 earlier'   # backoff over
	local i
	for i in $(seq 1 11); do msg "m$i" | inject alice@example.test "u$i@remote.test"; done
	run_runner -1
	[ "$(queue_count)" -eq 11 ]
	[ "$(conns)" -eq 1 ]                # one job of 10, the probe; not the 11th
	grep -q "event=held domain=remote.test messages=1 reason=domain-backoff" "$RUNNER_LOG"
	grep -q $'^domain\tremote.test\t2\t' "$SPOOL/domains"
}

@test "pacing: domainconcurrency keeps a slow domain from taking every slot" {
	control concurrency 2
	control domainconcurrency 1
	fake_start slow --conn sleep=1@greeting
	local slow=$FAKE_PORT
	fake_start fast
	route slow.test "$slow" fast.test "$FAKE_PORT"
	local i
	for i in $(seq 1 11); do msg "m$i" | inject alice@example.test "u$i@slow.test"; done
	msg fast | inject alice@example.test dave@fast.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	# the fast domain got the second slot while the slow one's first job ran
	grep -m1 "result=sent" "$RUNNER_LOG" | grep -q "rcpt=dave@fast.test"
	# the slow domain's two jobs ran one after the other
	local t="$BATS_TEST_TMPDIR/slow/transcript"
	[ "$(grep -n '^C1: QUIT' "$t" | cut -d: -f1)" -lt "$(grep -n '^C2: ' "$t" | head -1 | cut -d: -f1)" ]
}

@test "pacing: a broken spool/domains is logged and ignored by the runner, refused by stats" {
	echo "rubbish" > "$SPOOL/domains"
	msg | inject alice@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	grep -q "op=read-domains" "$RUNNER_LOG"
	run "$PQUEUE" stats
	[ "$status" -eq 111 ]
	[[ "$output" == *"cannot read the spool's domains file"* ]]
}

@test "postern-queue stats -j: an empty queue; bad arguments exit 64" {
	run "$PQUEUE" stats -j
	[ "$status" -eq 0 ]
	[ "$output" = '{"messages":0,"oldest":null,"bytes":0,"domains":[]}' ]
	run "$PQUEUE" stats -x
	[ "$status" -eq 64 ]
	run "$PQUEUE" stats -j more
	[ "$status" -eq 64 ]
}

@test "postern-deliver: a job that is not one, or a parent that is not the runner: exit 111, nothing written" {
	msg | inject alice@example.test bob@example.test
	local id=$(ls "$SPOOL/queue")
	printf 'job\t-\tme\t0\npart\t%s\nrcpt\tx\t1\t0\tbob@example.test\n' "$id" > "$BATS_TEST_TMPDIR/job"
	run bash -c '"$1" $$ < "$2"; echo "rc=$?"' _ "$DELIVER" "$BATS_TEST_TMPDIR/job"
	[[ "$output" == *"cannot read the job"* ]]
	[[ "$output" == *"rc=111" ]]
	printf 'job\t-\tme\t0\npart\t%s\nrcpt\t0\t1\t0\tbob@example.test\n' "$id" > "$BATS_TEST_TMPDIR/job"
	run bash -c '"$1" 1 < "$2"; echo "rc=$?"' _ "$DELIVER" "$BATS_TEST_TMPDIR/job"
	[ "$output" = "rc=111" ]                # pid 1 is not its parent
	run "$DELIVER"
	[ "$status" -eq 64 ]
	[ "$(maildir_count bob@example.test)" -eq 0 ]
	[ "$(state_count)" -eq 0 ]
}

@test "postern-deliver: a good job delivers, journals and reports on stdout" {
	msg | inject alice@example.test bob@example.test
	local id=$(ls "$SPOOL/queue")
	printf 'job\t-\tme.test\t0\npart\t%s\nrcpt\t0\t1\t0\tbob@example.test\n' "$id" > "$BATS_TEST_TMPDIR/job"
	run bash -c '"$1" $$ < "$2"; echo "rc=$?"' _ "$DELIVER" "$BATS_TEST_TMPDIR/job"
	[[ "$output" == $'0\tresult\t0\t1\tsent\tbob@example.test\tlocal\t250 2.0.0 delivered to Maildir as '* ]]
	[[ "$output" == *"rc=0" ]]
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	grep -q $'^maildir\t0\t1\tbob@example.test\t' "$SPOOL/state/$id.journal"
	grep -q $'^result\t0\t1\tsent\tbob@example.test\tlocal\t' "$SPOOL/state/$id.journal"
}
