#!/usr/bin/env bats
# The folder's index (lib/store.h "THE INDEX"): the listing recorded
# with the mtimes of cur/ and new/ once they are settled (an "l" record
# of the change log postern-changes), used instead of reading the
# directories while their mtimes stay, never once anything changed; a damaged index; imapd's old
# postern-uidlist taken over with its UIDs.
load imapd-helpers

setup() { imap_setup; three_messages; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

settle() {
	touch -d "-1 minute" "$MAILDIR/cur" "$MAILDIR/new"
	touch -d "-2 minutes" "$MAILDIR/postern-index"
}
header() { head -1 "$MAILDIR/postern-index"; }
STAMPS=' [0-9]*\.[0-9]\{9\} [0-9]*\.[0-9]\{9\}'

@test "a settled folder's listing is recorded and then used" {
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 2 +FLAGS (\\Seen)"
	header | grep -qx 'postern-index 2 [0-9]* 4 [0-9]* F[0-9a-f]* 0'
	# the flag change is a record of the change log; no listing yet
	grep -qx 'm 2 [0-9]* 2 cur/1000000002.M2P2.test:2,S' "$MAILDIR/postern-changes"
	! grep -q '^l ' "$MAILDIR/postern-changes"
	settle
	run imap "$LOGIN" "a SELECT INBOX"
	tail -n 1 "$MAILDIR/postern-changes" | grep -qx "l$STAMPS"
	grep -qx 'm 1 1 1 cur/1000000001.M1P1.test:2,' "$MAILDIR/postern-index"
	before=$(cat "$MAILDIR/postern-index" "$MAILDIR/postern-changes")
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* (UID FLAGS)"
	has_line "* 2 FETCH (UID 2 FLAGS (\\Seen))"
	has_line "* 3 FETCH (UID 3 FLAGS ())"
	[ "$(cat "$MAILDIR/postern-index" "$MAILDIR/postern-changes")" = "$before" ]
}

@test "a rename, a delivery or an unlink after the record is seen" {
	run imap "$LOGIN" "a SELECT INBOX"
	settle
	run imap "$LOGIN" "a SELECT INBOX"
	grep -qx "l$STAMPS" "$MAILDIR/postern-changes"
	# another mail reader sets a flag by renaming: a new MODSEQ for it
	mv "$MAILDIR/cur/1000000003.M3P3.test:2," "$MAILDIR/cur/1000000003.M3P3.test:2,F"
	run imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 3 FLAGS"
	has_line "* 3 FETCH (FLAGS (\\Flagged))"
	grep -qx 'm 3 4 3 cur/1000000003.M3P3.test:2,F' "$MAILDIR/postern-index"
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
	# the expunge is remembered with its MODSEQ and unique name
	grep -qx 'x 1 [0-9]* 1000000001.M1P1.test' "$MAILDIR/postern-index"
}

@test "an unsettled folder records no listing" {
	run imap "$LOGIN" "a SELECT INBOX"
	# cur/ changed just now (an mtime not yet 100 ms old: here, ahead)
	touch -d "+30 seconds" "$MAILDIR/cur"
	run imap "$LOGIN" "a SELECT INBOX"
	header | grep -qx 'postern-index 2 [0-9]* 4 [0-9]* F[0-9a-f]* 0'
	! grep -qs '^l ' "$MAILDIR/postern-changes"
}

@test "a damaged index starts a new UIDVALIDITY, and never the same one twice" {
	run imap "$LOGIN" "a SELECT INBOX"
	v1=$(uidvalidity)
	printf 'postern-index 2 12345 4 9 Fx 0 1.5 junk\nm 1 1 1 cur/x\n' > "$MAILDIR/postern-index"
	run imap "$LOGIN" "a SELECT INBOX"
	has_line "* 3 EXISTS"
	v2=$(uidvalidity)
	[ "$v2" != 12345 ] && [ "$v2" -gt "$v1" ]
	printf 'postern-index 2 12345 4 9 Fx 0\nm 1 1 1 cur/../../x\n' > "$MAILDIR/postern-index"
	run imap "$LOGIN" "a SELECT INBOX"
	[ "$(uidvalidity)" -gt "$v2" ]
}

@test "imapd's old postern-uidlist is taken over: its UIDVALIDITY and UIDs stay" {
	rm -f "$MAILDIR/postern-index"
	printf 'postern-uidlist 1 12345 9\n1 1000000001.M1P1.test :2,\n5 1000000002.M2P2.test\n7 1000000003.M3P3.test\n' > "$MAILDIR/postern-uidlist"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* UID"
	has_line "* OK [UIDVALIDITY 12345] UIDs valid"
	has_line "* OK [UIDNEXT 9] Predicted next UID"
	has_line "* 1 FETCH (UID 1)"
	has_line "* 2 FETCH (UID 5)"
	has_line "* 3 FETCH (UID 7)"
	[ "$(uidvalidity)" = 12345 ]
}
