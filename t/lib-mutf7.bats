#!/usr/bin/env bats
# lib/mutf7: the C unit cases of t/unit/test_mutf7.c, one test each.
# Made by t/unit/gen-bats mutf7.

load helpers

@test "mutf7: encode examples" {
	run "$TOP/t/unit/test_mutf7" encode_examples
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mutf7: round trip" {
	run "$TOP/t/unit/test_mutf7" round_trip
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mutf7: refused" {
	run "$TOP/t/unit/test_mutf7" refused
	echo "$output"
	[ "$status" -eq 0 ]
}

