#!/usr/bin/env bats
# runner: MX lookup through libresolv against a real DNS server (dnsmasq)
# in a private network namespace (t/mx-scenario.sh holds the zone).
load helpers
load queue-lib

setup() {
	queue_setup
	if ! unshare -mn true 2>/dev/null; then
		skip "unshare -mn is not permitted here (needs root or user namespaces)"
	fi
	command -v dnsmasq >/dev/null || skip "dnsmasq is not installed"
	RUNNER_LOG="$BATS_TEST_TMPDIR/runner.log"
}
teardown() { queue_teardown; }

scenario() {
	unshare -mn "$TOP/t/mx-scenario.sh" "$BATS_TEST_TMPDIR" "$@"
}

@test "mx: the lowest preference MX gets the message" {
	msg | inject alice@example.test dave@mx.test
	scenario 127.0.0.2 127.0.0.3
	[ "$(queue_count)" -eq 0 ]
	grep -q "RCPT TO:<dave@mx.test>" "$BATS_TEST_TMPDIR/fake-127.0.0.2/transcript"
	[ ! -e "$BATS_TEST_TMPDIR/fake-127.0.0.3/transcript" ]
	grep -q 'rcpt=dave@mx.test result=sent relay="mx1.mx.test\[127.0.0.2\]:25 tls=0"' "$RUNNER_LOG"
}

@test "mx: the next MX when the first refuses connections" {
	msg | inject alice@example.test dave@mx.test
	scenario 127.0.0.3
	[ "$(queue_count)" -eq 0 ]
	grep -q "RCPT TO:<dave@mx.test>" "$BATS_TEST_TMPDIR/fake-127.0.0.3/transcript"
	grep -q 'relay="mx2.mx.test\[127.0.0.3\]:25 tls=0"' "$RUNNER_LOG"
}

@test "mx: the next MX when the first greets with 421" {
	msg | inject alice@example.test dave@mx.test
	scenario 127.0.0.2=greeting=421 127.0.0.3
	[ "$(queue_count)" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/fake-127.0.0.3/msg-1" ]
}

@test "mx: every MX down defers" {
	msg | inject alice@example.test dave@mx.test
	scenario
	[ "$(queue_count)" -eq 1 ]
	grep -q 'result=deferred relay=mx2.mx.test\[127.0.0.3\]:25 reply="421 4.4.1 connect' "$RUNNER_LOG"
}

@test "mx: no MX record, the domain's A record (implicit MX)" {
	msg | inject alice@example.test dave@implicit.test
	scenario 127.0.0.4
	[ "$(queue_count)" -eq 0 ]
	grep -q "RCPT TO:<dave@implicit.test>" "$BATS_TEST_TMPDIR/fake-127.0.0.4/transcript"
}

@test "mx: a null MX (RFC 7505) bounces at once" {
	msg | inject alice@example.test dave@null.test
	scenario 127.0.0.2
	[ "$(queue_count)" -eq 0 ]
	run maildir_cat alice@example.test
	[[ "$output" == *"Status: 5.1.10"* ]]
	[[ "$output" == *"null MX"* ]]
}

@test "mx: a domain that does not exist bounces" {
	msg | inject alice@example.test dave@nx.test
	scenario
	[ "$(queue_count)" -eq 0 ]
	run maildir_cat alice@example.test
	[[ "$output" == *"550 5.1.2 domain does not exist"* ]]
}
