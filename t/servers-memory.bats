#!/usr/bin/env bats
# Bounded memory per server process (issue 16 item 4): a 50 MB message is
# appended, fetched and retrieved without ever being held whole. The peak
# RSS (VmHWM, read by t/rss.py just before the session ends) must stay
# within RSS_BOUND_KB. Under the sanitizers RSS means nothing (shadow
# memory): `make test` checks what is served and stored, and the bound is
# checked by `make test-release` (.ci/run names this file).

load imapd-helpers
load httpd-helpers

RSS_BOUND_KB=8192

setup_file() {
	# 50 MiB of CRLF text: a header, 64-octet lines, a last line to find
	python3 - "$BATS_FILE_TMPDIR" <<'PY'
import sys
d = sys.argv[1]
hdr = b"From: a@example.test\r\nTo: bob@example.test\r\nSubject: big\r\n\r\n"
line = b"abcdefghijklmnopqrstuvwxyz0123456789 the quick brown fox jumps\r\n"
n = (50 * 1024 * 1024 - len(hdr)) // len(line)
msg = hdr + line * n + b"the last line\r\n"
open(d + "/msg", "wb").write(msg)
open(d + "/msg.lf", "wb").write(msg.replace(b"\r\n", b"\n"))
# a multipart: a short text, then 37 MiB of octets (NULs among them) in
# base64 (50 MB of 76-octet lines), LF line ends as stored
import base64
data = bytes(range(256)) * (37 * 4096)
b64 = base64.encodebytes(data)
mp = (b"From: a@example.test\nSubject: parts\nMIME-Version: 1.0\n"
      b"Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
      b"Content-Type: text/plain\n\nhello\n--b1\n"
      b"Content-Type: application/octet-stream\n"
      b"Content-Transfer-Encoding: base64\n\n" + b64 + b"--b1--\n")
open(d + "/mp", "wb").write(mp)
open(d + "/mp.bin", "wb").write(data)
open(d + "/mp.part2", "wb").write(b64[:-1].replace(b"\n", b"\r\n"))
PY
}

setup() {
	imap_setup
	control maxsize 60000000
	MSG="$BATS_FILE_TMPDIR/msg"
	MSGLEN=$(stat -c %s "$MSG")
}

# sanitized: the servers were built with ASan/UBSan (RSS is meaningless).
sanitized() { grep -q -- '-fsanitize' "$TOP/.build-flags"; }

# within_bound KB: the peak RSS is within the bound (release builds).
within_bound() {
	echo "peak RSS: $1 kB (bound $RSS_BOUND_KB kB)" >&3
	sanitized || [ "$1" -le "$RSS_BOUND_KB" ]
}

# imap_rss FILE: run imapd on the bytes of FILE (ending with "Z NOOP");
# the reply in $BATS_TEST_TMPDIR/out, the peak RSS in $rss.
imap_rss() {
	rss=$(python3 "$TOP/t/rss.py" "$1" "$BATS_TEST_TMPDIR/out" '^Z ' \
		"$IMAPD" 2>>"$BATS_TEST_TMPDIR/imapd.log")
}

# The one file in the Maildir's new/ and cur/.
stored_file() { find "$MAILDIR/new" "$MAILDIR/cur" -type f; }

# literal_after TEXT LEN: the LEN octets after the first "TEXT {LEN}\r\n"
# in the reply (TEXT may end in " ~" for a literal8: "TEXT ~{LEN}").
literal_after() {
	python3 - "$BATS_TEST_TMPDIR/out" "$1" "$2" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
t = sys.argv[2]
mark = ("%s%s{%s}\r\n" % (t, "" if t.endswith("~") else " ", sys.argv[3])).encode()
i = d.index(mark) + len(mark)
sys.stdout.buffer.write(d[i:i + int(sys.argv[3])])
PY
}

append_input() {
	local in="$BATS_TEST_TMPDIR/append.in"
	{
		printf '%s\r\nA APPEND INBOX {%s}\r\n' "$LOGIN" "$MSGLEN"
		cat "$MSG"
		printf '\r\nZ NOOP\r\n'
	} > "$in"
	echo "$in"
}

@test "APPEND of a 50 MB message: streamed to tmp/, stored exactly, RSS bounded" {
	imap_rss "$(append_input)"
	grep -q $'^A OK \\[APPENDUID [0-9]* 1\\] APPEND completed\r$' \
		"$BATS_TEST_TMPDIR/out"
	f=$(stored_file)
	cmp "$BATS_FILE_TMPDIR/msg.lf" "$f"
	[[ $f == *",S=$(stat -c %s "$BATS_FILE_TMPDIR/msg.lf"),W=$MSGLEN" ]]
	[ -z "$(ls -A "$MAILDIR/tmp")" ]
	within_bound "$rss"
}

