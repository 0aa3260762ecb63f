#!/usr/bin/env bats
# lib/json: the C unit cases of t/unit/test_json.c, one test each.
# Made by t/unit/gen-bats json.

load helpers

@test "json: equal" {
	run "$TOP/t/unit/test_json" equal
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "json: accepts" {
	run "$TOP/t/unit/test_json" accepts
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "json: refuses" {
	run "$TOP/t/unit/test_json" refuses
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "json: depth bound" {
	run "$TOP/t/unit/test_json" depth_bound
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "json: integers" {
	run "$TOP/t/unit/test_json" integers
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "json: pointer" {
	run "$TOP/t/unit/test_json" pointer
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "json: writer" {
	run "$TOP/t/unit/test_json" writer
	echo "$output"
	[ "$status" -eq 0 ]
}

