#!/usr/bin/env bats
# lib/sha256: the C unit cases of t/unit/test_sha256.c, one test each.
# Made by t/unit/gen-bats sha256.

load helpers

@test "sha256: fips vectors" {
	run "$TOP/t/unit/test_sha256" fips_vectors
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sha256: million a" {
	run "$TOP/t/unit/test_sha256" million_a
	echo "$output"
	[ "$status" -eq 0 ]
}

