#!/usr/bin/env bats
# imapd's per-folder cache (postern-cache, lib/store_cache.h): sizes, dates,
# ENVELOPE, BODYSTRUCTURE and BODY are read from it by later sessions;
# it follows UIDVALIDITY, survives damage, drops expunged messages.
load imapd-helpers

setup() { imap_setup; three_messages; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

ITEMS="(UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE BODY)"

@test "a second session answers from the cache without reading the messages" {
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* $ITEMS"
	first=$(grep '^\* [0-9] FETCH' <<<"$output")
	[ "$(wc -l <<<"$first")" -eq 3 ]
	head -1 "$MAILDIR/postern-cache" | grep -qx "postern-cache 2 $(uidvalidity)"
	[ "$(grep -c '^[123] [0-9]* [0-9]* [0-9]* [0-9]* [0-9]* 0$' "$MAILDIR/postern-cache")" -eq 3 ]
	# make the files unreadable: the cache must answer all of it
	chmod 000 "$MAILDIR"/cur/*
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* $ITEMS"
	chmod 600 "$MAILDIR"/cur/*
	[ "$(grep '^\* [0-9] FETCH' <<<"$output")" = "$first" ]
	has_line "b OK FETCH completed"
}

@test "a new UIDVALIDITY or a damaged cache file is ignored and rebuilt" {
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* $ITEMS"
	first=$(grep '^\* [0-9] FETCH' <<<"$output")
	printf 'postern-cache 2 %s\n1 5 5 999 0 0 0\nxx\n' "$(uidvalidity)" > "$MAILDIR/postern-cache"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* $ITEMS"
	[ "$(grep '^\* [0-9] FETCH' <<<"$output")" = "$first" ]
	[ "$(grep -c '^[123] [0-9]* [0-9]* [0-9]* [0-9]* [0-9]* 0$' "$MAILDIR/postern-cache")" -eq 3 ]
	sed -i '1s/ [0-9]*$/ 12345/' "$MAILDIR/postern-cache"
	sed -i '3s/^/X-Changed: yes\n/' "$MAILDIR"/cur/1000000001.M1P1.test*
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 RFC822.SIZE"
	has_line "* 1 FETCH (RFC822.SIZE $(( $(wc -c < "$MAILDIR"/cur/1000000001.M1P1.test*) + $(wc -l < "$MAILDIR"/cur/1000000001.M1P1.test*) )))"
}

@test "a version-1 cache file is ignored and written anew as version 2" {
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* $ITEMS"
	first=$(grep '^\* [0-9] FETCH' <<<"$output")
	# a sound version-1 file with a wrong size: not believed
	printf 'postern-cache 1 %s\n1 7 7 0 0 0\n\n' "$(uidvalidity)" > "$MAILDIR/postern-cache"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* $ITEMS"
	[ "$(grep '^\* [0-9] FETCH' <<<"$output")" = "$first" ]
	head -1 "$MAILDIR/postern-cache" | grep -qx "postern-cache 2 $(uidvalidity)"
	[ "$(grep -c '^[123] [0-9]* [0-9]* [0-9]* [0-9]* [0-9]* 0$' "$MAILDIR/postern-cache")" -eq 3 ]
}

@test "expunged messages leave the cache; records of other sessions are kept" {
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* ENVELOPE" "c STORE 2 +FLAGS (\\Deleted)" "d EXPUNGE"
	deliver 1000000004.M4P4.test 'Subject: fourth\n\nbody\n'
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 BODYSTRUCTURE" "c FETCH 3 ENVELOPE"
	has_line '* 3 FETCH (ENVELOPE (NIL "fourth" NIL NIL NIL NIL NIL NIL NIL NIL))'
	[ "$(grep -c '^[0-9]* [-0-9]* [-0-9]* [0-9]* [0-9]* [0-9]* 0$' "$MAILDIR/postern-cache")" -eq 3 ]
	! grep -q '^2 ' "$MAILDIR/postern-cache"
	grep -q '^4 ' "$MAILDIR/postern-cache"
}

@test "EXAMINE reads the cache but does not write it" {
	run imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 1:* $ITEMS"
	has_line "b OK FETCH completed"
	[ ! -e "$MAILDIR/postern-cache" ]
}
