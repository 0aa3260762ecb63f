#!/usr/bin/env bats
# imapd through pipes: SELECT/EXAMINE, FETCH, STORE, EXPUNGE, APPEND,
# COPY, MOVE, UID commands and SEARCH (RFC 3501 §6.3, §6.4, RFC 4315,
# RFC 6851) on a Maildir.
load imapd-helpers

setup() { imap_setup; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }


@test "SELECT reports counts, moves new/ to cur/, \\Recent only once" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* FLAGS"
	has_line "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)"
	has_line "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted"
	has_line "* 3 EXISTS"
	has_line "* 3 RECENT"
	has_line "* OK [UNSEEN 1] First unseen"
	has_line "* OK [UIDVALIDITY $(uidvalidity)] UIDs valid"
	has_line "* OK [UIDNEXT 4] Predicted next UID"
	has_line "a OK [READ-WRITE] SELECT completed"
	has_line "* 1 FETCH (FLAGS (\\Recent))"
	[ -z "$(ls "$MAILDIR/new")" ]
	[ -f "$MAILDIR/cur/1000000001.M1P1.test:2," ]
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 FLAGS"
	has_line "* 0 RECENT"
	has_line "* 1 FETCH (FLAGS ())"
}

@test "EXAMINE is read-only: new/ untouched, STORE, EXPUNGE refused" {
	three_messages
	run imap "$LOGIN" "a EXAMINE INBOX" "b STORE 1 +FLAGS (\\Seen)" \
		"c EXPUNGE" "d FETCH 1 BODY[]" "e FETCH 1 FLAGS"
	has_line "* OK [PERMANENTFLAGS ()] Flags permitted"
	has_line "a OK [READ-ONLY] EXAMINE completed"
	has_line "b NO [READ-ONLY] Mailbox is read-only"
	has_line "c NO [READ-ONLY] Mailbox is read-only"
	has_line "e OK FETCH completed"
	lacks_line "* 1 FETCH (FLAGS (\\Seen))"
	[ "$(ls "$MAILDIR/new" | wc -l)" -eq 3 ]
}

@test "SELECT of a missing folder fails and leaves the selected state" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b SELECT Nope" "c FETCH 1 FLAGS"
	has_line "b NO [NONEXISTENT] No such mailbox"
	has_line "c BAD Command not valid in this state"
}

@test "FETCH of sizes, dates, UIDs and whole messages with CRLF" {
	three_messages
	touch -d '2024-03-05 06:07:08 UTC' "$MAILDIR/new/1000000002.M2P2.test"
	run env TZ=UTC bash -c "printf '%s\r\n' '$LOGIN' 'a SELECT INBOX' 'b FETCH 2 (UID RFC822.SIZE INTERNALDATE)' 'c FETCH 3 RFC822' 'd FETCH 2 (RFC822.HEADER RFC822.TEXT)' | '$IMAPD' 2>/dev/null"
	output=$(tr -d '\r' <<<"$output")
	has_line '* 2 FETCH (UID 2 RFC822.SIZE 61 INTERNALDATE "05-Mar-2024 06:07:08 +0000")'
	has_line "* 3 FETCH (RFC822 {52}"
	has_line "* 2 FETCH (RFC822.HEADER {41}"
	has_line " RFC822.TEXT {20}"
	has_line " FLAGS (\\Seen \\Recent))"
}

@test "a message stored with CRLF is served as is, not doubled" {
	deliver 1000000005.M5P5.test 'Subject: crlf\r\n\r\nline\r\nbare\nend\r\n'
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 (RFC822.SIZE BODY.PEEK[TEXT])"
	has_line "* 1 FETCH (RFC822.SIZE 34 BODY[TEXT] {17}"
	output=$(printf '%s\r\n' "$LOGIN" "a SELECT INBOX" "b FETCH 1 BODY.PEEK[]" | "$IMAPD" 2>/dev/null)
	grep -q $'^bare\r$' <<<"$output"
}

