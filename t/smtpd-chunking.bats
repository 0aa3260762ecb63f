#!/usr/bin/env bats
# smtpd: BDAT (RFC 3030 CHUNKING, BINARYMIME) through pipes and over TCP
# from Python, and what real clients send: curl's LF uploads (with and
# without --crlf), long lines, and Date/Message-ID for trusted clients.

load helpers
load smtpd-helpers

setup() { smtpd_setup; }
teardown() { smtpd_teardown; }

TXN='EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n'

@test "BDAT: two chunks then LAST make one message, stored with LF ends" {
	raw_dialog "${TXN}BDAT 21\r\nSubject: chunks\r\n\r\nonBDAT 9 LAST\r\ne\r\n.two\r\nQUIT\r\n"
	expect_reply 5 "250 2.0.0 Ok: 21 octets received"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	expect_reply 7 "221 2.0.0 mx.example.test Bye"
	queued_message | tail -n 4 | diff - <(printf 'Subject: chunks\n\none\n.two\n')
}

@test "BDAT: a CRLF split between chunks, BDAT 0 LAST, and a pipelined burst" {
	raw_dialog "${TXN}BDAT 7\r\nS: x\r\n\rBDAT 3\r\n\nabBDAT 0 LAST\r\n${TXN#EHLO c.test\\r\\n}BDAT 3 LAST\r\nz\r\nQUIT\r\n"
	expect_reply 5 "250 2.0.0 Ok: 7 octets received"
	expect_reply 6 "250 2.0.0 Ok: 3 octets received"
	reply 7 | grep -q '^250 2.0.0 Ok: queued as '
	reply 10 | grep -q '^250 2.0.0 Ok: queued as '
	[ "$(queue_count)" -eq 2 ]
	first=$(ls "$SPOOL/queue" | sort | head -n 1)
	sed '1,/^$/d' "$SPOOL/queue/$first" | tail -n 3 | diff - <(printf 'S: x\n\nab\n')
}

@test "BDAT out of place: its data is read and dropped, never taken for commands" {
	raw_dialog "BDAT 12\r\nNOOP\r\nRSET\r\nEHLO c.test\r\nBDAT 6 LAST\r\nQUIT\r\nMAIL FROM:<a@remote.test>\r\nBDAT 6\r\nQUIT\r\nDATA\r\nQUIT\r\n"
	expect_replies "220 mx.example.test ESMTP postern" \
		"503 5.5.1 Error: send HELO/EHLO first" "250 HELP" \
		"503 5.5.1 Error: need MAIL command" \
		"250 2.1.0 Ok" \
		"554 5.5.1 Error: no valid recipients" \
		"503 5.5.1 Error: need MAIL command" \
		"221 2.0.0 mx.example.test Bye"
	no_trace
}

@test "BDAT then DATA in one transaction: 503; RSET drops the chunks" {
	raw_dialog "${TXN}BDAT 4\r\nab\r\nDATA\r\nRSET\r\nQUIT\r\n"
	expect_reply 5 "250 2.0.0 Ok: 4 octets received"
	expect_reply 6 "503 5.5.1 Error: bad sequence of commands"
	expect_reply 7 "250 2.0.0 Ok"
	no_trace
}

@test "BDAT: a bare CR or a NUL fails the chunk; later chunks get 503, their data dropped" {
	raw_dialog "${TXN}BDAT 4\r\na\rb\nBDAT 6 LAST\r\nQUIT\r\nNOOP\r\n"
	expect_reply 5 "554 5.6.0 Error: bare CR or LF in message"
	expect_reply 6 "503 5.5.1 Error: need MAIL command"
	expect_reply 7 "250 2.0.0 Ok"
	grep -q 'event=reject cmd=DATA client=unknown status=5.6.0 reason=bare-cr' "$SMTPD_LOG"
	no_trace
	raw_dialog "${TXN}BDAT 4 LAST\r\na\0b\n"
	expect_reply 5 "554 5.6.0 Error: NUL in message"
	no_trace
}

@test "BDAT over maxsize: 552 5.3.4, nothing stored; a bad count 501" {
	control maxsize 100
	body=$(printf 'x%.0s' $(seq 1 150))
	raw_dialog "${TXN}BDAT 152 LAST\r\n${body}\r\nBDAT x\r\nBDAT 5 FIRST\r\nQUIT\r\n"
	expect_reply 5 "552 5.3.4 Message size exceeds fixed limit"
	expect_reply 6 "501 5.5.4 Syntax error in parameters or arguments"
	expect_reply 7 "501 5.5.4 Syntax error in parameters or arguments"
	grep -q 'reason=size size=151' "$SMTPD_LOG"
	no_trace
}

