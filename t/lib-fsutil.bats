#!/usr/bin/env bats
# lib/fsutil: the C unit cases of t/unit/test_fsutil.c, one test each.
# Made by t/unit/gen-bats fsutil.

load helpers

@test "fsutil: commit success" {
	run "$TOP/t/unit/test_fsutil" commit_success
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "fsutil: commit failure leaves nothing" {
	run "$TOP/t/unit/test_fsutil" commit_failure_leaves_nothing
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "fsutil: atomic write at dirfd" {
	run "$TOP/t/unit/test_fsutil" atomic_write_at_dirfd
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "fsutil: atomic write and read" {
	run "$TOP/t/unit/test_fsutil" atomic_write_and_read
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "fsutil: atomic write failure keeps old" {
	run "$TOP/t/unit/test_fsutil" atomic_write_failure_keeps_old
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "fsutil: make dirs" {
	run "$TOP/t/unit/test_fsutil" make_dirs
	echo "$output"
	[ "$status" -eq 0 ]
}

