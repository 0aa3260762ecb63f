#!/usr/bin/env bats
# lib/store_cache: the C unit cases of t/unit/test_store_cache.c, one test each.
# Made by t/unit/gen-bats store_cache.

load helpers

@test "store_cache: round trip" {
	run "$TOP/t/unit/test_store_cache" round_trip
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "store_cache: damaged" {
	run "$TOP/t/unit/test_store_cache" damaged
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "store_cache: other validity" {
	run "$TOP/t/unit/test_store_cache" other_validity
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "store_cache: version one" {
	run "$TOP/t/unit/test_store_cache" version_one
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "store_cache: compaction" {
	run "$TOP/t/unit/test_store_cache" compaction
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "store_cache: summary" {
	run "$TOP/t/unit/test_store_cache" summary
	echo "$output"
	[ "$status" -eq 0 ]
}

