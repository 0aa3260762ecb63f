#!/usr/bin/env bats
# The listing postern-uidlist records (uidlist.h): written once cur/ and
# new/ are settled and the file is a minute old, used instead of reading
# the directories while their mtimes stay, never once anything changed.
load imapd-helpers

setup() { imap_setup; three_messages; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

settle() {
	touch -d "-1 minute" "$MAILDIR/cur" "$MAILDIR/new"
	touch -d "-2 minutes" "$MAILDIR/postern-uidlist"
}
header() { head -1 "$MAILDIR/postern-uidlist"; }

@test "a settled folder's listing is recorded and then used" {
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 2 +FLAGS (\\Seen)"
	header | grep -qx 'postern-uidlist 1 [0-9]* 4'
	settle
	run imap "$LOGIN" "a SELECT INBOX"
	header | grep -qx 'postern-uidlist 1 [0-9]* 4 [0-9]*\.[0-9]\{9\} [0-9]*\.[0-9]\{9\}'
	grep -qx '2 1000000002.M2P2.test :2,S' "$MAILDIR/postern-uidlist"
	grep -qx '1 1000000001.M1P1.test :2,' "$MAILDIR/postern-uidlist"
	before=$(cat "$MAILDIR/postern-uidlist")
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* (UID FLAGS)"
	has_line "* 2 FETCH (UID 2 FLAGS (\\Seen))"
	has_line "* 3 FETCH (UID 3 FLAGS ())"
	[ "$(cat "$MAILDIR/postern-uidlist")" = "$before" ]
}

@test "a rename, a delivery or an unlink after the record is seen" {
	run imap "$LOGIN" "a SELECT INBOX"
	settle
	run imap "$LOGIN" "a SELECT INBOX"
	header | grep -q ' [0-9]*\.[0-9]* [0-9]*\.[0-9]*$'
	# another mail reader sets a flag by renaming
	mv "$MAILDIR/cur/1000000003.M3P3.test:2," "$MAILDIR/cur/1000000003.M3P3.test:2,F"
	run imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 3 FLAGS"
	has_line "* 3 FETCH (FLAGS (\\Flagged))"
	settle
	run imap "$LOGIN" "a EXAMINE INBOX"
	deliver 1000000004.M4P4.test 'Subject: four\n\nbody\n'
	run imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 4 (UID FLAGS)"
	has_line "* 4 EXISTS"
	has_line "* 4 FETCH (UID 4 FLAGS (\\Recent))"
	settle
	run imap "$LOGIN" "a SELECT INBOX"
	settle
	run imap "$LOGIN" "a SELECT INBOX"
	rm "$MAILDIR/cur/1000000001.M1P1.test:2,"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* UID"
	has_line "* 3 EXISTS"
	has_line "* 1 FETCH (UID 2)"
	has_line "* 3 FETCH (UID 4)"
}

@test "an unsettled folder records no listing; a file without info is never hinted" {
	run imap "$LOGIN" "a SELECT INBOX"
	run imap "$LOGIN" "a SELECT INBOX"
	header | grep -qx 'postern-uidlist 1 [0-9]* 4'
	mv "$MAILDIR/cur/1000000002.M2P2.test:2," "$MAILDIR/cur/1000000002.M2P2.test"
	settle
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 2 UID"
	has_line "* 2 FETCH (UID 2)"
	header | grep -qx 'postern-uidlist 1 [0-9]* 4'
}

@test "a damaged header starts a new UIDVALIDITY; a damaged hint line loses its UID" {
	run imap "$LOGIN" "a SELECT INBOX"
	printf 'postern-uidlist 1 12345 4 1.5 junk\n1 1000000001.M1P1.test\n' > "$MAILDIR/postern-uidlist"
	run imap "$LOGIN" "a SELECT INBOX"
	has_line "* 3 EXISTS"
	[ "$(header | cut -d' ' -f3)" != 12345 ]
	printf 'postern-uidlist 1 12345 4\n1 1000000001.M1P1.test :2,\n2 1000000002.M2P2.test :2,/x\n3 1000000003.M3P3.test\n' > "$MAILDIR/postern-uidlist"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* UID"
	has_line "* OK [UIDVALIDITY 12345] UIDs valid"
	has_line "* 1 FETCH (UID 1)"
	has_line "* 2 FETCH (UID 3)"
	has_line "* 3 FETCH (UID 4)"
}
