#!/usr/bin/env bats
# lib/password: the C unit cases of t/unit/test_password.c, one test each.
# Made by t/unit/gen-bats password.

load helpers

@test "password: plaintext policy" {
	run "$TOP/t/unit/test_password" plaintext_policy
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "password: right and wrong" {
	run "$TOP/t/unit/test_password" right_and_wrong
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "password: unknown user costs the same" {
	run "$TOP/t/unit/test_password" unknown_user_costs_the_same
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "password: missing users file" {
	run "$TOP/t/unit/test_password" missing_users_file
	echo "$output"
	[ "$status" -eq 0 ]
}