@test "FETCH BODY[] and RFC822.SIZE of a 50 MB message: exact, RSS bounded" {
	imap_rss "$(append_input)"
	printf '%s\r\nS SELECT INBOX\r\nF FETCH 1 (RFC822.SIZE BODY.PEEK[])\r\nZ NOOP\r\n' \
		"$LOGIN" > "$BATS_TEST_TMPDIR/in"
	imap_rss "$BATS_TEST_TMPDIR/in"
	grep -q "RFC822.SIZE $MSGLEN " "$BATS_TEST_TMPDIR/out"
	literal_after 'BODY[]' "$MSGLEN" | cmp - "$MSG"
	grep -q $'^F OK FETCH completed\r$' "$BATS_TEST_TMPDIR/out"
	within_bound "$rss"
}

@test "BODY[TEXT]<partial>, ENVELOPE, RFC822.TEXT of a file without size hints: a counting pass, RSS bounded" {
	cp "$BATS_FILE_TMPDIR/msg.lf" "$MAILDIR/new/1000000001.M1P1.test"
	printf '%s\r\nS SELECT INBOX\r\nF FETCH 1 (BODY.PEEK[TEXT]<52428700.1000> RFC822.SIZE ENVELOPE)\r\nG FETCH 1 RFC822.TEXT\r\nZ NOOP\r\n' \
		"$LOGIN" > "$BATS_TEST_TMPDIR/in"
	imap_rss "$BATS_TEST_TMPDIR/in"
	literal_after 'RFC822.TEXT' $((MSGLEN - 60)) | cmp - <(tail -c +61 "$MSG")
	# the header is 60 octets: what is left of the body after 52428700
	literal_after 'BODY[TEXT]<52428700>' $((MSGLEN - 60 - 52428700)) |
		cmp - <(tail -c +$((60 + 52428700 + 1)) "$MSG")
	grep -q "RFC822.SIZE $MSGLEN ENVELOPE (NIL \"big\"" "$BATS_TEST_TMPDIR/out"
	within_bound "$rss"
}

@test "pop3d RETR and TOP of a 50 MB message: exact (dot-stuffed), RSS bounded" {
	MB="$MAILROOT/example.test/bob"
	cp "$BATS_FILE_TMPDIR/msg.lf" "$MB/new/1000000001.M1P1.test"
	printf 'USER bob@example.test\r\nPASS secret\r\nTOP 1 800000\r\nRETR 1\r\nNOOP\r\n' \
		> "$BATS_TEST_TMPDIR/in"
	# NOOP's reply is the first bare "+OK" line after the message
	rss=$(python3 "$TOP/t/rss.py" "$BATS_TEST_TMPDIR/in" \
		"$BATS_TEST_TMPDIR/out" '^[+]OK\r$' "$TOP/pop3d/pop3d" \
		2>/dev/null)
	python3 - "$BATS_TEST_TMPDIR/out" "$MSG" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
msg = open(sys.argv[2], "rb").read()
mark = b"+OK %d octets\r\n" % len(msg)
i = d.index(mark) + len(mark)
assert d[i:i + len(msg) + 4] == msg + b".\r\n+", "RETR differs"
# TOP 1 800000 (the reply before RETR's): the header, the empty line
# and the first 800000 lines of the body (64 octets each)
top = msg[:msg.index(b"\r\n\r\n") + 4 + 800000 * 64]
j = d.index(b"\r\n", d.rindex(b"+OK", 0, d.index(top))) + 2
assert d[j:j + len(top) + 3] == top + b".\r\n" and j + len(top) + 3 < i, \
    "TOP differs"
PY
	within_bound "$rss"
}

@test "SEARCH TEXT and BODY in a 50 MB message: found at its end, not found elsewhere, RSS bounded" {
	cp "$BATS_FILE_TMPDIR/msg.lf" "$MAILDIR/new/1000000001.M1P1.test"
	printf '%s\r\nS SELECT INBOX\r\nA SEARCH TEXT "THE LAST line"\r\nB SEARCH BODY "not in it"\r\nC SEARCH BODY "fox jumps"\r\nZ NOOP\r\n' \
		"$LOGIN" > "$BATS_TEST_TMPDIR/in"
	imap_rss "$BATS_TEST_TMPDIR/in"
	diff - <(tr -d '\r' < "$BATS_TEST_TMPDIR/out" | grep '^\* SEARCH\|^[ABC] ') <<'OUT'
* SEARCH 1
A OK SEARCH completed
* SEARCH
B OK SEARCH completed
* SEARCH 1
C OK SEARCH completed
OUT
	within_bound "$rss"
}

