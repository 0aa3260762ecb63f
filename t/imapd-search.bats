#!/usr/bin/env bats
# imapd SEARCH (RFC 3501 §6.4.4): every search key, decoded headers
# (RFC 2047) and bodies (base64, quoted-printable), dates, NOT/OR/
# parentheses, CHARSET, literals, UID SEARCH.
load imapd-helpers

setup() {
	imap_setup
	export TZ=UTC
	deliver 1000000001.M1P1.t 'From: =?UTF-8?Q?Alice_=C3=84rger?= <alice@example.org>\nTo: bob@example.test\nCc: carol@example.net\nSubject: =?ISO-8859-1?Q?R=E9union?= demain\nDate: Mon, 2 Nov 2026 08:00:00 -0500\n\nMeeting at noon.\n'
	deliver 1000000002.M2P1.t "From: dave@example.com\nTo: bob@example.test\nBcc: eve@example.com\nSubject: Invoice 42\nDate: 15 Oct 2026 23:30:00 +0000\nX-Priority: 1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n$(printf 'Grüße aus Köln\n' | base64)\n"
	deliver 1000000003.M3P1.t 'From: frank@example.org\nTo: bob@example.test\nSubject: order\nDate: Tue, 3 Nov 2026 10:00:00 +0100\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nOne caf=C3=A9 lat=\nte please\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nc2VjcmV0d29yZA==\n--b--\n'
	deliver 1000000004.M4P1.t 'From: gina@example.org\nTo: someone@example.net\nSubject: plain\n\nnothing here\n'
	touch -d '2026-10-01 12:00:00 UTC' "$MAILDIR/new/1000000001.M1P1.t"
	touch -d '2026-10-02 00:00:01 UTC' "$MAILDIR/new/1000000002.M2P1.t"
	touch -d '2026-10-02 23:59:59 UTC' "$MAILDIR/new/1000000003.M3P1.t"
	touch -d '2026-10-05 08:00:00 UTC' "$MAILDIR/new/1000000004.M4P1.t"
}
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# search 'KEYS' 'RESULT': "s SEARCH KEYS" must answer "* SEARCH RESULT".
search() {
	run imap "$LOGIN" "a EXAMINE INBOX" "s SEARCH $1"
	local want="* SEARCH${2:+ $2}"
	if ! has_line "$want" || ! has_line "s OK SEARCH completed"; then
		echo "SEARCH $1" >&2
		return 1
	fi
}

@test "SEARCH FROM/TO/CC/BCC/SUBJECT over RFC 2047 decoded headers, case ignored" {
	search 'FROM alice' 1
	search 'FROM "ärger"' 1
	search 'FROM "ÄRGER"' 1
	search 'FROM example.org' '1 3 4'
	search 'TO bob' '1 2 3'
	search 'CC CAROL' 1
	search 'BCC eve' 2
	search 'SUBJECT "réunion"' 1
	search 'SUBJECT "RÉUNION"' 1
	search 'SUBJECT "invoice 42"' 2
	search 'SUBJECT zzz' ''
	search 'SUBJECT ""' '1 2 3 4'
}

@test "SEARCH HEADER: named fields, empty string means the field exists" {
	search 'HEADER X-Priority 1' 2
	search 'HEADER x-priority ""' 2
	search 'HEADER X-Missing ""' ''
	search 'HEADER Content-Type multipart' 3
	search 'HEADER MIME-Version 1.0' 3
}

@test "SEARCH BODY and TEXT over decoded bodies (base64, quoted-printable), not attachments" {
	search 'BODY noon' 1
	search 'BODY "köln"' 2
	search 'BODY "GRÜSSE"' ''
	search 'BODY "grüße aus"' 2
	search 'BODY "café latte"' 3
	search 'BODY secretword' ''
	search 'BODY invoice' ''
	search 'TEXT invoice' 2
	search 'TEXT alice' 1
	search 'BODY ""' '1 2 3 4'
}

@test "SEARCH with literal and CHARSET strings" {
	run imap "$LOGIN" "a EXAMINE INBOX" "b SEARCH CHARSET UTF-8 BODY {5+}" "köln" \
		"c SEARCH CHARSET US-ASCII SUBJECT {7}" "invoice" "d SEARCH CHARSET \"utf-8\" FROM {6+}" "Ärger"
	has_line "* SEARCH 2"
	has_line "b OK SEARCH completed"
	has_line "+ Ready for literal data"
	[ "$(grep -c '^\* SEARCH 2$' <<<"$output")" -eq 2 ]
	has_line "c OK SEARCH completed"
	has_line "* SEARCH 1"
	has_line "d OK SEARCH completed"
}

@test "SEARCH CHARSET other than UTF-8 and US-ASCII is NO [BADCHARSET]" {
	run imap "$LOGIN" "a EXAMINE INBOX" "b SEARCH CHARSET ISO-8859-1 FROM x" \
		"c SEARCH CHARSET KOI8-R ALL"
	has_line "b NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"
	has_line "c NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"
	lacks_line "* SEARCH"
}

