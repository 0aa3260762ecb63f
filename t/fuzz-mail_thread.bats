#!/usr/bin/env bats
# t/fuzz-mail_thread.bats - header sort values and threading (lib/mail_sort,
# lib/mail_thread) under libFuzzer with ASan/UBSan
# (fuzz/fuzz_mail_thread.c): every seed, then a few seconds of new inputs.

load helpers

@test "fuzz: sort values and threading survive their seeds and 5 s of fuzzing" {
	command -v clang >/dev/null || skip "clang is not installed"
	make -s -C "$TOP" fuzz/fuzz_mail_thread
	mkdir "$BATS_TEST_TMPDIR/new"
	run "$TOP/fuzz/fuzz_mail_thread" -max_total_time=5 -rss_limit_mb=512 \
		"$BATS_TEST_TMPDIR/new" "$TOP/t/fuzz-corpus/mail_thread"
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	[[ "$output" == *Done* ]]
}
