#!/usr/bin/env bats
# APPEND literals beyond the in-memory budget (IMAP_LITERAL_MAX, 64 KiB a
# command) are streamed into the Maildir's tmp/ as they arrive
# (lib/store.h store_upload) and committed by store_append, all or
# nothing; whatever goes wrong, tmp/ is left empty. The memory bound
# itself: t/servers-memory.bats.

load imapd-helpers

setup() {
	imap_setup
	IN="$BATS_TEST_TMPDIR/in"
}

# make_input PYTHON: the session's input, built by the Python expression
# (bytes) with m(n, tag) = a message of n octets whose lines name tag.
make_input() {
	python3 - "$IN" "$1" <<'PY'
import sys
def m(n, tag):
    head = b"Subject: %s\r\n\r\n" % tag.encode()
    line = b"%s line of the body, 40 octets long..\r\n" % tag.encode()[:1]
    body = (line * (n // len(line) + 1))[: n - len(head)]
    return head + body
def lit(b):
    return b"{%d}\r\n" % len(b) + b
L = b"L LOGIN bob@example.test secret\r\n"
open(sys.argv[1], "wb").write(eval(sys.argv[2]))
PY
}

session() {
	run bash -c '"$1" < "$2" 2>>"$3" | tr -d "\r"' _ "$IMAPD" "$IN" \
		"$BATS_TEST_TMPDIR/imapd.log"
}

tmp_empty() { [ -z "$(ls -A "$MAILDIR/tmp")" ]; }

@test "MULTIAPPEND of streamed and held messages: stored in order, exactly" {
	make_input 'L + b"a APPEND INBOX " + lit(m(100000, "one")) + b" (\\Seen) " + lit(m(2000, "two")) + b" " + lit(m(300000, "three")) + b"\r\nf FETCH 1:3 (RFC822.SIZE)\r\nz LOGOUT\r\n"'
	session
	grep -q '^a OK \[APPENDUID [0-9]* 1:3\] APPEND completed$' <<<"$output"
	[ "$(message_files)" -eq 3 ]
	tmp_empty
	printf '%s\r\nS SELECT INBOX\r\nF FETCH 1:3 (RFC822.SIZE BODY.PEEK[])\r\n' \
		"$LOGIN" > "$IN"
	printf 'z LOGOUT\r\n' >> "$IN"
	"$IMAPD" < "$IN" > "$BATS_TEST_TMPDIR/out" 2>/dev/null
	python3 - "$BATS_TEST_TMPDIR/out" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
def m(n, tag):
    head = b"Subject: %s\r\n\r\n" % tag.encode()
    line = b"%s line of the body, 40 octets long..\r\n" % tag.encode()[:1]
    return head + (line * (n // len(line) + 1))[: n - len(head)]
for i, (n, tag) in enumerate([(100000, "one"), (2000, "two"), (300000, "three")]):
    want = m(n, tag)
    mark = b"* %d FETCH (RFC822.SIZE %d BODY[] {%d}\r\n" % (i + 1, n, n)
    k = d.index(mark) + len(mark)
    assert d[k:k + n] == want, i
PY
}

@test "all or nothing with streamed messages: a bad third one, a missing folder, a keyword limit leave nothing" {
	kw=$(seq -f 'k%g' 1 25 | tr '\n' ' ' | sed 's/ $//')
	make_input 'L + b"a APPEND INBOX " + lit(m(100000, "one")) + b" " + lit(m(100000, "two")) + b" \"bad date\" " + lit(m(100000, "three")) + b"\r\nb APPEND Nope " + lit(m(100000, "one")) + b"\r\nc APPEND INBOX ('"$kw"') " + lit(m(100000, "one")) + b" " + lit(m(100000, "two")) + b" (extra1 extra2) " + lit(m(100000, "three")) + b"\r\nd NOOP\r\n"'
	session
	has_line "a BAD Invalid date-time"
	has_line "b NO [TRYCREATE] No such mailbox"
	has_line "c NO [LIMIT] A folder holds at most 26 keywords"
	has_line "d OK NOOP completed"
	[ "$(message_files)" -eq 0 ]
	tmp_empty
}

@test "a NUL in a streamed literal: BAD (a literal8: NO [UNKNOWN-CTE]), nothing written" {
	make_input 'L + b"a APPEND INBOX " + lit(m(100000, "one")[:-10] + b"\0" * 10) + b"\r\nb APPEND INBOX ~" + lit(m(100000, "one")[:-1] + b"\0") + b"\r\nc NOOP\r\n"'
	session
	has_line "a BAD NUL in literal"
	has_line "b NO [UNKNOWN-CTE] Binary content cannot be stored"
	has_line "c OK NOOP completed"
	[ "$(message_files)" -eq 0 ]
	tmp_empty
}

@test "a mailbox name as a streamed literal is BAD Literal too big, nothing written" {
	make_input 'L + b"a APPEND " + lit(b"x" * 70000) + b" " + lit(m(1000, "one")) + b"\r\nb NOOP\r\n"'
	session
	has_line "a BAD Literal too big"
	has_line "b OK NOOP completed"
	[ "$(message_files)" -eq 0 ]
	tmp_empty
}

@test "a session that ends inside a streamed literal leaves nothing in tmp/" {
	make_input 'L + b"a APPEND INBOX {100000}\r\n" + m(100000, "one")[:70000]'
	session
	[ "$(message_files)" -eq 0 ]
	tmp_empty
}

@test "CR and LF across the chunk boundaries: CRLF stored as LF, bare LF and lone CR kept, RFC822.SIZE the ,W= hint" {
	# CRLF split at 8192 (the read chunk) and 16384 (the write chunk);
	# a bare LF and a lone CR; a CR as the very last octet
	make_input 'L + b"a APPEND INBOX " + lit(b"Subject: x\r\n\r\n" + b"y" * 8176 + b"\r\n" + b"z" * 8190 + b"\r\n" + b"bare\nlone\rend" + b"w" * 70000 + b"\r") + b"\r\nz LOGOUT\r\n"'
	session
	grep -q '^a OK \[APPENDUID' <<<"$output"
	f=$(find "$MAILDIR/new" -type f)
	python3 - "$f" <<'PY'
import sys, os
want = b"Subject: x\n\n" + b"y" * 8176 + b"\n" + b"z" * 8190 + b"\n" + b"bare\nlone\rend" + b"w" * 70000 + b"\r"
assert open(sys.argv[1], "rb").read() == want
wire = 14 + 8176 + 2 + 8190 + 2 + len(b"bare\r\nlone\rend") + 70000 + 1
assert sys.argv[1].endswith(",S=%d,W=%d" % (len(want), wire)), sys.argv[1]
PY
	tmp_empty
}
