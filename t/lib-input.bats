#!/usr/bin/env bats
# lib/input: the C unit cases of t/unit/test_input.c, one test each.
# Made by t/unit/gen-bats input.

load helpers

@test "input: one megabyte line" {
	run "$TOP/t/unit/test_input" one_megabyte_line
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: exact bound" {
	run "$TOP/t/unit/test_input" exact_bound
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: too long line end" {
	run "$TOP/t/unit/test_input" too_long_line_end
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: nul byte" {
	run "$TOP/t/unit/test_input" nul_byte
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: bare cr" {
	run "$TOP/t/unit/test_input" bare_cr
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: bare lf" {
	run "$TOP/t/unit/test_input" bare_lf
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: stall past timeout" {
	run "$TOP/t/unit/test_input" stall_past_timeout
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: trickle does not extend deadline" {
	run "$TOP/t/unit/test_input" trickle_does_not_extend_deadline
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: close mid line" {
	run "$TOP/t/unit/test_input" close_mid_line
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: raw bytes keep read ahead" {
	run "$TOP/t/unit/test_input" raw_bytes_keep_read_ahead
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: raw bytes large and eof" {
	run "$TOP/t/unit/test_input" raw_bytes_large_and_eof
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: wait for input" {
	run "$TOP/t/unit/test_input" wait_for_input
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: discard buffered and waiting" {
	run "$TOP/t/unit/test_input" discard_buffered_and_waiting
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: segments of a long line" {
	run "$TOP/t/unit/test_input" segments_of_a_long_line
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "input: segment crlf across pieces" {
	run "$TOP/t/unit/test_input" segment_crlf_across_pieces
	echo "$output"
	[ "$status" -eq 0 ]
}