@test "BODYSTRUCTURE, BODY[2], BINARY[2] and BINARY.SIZE[2] of a 50 MB multipart: exact, RSS bounded" {
	cp "$BATS_FILE_TMPDIR/mp" "$MAILDIR/new/1000000001.M1P1.test"
	printf '%s\r\nS SELECT INBOX\r\nA FETCH 1 (BODYSTRUCTURE BINARY.SIZE[2])\r\nB FETCH 1 BODY.PEEK[2]\r\nC FETCH 1 BINARY.PEEK[2]\r\nD FETCH 1 BINARY.PEEK[2]<38797000.100>\r\nZ NOOP\r\n' \
		"$LOGIN" > "$BATS_TEST_TMPDIR/in"
	imap_rss "$BATS_TEST_TMPDIR/in"
	part=$(stat -c %s "$BATS_FILE_TMPDIR/mp.part2")
	bin=$(stat -c %s "$BATS_FILE_TMPDIR/mp.bin")
	grep -q "^\* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 0 NIL NIL NIL NIL)(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" $part NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"b1\") NIL NIL NIL) BINARY.SIZE\[2\] $bin)" \
		"$BATS_TEST_TMPDIR/out"
	literal_after 'BODY[2]' "$part" | cmp - "$BATS_FILE_TMPDIR/mp.part2"
	literal_after 'BINARY[2] ~' "$bin" | cmp - "$BATS_FILE_TMPDIR/mp.bin"
	literal_after 'BINARY[2]<38797000> ~' 100 |
		cmp - <(tail -c +38797001 "$BATS_FILE_TMPDIR/mp.bin" | head -c 100)
	for t in A B C D; do
		grep -q "^$t OK FETCH completed" "$BATS_TEST_TMPDIR/out"
	done
	within_bound "$rss"
}

