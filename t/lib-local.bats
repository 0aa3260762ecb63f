#!/usr/bin/env bats
# lib/local: the C unit cases of t/unit/test_local.c, one test each.
# Made by t/unit/gen-bats local.

load helpers

@test "local: domains" {
	run "$TOP/t/unit/test_local" domains
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "local: users and aliases" {
	run "$TOP/t/unit/test_local" users_and_aliases
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "local: base address" {
	run "$TOP/t/unit/test_local" base_address
	echo "$output"
	[ "$status" -eq 0 ]
}

