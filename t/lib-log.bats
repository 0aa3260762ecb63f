#!/usr/bin/env bats
# lib/log: the C unit cases of t/unit/test_log.c, one test each.
# Made by t/unit/gen-bats log.

load helpers

@test "log: quoting" {
	run "$TOP/t/unit/test_log" quoting
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "log: event line" {
	run "$TOP/t/unit/test_log" event_line
	echo "$output"
	[ "$status" -eq 0 ]
}

