#!/usr/bin/env bats
# imapd FETCH of the MIME structure (RFC 3501 §6.4.5, §7.4.2): ENVELOPE,
# BODY, BODYSTRUCTURE, BODY[section] with part numbers and partials, the
# ALL and FULL macros, on the corpus of t/mime-corpus/ through imapd.
load imapd-helpers

setup() { imap_setup; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# corpus_fetch NAME ITEM: FETCH 1 ITEM of corpus message NAME must equal
# the ITEM line of NAME.expected.
corpus_fetch() {
	local name=$1 item=$2 want
	want=$(grep "^$item " "$TOP/t/mime-corpus/$name.expected")
	[ -n "$want" ]
	run imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 1 $item"
	if [ "$(sed -n 's/^\* 1 FETCH (//p' <<<"$output")" != "$want)" ]; then
		echo "$name $item: want $want" >&2
		echo "$output" >&2
		return 1
	fi
	has_line "b OK FETCH completed"
}

@test "FETCH BODYSTRUCTURE, BODY, ENVELOPE, size equal the corpus's expected output" {
	local f name n=0
	for f in "$TOP"/t/mime-corpus/*.eml; do
		name=$(basename "$f" .eml)
		rm -rf "$MAILDIR" && mkdir -p "$MAILDIR"
		deliver "1000000001.M1P1.$name" "$(cat "$f")\n"
		# deliver adds a newline: use the file itself
		cp "$f" "$MAILDIR/new/1000000001.M1P1.$name"
		for item in BODYSTRUCTURE BODY ENVELOPE RFC822.SIZE; do
			corpus_fetch "$name" "$item"
		done
		n=$((n + 1))
	done
	[ "$n" -ge 15 ]
}

@test "the corpus with CRLF line ends gives the same structure" {
	local f name
	for name in nested rfc822-in-multipart qp-soft digest; do
		rm -rf "$MAILDIR" && mkdir -p "$MAILDIR/new" "$MAILDIR/cur" "$MAILDIR/tmp"
		perl -pe 's/\n/\r\n/' "$TOP/t/mime-corpus/$name.eml" > "$MAILDIR/new/1000000001.M1P1.x"
		corpus_fetch "$name" BODYSTRUCTURE
		corpus_fetch "$name" RFC822.SIZE
	done
}

@test "BODY[section] by part number, MIME, HEADER, TEXT of a message/rfc822 part" {
	cp "$TOP/t/mime-corpus/rfc822-in-multipart.eml" "$MAILDIR/new/1000000001.M1P1.x"
	run imap "$LOGIN" "a EXAMINE INBOX" \
		"b FETCH 1 (BODY.PEEK[1] BODY.PEEK[2.2] BODY.PEEK[2.1.2] BODY.PEEK[2.MIME])" \
		"c FETCH 1 (BODY.PEEK[2.HEADER.FIELDS (Subject Message-ID)] BODY.PEEK[2.2.TEXT])" \
		"d FETCH 1 (BODY.PEEK[2.1.MIME] BODY.PEEK[2.TEXT]<0.5>)"
	has_line "* 1 FETCH (BODY[1] {10}"
	# part 2 is a message/rfc822: 2.1 and 2.2 are its message's parts
	has_line "See below. BODY[2.2] {11}"
	has_line "<b>text</b> BODY[2.1.2] \"\" BODY[2.MIME] {72}"
	has_line "Content-Type: message/rfc822"
	has_line "Content-Description: forwarded message"
	has_line "* 1 FETCH (BODY[2.HEADER.FIELDS (Subject Message-ID)] {49}"
	has_line "Subject: report"
	has_line "Message-ID: <r1@example.org>"
	# 2.2 is no part: the message in part 2 is not multipart at the top
	has_line " BODY[2.2.TEXT] \"\")"
	has_line "* 1 FETCH (BODY[2.1.MIME] {28}"
	has_line "Content-Type: text/plain"
	has_line " BODY[2.TEXT]<0> {5}"
	has_line "--alt)"
	has_line "d OK FETCH completed"
}

@test "part numbers of a single-part message, partials past the end, no such part" {
	cp "$TOP/t/mime-corpus/simple.eml" "$MAILDIR/new/1000000001.M1P1.x"
	body=$(sed '1,/^$/d' "$TOP/t/mime-corpus/simple.eml")
	run imap "$LOGIN" "a EXAMINE INBOX" \
		"b FETCH 1 (BODY.PEEK[1]<0.4> BODY.PEEK[1]<100000.5> BODY.PEEK[2] BODY.PEEK[1.1] BODY.PEEK[TEXT]<0.4>)"
	has_line "* 1 FETCH (BODY[1]<0> {4}"
	has_line "${body:0:4} BODY[1]<100000> {0}"
	has_line " BODY[2] \"\" BODY[1.1] \"\" BODY[TEXT]<0> {4}"
	has_line "${body:0:4})"
}

@test "BODY[n] sets \\Seen, BODY.PEEK[n] and BODYSTRUCTURE do not" {
	cp "$TOP/t/mime-corpus/nested.eml" "$MAILDIR/new/1000000001.M1P1.x"
	cp "$TOP/t/mime-corpus/nested.eml" "$MAILDIR/new/1000000002.M2P1.x"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 (BODY.PEEK[1.1] BODYSTRUCTURE ENVELOPE)" \
		"c FETCH 2 BODY[1.1]" "d FETCH 1:2 FLAGS"
	has_line "* 1 FETCH (FLAGS (\\Recent))"
	has_line "* 2 FETCH (FLAGS (\\Seen \\Recent))"
	has_line "The report is attached. FLAGS (\\Seen \\Recent))"
	[ -f "$MAILDIR/cur/1000000002.M2P1.x:2,S" ]
	[ -f "$MAILDIR/cur/1000000001.M1P1.x:2," ]
}

@test "ALL and FULL macros, UID FETCH of ENVELOPE" {
	cp "$TOP/t/mime-corpus/nested.eml" "$MAILDIR/new/1000000001.M1P1.x"
	touch -d '2024-03-05 06:07:08 UTC' "$MAILDIR/new/1000000001.M1P1.x"
	env=$(grep '^ENVELOPE ' "$TOP/t/mime-corpus/nested.expected")
	body=$(grep '^BODY ' "$TOP/t/mime-corpus/nested.expected")
	run env TZ=UTC bash -c "printf '%s\r\n' '$LOGIN' 'a SELECT INBOX' 'b FETCH 1 ALL' 'c FETCH 1 FULL' 'd UID FETCH 1 ENVELOPE' | '$IMAPD' 2>/dev/null"
	output=$(tr -d '\r' <<<"$output")
	has_line "* 1 FETCH (FLAGS (\\Recent) INTERNALDATE \"05-Mar-2024 06:07:08 +0000\" RFC822.SIZE 650 $env)"
	has_line "* 1 FETCH (FLAGS (\\Recent) INTERNALDATE \"05-Mar-2024 06:07:08 +0000\" RFC822.SIZE 650 $env $body)"
	has_line "* 1 FETCH (UID 1 $env)"
	has_line "d OK UID FETCH completed"
}

@test "bad section specs are BAD and change nothing" {
	cp "$TOP/t/mime-corpus/nested.eml" "$MAILDIR/new/1000000001.M1P1.x"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 BODY[0]" "c FETCH 1 BODY[1.0]" \
		"d FETCH 1 BODY[MIME]" "e FETCH 1 BODY[1.FOO]" "f FETCH 1 BODY[1..2]" \
		"g FETCH 1 BODY[1.]" "h FETCH 1 BODY[HEADER.FIELDS]" \
		"i FETCH 1 BODY[1.2.HEADER.FIELDS ()]" "j FETCH 1 BODY[TEXT]<1>" \
		"k FETCH 1 BODY[1.1234567890]" "l FETCH 1 FLAGS"
	for t in b c d e f g k; do has_line "$t BAD Bad section"; done
	has_line "h BAD Missing argument or space"
	grep -q '^i BAD ' <<<"$output"
	has_line "j BAD Syntax error"
	has_line "* 1 FETCH (FLAGS (\\Recent))"
	[ -f "$MAILDIR/cur/1000000001.M1P1.x:2," ]
}

@test "FETCH 1:* ENVELOPE reads headers of many messages" {
	for i in $(seq 1 30); do
		deliver "10000000$((10 + i)).M${i}P1.x" "From: u$i@example.test\nSubject: s$i\n\nbody $i\n"
	done
	run imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 1:* (UID FLAGS ENVELOPE)"
	[ "$(grep -c '^\* [0-9]* FETCH (UID' <<<"$output")" -eq 30 ]
	has_line '* 30 FETCH (UID 30 FLAGS (\Recent) ENVELOPE (NIL "s30" ((NIL NIL "u30" "example.test")) ((NIL NIL "u30" "example.test")) ((NIL NIL "u30" "example.test")) NIL NIL NIL NIL NIL))'
}
