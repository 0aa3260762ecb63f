#!/usr/bin/env bats
# fuzz/: every libFuzzer target builds and runs a few seconds from its
# seed corpus (t/fuzz-corpus/NAME) without a crash, so a parser change
# that breaks on a seed shows at once. Longer runs: make fuzz FUZZTIME=N.
# (One file builds them all: two files making fuzz/obj at once, as t/run
# runs files, would write the same objects together.)
load helpers

setup_file() {
	command -v clang >/dev/null || skip "clang is not installed"
	cd "$TOP" && make -s fuzz-build >&2
}

# fuzz_run NAME [OPTION...]: NAME's target over its seeds, then
# FUZZ_SECONDS (3) of fuzzing; new inputs go to a scratch directory.
fuzz_run() {
	local name=$1 scratch="$BATS_TEST_TMPDIR/corpus"
	shift
	mkdir -p "$scratch"
	run "$TOP/fuzz/fuzz_$name" -max_total_time="${FUZZ_SECONDS:-3}" -close_fd_mask=3 \
		-artifact_prefix="$BATS_TEST_TMPDIR/crash-" "$@" "$scratch" "$TOP/t/fuzz-corpus/$name"
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "Done [0-9]* runs"
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep '^crash-')" ]
}

@test "fuzz: every target has seeds" {
	local t
	for t in "$TOP"/fuzz/fuzz_*.c; do
		t=${t##*/fuzz_}
		[ -n "$(ls "$TOP/t/fuzz-corpus/${t%.c}")" ]
	done
}

@test "fuzz: the SMTP and path address parsers" { fuzz_run address; }
@test "fuzz: the line reader" { fuzz_run input; }
@test "fuzz: the MIME parser and what imapd builds from it" { fuzz_run mime; }
@test "fuzz: the IMAP command parser" { fuzz_run imap_command; }
@test "fuzz: the IMAP URLs of CATENATE" { fuzz_run imap_url; }
@test "fuzz: a whole SMTP session (commands, paths, AUTH, DATA)" { fuzz_run smtp_session; }
@test "fuzz: the JSON parser, its writer and JSON Pointer" { fuzz_run json; }
@test "fuzz: JMAP state strings and modified UTF-7 folder names" { fuzz_run jmap_state; }
@test "fuzz: modified UTF-7 names, UTF-8 to and fro" { fuzz_run mutf7; }
@test "fuzz: the identities file in a Maildir (httpd)" { fuzz_run identities; }
@test "fuzz: the record lines of a folder's index and change log" { fuzz_run store_record; }

# Header sort values and threading (lib/mail_sort, lib/mail_thread).
@test "fuzz: sort values and threading survive their seeds and 5 s of fuzzing" {
	FUZZ_SECONDS=5 fuzz_run mail_thread -rss_limit_mb=512
}
