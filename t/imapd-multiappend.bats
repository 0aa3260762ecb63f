#!/usr/bin/env bats
# imapd MULTIAPPEND (RFC 3502): several messages in one APPEND, all or
# nothing, with APPENDUID's uid-set (RFC 4315).
load imapd-helpers

setup() { imap_setup; control maxsize 1000; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# A literal of the message "Subject: N\r\n\r\nbody\r\n".
msg() { local t="Subject: $1\r\n\r\nbody\r\n"; printf '{%d}\\r\\n%s' "$(printf "$t" | wc -c)" "$t"; }

@test "CAPABILITY lists MULTIAPPEND" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' MULTIAPPEND' <<<"$CAPS"
}

@test "RFC 3502 §6.3.11 example: two messages with flags and dates, one APPENDUID set" {
	run imap_raw "$LOGIN\r\nA003 APPEND INBOX (\\\\Seen) $(msg one) (\\\\Seen \\\\Flagged) \"07-Feb-1994 22:43:04 -0800\" $(msg two) $(msg three)\r\ns SELECT INBOX\r\nf FETCH 1:* (FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n"
	grep -q '^A003 OK \[APPENDUID [0-9]* 1:3\] APPEND completed$' <<<"$output"
	[ "$(grep -c '^+ Ready for literal data$' <<<"$output")" -eq 3 ]
	has_line "* 3 EXISTS"
	grep -q '^\* 1 FETCH (FLAGS (\\Seen) INTERNALDATE "[^"]*" BODY\[HEADER.FIELDS (SUBJECT)\] {16}$' <<<"$output"
	has_line '* 2 FETCH (FLAGS (\Flagged \Seen) INTERNALDATE "08-Feb-1994 06:43:04 +0000" BODY[HEADER.FIELDS (SUBJECT)] {16}'
	has_line "Subject: one"
	has_line "Subject: two"
	has_line "Subject: three"
	[ "$(message_files)" -eq 3 ]
}

@test "all or nothing: a too big, empty or malformed third message, or a missing folder, leaves nothing" {
	big=$(printf 'x%.0s' $(seq 1 1200))
	run imap_raw "$LOGIN\r\na APPEND INBOX $(msg one) $(msg two) {1200}\r\n$big\r\nb APPEND INBOX $(msg one) $(msg two) {0}\r\n\r\nc APPEND INBOX $(msg one) $(msg two) (\\\\Bogus) $(msg three)\r\nd APPEND Nope $(msg one) $(msg two)\r\ne APPEND INBOX $(msg one) $(msg two) \"bad date\" $(msg three)\r\nf NOOP\r\n"
	has_line "a NO [TOOBIG] Literal too big"
	has_line "b NO Empty message"
	has_line "c BAD Invalid system flag"
	has_line "d NO [TRYCREATE] No such mailbox"
	has_line "e BAD Invalid date-time"
	has_line "f OK NOOP completed"
	[ "$(message_files)" -eq 0 ]
}

@test "a failure while storing the third message removes the first two" {
	kw=$(seq -f 'k%g' 1 25 | tr '\n' ' ' | sed 's/ $//')
	run imap_raw "$LOGIN\r\na APPEND INBOX ($kw) $(msg one) $(msg two) (extra1 extra2) $(msg three)\r\nb STATUS INBOX (MESSAGES)\r\n"
	has_line "a NO [LIMIT] A folder holds at most 26 keywords"
	has_line '* STATUS "INBOX" (MESSAGES 0)'
	[ "$(message_files)" -eq 0 ]
}

@test "the messages of one MULTIAPPEND share the maxsize bound" {
	body=$(printf 'y%.0s' $(seq 1 400))
	one="Subject: a\r\n\r\n$body\r\n"
	n=$(printf "$one" | wc -c)
	run imap_raw "$LOGIN\r\na APPEND INBOX {$n}\r\n$one {$n}\r\n$one\r\nb APPEND INBOX {$n}\r\n$one {$n}\r\n$one {$n}\r\n$one\r\n"
	grep -q '^a OK \[APPENDUID [0-9]* 1:2\] APPEND completed$' <<<"$output"
	has_line "b NO [TOOBIG] Literal too big"
	[ "$(message_files)" -eq 2 ]
}
