#!/usr/bin/env bats
# lib/settings: the C unit cases of t/unit/test_settings.c, one test each.
# Made by t/unit/gen-bats settings.

load helpers

@test "settings: defaults and values" {
	run "$TOP/t/unit/test_settings" defaults_and_values
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "settings: broken values" {
	run "$TOP/t/unit/test_settings" broken_values
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "settings: man page matches table" {
	run "$TOP/t/unit/test_settings" man_page_matches_table
	echo "$output"
	[ "$status" -eq 0 ]
}