@test "APPEND CATENATE of URL parts of 50 MB messages (TEXT, a part, HEADER.FIELDS, PARTIAL): copied a window at a time, exact, RSS bounded" {
	cp "$BATS_FILE_TMPDIR/msg.lf" "$MAILDIR/cur/1000000001.M1P1.test:2,"
	cp "$BATS_FILE_TMPDIR/mp" "$MAILDIR/cur/1000000002.M2P2.test:2,"
	printf '%s\r\nA APPEND INBOX CATENATE (TEXT {14}\r\nSubject: c\r\n\r\n URL "/INBOX/;UID=1/;SECTION=TEXT" URL "/INBOX/;UID=1/;SECTION=HEADER.FIELDS%%20(subject)" URL "/INBOX/;UID=1/;PARTIAL=52428700.100")\r\nB APPEND INBOX CATENATE (TEXT {14}\r\nSubject: p\r\n\r\n URL "/INBOX/;UID=2/;SECTION=2")\r\nZ NOOP\r\n' \
		"$LOGIN" > "$BATS_TEST_TMPDIR/in"
	imap_rss "$BATS_TEST_TMPDIR/in"
	grep -q $'^A OK \\[APPENDUID [0-9]* 3\\] APPEND completed\r$' "$BATS_TEST_TMPDIR/out"
	grep -q $'^B OK \\[APPENDUID [0-9]* 4\\] APPEND completed\r$' "$BATS_TEST_TMPDIR/out"
	a=$(grep -l '^Subject: c$' "$MAILDIR"/new/* "$MAILDIR"/cur/*)
	b=$(grep -l '^Subject: p$' "$MAILDIR"/new/* "$MAILDIR"/cur/*)
	{ printf 'Subject: c\n\n'; tail -c +57 "$BATS_FILE_TMPDIR/msg.lf"
	  printf 'Subject: big\n\n'; tail -c +$((52428700 + 1)) "$MSG" | head -c 100 | tr -d '\r'
	} | cmp - "$a"
	{ printf 'Subject: p\n\n'; tr -d '\r' < "$BATS_FILE_TMPDIR/mp.part2"; } | cmp - "$b"
	[ -z "$(ls -A "$MAILDIR/tmp")" ]
	within_bound "$rss"
}

# http_download BLOB...: GET each blob of joe's account from httpd on
# stdin, then one that is not there (its 404 ends the measure: the
# connection stays open, as the process must be alive to be measured);
# replies in $BATS_TEST_TMPDIR/out.
http_download() {
	local acc in="$BATS_TEST_TMPDIR/in"
	acc=a$(printf 'joe@example.test' | sha256sum | cut -c1-16)
	: > "$in"
	for b in "$@"; do
		printf 'GET /jmap/download/%s/%s/x HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n' \
			"$acc" "$b" "$JOE" >> "$in"
	done
	printf 'GET /jmap/download/%s/Bnone/x HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n' \
		"$acc" "$JOE" >> "$in"
	rss=$(python3 "$TOP/t/rss.py" "$in" "$BATS_TEST_TMPDIR/out" \
		'.*HTTP/1.1 404 ' "$TOP/httpd/httpd" 2>>"$BATS_TEST_TMPDIR/httpd.log")
}

# body_after N LEN: the LEN octets of the Nth response's body.
body_after() {
	python3 - "$BATS_TEST_TMPDIR/out" "$1" "$2" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
at = 0
for _ in range(int(sys.argv[2])):
    at = d.index(b"\r\n\r\n", d.index(b"HTTP/1.1 ", at)) + 4
head = d[d.rindex(b"HTTP/1.1 ", 0, at):at]
assert b"Content-Length: %s\r\n" % sys.argv[3].encode() in head, head
sys.stdout.buffer.write(d[at:at + int(sys.argv[3])])
PY
}

@test "httpd: download of a 50 MB message and of a 37 MiB part, decoded: exact, RSS bounded" {
	httpd_setup
	mkdir -p "$MAILROOT/example.test/joe/new"
	cp "$BATS_FILE_TMPDIR/msg.lf" "$MAILROOT/example.test/joe/new/1000000001.M1P1.test"
	cp "$BATS_FILE_TMPDIR/mp" "$MAILROOT/example.test/joe/new/1000000002.M1P1.test"
	http_download B1000000001_2eM1P1_2etest P2-1000000002_2eM1P1_2etest
	body_after 1 "$MSGLEN" | cmp - "$MSG"
	body_after 2 "$(stat -c %s "$BATS_FILE_TMPDIR/mp.bin")" |
		cmp - "$BATS_FILE_TMPDIR/mp.bin"
	[ "$(grep -ac '^HTTP/1.1 200 OK' "$BATS_TEST_TMPDIR/out")" -eq 2 ]
	within_bound "$rss"
}

@test "httpd: Email/get of a 50 MB message and a 37 MiB attachment: sizes, preview, body values cut, RSS bounded" {
	httpd_setup
	mkdir -p "$MAILROOT/example.test/joe/new"
	cp "$BATS_FILE_TMPDIR/msg.lf" "$MAILROOT/example.test/joe/new/1000000001.M1P1.test"
	cp "$BATS_FILE_TMPDIR/mp" "$MAILROOT/example.test/joe/new/1000000002.M1P1.test"
	acc=a$(printf 'joe@example.test' | sha256sum | cut -c1-16)
	in="$BATS_TEST_TMPDIR/in"
	for max in 100 0; do
		body='{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Email/get",{"accountId":"'$acc'","ids":["M1000000001_2eM1P1_2etest","M1000000002_2eM1P1_2etest"],"properties":["size","preview","bodyValues","attachments"],"fetchTextBodyValues":true,"maxBodyValueBytes":'$max'},"g"]]}'
		printf 'POST /jmap/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
			"$JOE" ${#body} "$body" >> "$in"
	done
	printf 'GET /jmap/download/%s/Bnone/x HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n' \
		"$acc" "$JOE" >> "$in"
	rss=$(python3 "$TOP/t/rss.py" "$in" "$BATS_TEST_TMPDIR/out" \
		'.*HTTP/1.1 404 ' "$TOP/httpd/httpd" 2>>"$BATS_TEST_TMPDIR/httpd.log")
	python3 - "$BATS_TEST_TMPDIR/out" "$MSGLEN" "$BATS_FILE_TMPDIR/msg.lf" <<'PY'
import json, sys
d = open(sys.argv[1], "rb").read()
text = open(sys.argv[3], "rb").read().split(b"\n\n", 1)[1].decode()
replies = [json.loads(p.split(b"\r\n\r\n", 1)[1].split(b"HTTP/1.1")[0])
           for p in d.split(b"HTTP/1.1 200 OK")[1:]]
assert len(replies) == 2, len(replies)
for r, cut in zip(replies, (100, 1024 * 1024)):
    a, b = r["methodResponses"][0][1]["list"]
    assert a["size"] == int(sys.argv[2]), a["size"]
    p = a["preview"]
    assert len(p) == 256 and " ".join(text.split()).startswith(p), p
    v = a["bodyValues"]["1"]
    assert v["isTruncated"] is True and v["value"] == text[:cut], (len(v["value"]), cut)
    assert b["attachments"][0]["size"] == 37 * 4096 * 256, b["attachments"]
    assert b["size"] > 50 * 1000 * 1000
PY
	within_bound "$rss"
}

# upload_request FILE [chunked]: a POST of FILE to joe's upload URL,
# by Content-Length or in 1 MiB chunks, to stdout.
upload_request() {
	python3 - "$1" "$ACC" "$JOE" "${2:-}" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
out = sys.stdout.buffer
head = ("POST /jmap/upload/%s/ HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n"
        "Content-Type: message/rfc822\r\n" % (sys.argv[2], sys.argv[3])).encode()
if sys.argv[4] == "chunked":
    out.write(head + b"Transfer-Encoding: chunked\r\n\r\n")
    for i in range(0, len(data), 1 << 20):
        c = data[i:i + (1 << 20)]
        out.write(b"%x\r\n%s\r\n" % (len(c), c))
    out.write(b"0\r\n\r\n")
else:
    out.write(head + b"Content-Length: %d\r\n\r\n" % len(data) + data)
PY
}

# The 404 that ends a measure (see http_download).
end_request() {
	printf 'GET /jmap/download/%s/Bnone/x HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n' \
		"$ACC" "$JOE"
}

# Only the blob named $1 in joe's blob directory: no temporary left.
only_blob() {
	[ "$(ls -A "$MAILROOT/example.test/joe/postern-blobs")" = "$1" ]
}

@test "httpd: upload of a 50 MB blob, by Content-Length and chunked: streamed to one blob, exact, RSS bounded" {
	httpd_setup
	ACC=a$(printf 'joe@example.test' | sha256sum | cut -c1-16)
	in="$BATS_TEST_TMPDIR/in"
	{ upload_request "$MSG"; upload_request "$MSG" chunked; end_request; } > "$in"
	rss=$(python3 "$TOP/t/rss.py" "$in" "$BATS_TEST_TMPDIR/out" \
		'.*HTTP/1.1 404 ' "$TOP/httpd/httpd" 2>>"$BATS_TEST_TMPDIR/httpd.log")
	id=U$(sha256sum < "$MSG" | cut -c1-64)
	python3 - "$BATS_TEST_TMPDIR/out" "$ACC" "$id" "$MSGLEN" <<'PY'
import json, sys
d = open(sys.argv[1], "rb").read()
parts = d.split(b"HTTP/1.1 201 Created\r\n")[1:]
assert len(parts) == 2, d[:2000]
for p in parts:
    j = json.loads(p.split(b"\r\n\r\n", 1)[1].split(b"HTTP/1.1")[0])
    assert j == {"accountId": sys.argv[2], "blobId": sys.argv[3],
                 "type": "message/rfc822", "size": int(sys.argv[4])}, j
PY
	only_blob "$id"
	cmp "$MSG" "$MAILROOT/example.test/joe/postern-blobs/$id"
	within_bound "$rss"
}

@test "httpd: upload over maxsize (Content-Length, chunked), cut short, or to another account: refused, nothing left behind" {
	httpd_setup
	ACC=a$(printf 'joe@example.test' | sha256sum | cut -c1-16)
	BLOBS="$MAILROOT/example.test/joe/postern-blobs"
	head -c 3000000 "$MSG" > "$BATS_TEST_TMPDIR/3mb"
	control maxsize 2000000
	for how in "" chunked; do
		upload_request "$BATS_TEST_TMPDIR/3mb" $how 2>/dev/null |
			"$TOP/httpd/httpd" > "$BATS_TEST_TMPDIR/out" 2>>"$LOG"
		head -1 "$BATS_TEST_TMPDIR/out" | grep -qx $'HTTP/1.1 413 Payload Too Large\r'
		grep -q '"limit":"maxSizeUpload"' "$BATS_TEST_TMPDIR/out"
		grep -qx $'Connection: close\r' "$BATS_TEST_TMPDIR/out"
		[ -z "$(ls -A "$BLOBS" 2>/dev/null)" ]
	done
	# the chunked one was refused at its second chunk, after 1 MiB written
	# to a temporary file, which is gone
	[ -d "$BLOBS" ]
	# cut short: the peer goes away in the middle of the first chunk,
	# after 900 kB written to a temporary file
	upload_request "$BATS_TEST_TMPDIR/3mb" chunked 2>/dev/null | head -c 900000 |
		"$TOP/httpd/httpd" > "$BATS_TEST_TMPDIR/out" 2>>"$LOG"
	head -1 "$BATS_TEST_TMPDIR/out" | grep -qx $'HTTP/1.1 400 Bad Request\r'
	[ -z "$(ls -A "$BLOBS")" ]
	# another account's path: the body is read and dropped, 404, and the
	# connection goes on
	head -c 1000000 "$MSG" > "$BATS_TEST_TMPDIR/1mb"
	{ ACC=aother upload_request "$BATS_TEST_TMPDIR/1mb"; end_request; } |
		"$TOP/httpd/httpd" > "$BATS_TEST_TMPDIR/out" 2>>"$LOG"
	[ "$(grep -ao 'HTTP/1.1 [0-9]* [A-Za-z ]*' "$BATS_TEST_TMPDIR/out" | sort | uniq -c | tr -s ' ')" = " 2 HTTP/1.1 404 Not Found" ]
	grep -q 'No such account' "$BATS_TEST_TMPDIR/out"
	[ -z "$(ls -A "$BLOBS")" ]
}

# api_request BODY: a POST of the JMAP request BODY, to stdout.
api_request() {
	printf 'POST /jmap/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
		"$JOE" ${#1} "$1"
}

USING='"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"]'

# joe's account ($ACC), his Maildir made, his INBOX's Mailbox id ($inbox).
joe_inbox() {
	ACC=a$(printf 'joe@example.test' | sha256sum | cut -c1-16)
	mkdir -p "$MB/new" "$MB/cur" "$MB/tmp"
	inbox=$(api_request "{$USING,\"methodCalls\":[[\"Mailbox/get\",{\"accountId\":\"$ACC\"},\"m\"]]}" |
		"$TOP/httpd/httpd" 2>>"$LOG" | sed -n 's/.*"id":"\([^"]*\)","name":"Inbox".*/\1/p')
	[ -n "$inbox" ]
}

@test "httpd: Email/parse and Email/import of a 50 MB uploaded blob: streamed into the Maildir, parsed from there, stored exactly, RSS bounded" {
	httpd_setup
	joe_inbox
	id=U$(sha256sum < "$MSG" | cut -c1-64)
	in="$BATS_TEST_TMPDIR/in"
	{
		upload_request "$MSG"
		api_request "{$USING,\"methodCalls\":[[\"Email/parse\",{\"accountId\":\"$ACC\",\"blobIds\":[\"$id\"],\"properties\":[\"subject\",\"size\",\"preview\"]},\"p\"]]}"
		api_request "{$USING,\"methodCalls\":[[\"Email/import\",{\"accountId\":\"$ACC\",\"emails\":{\"i1\":{\"blobId\":\"$id\",\"mailboxIds\":{\"$inbox\":true}}}},\"i\"]]}"
		end_request
	} > "$in"
	rss=$(python3 "$TOP/t/rss.py" "$in" "$BATS_TEST_TMPDIR/out" \
		'.*HTTP/1.1 404 ' "$TOP/httpd/httpd" 2>>"$LOG")
	grep -aq "\"parsed\":{\"$id\":{\"size\":$MSGLEN,\"subject\":\"big\",\"preview\":\"abcdefghijklmnopqrstuvwxyz0123456789 the quick brown fox jumps abcdef" \
		"$BATS_TEST_TMPDIR/out"
	grep -aq "\"created\":{\"i1\":{\"id\":\"M[^\"]*\",\"blobId\":\"B[^\"]*\",\"threadId\":\"[^\"]*\",\"size\":$MSGLEN}}" \
		"$BATS_TEST_TMPDIR/out"
	f=$(find "$MB/new" "$MB/cur" -type f)
	cmp "$BATS_FILE_TMPDIR/msg.lf" "$f"
	[ -z "$(ls -A "$MB/tmp")" ]
	within_bound "$rss"
}

@test "httpd: Email/import of a blob over maxsize: tooLarge, nothing stored, nothing left in tmp/" {
	httpd_setup
	joe_inbox
	head -c 3000000 "$MSG" > "$BATS_TEST_TMPDIR/3mb"
	id=U$(sha256sum < "$BATS_TEST_TMPDIR/3mb" | cut -c1-64)
	upload_request "$BATS_TEST_TMPDIR/3mb" | "$TOP/httpd/httpd" 2>>"$LOG" |
		grep -aq '^HTTP/1.1 201 Created'
	control maxsize 2000000
	api_request "{$USING,\"methodCalls\":[[\"Email/import\",{\"accountId\":\"$ACC\",\"emails\":{\"i1\":{\"blobId\":\"$id\",\"mailboxIds\":{\"$inbox\":true}}}},\"i\"]]}" |
		"$TOP/httpd/httpd" > "$BATS_TEST_TMPDIR/out" 2>>"$LOG"
	grep -aq '"notCreated":{"i1":{"type":"tooLarge"}}' "$BATS_TEST_TMPDIR/out"
	[ -z "$(find "$MB/new" "$MB/cur" "$MB/tmp" -type f)" ]
}

# http_rss: run httpd on $BATS_TEST_TMPDIR/in (ending with end_request),
# the replies in $BATS_TEST_TMPDIR/out, the peak RSS in $rss.
http_rss() {
	rss=$(python3 "$TOP/t/rss.py" "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" \
		'.*HTTP/1.1 404 ' "$TOP/httpd/httpd" 2>>"$LOG")
}

# The 50 MB message (A) and the 50 MB multipart (B) in joe's INBOX.
joe_big_messages() {
	mkdir -p "$MB/new" "$MB/cur" "$MB/tmp"
	cp "$BATS_FILE_TMPDIR/msg.lf" "$MB/new/1000000001.M1P1.test"
	cp "$BATS_FILE_TMPDIR/mp" "$MB/new/1000000002.M1P1.test"
	A=M1000000001_2eM1P1_2etest
	B=M1000000002_2eM1P1_2etest
}

# The JSON of each API reply in $BATS_TEST_TMPDIR/out, one per line.
api_replies() {
	python3 - "$BATS_TEST_TMPDIR/out" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
for p in d.split(b"HTTP/1.1 200 OK\r\n")[1:]:
    print(p.split(b"\r\n\r\n", 1)[1].split(b"HTTP/1.1")[0].decode())
PY
}

@test "httpd: Email/query text, body, header filters over a 50 MB message and a 50 MB multipart: as IMAP SEARCH finds, RSS bounded" {
	httpd_setup
	ACC=a$(printf 'joe@example.test' | sha256sum | cut -c1-16)
	joe_big_messages
	calls=
	for f in '{"text":"THE LAST line"}' '{"body":"not in it"}' \
		'{"body":"fox jumps"}' '{"subject":"big"}' \
		'{"from":"a@example.test"}' '{"header":["Subject","parts"]}' \
		'{"text":"hello"}' '{"hasAttachment":true}' \
		'{"operator":"OR","conditions":[{"body":"last line"},{"text":"hello"}]}'; do
		calls="$calls[\"Email/query\",{\"accountId\":\"$ACC\",\"filter\":$f},\"q\"],"
	done
	calls="$calls[\"Email/query\",{\"accountId\":\"$ACC\",\"filter\":{\"from\":\"a@example.test\"},\"sort\":[{\"property\":\"subject\"}]},\"s\"]"
	{ api_request "{$USING,\"methodCalls\":[$calls]}"; end_request; } > "$BATS_TEST_TMPDIR/in"
	http_rss
	api_replies | python3 -c '
import json, sys
A, B = sys.argv[1:]
r = json.loads(sys.stdin.readline())["methodResponses"]
got = [sorted(x[1]["ids"]) for x in r[:-1]]
assert got == [[A], [], [A], [A], sorted([A, B]), [B], [B], [B], sorted([A, B])], got
assert r[-1][1]["ids"] == [A, B], r[-1]' "$A" "$B"
	within_bound "$rss"
}

@test "httpd: SearchSnippet/get of a 50 MB message and a 50 MB multipart: marks as before, RSS bounded" {
	httpd_setup
	ACC=a$(printf 'joe@example.test' | sha256sum | cut -c1-16)
	joe_big_messages
	calls="[\"SearchSnippet/get\",{\"accountId\":\"$ACC\",\"emailIds\":[\"$A\",\"$B\"],\"filter\":{\"text\":\"last line\"}},\"a\"],"
	calls="$calls[\"SearchSnippet/get\",{\"accountId\":\"$ACC\",\"emailIds\":[\"$A\"],\"filter\":{\"operator\":\"AND\",\"conditions\":[{\"body\":\"FOX\"},{\"body\":\"brown fox\"},{\"subject\":\"bi\"}]}},\"b\"],"
	calls="$calls[\"SearchSnippet/get\",{\"accountId\":\"$ACC\",\"emailIds\":[\"$B\"],\"filter\":{\"text\":\"hello\"}},\"c\"]"
	{ api_request "{$USING,\"methodCalls\":[$calls]}"; end_request; } > "$BATS_TEST_TMPDIR/in"
	http_rss
	api_replies | python3 -c '
import json, sys
A, B, path = sys.argv[1:]
text = open(path, "rb").read().split(b"\n\n", 1)[1].decode().replace("\n", " ")
def marked(s, words, before, most):
    f, mark, first = s.lower(), bytearray(len(s)), len(s)
    for w in words:
        i = f.find(w.lower())
        first = min(first, i) if i >= 0 else first
        while i >= 0:
            mark[i:i + len(w)] = b"\1" * len(w)
            i = f.find(w.lower(), i + len(w), first + 4096)
    if first == len(s):
        return None
    start = max(0, first - before)
    end = min(len(s), start + most)
    out = ""
    for i in range(start, end):
        if mark[i] and (i == start or not mark[i - 1]): out += "<mark>"
        out += s[i]
        if mark[i] and (i + 1 == end or not mark[i + 1]): out += "</mark>"
    return out
r = json.loads(sys.stdin.readline())["methodResponses"]
assert r[0][1]["list"] == [
    {"emailId": A, "subject": None, "preview": marked(text, ["last line"], 40, 256)},
    {"emailId": B, "subject": None, "preview": None}], r[0]
assert r[1][1]["list"] == [{"emailId": A, "subject": "<mark>bi</mark>g",
    "preview": marked(text, ["FOX", "brown fox"], 40, 256)}], r[1]
assert r[2][1]["list"] == [{"emailId": B, "subject": None,
    "preview": "<mark>hello</mark>"}], r[2]' "$A" "$B" "$BATS_FILE_TMPDIR/msg.lf"
	within_bound "$rss"
}

@test "httpd: Email/set create with a 50 MB blob attached: copied in pieces, base64 exact, RSS bounded" {
	httpd_setup
	joe_inbox
	id=U$(sha256sum < "$MSG" | cut -c1-64)
	email="{\"mailboxIds\":{\"$inbox\":true},\"from\":[{\"email\":\"joe@example.test\"}],\"subject\":\"att\",\"textBody\":[{\"partId\":\"t\",\"type\":\"text/plain\"}],\"bodyValues\":{\"t\":{\"value\":\"see attached\\n\"}},\"attachments\":[{\"blobId\":\"$id\",\"type\":\"application/octet-stream\",\"name\":\"big.bin\"},{\"blobId\":\"$id\",\"type\":\"text/plain\",\"name\":\"again.txt\"}]}"
	{
		upload_request "$MSG"
		api_request "{$USING,\"methodCalls\":[[\"Email/set\",{\"accountId\":\"$ACC\",\"create\":{\"e1\":$email}},\"c\"]]}"
		end_request
	} > "$BATS_TEST_TMPDIR/in"
	control maxsize 150000000       # two 50 MB blobs in base64
	http_rss
	f=$(find "$MB/new" "$MB/cur" -type f)
	api_replies | python3 -c '
import base64, json, sys
r = json.loads(sys.stdin.readline())["methodResponses"][0][1]
c = r["created"]["e1"]
stored = open(sys.argv[1], "rb").read()
assert c["size"] == len(stored.replace(b"\n", b"\r\n")), (c, len(stored))
data = open(sys.argv[2], "rb").read()
b64 = base64.encodebytes(data)        # lines of 76, as postern writes
names, at = [], 0
while True:
    at = stored.find(b"filename=\"", at)
    if at < 0:
        break
    names.append(stored[at + 10:stored.index(b"\"", at + 10)])
    start = stored.index(b"\n\n", at) + 2
    assert stored[start:start + len(b64)] == b64, names
    assert stored[start + len(b64):].startswith(b"--=_postern"), names
    at = start + len(b64)
assert names == [b"big.bin", b"again.txt"], names
assert b"\nsee attached\n" in stored' "$f" "$MSG"
	[ -z "$(ls -A "$MB/tmp")" ]
	within_bound "$rss"
}

@test "httpd: EmailSubmission/set of a 50 MB draft: spooled in pieces without its Bcc, exact; a header over 256 KiB is refused; RSS bounded" {
	httpd_setup
	ACC=a$(printf 'joe@example.test' | sha256sum | cut -c1-16)
	mkdir -p "$MB/new" "$MB/cur" "$MB/tmp"
	python3 - "$MSG" "$MB/new" <<'PY'
import sys
body = open(sys.argv[1], "rb").read().split(b"\r\n\r\n", 1)[1].replace(b"\r\n", b"\n")
head = (b"From: Joe <joe@example.test>\nTo: bob@example.test\n"
        b"Bcc: hidden@example.org,\n  other@example.org\nSubject: big draft\r\n\n")
# the body is copied in pieces of 256 KiB from the header's empty line:
# a CR LF cut between the first two, a lone CR ending the second
body = bytearray(body)
body[262142] = ord("\r")
body[524286:524288] = b"\rZ"
open(sys.argv[2] + "/1000000001.M1P1.test", "wb").write(head + body)
pad = b"".join(b"X-Pad-%d: %s\n" % (i, b"p" * 70) for i in range(4000))
open(sys.argv[2] + "/1000000002.M1P1.test", "wb").write(
    b"From: joe@example.test\nTo: bob@example.test\n" + pad + b"\nshort\n")
PY
	sub="{\"accountId\":\"$ACC\",\"create\":{\"s1\":{\"identityId\":\"I1\",\"emailId\":\"M1000000001_2eM1P1_2etest\"},\"s2\":{\"identityId\":\"I1\",\"emailId\":\"M1000000002_2eM1P1_2etest\"}}}"
	{
		api_request "{\"using\":[\"urn:ietf:params:jmap:core\",\"urn:ietf:params:jmap:mail\",\"urn:ietf:params:jmap:submission\"],\"methodCalls\":[[\"EmailSubmission/set\",$sub,\"c\"]]}"
		end_request
	} > "$BATS_TEST_TMPDIR/in"
	http_rss
	api_replies | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())["methodResponses"][0][1]
assert list(r["created"]) == ["s1"], r
assert r["notCreated"] == {"s2": {"type": "invalidEmail"}}, r' 
	[ "$(queue_count)" -eq 1 ] && [ "$(tmp_count)" -eq 0 ]
	q=$(find "$SPOOL/queue" -type f)
	python3 - "$q" "$MB/new/1000000001.M1P1.test" <<'PY'
import sys
q = open(sys.argv[1], "rb").read()
env, msg = q.split(b"\n\n", 1)
assert b"\nhidden@example.org" in env or b" hidden@example.org" in env, env
assert b"other@example.org" in env and b"bob@example.test" in env, env
draft = open(sys.argv[2], "rb").read()
want = draft.replace(b"Bcc: hidden@example.org,\n  other@example.org\n", b"").replace(b"\r\n", b"\n")
assert msg == want, (len(msg), len(want), msg[:300])
PY
	within_bound "$rss"
}
