#!/usr/bin/env bats
# lib/spool: the C unit cases of t/unit/test_spool.c, one test each.
# Made by t/unit/gen-bats spool.

load helpers

@test "spool: creates layout" {
	run "$TOP/t/unit/test_spool" creates_layout
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: ids unique and sorted" {
	run "$TOP/t/unit/test_spool" ids_unique_and_sorted
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: committed reads back" {
	run "$TOP/t/unit/test_spool" committed_reads_back
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: null sender" {
	run "$TOP/t/unit/test_spool" null_sender
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: killed writer never in queue" {
	run "$TOP/t/unit/test_spool" killed_writer_never_in_queue
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: abort leaves nothing" {
	run "$TOP/t/unit/test_spool" abort_leaves_nothing
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: commit failure leaves nothing" {
	run "$TOP/t/unit/test_spool" commit_failure_leaves_nothing
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: malformed envelope" {
	run "$TOP/t/unit/test_spool" malformed_envelope
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: list sorted" {
	run "$TOP/t/unit/test_spool" list_sorted
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "spool: trigger wakes reader" {
	run "$TOP/t/unit/test_spool" trigger_wakes_reader
	echo "$output"
	[ "$status" -eq 0 ]
}

