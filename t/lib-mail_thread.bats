#!/usr/bin/env bats
# lib/mail_thread: the C unit cases of t/unit/test_mail_thread.c, one test each.
# Made by t/unit/gen-bats mail_thread.

load helpers

@test "mail_thread: references basic" {
	run "$TOP/t/unit/test_mail_thread" references_basic
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mail_thread: dummies and subjects" {
	run "$TOP/t/unit/test_mail_thread" dummies_and_subjects
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mail_thread: broken chains" {
	run "$TOP/t/unit/test_mail_thread" broken_chains
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mail_thread: date order" {
	run "$TOP/t/unit/test_mail_thread" date_order
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mail_thread: long chain" {
	run "$TOP/t/unit/test_mail_thread" long_chain
	echo "$output"
	[ "$status" -eq 0 ]
}

