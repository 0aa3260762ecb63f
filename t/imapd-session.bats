#!/usr/bin/env bats
# imapd through pipes: greeting, states, authentication (RFC 3501 §6.1,
# §6.2), ID, ENABLE, NAMESPACE, timeouts and the command bounds.
load imapd-helpers

setup() { imap_setup; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

@test "greeting and CAPABILITY on a plaintext link without plaintextauth" {
	control plaintextauth 0
	run imap "a CAPABILITY" "b LOGIN bob@example.test secret" "c LOGOUT"
	has_line "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE LOGINDISABLED] postern IMAP4rev1 ready"
	has_line "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE LOGINDISABLED"
	has_line "b NO [PRIVACYREQUIRED] LOGIN is disabled on an unencrypted link"
	has_line "* BYE postern IMAP4rev1 server logging out"
	has_line "c OK LOGOUT completed"
	[ ! -d "$MAILROOT/example.test/bob/.x" ]
}

@test "AUTHENTICATE PLAIN is refused in plaintext, offered with -T and SSL_PROTOCOL" {
	control plaintextauth 0
	run imap "a AUTHENTICATE PLAIN AGJvYkBleGFtcGxlLnRlc3QAc2VjcmV0"
	has_line "a NO [PRIVACYREQUIRED] Authentication needs an encrypted link"
	output=$(printf 'a CAPABILITY\r\nb AUTHENTICATE PLAIN AGJvYkBleGFtcGxlLnRlc3QAc2VjcmV0\r\n' |
		"$IMAPD" -T 2>/dev/null | tr -d '\r')
	has_line "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE AUTH=PLAIN"
	has_line "b OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE] Logged in"
	output=$(printf 'a CAPABILITY\r\n' | SSL_PROTOCOL=TLSv1.3 "$IMAPD" 2>/dev/null | tr -d '\r')
	has_line "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE AUTH=PLAIN"
}

@test "LOGIN: right password, then LOGIN again is BAD" {
	run imap "$LOGIN" "b LOGIN bob@example.test secret" "c CAPABILITY"
	has_line "L OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE] Logged in"
	has_line "b BAD Command not valid in this state"
	has_line "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE"
	grep -q 'event=login user=bob@example.test' "$BATS_TEST_TMPDIR/imapd.log"
}

@test "LOGIN with quoted strings and literals, any case of the address" {
	run imap_raw 'a LOGIN "Bob@Example.TEST" {6}\r\nsecret\r\nb LOGOUT\r\n'
	has_line "+ Ready for literal data"
	has_line "a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE] Logged in"
	[ -d "$MAILROOT/example.test/bob/cur" ]
}

@test "LOGIN failures are delayed, answered NO, and the third ends the session" {
	start=$(date +%s)
	run imap "a LOGIN bob@example.test wrong" "b LOGIN nobody@example.test x" \
		"c LOGIN bob@example.test wrong" "d NOOP"
	end=$(date +%s)
	has_line "a NO [AUTHENTICATIONFAILED] Authentication failed"
	has_line "b NO [AUTHENTICATIONFAILED] Authentication failed"
	has_line "c NO [AUTHENTICATIONFAILED] Authentication failed"
	has_line "* BYE Too many failed logins"
	lacks_line "d OK NOOP completed"
	[ $((end - start)) -ge 3 ]
	[ ! -d "$MAILROOT/example.test/nobody" ]
}

@test "AUTHENTICATE PLAIN with a continuation, and cancelled with *" {
	run imap "a AUTHENTICATE PLAIN" "*" "b AUTHENTICATE PLAIN" \
		"AGJvYkBleGFtcGxlLnRlc3QAc2VjcmV0" "c NOOP"
	has_line "a BAD Authentication cancelled"
	has_line "b OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE] Logged in"
	[ "$(grep -c '^+ $' <<<"$output")" -eq 2 ]
	has_line "c OK NOOP completed"
}

@test "AUTHENTICATE: unknown mechanism NO, bad base64 BAD, wrong password NO" {
	run imap "a AUTHENTICATE CRAM-MD5" "b AUTHENTICATE PLAIN !!!!" \
		"c AUTHENTICATE PLAIN AGJvYkBleGFtcGxlLnRlc3QAd3Jvbmc="
	has_line "a NO Unsupported authentication mechanism"
	has_line "b BAD Invalid PLAIN response"
	has_line "c NO [AUTHENTICATIONFAILED] Authentication failed"
}

@test "commands in the wrong state" {
	run imap "a SELECT INBOX" "b FETCH 1 FLAGS" "c LIST \"\" *" "d ENABLE X" \
		"$LOGIN" "e FETCH 1 FLAGS" "f CLOSE" "g EXPUNGE" "h UID FETCH 1 UID" \
		"i AUTHENTICATE PLAIN" "j SELECT INBOX" "k ENABLE CONDSTORE"
	for t in a b c d e f g h i; do
		has_line "$t BAD Command not valid in this state"
	done
	has_line "j OK [READ-WRITE] SELECT completed"
	has_line "k BAD Command not valid in this state"
}

@test "NOOP, ID, ENABLE, NAMESPACE" {
	run imap "a NOOP" "b ID NIL" 'c ID ("name" "test" "version" NIL)' \
		"$LOGIN" "d ENABLE FOO BAR" "e NAMESPACE"
	has_line "a OK NOOP completed"
	has_line '* ID ("name" "postern" "vendor" "postern")'
	has_line "b OK ID completed"
	has_line "c OK ID completed"
	has_line "* ENABLED"
	has_line "d OK ENABLE completed"
	has_line '* NAMESPACE (("" ".")) NIL NIL'
	has_line "e OK NAMESPACE completed"
}

@test "the timeout control ends an idle session with BYE" {
	control imaptimeout 1
	start=$(date +%s)
	output=$( (printf 'a NOOP\r\n'; sleep 3) | "$IMAPD" 2>/dev/null | tr -d '\r')
	end=$(date +%s)
	has_line "a OK NOOP completed"
	has_line "* BYE Autologout; idle too long"
	[ $((end - start)) -le 4 ]
}

@test "a command over 64 KB is refused once and the session goes on" {
	long=$(head -c 70000 /dev/zero | tr '\0' 'x')
	run imap "a NOOP $long" "b NOOP"
	has_line "* BAD Command line too long"
	has_line "b OK NOOP completed"
	[ "$(grep -c BAD <<<"$output")" -eq 1 ]
}

@test "text over 64 KB spread over literals is refused" {
	part=$(head -c 40000 /dev/zero | tr '\0' 'x')
	run imap_raw "a LOGIN $part {1+}\r\nx $part\r\nb NOOP\r\n"
	has_line "a BAD Command too long"
	has_line "b OK NOOP completed"
}

@test "a literal over the bound: no continuation for {n}, skipped for {n+}" {
	run imap_raw "a LOGIN {99999999}\r\nb NOOP\r\n"
	has_line "a BAD [TOOBIG] Literal too big"
	lacks_line "+ Ready for literal data"
	has_line "b OK NOOP completed"
	body=$(head -c 70000 /dev/zero | tr '\0' 'y')
	run imap_raw "a LOGIN {70000+}\r\n$body secret\r\nb NOOP\r\n"
	has_line "a BAD [TOOBIG] Literal too big"
	has_line "b OK NOOP completed"
}

@test "APPEND over maxsize is NO [TOOBIG], nothing allocated or written" {
	control maxsize 1000
	run imap_raw "$LOGIN\r\na APPEND INBOX {2000}\r\nb APPEND INBOX {1001+}\r\n$(head -c 1001 /dev/zero | tr '\0' z)\r\nc NOOP\r\n"
	has_line "a NO [TOOBIG] Literal too big"
	has_line "b NO [TOOBIG] Literal too big"
	has_line "c OK NOOP completed"
	lacks_line "+ Ready for literal data"
	[ "$(message_files)" -eq 0 ]
}

@test "parentheses nested deeper than 32 are refused" {
	three_messages
	deep=$(printf '(%.0s' $(seq 1 40))ALL$(printf ')%.0s' $(seq 1 40))
	ok=$(printf '(%.0s' $(seq 1 30))ALL$(printf ')%.0s' $(seq 1 30))
	nots=$(printf 'NOT %.0s' $(seq 1 40))
	ors=$(printf 'OR ALL %.0s' $(seq 1 40))
	run imap "$LOGIN" "s SELECT INBOX" "a SEARCH $deep" "b SEARCH $ok" \
		"c SEARCH ${nots}ALL" "d SEARCH ${ors}ALL" "e SEARCH NOT NOT ALL"
	has_line "a BAD Parentheses nested too deep"
	has_line "c BAD Search keys nested too deep"
	has_line "d BAD Search keys nested too deep"
	has_line "e OK SEARCH completed"
	has_line "* SEARCH 1 2 3"
	has_line "b OK SEARCH completed"
}

@test "a NUL voids the command; a missing tag gets an untagged BAD" {
	run imap_raw 'a NO\0OP\r\n\r\n+ NOOP\r\nb NOOP\r\n'
	has_line "a BAD NUL in command"
	has_line "* BAD Missing or invalid tag"
	has_line "b OK NOOP completed"
}

@test "ID with too many pairs or long fields is BAD" {
	pairs=$(for i in $(seq 1 31); do printf '"f%s" "v" ' "$i"; done)
	run imap "a ID (${pairs% })" 'b ID ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "v")' 'c ID ("f")'
	has_line "a BAD ID list too long"
	has_line "b BAD ID list too long"
	has_line "c BAD Missing argument or space"
}

@test "an AUTHENTICATE response over its bound is BAD" {
	long=$(head -c 2000 /dev/zero | tr '\0' 'A')
	run imap "a AUTHENTICATE PLAIN" "$long" "b AUTHENTICATE PLAIN $long" "c NOOP"
	has_line "a BAD Response too long"
	has_line "b BAD Response too long"
	has_line "c OK NOOP completed"
}

@test "before login an APPEND literal has the small bound" {
	run imap_raw "a APPEND INBOX {70000}\r\nb NOOP\r\n"
	has_line "a NO [TOOBIG] Literal too big"
	has_line "b OK NOOP completed"
}
