#!/usr/bin/env bats
# imapd CATENATE (RFC 4469): APPEND of a message made of literals and
# parts of the user's messages named by IMAP URLs (RFC 5092), BADURL,
# TOOBIG, and with MULTIAPPEND all or nothing.
load imapd-helpers

setup() {
	imap_setup
	mkdir -p "$MAILDIR/.Drafts"
	deliver 1000000001.M1P1.test 'From: Bob <bar@example.org>\nSubject: draft\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nHello\n--b1\nContent-Type: application/x-zip-compressed\nContent-Transfer-Encoding: base64\n\nUEsDBAo=\n--b1--\n' "$MAILDIR/.Drafts"
	deliver 1000000002.M2P2.test 'Subject: old\n\nold text\n' "$MAILDIR/.Drafts"
	touch "$MAILDIR/.Drafts/maildirfolder"
	run imap "$LOGIN" 'a STATUS Drafts (UIDVALIDITY)'
	V=$(uidvalidity "$MAILDIR/.Drafts")
	[ -n "$V" ]
}
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# lit TEXT: a literal of TEXT (printf %b escapes), "{n}\r\n" and the text.
lit() { printf '{%d}\\r\\n%s' "$(printf "$1" | wc -c)" "$1"; }

# The file of the message the APPEND made in Drafts (not one of setup's).
made() { find "$MAILDIR/.Drafts/cur" "$MAILDIR/.Drafts/new" -type f ! -name '100000000*'; }

@test "CAPABILITY lists CATENATE" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' CATENATE' <<<"$CAPS"
}

@test "RFC 4469 example 1: an attachment replaced by another message, header and part 1 kept; the source stays unseen" {
	u="/Drafts;UIDVALIDITY=$V/;UID=1"
	run imap_raw "$LOGIN\r\nA003 APPEND Drafts (\\\\Seen \\\\Draft \$MDNSent) CATENATE (URL \"$u/;section=HEADER\" TEXT $(lit '\r\n--b1\r\n') URL \"$u/;section=1.MIME\" URL \"$u/;section=1\" TEXT $(lit '\r\n--b1\r\n') URL \"/Drafts;UIDVALIDITY=$V/;UID=2\" TEXT $(lit '\r\n--b1--\r\n'))\r\ns EXAMINE Drafts\r\nf FETCH 1:3 (FLAGS)\r\n"
	has_line "A003 OK [APPENDUID $V 3] APPEND completed"
	[ "$(grep -c '^+ Ready for literal data$' <<<"$output")" -eq 3 ]
	has_line '* 1 FETCH (FLAGS (\Recent))'
	has_line '* 3 FETCH (FLAGS (\Draft \Seen $MDNSent))'
	[ "$(cat "$(made)")" = "$(printf 'From: Bob <bar@example.org>\nSubject: draft\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n\n--b1\nContent-Type: text/plain\n\nHello\n--b1\nSubject: old\n\nold text\n\n--b1--')" ]
}

@test "RFC 4469 example 2: new text and header, the attachment's MIME header and body by URL (Section in any case)" {
	head='From: Bob Ar <bar@example.org>\r\nSubject: About our holiday trip\r\nContent-Type: multipart/mixed;\r\n              boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=us-ascii; format=flowed\r\n\r\nOur travel agent has sent the updated schedule.\r\n--b1\r\n'
	run imap_raw "$LOGIN\r\nA003 APPEND Drafts (\\\\Seen \\\\Draft) CATENATE (TEXT $(lit "$head") URL \"/Drafts;UIDVALIDITY=$V/;UID=1/;Section=2.MIME\" URL \"/Drafts;UIDVALIDITY=$V/;UID=1/;Section=2\" TEXT $(lit '\r\n--b1--\r\n'))\r\ns SELECT Drafts\r\nf FETCH 3 (BODYSTRUCTURE)\r\n"
	has_line "A003 OK [APPENDUID $V 3] APPEND completed"
	has_line '* 3 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii" "format" "flowed") NIL NIL "7bit" 47 0 NIL NIL NIL NIL)("application" "x-zip-compressed" NIL NIL NIL "base64" 8 NIL NIL NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL))'
	[ "$(tail -6 "$(made)")" = "$(printf -- '--b1\nContent-Type: application/x-zip-compressed\nContent-Transfer-Encoding: base64\n\nUEsDBAo=\n--b1--')" ]
}

