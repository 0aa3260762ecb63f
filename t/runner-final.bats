#!/usr/bin/env bats
# runner: the header transform of final delivery (as Postfix's local(8)):
# Return-Path: and Delivered-To: added, incoming Return-Path: removed, a
# message already delivered to the recipient bounced as a loop (5.4.6).
load helpers
load queue-lib

setup() { queue_setup; }
teardown() { queue_teardown; }

@test "final delivery: an incoming Return-Path: is removed, ours is the only one" {
	printf 'Return-Path: <forged@evil.test>\nReturn-Path:\n <folded@evil.test>\nSubject: rp\n\nReturn-Path: <in-body@kept.test>\n' |
		inject alice@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	maildir_cat bob@example.test > "$BATS_TEST_TMPDIR/got"
	[ "$(grep -c '^Return-Path:' "$BATS_TEST_TMPDIR/got")" -eq 2 ]
	head -n 2 "$BATS_TEST_TMPDIR/got" | diff - <(printf 'Return-Path: <alice@example.test>\nDelivered-To: bob@example.test\n')
	! grep -q 'evil.test' "$BATS_TEST_TMPDIR/got"
	grep -qx 'Return-Path: <in-body@kept.test>' "$BATS_TEST_TMPDIR/got"
	grep -qx 'Subject: rp' "$BATS_TEST_TMPDIR/got"
}

@test "final delivery: Delivered-To: this recipient already there bounces 5.4.6" {
	printf 'Delivered-To: BOB@example.test\nSubject: loop\n\nagain\n' |
		inject alice@example.test bob@example.test carol@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 0 ]
	[ "$(maildir_count carol@example.test)" -eq 1 ]
	grep -q 'rcpt=bob@example.test result=bounced relay=local reply="554 5.4.6 mail forwarding loop' "$RUNNER_LOG"
	run_runner -1
	run maildir_cat alice@example.test
	[[ "$output" == *"Status: 5.4.6"* ]]
	[[ "$output" == *"Final-Recipient: rfc822; bob@example.test"* ]]
}

@test "final delivery: a Delivered-To: for someone else, or in the body, is no loop" {
	printf 'Delivered-To: other@example.test\nSubject: fine\n\nDelivered-To: bob@example.test\n' |
		inject alice@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_cat bob@example.test | grep -c '^Delivered-To:')" -eq 3 ]
}
