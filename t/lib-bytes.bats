#!/usr/bin/env bats
# lib/bytes: the C unit cases of t/unit/test_bytes.c, one test each.
# Made by t/unit/gen-bats bytes.

load helpers

@test "bytes: append and cap" {
	run "$TOP/t/unit/test_bytes" append_and_cap
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "bytes: set clear truncate" {
	run "$TOP/t/unit/test_bytes" set_clear_truncate
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "bytes: large format" {
	run "$TOP/t/unit/test_bytes" large_format
	echo "$output"
	[ "$status" -eq 0 ]
}

