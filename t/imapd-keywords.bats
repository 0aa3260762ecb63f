#!/usr/bin/env bats
# imapd keywords (RFC 3501 §2.3.2): STORE/APPEND/COPY of keywords kept per
# folder in Maildir letters a..z named by "dovecot-keywords", FLAGS and
# PERMANENTFLAGS with \*, SEARCH KEYWORD/UNKEYWORD, the 26-keyword limit.
load imapd-helpers

setup() { imap_setup; three_messages; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

@test "STORE +FLAGS (\$Forwarded Junk) is kept in the file name and the keyword file" {
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 +FLAGS (\$Forwarded Junk \\Seen)" \
		"c STORE 2 +FLAGS Junk" "d FETCH 1:2 FLAGS"
	has_line "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \$Forwarded Junk)"
	has_line "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \$Forwarded Junk \\*)] Flags permitted"
	has_line "* 1 FETCH (FLAGS (\\Seen \$Forwarded Junk \\Recent))"
	has_line "* 2 FETCH (FLAGS (Junk \\Recent))"
	has_line "d OK FETCH completed"
	[ -f "$MAILDIR/cur/1000000001.M1P1.test:2,Sab" ]
	[ -f "$MAILDIR/cur/1000000002.M2P2.test:2,b" ]
	[ "$(cat "$MAILDIR/dovecot-keywords")" = "$(printf '0 $Forwarded\n1 Junk')" ]
	# a new session sees them
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:3 FLAGS" "c SEARCH KEYWORD junk" \
		"d SEARCH UNKEYWORD Junk" "e SEARCH KEYWORD \$Forwarded" "f SEARCH KEYWORD Nope"
	has_line "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \$Forwarded Junk)"
	has_line "* 1 FETCH (FLAGS (\\Seen \$Forwarded Junk))"
	has_line "* SEARCH 1 2"
	has_line "* SEARCH 3"
	has_line "* SEARCH 1"
	has_line "* SEARCH"
}

@test "STORE -FLAGS and FLAGS replace keywords; unknown keywords are not added by -FLAGS" {
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 +FLAGS (Work Home)" \
		"c STORE 1 -FLAGS (Work Other)" "d STORE 1 FLAGS (Later \\Flagged)" "e FETCH 1 FLAGS"
	has_line "* 1 FETCH (FLAGS (Home \\Recent))"
	has_line "* 1 FETCH (FLAGS (\\Flagged Later \\Recent))"
	[ -f "$MAILDIR/cur/1000000001.M1P1.test:2,Fc" ]
	! grep -q Other "$MAILDIR/dovecot-keywords"
}

@test "a keyword file written by Dovecot is read, its letters honoured" {
	printf '0 $Label1\n3 NonJunk\n' > "$MAILDIR/dovecot-keywords"
	mv "$MAILDIR/new/1000000002.M2P2.test" "$MAILDIR/cur/1000000002.M2P2.test:2,Sad"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 2 FLAGS" "c STORE 3 +FLAGS (New)" "d SEARCH KEYWORD NonJunk"
	has_line "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \$Label1 NonJunk)"
	has_line "* 2 FETCH (FLAGS (\\Seen \$Label1 NonJunk))"
	has_line "* 3 FETCH (FLAGS (New \\Recent))"
	has_line "* SEARCH 2"
	grep -qx '1 New' "$MAILDIR/dovecot-keywords"
}

@test "APPEND and COPY carry keywords into another folder's own letters" {
	mkdir -p "$MAILDIR/.Other/cur" "$MAILDIR/.Other/new" "$MAILDIR/.Other/tmp"
	printf '0 Zeta\n' > "$MAILDIR/.Other/dovecot-keywords"
	run imap "$LOGIN" "a APPEND Other (Alpha \\Seen) {9+}" "Subject:x" \
		"b SELECT INBOX" "c STORE 1 +FLAGS (Beta)" "d COPY 1 Other" "e SELECT Other" "f FETCH 1:* FLAGS"
	has_line "a OK [APPENDUID $(uidvalidity "$MAILDIR/.Other") 1] APPEND completed"
	has_line "* 1 FETCH (FLAGS (\\Seen Alpha))"
	has_line "* 2 FETCH (FLAGS (Beta))"
	[ "$(cat "$MAILDIR/.Other/dovecot-keywords")" = "$(printf '0 Zeta\n1 Alpha\n2 Beta')" ]
}

@test "more than 26 keywords in a folder: NO [LIMIT], nothing changed, no \\* left" {
	kws=$(for i in $(seq 1 26); do printf 'k%s ' "$i"; done)
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 +FLAGS (${kws% })" "c STORE 2 +FLAGS (extra)" \
		"d APPEND INBOX (another) {9+}" "Subject:x" "e FETCH 2 FLAGS"
	has_line "b OK STORE completed"
	has_line "c NO [LIMIT] A folder holds at most 26 keywords"
	has_line "d NO [LIMIT] A folder holds at most 26 keywords"
	has_line "* 2 FETCH (FLAGS (\\Recent))"
	grep -q '^\* OK \[PERMANENTFLAGS .* k26)\] Flags permitted$' <<<"$output"
	[ "$(wc -l < "$MAILDIR/dovecot-keywords")" -eq 26 ]
	[ "$(message_files)" -eq 3 ]
}

@test "bad keywords are BAD: \\Recent, unknown system flags, non-atoms" {
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 +FLAGS (\\Recent)" "c STORE 1 +FLAGS (\\Foo)" \
		"d STORE 1 +FLAGS (a]b)" "e STORE 1 +FLAGS (\"quoted\")" "f FETCH 1 FLAGS"
	has_line "b BAD Invalid system flag"
	has_line "c BAD Invalid system flag"
	grep -q '^d BAD ' <<<"$output"
	grep -q '^e BAD ' <<<"$output"
	has_line "* 1 FETCH (FLAGS (\\Recent))"
	[ ! -e "$MAILDIR/dovecot-keywords" ]
}

@test "another session's new keyword shows as FLAGS and FETCH on NOOP" {
	local i
	# the first session selects, the second stores, then the first asks
	# (in that order whatever the load: each step waits for the last)
	{ printf '%s\r\n' "$LOGIN" "a SELECT INBOX"
	  for i in $(seq 1 300); do [ -e "$BATS_TEST_TMPDIR/stored" ] && break; sleep 0.05; done
	  printf '%s\r\n' "b NOOP" "c LOGOUT"; } | "$IMAPD" > "$BATS_TEST_TMPDIR/out" 2>>"$BATS_TEST_TMPDIR/imapd.log" &
	pid=$!
	for i in $(seq 1 300); do grep -q "^a OK" "$BATS_TEST_TMPDIR/out" && break; sleep 0.05; done
	imap "$LOGIN" "x SELECT INBOX" "y STORE 2 +FLAGS (Urgent)" >/dev/null
	touch "$BATS_TEST_TMPDIR/stored"
	wait "$pid"
	output=$(tr -d '\r' < "$BATS_TEST_TMPDIR/out")
	has_line "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Urgent)"
	has_line "* 2 FETCH (FLAGS (Urgent \\Recent))"
	has_line "b OK NOOP completed"
}