@test "FETCH BODY sections, partial ranges, and \\Seen only without PEEK" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" \
		"b FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT X-LONG)])" \
		"c FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (Subject X-Long)]" \
		"d FETCH 1 BODY.PEEK[TEXT]<5.3>" "e FETCH 1 FLAGS" \
		"f FETCH 1 BODY[]<0.4>" "g FETCH 1 BODY[HEADER]" "h FETCH 2 BODY.PEEK[]<500.10>"
	has_line "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT X-LONG)] {37}"
	has_line "Subject: first"
	has_line "X-Long: one"
	has_line " two"
	has_line "* 1 FETCH (BODY[HEADER.FIELDS.NOT (Subject X-Long)] {24}"
	has_line "* 1 FETCH (BODY[TEXT]<5> {3}"
	has_line "one)"
	has_line "* 1 FETCH (FLAGS (\\Recent))"
	has_line "* 1 FETCH (BODY[]<0> {4}"
	has_line "From FLAGS (\\Seen \\Recent))"
	has_line "* 1 FETCH (BODY[HEADER] {59}"
	has_line "* 2 FETCH (BODY[]<500> {0}"
	[ -f "$MAILDIR/cur/1000000001.M1P1.test:2,S" ]
}

@test "FETCH with a bad sequence number is BAD; UID FETCH of a missing UID is empty" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 4 FLAGS" "c UID FETCH 4:9 FLAGS" \
		"d FETCH 2:* UID" "e UID FETCH 9:* UID"
	has_line "b BAD Invalid message sequence number"
	has_line "c OK UID FETCH completed"
	has_line "* 2 FETCH (UID 2)"
	has_line "* 3 FETCH (UID 3)"
	has_line "* 3 FETCH (UID 3)"
	has_line "e OK UID FETCH completed"
}

@test "STORE FLAGS, +FLAGS, -FLAGS, .SILENT keep flags in the file name" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 FLAGS (\\Seen \\Flagged)" \
		"c STORE 1:2 +FLAGS (\\Answered \\Draft)" "d STORE 1 -FLAGS.SILENT (\\Draft)" \
		"e UID STORE 3 +FLAGS \\Deleted" "f FETCH 1 FLAGS" "g STORE 1 +FLAGS (\\Recent)"
	has_line "* 1 FETCH (FLAGS (\\Flagged \\Seen \\Recent))"
	has_line "* 1 FETCH (FLAGS (\\Draft \\Flagged \\Answered \\Seen \\Recent))"
	has_line "* 2 FETCH (FLAGS (\\Draft \\Answered \\Recent))"
	has_line "d OK STORE completed"
	has_line "* 3 FETCH (UID 3 FLAGS (\\Deleted \\Recent))"
	has_line "* 1 FETCH (FLAGS (\\Flagged \\Answered \\Seen \\Recent))"
	has_line "g BAD Invalid system flag"
	[ -f "$MAILDIR/cur/1000000001.M1P1.test:2,FRS" ]
	[ -f "$MAILDIR/cur/1000000002.M2P2.test:2,DR" ]
	[ -f "$MAILDIR/cur/1000000003.M3P3.test:2,T" ]
}

@test "EXPUNGE removes \\Deleted messages and reports each one" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1,3 +FLAGS.SILENT (\\Deleted)" \
		"c EXPUNGE" "d FETCH 1 UID"
	has_line "* 1 EXPUNGE"
	has_line "* 2 EXPUNGE"
	has_line "c OK EXPUNGE completed"
	has_line "* 1 FETCH (UID 2)"
	[ "$(message_files)" -eq 1 ]
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 UID"
	has_line "* 1 EXISTS"
	has_line "* 1 FETCH (UID 2)"
}

@test "UID EXPUNGE removes only the named \\Deleted messages" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1:3 +FLAGS.SILENT (\\Deleted)" \
		"c UID EXPUNGE 2:3" "d FETCH 1:* UID"
	[ "$(grep -c '^\* 2 EXPUNGE$' <<<"$output")" -eq 2 ]
	has_line "c OK UID EXPUNGE completed"
	has_line "* 1 FETCH (UID 1)"
	[ "$(message_files)" -eq 1 ]
}

