#!/usr/bin/env bats
# imapd BINARY (RFC 3516): FETCH BINARY[part], BINARY.PEEK, BINARY.SIZE,
# partial ranges on the decoded data, literal8 for NULs, UNKNOWN-CTE,
# a broken base64 part, and APPEND of a literal8.
load imapd-helpers

setup() {
	imap_setup
	B64=$(printf 'A\000B\001binary' | base64)
	deliver 1000000001.M1P1.t "From: a@example.test\nSubject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9 =\nlatte\nsecond line\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n$B64\n--b\nContent-Type: text/plain\nContent-Transfer-Encoding: BASE64\n\nSGVs*bG8g\nd29y!bGQ=\n--b\nContent-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n--b\nContent-Type: text/plain\n\nplain 7bit\n--b--\n"
}
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

@test "CAPABILITY lists BINARY" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' BINARY' <<<"$CAPS"
}

@test "BINARY[part] undoes quoted-printable and base64; BINARY.SIZE matches; partial on decoded data" {
	run imap "$LOGIN" "s EXAMINE INBOX" "a FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])" \
		"b FETCH 1 (BINARY.SIZE[2] BINARY.SIZE[3] BINARY.SIZE[5])" "c FETCH 1 BINARY.PEEK[1]<3.7>" \
		"d FETCH 1 BINARY.PEEK[5]" "e FETCH 1 BINARY.PEEK[3]" "f FETCH 1 BINARY.PEEK[9]"
	has_line "* 1 FETCH (BINARY[1] {24}"
	has_line "café latte"
	has_line "second line BINARY.SIZE[1] 24)"
	has_line "* 1 FETCH (BINARY.SIZE[2] 10 BINARY.SIZE[3] 11 BINARY.SIZE[5] 10)"
	has_line "* 1 FETCH (BINARY[1]<3> {7}"
	has_line "é latt)"
	has_line "* 1 FETCH (BINARY[5] {10}"
	has_line "plain 7bit)"
	# the broken base64 is decoded leniently: what is valid of it
	has_line "* 1 FETCH (BINARY[3] {11}"
	has_line "Hello world)"
	has_line '* 1 FETCH (BINARY[9] {0}'
	has_line "f OK FETCH completed"
}

@test "a part with a NUL comes as a literal8, octet for octet" {
	printf '%s\r\n' "$LOGIN" "s EXAMINE INBOX" "a FETCH 1 BINARY.PEEK[2]" "z LOGOUT" |
		"$IMAPD" > "$BATS_TEST_TMPDIR/out" 2>>"$BATS_TEST_TMPDIR/imapd.log"
	grep -aq '^\* 1 FETCH (BINARY\[2\] ~{10}' "$BATS_TEST_TMPDIR/out"
	printf 'A\000B\001binary)' > "$BATS_TEST_TMPDIR/want"
	grep -a -A1 'BINARY\[2\] ~{10}' "$BATS_TEST_TMPDIR/out" | tail -1 | tr -d '\r\n' > "$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "BINARY[] is the message as BODY[] has it; BINARY sets \\Seen, BINARY.PEEK does not" {
	run imap "$LOGIN" "s SELECT INBOX" "a FETCH 1 (BINARY.PEEK[] BODY.PEEK[])" "b FETCH 1 FLAGS" \
		"c FETCH 1 BINARY[5]" "d FETCH 1 FLAGS"
	[ "$(grep -c '^--b--$' <<<"$output")" -eq 2 ]
	grep -q '^\* 1 FETCH (BINARY\[\] {[0-9]*}$' <<<"$output"
	has_line "* 1 FETCH (FLAGS (\\Recent))"
	has_line "plain 7bit FLAGS (\\Seen \\Recent))"
	has_line "* 1 FETCH (FLAGS (\\Seen \\Recent))"
}

@test "an unknown Content-Transfer-Encoding is NIL and NO [UNKNOWN-CTE]" {
	run imap "$LOGIN" "s EXAMINE INBOX" "a FETCH 1 (UID BINARY.PEEK[4])" "b FETCH 1 BINARY.SIZE[4]" \
		"c FETCH 1 BINARY.PEEK[1]"
	has_line "* 1 FETCH (UID 1 BINARY[4] NIL)"
	has_line "a NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
	has_line "b NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
	has_line "c OK FETCH completed"
}

@test "malformed BINARY items are BAD" {
	run imap "$LOGIN" "s EXAMINE INBOX" "a FETCH 1 BINARY[HEADER]" "b FETCH 1 BINARY[1.MIME]" \
		"c FETCH 1 BINARY.SIZE[1]<0.5>" "d FETCH 1 BINARY[0]" "e FETCH 1 BINARY[1" "f FETCH 1 BINARY" \
		"g FETCH 1 BINARY[1.]"
	has_line "a BAD Bad section"
	has_line "b BAD Bad section"
	grep -q '^c BAD ' <<<"$output"
	has_line "d BAD Bad section"
	has_line "e BAD Syntax error"
	grep -q '^f BAD ' <<<"$output"
	has_line "g BAD Bad section"
	lacks_line "* 1 FETCH"
}

@test "APPEND of a literal8: stored without NULs, NO [UNKNOWN-CTE] with one and nothing written" {
	run imap_raw "$LOGIN\r\na APPEND INBOX ~{14}\r\nSubject: x\r\n\r\n\r\nb APPEND INBOX ~{15+}\r\nSubject: y\r\n\r\n\000\r\nc NOOP\r\n"
	has_line "+ Ready for literal data"
	grep -q '^a OK \[APPENDUID [0-9]* [0-9]*\] APPEND completed$' <<<"$output"
	has_line "b NO [UNKNOWN-CTE] Binary content cannot be stored"
	has_line "c OK NOOP completed"
	[ "$(message_files)" -eq 2 ]
	grep -rq '^Subject: x$' "$MAILDIR/new" "$MAILDIR/cur"
	! grep -rq '^Subject: y' "$MAILDIR/new" "$MAILDIR/cur"
}