@test "SEARCH BEFORE/ON/SINCE use INTERNALDATE, the day only" {
	search 'BEFORE 2-Oct-2026' 1
	search 'ON 2-Oct-2026' '2 3'
	search 'ON 02-Oct-2026' '2 3'
	search 'ON "2-Oct-2026"' '2 3'
	search 'SINCE 2-Oct-2026' '2 3 4'
	search 'SINCE 6-Oct-2026' ''
	search 'BEFORE 1-Jan-2000' ''
	search 'SINCE 1-oct-2026 BEFORE 5-OCT-2026' '1 2 3'
}

@test "SEARCH SENTBEFORE/SENTON/SENTSINCE use the Date: field as written" {
	search 'SENTON 2-Nov-2026' 1
	search 'SENTON 15-Oct-2026' 2
	search 'SENTBEFORE 2-Nov-2026' 2
	search 'SENTSINCE 2-Nov-2026' '1 3'
	search 'SENTSINCE 3-Nov-2026' 3
	search 'NOT SENTSINCE 1-Jan-1970' 4
}

@test "SEARCH LARGER/SMALLER count CRLF octets" {
	size=$(imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 4 RFC822.SIZE" | sed -n 's/^\* 4 FETCH (RFC822.SIZE \([0-9]*\))$/\1/p')
	[ -n "$size" ]
	search "LARGER $((size - 1)) SMALLER $((size + 1))" 4
	search "SMALLER $size" ''
	search "SMALLER $((size + 1)) 4" 4
	search "LARGER 100000" ''
}

@test "SEARCH NOT, OR, parenthesised lists, sequence sets and UID" {
	search 'OR FROM alice SUBJECT invoice' '1 2'
	search 'NOT (OR FROM alice SUBJECT invoice)' '3 4'
	search '(FROM example.org) (TO bob)' '1 3'
	search 'OR (FROM alice BODY noon) (FROM frank BODY latte)' '1 3'
	search 'NOT NOT FROM gina' 4
	search '2:* NOT 3' '2 4'
	search 'UID 1,3:4 BODY e' '1 3 4'
	search '* ALL' 4
	search 'OR OR 1 2 3' '1 2 3'
	run imap "$LOGIN" "a SELECT INBOX" "b UID SEARCH TEXT invoice" "c UID SEARCH FROM example.org SINCE 2-Oct-2026"
	has_line "* SEARCH 2"
	has_line "* SEARCH 3 4"
	has_line "c OK UID SEARCH completed"
}

@test "SEARCH flag keys, NEW, OLD, RECENT after STORE" {
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 +FLAGS (\\Seen \\Flagged)" \
		"c STORE 2 +FLAGS (\\Answered \\Deleted \\Draft)" \
		"d SEARCH SEEN FLAGGED" "e SEARCH UNSEEN UNANSWERED" "f SEARCH DELETED DRAFT ANSWERED" \
		"g SEARCH UNDELETED UNDRAFT UNFLAGGED" "h SEARCH NEW" "i SEARCH OLD" "j SEARCH RECENT NOT 4"
	has_line "* SEARCH 1"
	has_line "* SEARCH 3 4"
	has_line "* SEARCH 2"
	has_line "* SEARCH 2 3 4"
	has_line "* SEARCH"
	has_line "* SEARCH 1 2 3"
}

@test "malformed SEARCH keys are BAD and nothing is searched" {
	run imap "$LOGIN" "a EXAMINE INBOX" "b SEARCH BEFORE 32-Jan-2026" "c SEARCH ON 1-Foo-2026" \
		"d SEARCH SINCE 1-Jan-26" "e SEARCH FROM" "f SEARCH HEADER X" "g SEARCH OR FROM a" \
		"h SEARCH (FROM a" "i SEARCH NOT" "j SEARCH LARGER x" "k SEARCH KEYWORD (x)" \
		"l SEARCH SENTON 1-Jan-2026x" "m SEARCH" "n SEARCH FROM a )" "o SEARCH BODY köln"
	has_line "b BAD Bad date"
	has_line "c BAD Bad date"
	has_line "d BAD Bad date"
	has_line "e BAD Missing argument or space"
	has_line "f BAD Missing argument or space"
	has_line "g BAD Missing argument or space"
	has_line "l BAD Bad date"
	for t in h i j k m n o; do grep -q "^$t BAD " <<<"$output"; done
	lacks_line "* SEARCH"
}

@test "SEARCH FROM/TO/CC/BCC match the parsed addresses, display names included" {
	deliver 1000000005.M5P1.t 'From: <user-from (comment)@ (comment) domain.org>\nTo: "Smith, John" <john (x) @ example.net>, Group: a@g.example, b@g.example;\nCc: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>\nBcc: raw@example.com (Raw Name)\nSubject: addresses\n\nx\n'
	search 'FROM user-from@domain.org' 5
	search 'FROM "USER-FROM@DOMAIN"' 5
	search 'TO "john@example.net"' 5
	search 'TO "smith, john"' 5
	search 'TO "john <john@"' 5
	search 'TO b@g.example' 5
	search 'TO group' 5
	search 'CC "jörg"' 5
	search 'CC "JÖRG <joerg@example.de>"' 5
	search 'BCC "raw name"' 5
	search 'BCC "raw@example.com"' 5
	search 'FROM "(comment)"' ''
	search 'TO "john (x)"' ''
	search 'CC "=?UTF-8?"' ''
	search 'FROM ""' '1 2 3 4 5'
	search 'CC ""' '1 5'
}