@test "CLOSE expunges silently; UNSELECT does not" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 +FLAGS.SILENT (\\Deleted)" \
		"c UNSELECT" "d FETCH 1 UID"
	has_line "c OK UNSELECT completed"
	has_line "d BAD Command not valid in this state"
	[ "$(message_files)" -eq 3 ]
	run imap "$LOGIN" "a SELECT INBOX" "c CLOSE"
	lacks_line "* 1 EXPUNGE"
	has_line "c OK CLOSE completed"
	[ "$(message_files)" -eq 2 ]
}

@test "APPEND with flags and date, APPENDUID, LF on disk" {
	run imap_raw "$LOGIN\r\na APPEND INBOX (\\\\Seen \\\\Flagged) \"05-Mar-2024 06:07:08 +0100\" {19}\r\nSubject: x\r\n\r\nhello\r\nb APPEND INBOX {9+}\r\nSubject:y\r\nc SELECT INBOX\r\nd FETCH 1:2 (UID FLAGS RFC822.SIZE)\r\ne FETCH 1 INTERNALDATE\r\n"
	v=$(uidvalidity)
	has_line "+ Ready for literal data"
	has_line "a OK [APPENDUID $v 1] APPEND completed"
	has_line "b OK [APPENDUID $v 2] APPEND completed"
	[ "$(grep -c '^+ ' <<<"$output")" -eq 1 ]
	f=$(ls "$MAILDIR"/cur/*:2,FS)
	[ "$(cat "$f")" = "$(printf 'Subject: x\n\nhello')" ]
	[ "$(stat -c %Y "$f")" -eq "$(date -d '2024-03-05 05:07:08 UTC' +%s)" ]
	has_line "* 1 FETCH (UID 1 FLAGS (\\Flagged \\Seen) RFC822.SIZE 19)"
	has_line "* 1 FETCH (INTERNALDATE \"$(TZ=UTC date -d @$(stat -c %Y "$f") '+%d-%b-%Y %H:%M:%S +0000')\")"
	has_line "* 2 FETCH (UID 2 FLAGS (\\Recent) RFC822.SIZE 9)"
}

@test "APPEND whose commit fails (fsync, rename, directory fsync) answers NO and leaves nothing" {
	for step in fsync rename fsync-dir; do
		run env POSTERN_FAULT=$step "$IMAPD" <<<"$(printf '%s\r\n' "$LOGIN" 'a APPEND INBOX (\Seen) {3+}' 'abc' 'b APPEND INBOX {3+}' 'abc')" 2>/dev/null
		output=$(tr -d '\r' <<<"$output")
		has_line "a NO [SERVERBUG] Cannot save message"
		has_line "b NO [SERVERBUG] Cannot save message"
		[ "$(message_files)" -eq 0 ]
		[ -z "$(ls "$MAILDIR/tmp")" ]
	done
}

@test "APPEND refusals: missing folder, bad date, bad flag, not a literal" {
	run imap_raw "$LOGIN\r\na APPEND Nope {3+}\r\nabc\r\nb APPEND INBOX \"32-Foo-2024 00:00:00 +0000\" {3+}\r\nabc\r\nc APPEND INBOX (\\\\Bogus) {3+}\r\nabc\r\nd APPEND INBOX abc\r\ne APPEND INBOX {0+}\r\n\r\n"
	has_line "a NO [TRYCREATE] No such mailbox"
	has_line "b BAD Invalid date-time"
	has_line "c BAD Invalid system flag"
	has_line "d BAD Expected a literal"
	has_line "e NO Empty message"
	[ "$(message_files)" -eq 0 ]
	[ -z "$(ls "$MAILDIR/tmp")" ]
}

@test "APPEND and COPY into a folder whose tmp/ and new/ are missing" {
	three_messages
	mkdir -p "$MAILDIR/.Bare/cur"
	run imap_raw "$LOGIN\r\na APPEND Bare {5+}\r\nx: y\r\nb SELECT INBOX\r\nc COPY 1 Bare\r\n"
	has_line "a OK [APPENDUID $(uidvalidity "$MAILDIR/.Bare") 1] APPEND completed"
	has_line "c OK [COPYUID $(uidvalidity "$MAILDIR/.Bare") 1 2] COPY completed"
	[ "$(find "$MAILDIR/.Bare/new" -type f | wc -l)" -eq 2 ]
}

@test "APPEND to the selected folder reports EXISTS" {
	three_messages
	run imap_raw "$LOGIN\r\na SELECT INBOX\r\nb APPEND INBOX {5+}\r\nx: y\r\n"
	has_line "* 4 EXISTS"
	has_line "b OK [APPENDUID $(uidvalidity) 4] APPEND completed"
}

@test "COPY with COPYUID; UIDs persist across sessions" {
	three_messages
	run imap "$LOGIN" "c CREATE Archive" "a SELECT INBOX" "b STORE 2 +FLAGS.SILENT (\\Flagged)" \
		"d COPY 2:3 Archive" "e COPY 1 Archive" "f COPY 1 Nope"
	va=$(uidvalidity "$MAILDIR/.Archive")
	has_line "d OK [COPYUID $va 2:3 1:2] COPY completed"
	has_line "e OK [COPYUID $va 1 3] COPY completed"
	has_line "f NO [TRYCREATE] No such mailbox"
	[ "$(find "$MAILDIR/.Archive/cur" "$MAILDIR/.Archive/new" -type f | wc -l)" -eq 3 ]
	ls "$MAILDIR/.Archive/cur" | grep -q ':2,F$'
	run imap "$LOGIN" "a SELECT Archive" "b FETCH 1:* (UID FLAGS)"
	# the copy with a flag went to cur/ and is \Recent all the same
	# (RFC 3501 §6.4.7, t/imapd-recent.bats)
	has_line "* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent))"
	has_line "* 3 FETCH (UID 3 FLAGS (\\Recent))"
	has_line "* OK [UIDVALIDITY $va] UIDs valid"
}

@test "MOVE: COPYUID first, then EXPUNGE, files moved not copied" {
	three_messages
	run imap "$LOGIN" "c CREATE Trash" "a SELECT INBOX" "b MOVE 1,3 Trash" "d UID MOVE 2 Trash" "e FETCH 1 UID"
	vt=$(uidvalidity "$MAILDIR/.Trash")
	has_line "* OK [COPYUID $vt 1,3 1:2] Moved"
	has_line "* 1 EXPUNGE"
	has_line "* 2 EXPUNGE"
	lacks_line "* 1 EXISTS"
	has_line "b OK MOVE completed"
	has_line "* OK [COPYUID $vt 2 3] Moved"
	has_line "d OK UID MOVE completed"
	has_line "e BAD Invalid message sequence number"
	[ "$(message_files)" -eq 3 ]
	[ "$(find "$MAILDIR/.Trash/cur" "$MAILDIR/.Trash/new" -type f | wc -l)" -eq 3 ]
}

@test "SEARCH with flags, sequence sets, UID, NOT, OR, sizes" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 2 +FLAGS.SILENT (\\Seen)" \
		"c SEARCH SEEN" "d SEARCH UNSEEN NOT 3" "e SEARCH OR 1 3" \
		"f UID SEARCH UID 2:*" "g SEARCH CHARSET UTF-8 ALL" "h SEARCH LARGER 53" \
		"i SEARCH (NEW) RECENT" "j SEARCH CHARSET KOI8-R ALL" "k SEARCH FROB x" \
		"l SEARCH KEYWORD foo" "m SEARCH UNKEYWORD foo SMALLER 54"
	has_line "* SEARCH 2"
	has_line "* SEARCH 1"
	has_line "* SEARCH 1 3"
	has_line "* SEARCH 2 3"
	has_line "* SEARCH 1 2 3"
	has_line "* SEARCH 1 2"
	has_line "j NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"
	has_line "k BAD Unknown search key"
	has_line "* SEARCH"
	has_line "* SEARCH 3"
}

@test "NOOP reports messages delivered and flags changed by others" {
	three_messages
	mkfifo "$BATS_TEST_TMPDIR/in"
	"$IMAPD" < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" 2>/dev/null &
	exec 7>"$BATS_TEST_TMPDIR/in"
	printf '%s\r\n' "$LOGIN" "a SELECT INBOX" >&7
	sleep 0.5
	deliver 1000000004.M4P4.test 'Subject: four\n\nbody\n'
	mv "$MAILDIR/cur/1000000001.M1P1.test:2," "$MAILDIR/cur/1000000001.M1P1.test:2,S"
	rm "$MAILDIR/cur/1000000002.M2P2.test:2,"
	printf '%s\r\n' "b NOOP" "c LOGOUT" >&7
	exec 7>&-
	wait
	output=$(tr -d '\r' < "$BATS_TEST_TMPDIR/out")
	has_line "* 1 FETCH (FLAGS (\\Seen \\Recent))"
	has_line "* 2 EXPUNGE"
	has_line "* 3 EXISTS"
	has_line "b OK NOOP completed"
}

@test "UIDs stay unique and ascending with concurrent APPENDs" {
	for i in 1 2 3 4 5; do
		(printf '%s\r\n' "$LOGIN"
		 for j in 1 2 3 4; do printf 'a%s APPEND INBOX {6+}\r\nX: %s%s\r\n' $j $i $j; done
		 printf 'z LOGOUT\r\n') | "$IMAPD" > "$BATS_TEST_TMPDIR/c$i" 2>/dev/null &
	done
	wait
	[ "$(cat "$BATS_TEST_TMPDIR"/c* | grep -c 'OK \[APPENDUID')" -eq 20 ]
	uids=$(cat "$BATS_TEST_TMPDIR"/c* | sed -n 's/.*APPENDUID [0-9]* \([0-9]*\)].*/\1/p' | sort -n | uniq)
	[ "$(wc -l <<<"$uids")" -eq 20 ]
	[ "$(tail -1 <<<"$uids")" -eq 20 ]
	[ "$(messages_indexed)" -eq 20 ]
}

@test "a message removed behind the session's back: FETCH and STORE say NO, no crash" {
	three_messages
	mkfifo "$BATS_TEST_TMPDIR/in"
	"$IMAPD" < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" 2>>"$BATS_TEST_TMPDIR/imapd.log" &
	exec 7>"$BATS_TEST_TMPDIR/in"
	printf '%s\r\n' "$LOGIN" "a SELECT INBOX" >&7
	sleep 0.5
	rm "$MAILDIR/cur/1000000002.M2P2.test:2,"
	printf '%s\r\n' "b FETCH 1:3 BODY.PEEK[TEXT]" "c STORE 2 +FLAGS (\\Seen)" \
		"d FETCH 2 (UID FLAGS)" "e NOOP" "f FETCH 2 UID" "g LOGOUT" >&7
	exec 7>&-
	wait
	output=$(tr -d '\r' < "$BATS_TEST_TMPDIR/out")
	has_line "* 1 FETCH (BODY[TEXT] {10}"
	has_line "* 3 FETCH (BODY[TEXT] {12}"
	has_line "b NO [EXPUNGEISSUED] Some messages were expunged"
	has_line "c NO [EXPUNGEISSUED] Some messages were expunged"
	has_line "* 2 FETCH (UID 2 FLAGS (\\Recent))"
	has_line "* 2 EXPUNGE"
	has_line "* 2 FETCH (UID 3)"
	has_line "g OK LOGOUT completed"
}

@test "a flag change by another program is followed, not undone" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX"
	mv "$MAILDIR/cur/1000000001.M1P1.test:2," "$MAILDIR/cur/1000000001.M1P1.test:2,Fa"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 FLAGS" "c STORE 1 +FLAGS (\\Seen)"
	has_line "* 1 FETCH (FLAGS (\\Flagged))"
	has_line "* 1 FETCH (FLAGS (\\Flagged \\Seen))"
	[ -f "$MAILDIR/cur/1000000001.M1P1.test:2,FSa" ]
}