@test "BADURL (§4.1) names the first URL that fails; nothing is written" {
	for url in "/Drafts;UIDVALIDITY=1/;UID=1" "/Drafts/;UID=9" "/Drafts/;UID=1/;SECTION=7" "/Nope/;UID=1" \
		   "imap://bob@example.test/Drafts/;UID=1" "/Drafts/;UID=1/;PARTIAL=0.0" "/Drafts/;UID=1/;PARTIAL=x" \
		   "/Drafts/;UID=1/;SECTION=HEADER.FIELDS%20(FROM" "/Drafts/;UID=1/;URLAUTH=anonymous" \
		   "/Drafts/;UID=1/;SECTION=1;PARTIAL=0" "/Drafts/;UID=1/;SECTION=1/;PARTIAL=1/;URLAUTH=x" \
		   "/Drafts/;UID=1/;SECTION=HEADER.FIELDS" "/Drafts/;UID=1/;SECTION=MIME" "/Drafts/;UID=1/;SECTION=1%5D" \
		   "/Drafts/;UID=0" "/Dr%ZZafts/;UID=1" "/..x/;UID=1" "Drafts/;UID=1" "/Drafts/;UID=1/;SECTION=1.2.3" \
		   ";UID=1"; do
		run imap_raw "$LOGIN\r\na APPEND Drafts CATENATE (URL \"/Drafts/;UID=1/;SECTION=1\" URL \"$url\" URL \"/Nope/;UID=2\")\r\n"
		has_line "a NO [BADURL $url] Cannot use this URL"
	done
	run imap_raw "$LOGIN\r\na APPEND Drafts CATENATE (URL \"/Drafts/;UID=1]x\" URL {9}\r\n/x/;UID=\x01)\r\n"
	has_line "a NO [BADURL /Drafts/;UID=1%5Dx] Cannot use this URL"
	[ -z "$(made)" ]
	[ -z "$(ls "$MAILDIR/tmp")" ]
}

@test "URL sections as FETCH takes them (RFC 5092): HEADER.FIELDS[.NOT], N.MIME, N, TEXT, ;PARTIAL=, the same octets as FETCH" {
	u="/Drafts;UIDVALIDITY=$V/;UID=1"
	run imap_raw "$LOGIN\r\na APPEND Drafts CATENATE (URL \"$u/;SECTION=HEADER.FIELDS%20(SUBJECT%20FROM)\" URL \"$u/;SECTION=header.fields.not%20(From%20Subject%20Content-Type)\" URL \"$u/;SECTION=1.MIME\" URL \"$u/;SECTION=2/;PARTIAL=2.4\" TEXT $(lit '|') URL \"$u/;SECTION=TEXT/;PARTIAL=95\" TEXT $(lit '|') URL \"/Drafts/;UID=2/;PARTIAL=7.3\" URL \"/Drafts/;UID=2/;PARTIAL=99\")\r\ns EXAMINE Drafts\r\nf UID FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[HEADER.FIELDS.NOT (From Subject Content-Type)] BODY.PEEK[1.MIME] BODY.PEEK[2]<2.4> BODY.PEEK[TEXT]<95.1000>)\r\n"
	has_line "a OK [APPENDUID $V 3] APPEND completed"
	[ "$(cat "$(made)")" = "$(printf 'From: Bob <bar@example.org>\nSubject: draft\n\nMIME-Version: 1.0\n\nContent-Type: text/plain\n\nsDBA|ent-Transfer-Encoding: base64\n\nUEsDBAo=\n--b1--\n|: o')" ] || { cat "$(made)"; false; }
	# FETCH gives the same octets (CRLF: 44 + 3 lines, 18 + 2, 26 + 2, 4, 46 + 5)
	has_line '* 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT FROM)] {47}'
	has_line ' BODY[HEADER.FIELDS.NOT (From Subject Content-Type)] {21}'
	has_line ' BODY[1.MIME] {28}'
	has_line ' BODY[2]<2> {4}'
	has_line 'sDBA BODY[TEXT]<95> {51}'
	has_line 'ent-Transfer-Encoding: base64'
	[ -z "$(ls "$MAILDIR/tmp")" ]
}

