#!/usr/bin/env bats
# lib/control: the C unit cases of t/unit/test_control.c, one test each.
# Made by t/unit/gen-bats control.

load helpers

@test "control: missing file" {
	run "$TOP/t/unit/test_control" missing_file
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "control: comments and blank lines" {
	run "$TOP/t/unit/test_control" comments_and_blank_lines
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "control: numbers" {
	run "$TOP/t/unit/test_control" numbers
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "control: lookup key value" {
	run "$TOP/t/unit/test_control" lookup_key_value
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "control: overlong line" {
	run "$TOP/t/unit/test_control" overlong_line
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "control: file of many blocks" {
	run "$TOP/t/unit/test_control" file_of_many_blocks
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "control: longest line" {
	run "$TOP/t/unit/test_control" longest_line
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "control: value too long for buffer" {
	run "$TOP/t/unit/test_control" value_too_long_for_buffer
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "control: me defaults to hostname" {
	run "$TOP/t/unit/test_control" me_defaults_to_hostname
	echo "$output"
	[ "$status" -eq 0 ]
}

