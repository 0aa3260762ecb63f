#!/usr/bin/env bats
# t/fuzz-json.bats - the JSON parser under libFuzzer with ASan/UBSan
# (fuzz/fuzz_json.c): every seed, then a few seconds of new inputs.

load helpers

@test "fuzz: the JSON parser survives its seeds and 5 s of fuzzing" {
	command -v clang >/dev/null || skip "clang is not installed"
	make -s -C "$TOP" fuzz/fuzz_json
	mkdir "$BATS_TEST_TMPDIR/new"
	run "$TOP/fuzz/fuzz_json" -max_total_time=5 -rss_limit_mb=512 \
		"$BATS_TEST_TMPDIR/new" "$TOP/t/fuzz-corpus/json"
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	[[ "$output" == *Done* ]]
}