@test "BODY=BINARYMIME: kept in the envelope, DATA refused, BDAT takes any octet" {
	raw_dialog "EHLO c\r\nMAIL FROM:<a@remote.test> BODY=BINARYMIME\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nBDAT 9 LAST\r\nS: b\r\n\r\n\0\r\nQUIT\r\n"
	expect_reply 5 "503 5.5.1 Error: BODY=BINARYMIME needs BDAT, not DATA"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	queued_envelope | grep -qx 'body binarymime'
	queued_message | tail -c 3 | od -An -c | grep -q '\\n  \\0  \\n'
}

@test "BDAT timeout in a chunk: 421 4.4.2, nothing stored" {
	control timeout 1
	(printf "${TXN}BDAT 100 LAST\r\nhalf"; sleep 2) | "$SMTPD" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	expect_reply 5 "421 4.4.2 mx.example.test Error: timeout exceeded"
	no_trace
}

# Python's smtplib has no BDAT: drive it raw over a socket.
@test "tcpserver + Python over a raw socket: BDAT in 3 chunks, pipelined" {
	server_start tcpserver "$SMTPD"
	python3 - "$PORT" > "$BATS_TEST_TMPDIR/py.out" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
def reply():
    lines = []
    while True:
        l = f.readline().decode().rstrip("\r\n")
        lines.append(l)
        if l[3:4] != "-":
            return lines
reply()
s.sendall(b"EHLO py.test\r\n")
ehlo = reply()
assert "250-CHUNKING" in ehlo, ehlo
msg = b"Subject: bdat\r\n\r\n" + b"line %d\r\n" * 0
body = b"Subject: bdat\r\n\r\n" + b"".join(b"line %d\r\n" % i for i in range(3000))
chunks = [body[:10000], body[10000:20000], body[20000:]]
out = b"MAIL FROM:<py@remote.test> BODY=8BITMIME\r\nRCPT TO:<bob@example.test>\r\n"
for i, c in enumerate(chunks):
    out += b"BDAT %d%s\r\n" % (len(c), b" LAST" if i == 2 else b"") + c
s.sendall(out + b"QUIT\r\n")
for i in range(6):
    print(reply()[-1])
PY
	sed -n 1,2p "$BATS_TEST_TMPDIR/py.out" | diff - <(printf '250 2.1.0 Ok\n250 2.1.5 Ok\n')
	sed -n 3,4p "$BATS_TEST_TMPDIR/py.out" | grep -c '^250 2.0.0 Ok: 10000 octets received$' | grep -qx 2
	sed -n 5p "$BATS_TEST_TMPDIR/py.out" | grep -q '^250 2.0.0 Ok: queued as '
	[ "$(queue_count)" -eq 1 ]
	[ "$(queued_message | grep -c '^line ')" -eq 3000 ]
	queued_message | tail -n 1 | grep -qx 'line 2999'
}

@test "tcpserver + curl --upload-file of an LF file, with and without --crlf" {
	server_start tcpserver "$SMTPD"
	printf 'From: a@remote.test\nSubject: curl\n\nfirst\n.\nlast\n' > "$BATS_TEST_TMPDIR/mail.txt"
	for opt in "" --crlf; do
		curl -sS $opt --url "smtp://127.0.0.1:$PORT" --mail-from a@remote.test \
			--mail-rcpt bob@example.test --upload-file "$BATS_TEST_TMPDIR/mail.txt"
	done
	[ "$(queue_count)" -eq 2 ]
	for f in "$SPOOL"/queue/*; do
		# without --crlf curl ends "last\n" with "\r\n.\r\n": one more line
		sed '1,/^$/d' "$f" | grep -v '^Received:\|^	\|^Date:\|^Message-ID:' |
			sed '7{/^$/d}' | diff - "$BATS_TEST_TMPDIR/mail.txt"
	done
	! grep -q 'event=reject' "$BATS_TEST_TMPDIR/server.log"
}

@test "a relaynets client gets Date: and Message-ID: added; others do not" {
	server_start tcpserver "$SMTPD"
	printf 'Subject: bare\n\nno date\n' > "$BATS_TEST_TMPDIR/mail.txt"
	curl -sS --url "smtp://127.0.0.1:$PORT" --mail-from a@remote.test \
		--mail-rcpt bob@example.test --upload-file "$BATS_TEST_TMPDIR/mail.txt"
	grep -q '^Date: ' "$(queued_file)"
	grep -q '^Message-ID: <.*@mx.example.test>$' "$(queued_file)"
	rm "$(queued_file)"
	control relaynets 192.0.2.0/24
	curl -sS --url "smtp://127.0.0.1:$PORT" --mail-from a@remote.test \
		--mail-rcpt bob@example.test --upload-file "$BATS_TEST_TMPDIR/mail.txt"
	! grep -q '^Date: ' "$(queued_file)"
	! grep -q '^Message-ID: ' "$(queued_file)"
}
