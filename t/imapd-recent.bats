#!/usr/bin/env bats
# \Recent kept by the store (lib/store.h "\RECENT", RFC 3501 §2.3.2):
# a message appended or copied with flags, written straight into cur/, is
# \Recent for the next session that selects the folder, and for that one
# only (§6.4.7); EXAMINE and STATUS count it without taking it.
load imapd-helpers

setup() { imap_setup; three_messages; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

@test "APPEND and COPY with flags are \\Recent for the next SELECT only; EXAMINE and STATUS do not take it" {
	run imap "$LOGIN" "s SELECT INBOX" "f STORE 2 +FLAGS (\\Flagged)" "c CREATE Work" \
		"a APPEND Work (\\Seen) {5+}" "hello" "b COPY 2:3 Work" \
		"t STATUS Work (RECENT MESSAGES)"
	has_line '* STATUS "Work" (MESSAGES 3 RECENT 3)'
	ls "$MAILDIR/.Work/cur" | grep -q ':2,F$'       # the copy kept its flag
	run imap "$LOGIN" "e EXAMINE Work" "t STATUS Work (RECENT)" "s SELECT Work" \
		"f FETCH 1:* FLAGS" "g SEARCH RECENT"
	[ "$(grep -c '^\* 3 RECENT$' <<<"$output")" -eq 2 ]
	has_line '* STATUS "Work" (RECENT 3)'
	has_line "* 1 FETCH (FLAGS (\\Seen \\Recent))"
	has_line "* 2 FETCH (FLAGS (\\Flagged \\Recent))"
	has_line "* SEARCH 1 2 3"
	run imap "$LOGIN" "s SELECT Work" "f FETCH 2 FLAGS" "t STATUS INBOX (RECENT)"
	has_line "* 0 RECENT"
	has_line "* 2 FETCH (FLAGS (\\Flagged))"
	has_line '* STATUS "INBOX" (RECENT 0)'
}

@test "a message appended with flags to the selected folder is \\Recent for the other session, not twice" {
	imap "$LOGIN" "s SELECT INBOX" >/dev/null
	run imap "$LOGIN" "a APPEND INBOX (\\Flagged) {5+}" "hello" "s SELECT INBOX" \
		"f FETCH 4 FLAGS" "x APPEND INBOX (\\Seen) {3+}" "abc" "n NOOP"
	has_line "* 1 RECENT"
	has_line "* 4 FETCH (FLAGS (\\Flagged \\Recent))"
	has_line "* 5 EXISTS"
	has_line "* 2 RECENT"
	run imap "$LOGIN" "s SELECT INBOX"
	has_line "* 0 RECENT"
	grep -qx 'postern-recent 1 5' "$MAILDIR/postern-recent"
}

@test "a folder made before postern-recent goes by new/ until a SELECT writes it" {
	imap "$LOGIN" "s SELECT INBOX" >/dev/null
	rm "$MAILDIR/postern-recent"
	deliver 1000000009.M9P9.test 'Subject: nine\n\nbody\n'
	run imap "$LOGIN" "s SELECT INBOX"
	has_line "* 1 RECENT"
	grep -qx 'postern-recent 1 4' "$MAILDIR/postern-recent"
	echo 'postern-recent 1 junk' > "$MAILDIR/postern-recent"
	run imap "$LOGIN" "s SELECT INBOX"
	has_line "* 0 RECENT"
	grep -qx 'postern-recent 1 4' "$MAILDIR/postern-recent"
}
