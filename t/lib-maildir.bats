#!/usr/bin/env bats
# lib/maildir: the C unit cases of t/unit/test_maildir.c, one test each.
# Made by t/unit/gen-bats maildir.

load helpers

@test "maildir: deliver fsync failure leaves nothing" {
	run "$TOP/t/unit/test_maildir" deliver_fsync_failure_leaves_nothing
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "maildir: paths" {
	run "$TOP/t/unit/test_maildir" paths
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "maildir: unique names" {
	run "$TOP/t/unit/test_maildir" unique_names
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "maildir: deliver" {
	run "$TOP/t/unit/test_maildir" deliver
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "maildir: deliver failure leaves nothing" {
	run "$TOP/t/unit/test_maildir" deliver_failure_leaves_nothing
	echo "$output"
	[ "$status" -eq 0 ]
}