@test "TOOBIG (§4.2): parts past maxsize; a TEXT over it is refused as it comes" {
	control maxsize 400
	u="/Drafts/;UID=1"
	run imap_raw "$LOGIN\r\na APPEND Drafts CATENATE (URL \"$u\" URL \"$u\")\r\nb APPEND Drafts CATENATE (URL \"$u\" TEXT $(lit "$(printf 'z%.0s' $(seq 1 200))"))\r\nc APPEND Drafts CATENATE (URL \"$u\")\r\n"
	has_line 'a NO [TOOBIG] The message would be too big'
	has_line 'b NO [TOOBIG] The message would be too big'
	has_line "c OK [APPENDUID $V 3] APPEND completed"
	[ "$(made | wc -l)" -eq 1 ]
	[ -z "$(ls "$MAILDIR/tmp")" ]
}

@test "MULTIAPPEND with CATENATE is all or nothing: a bad URL in the third message stores none" {
	run imap_raw "$LOGIN\r\na APPEND INBOX $(lit 'Subject: one\r\n\r\nx\r\n') CATENATE (URL \"/Drafts/;UID=2\") CATENATE (TEXT $(lit 'Subject: t\r\n\r\n') URL \"/Drafts/;UID=7\")\r\nb APPEND INBOX $(lit 'Subject: one\r\n\r\nx\r\n') CATENATE (URL \"/Drafts/;UID=2\") (\\\\Flagged) CATENATE (TEXT $(lit 'Subject: t\r\n\r\n') URL \"/Drafts/;UID=2/;SECTION=TEXT\")\r\ns SELECT INBOX\r\nf FETCH 1:* (FLAGS BODY.PEEK[TEXT])\r\n"
	has_line 'a NO [BADURL /Drafts/;UID=7] Cannot use this URL'
	grep -q '^b OK \[APPENDUID [0-9]* 1:3\] APPEND completed$' <<<"$output"
	has_line '* 3 EXISTS'
	has_line '* 1 FETCH (FLAGS (\Recent) BODY[TEXT] {3}'
	has_line '* 3 FETCH (FLAGS (\Flagged) BODY[TEXT] {10}'
	[ "$(grep -c '^old text$' <<<"$output")" -eq 2 ]
	[ -z "$(ls "$MAILDIR/tmp")" ]
}

@test "a TEXT literal streamed to a file, a URL of the selected folder, and the quota" {
	big=$(printf 'w%.0s' $(seq 1 70000))
	run imap_raw "$LOGIN\r\ns SELECT Drafts\r\na APPEND INBOX CATENATE (TEXT {$((${#big} + 16))}\r\nSubject: big\r\n\r\n$big URL \"/Drafts/;UID=2/;SECTION=TEXT\")\r\nb STATUS INBOX (MESSAGES SIZE)\r\n"
	grep -q '^a OK \[APPENDUID [0-9]* 1\] APPEND completed$' <<<"$output"
	has_line "* STATUS \"INBOX\" (MESSAGES 1 SIZE $((${#big} + 16 + 10)))"
	f=$(find "$MAILDIR/new" "$MAILDIR/cur" -type f)
	[ "$(head -c 14 "$f")" = "$(printf 'Subject: big\n')" ]
	[ "$(tail -c 12 "$f")" = "wwwold text" ]
	control quota "bob@example.test: 0 3"
	run imap_raw "$LOGIN\r\na APPEND INBOX CATENATE (URL \"/Drafts/;UID=2\")\r\n"
	has_line 'a NO [OVERQUOTA] Over the mailbox quota'
	[ -z "$(ls "$MAILDIR/tmp")" ]
}

@test "bad CATENATE syntax is BAD; an empty result is NO; nothing written" {
	run imap_raw "$LOGIN\r\na APPEND Drafts CATENATE ()\r\nb APPEND Drafts CATENATE (FOO \"x\")\r\nc APPEND Drafts CATENATE (TEXT \"quoted\")\r\nd APPEND Drafts CATENATE (URL)\r\ne APPEND Drafts CATENATE URL \"/Drafts/;UID=1\"\r\nf APPEND Drafts CATENATED (URL \"/Drafts/;UID=1\")\r\ng APPEND Drafts CATENATE (TEXT {0}\r\n)\r\nh APPEND Drafts CATENATE (URL \"/Drafts/;UID=1\"\r\n"
	for t in a b c d e f h; do grep -q "^$t BAD" <<<"$output"; done
	has_line 'g NO Empty message'
	[ -z "$(made)" ]
	[ -z "$(ls "$MAILDIR/tmp")" ]
}
