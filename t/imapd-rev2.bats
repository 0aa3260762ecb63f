#!/usr/bin/env bats
# imapd IMAP4rev2 (RFC 9051) after "ENABLE IMAP4rev2": no \Recent, ESEARCH
# for SEARCH, a LIST response at SELECT, UID in unsolicited FETCH, STATUS
# DELETED, \NonExistent parents, UTF-8 mailbox names; IMAP4rev1 (no
# ENABLE) untouched. The RFC's examples and the bad cases.
load imapd-helpers

setup() { imap_setup; three_messages; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

REV2="E ENABLE IMAP4rev2"

@test "CAPABILITY lists IMAP4rev2 beside IMAP4rev1; ENABLE answers ENABLED once" {
	run imap "c CAPABILITY" "$LOGIN" "c2 CAPABILITY" "$REV2" "e2 enable imap4REV2 X-UNKNOWN" "s SELECT INBOX" "e3 ENABLE IMAP4rev2"
	grep -q '^\* CAPABILITY IMAP4rev1 IMAP4rev2 ' <<<"$output"
	has_line "* CAPABILITY $CAPS"
	has_line "* ENABLED IMAP4rev2"
	has_line "E OK ENABLE completed"
	has_line "* ENABLED"
	has_line "e2 OK ENABLE completed"
	# RFC 5161 §3.1: ENABLE in the selected state is BAD
	has_line "e3 BAD Command not valid in this state"
}

@test "RFC 9051 §6.3.2: SELECT sends LIST, no RECENT, no UNSEEN; rev1 keeps them" {
	run imap "$LOGIN" "s EXAMINE INBOX" "f FETCH 1 (FLAGS)"
	has_line '* 3 RECENT'
	has_line '* OK [UNSEEN 1] First unseen'
	has_line '* 1 FETCH (FLAGS (\Recent))'
	! grep -q '^\* LIST' <<<"$output"
	run imap "$LOGIN" "$REV2" "s SELECT INBOX" "f FETCH 1:* (FLAGS)"
	has_line '* 3 EXISTS'
	has_line '* LIST (\HasNoChildren) "." "INBOX"'
	! grep -q 'RECENT\|UNSEEN\|Recent' <<<"$output"
	has_line '* 1 FETCH (FLAGS ())'
	has_line 's OK [READ-WRITE] SELECT completed'
}

@test "RFC 9051 §6.4.4 examples: SEARCH answers ESEARCH; no match gives the bare ESEARCH" {
	mv "$MAILDIR/new/1000000002.M2P2.test" "$MAILDIR/cur/1000000002.M2P2.test:2,F"
	run imap "$LOGIN" "$REV2" "s SELECT INBOX" "A282 SEARCH RETURN (MIN COUNT) FLAGGED" \
		"A283 SEARCH RETURN () FLAGGED" 'A284 SEARCH TEXT "string not in mailbox"' \
		"A285 SEARCH CHARSET UTF-8 TEXT {5}" "three" "A286 UID SEARCH ALL" "A287 SEARCH 2:3" \
		"A288 SORT (SUBJECT) UTF-8 ALL"
	has_line '* ESEARCH (TAG "A282") MIN 2 COUNT 1'
	has_line '* ESEARCH (TAG "A283") ALL 2'
	has_line '* ESEARCH (TAG "A284")'
	has_line '* ESEARCH (TAG "A285") ALL 3'
	has_line '* ESEARCH (TAG "A286") UID ALL 1:3'
	has_line '* ESEARCH (TAG "A287") ALL 2:3'
	has_line 'A284 OK SEARCH completed'
	! grep -q '^\* SEARCH' <<<"$output"
	has_line '* SORT 1 2 3'          # SORT is no part of RFC 9051
	run imap "$LOGIN" "s SELECT INBOX" "a SEARCH 2:3"
	has_line '* SEARCH 2 3'
}

@test "RFC 9051: SEARCH NEW, OLD, RECENT and STATUS RECENT are BAD; STATUS DELETED and SIZE" {
	mv "$MAILDIR/new/1000000002.M2P2.test" "$MAILDIR/cur/1000000002.M2P2.test:2,T"
	# rev1 first (EXAMINE leaves \Recent): all still there
	run imap "$LOGIN" "a STATUS INBOX (RECENT DELETED)" "s EXAMINE INBOX" "d SEARCH NEW"
	has_line '* STATUS "INBOX" (RECENT 2 DELETED 1)'
	has_line '* SEARCH 1 3'
	run imap "$LOGIN" "$REV2" "a STATUS INBOX (RECENT)" "b STATUS INBOX (MESSAGES DELETED SIZE UNSEEN)" \
		'c LIST "" INBOX RETURN (STATUS (RECENT))' "s SELECT INBOX" "d SEARCH NEW" \
		"e SEARCH OLD" "f UID SEARCH NOT RECENT" "g SEARCH OR SEEN (RECENT)" "h SEARCH DELETED"
	has_line 'a BAD No RECENT in IMAP4rev2'
	has_line '* STATUS "INBOX" (MESSAGES 3 UNSEEN 3 SIZE 182 DELETED 1)'
	has_line 'c BAD No RECENT in IMAP4rev2'
	has_line 'd BAD No NEW, OLD or RECENT in IMAP4rev2'
	has_line 'e BAD No NEW, OLD or RECENT in IMAP4rev2'
	has_line 'f BAD No NEW, OLD or RECENT in IMAP4rev2'
	has_line 'g BAD No NEW, OLD or RECENT in IMAP4rev2'
	has_line '* ESEARCH (TAG "h") ALL 2'
	! grep -q '^\* STATUS "INBOX" (RECENT' <<<"$output"
	! grep -q '^\* LIST' <<<"$(sed -n '/^c /q;p' <<<"$output")"
}

@test "RFC 9051 §7.5.2: unsolicited FETCH carries the UID; a new message is EXISTS without RECENT" {
	run client <<EOF
send $LOGIN
send $REV2
expect E OK .*
send s SELECT INBOX
expect s OK .*
$(other 'a UID STORE 2 +FLAGS (\Seen)')
run printf 'Subject: four\n\nx\n' > $MAILDIR/tmp/1000000004.M4P4.test && mv $MAILDIR/tmp/1000000004.M4P4.test $MAILDIR/new/
send n NOOP
expect n OK NOOP completed
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	has_line '* 2 FETCH (UID 2 FLAGS (\Seen))'
	has_line '* 4 EXISTS'
	! grep -q 'RECENT\|Recent' <<<"$output"
}

@test "rev1 untouched: unsolicited FETCH without UID, EXISTS with RECENT" {
	run client <<EOF
send $LOGIN
send s SELECT INBOX
expect s OK .*
$(other 'a UID STORE 2 +FLAGS (\Seen)')
run printf 'Subject: four\n\nx\n' > $MAILDIR/tmp/1000000004.M4P4.test && mv $MAILDIR/tmp/1000000004.M4P4.test $MAILDIR/new/
send n NOOP
expect n OK NOOP completed
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	has_line '* 2 FETCH (FLAGS (\Seen \Recent))'
	has_line '* 4 EXISTS'
	has_line '* 4 RECENT'
}

@test "RFC 9051 §6.3.9: a parent only its child implies is \\NonExistent \\HasChildren (rev1: \\Noselect)" {
	mkdir -p "$MAILDIR/.A.B/cur" "$MAILDIR/.A.B/new" "$MAILDIR/.A.B/tmp"
	run imap "$LOGIN" "$REV2" 'l LIST "" *' 'm LIST "" %'
	has_line '* LIST (\NonExistent \HasChildren) "." "A"'
	has_line '* LIST (\HasNoChildren) "." "A.B"'
	run imap "$LOGIN" 'l LIST "" %'
	has_line '* LIST (\Noselect \HasChildren) "." "A"'
}
