#!/usr/bin/env bats
# lib/maildirsize: the C unit cases of t/unit/test_maildirsize.c, one test each.
# Made by t/unit/gen-bats maildirsize.

load helpers

@test "maildirsize: read sums lines" {
	run "$TOP/t/unit/test_maildirsize" read_sums_lines
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "maildirsize: damaged files" {
	run "$TOP/t/unit/test_maildirsize" damaged_files
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "maildirsize: stale rules" {
	run "$TOP/t/unit/test_maildirsize" stale_rules
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "maildirsize: write and append" {
	run "$TOP/t/unit/test_maildirsize" write_and_append
	echo "$output"
	[ "$status" -eq 0 ]
}

