#!/usr/bin/env bats
# lib/mail_sort: the C unit cases of t/unit/test_mail_sort.c, one test each.
# Made by t/unit/gen-bats mail_sort.

load helpers

@test "mail_sort: base subjects" {
	run "$TOP/t/unit/test_mail_sort" base_subjects
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mail_sort: header values" {
	run "$TOP/t/unit/test_mail_sort" header_values
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mail_sort: multi key sort" {
	run "$TOP/t/unit/test_mail_sort" multi_key_sort
	echo "$output"
	[ "$status" -eq 0 ]
}

