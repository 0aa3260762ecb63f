#!/usr/bin/env bats
# lib/store: the C unit cases of t/unit/test_store.c, one test each.
# Made by t/unit/gen-bats store.

load helpers

@test "store: changes since" {
	run "$TOP/t/unit/test_store" changes_since
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "store: remove messages" {
	run "$TOP/t/unit/test_store" remove_messages
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "store: change log" {
	run "$TOP/t/unit/test_store" change_log
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "store: change log fold" {
	run "$TOP/t/unit/test_store" change_log_fold
	echo "$output"
	[ "$status" -eq 0 ]
}

