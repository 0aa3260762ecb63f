#!/usr/bin/env bats
# runner: what the SMTP client puts on the wire for the next hop, against
# t/fake-smtp.py with and without 8BITMIME, CHUNKING and BINARYMIME:
# 8-bit made quoted-printable (RFC 6152 §3), long lines folded, BDAT
# (RFC 3030), and a smuggled "." dot-stuffed.
load helpers
load queue-lib

setup() { queue_setup; }
teardown() { queue_teardown; }

route() { control routes "remote.test 127.0.0.1:$FAKE_PORT"; }
T() { cat "$BATS_TEST_TMPDIR/fake/transcript"; }
wire() { cat "$BATS_TEST_TMPDIR/fake/msg-${1:-1}"; }

mime8() {
	printf 'From: <a@example.test>\nSubject: 8bit\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\npreamble\n--b1\n'
	printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
	printf 'caf\xc3\xa9 = cr\xc3\xa8me \n.dot\n--b1\nContent-Type: text/plain\n\nplain ascii\n'
	printf '%s\n' '--b1--'
}

@test "wire: 8-bit to a server without 8BITMIME goes as quoted-printable, part by part" {
	fake_start fake --conn ext=PIPELINING
	route
	mime8 | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	T | grep -qx 'C1: MAIL FROM:<alice@example.test>'
	wire | tr -d '\r' > "$BATS_TEST_TMPDIR/got"
	! LC_ALL=C grep -q $'[\x80-\xff]' "$BATS_TEST_TMPDIR/got"
	grep -qx 'caf=C3=A9 =3D cr=C3=A8me=20' "$BATS_TEST_TMPDIR/got"
	grep -qx '\.\.dot' "$BATS_TEST_TMPDIR/got"         # dot-stuffed on the wire
	[ "$(grep -c '^Content-Transfer-Encoding: quoted-printable$' "$BATS_TEST_TMPDIR/got")" -eq 1 ]
	grep -qx 'Content-Transfer-Encoding: 7bit' "$BATS_TEST_TMPDIR/got"   # the multipart
	! grep -q '8bit' "$BATS_TEST_TMPDIR/got"
	grep -qx 'plain ascii' "$BATS_TEST_TMPDIR/got"
	grep -q "result=sent" "$RUNNER_LOG"
}

@test "wire: the quoted-printable decodes back to the original body" {
	fake_start fake --conn ext=PIPELINING
	route
	{ printf 'Subject: x\n\n'; for i in $(seq 1 5); do printf 'l\xc3\xa4nger Text %s ' {1..20}; printf '\n'; done; } |
		inject alice@example.test dave@remote.test
	run_runner -1
	python3 - "$BATS_TEST_TMPDIR/fake/msg-1" <<'PY'
import email, sys
raw = open(sys.argv[1], "rb").read()
assert max(len(l) for l in raw.split(b"\r\n")) <= 78, "QP lines too long"
m = email.message_from_bytes(raw.replace(b"\r\n", b"\n").replace(b"\n..", b"\n."))
assert m["Content-Transfer-Encoding"] == "quoted-printable"
body = m.get_payload(decode=True).decode("utf-8")
assert body.count("länger Text") == 100, body
PY
}

@test "wire: 8-bit goes as it is, BODY=8BITMIME, to a server with 8BITMIME" {
	fake_start fake
	route
	mime8 | inject alice@example.test dave@remote.test
	run_runner -1
	T | grep -qx 'C1: MAIL FROM:<alice@example.test> BODY=8BITMIME'
	wire | LC_ALL=C grep -q $'caf\xc3\xa9'
}

@test "wire: a line over 998 octets is folded with CRLF SP; shorter lines are not" {
	fake_start fake
	route
	long=$(printf 'w%.0s' $(seq 1 2500)) ok=$(printf 'k%.0s' $(seq 1 998))
	printf 'Subject: long\n\n%s\n%s\n' "$long" "$ok" | inject alice@example.test dave@remote.test
	run_runner -1
	wire > "$BATS_TEST_TMPDIR/got"
	python3 - "$BATS_TEST_TMPDIR/got" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\r\n")
assert max(len(l) for l in lines) <= 998, max(len(l) for l in lines)
i = lines.index(b"w" * 998)
assert lines[i + 1] == b" " + b"w" * 997 and lines[i + 2] == b" " + b"w" * 505, lines[i + 1:i + 3]
assert lines[i + 3] == b"k" * 998
PY
}

@test "wire: CHUNKING offered: BDAT LAST, no dot-stuffing, no DATA" {
	fake_start fake --conn ext=PIPELINING+8BITMIME+CHUNKING
	route
	msg chunked | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	! T | grep -q 'DATA'
	T | grep -qE '^C1: BDAT [0-9]+ LAST$'
	T | grep -q '<bdat message'
	wire | grep -q $'^\.leading dot\r$'
	grep -q 'result=sent' "$RUNNER_LOG"
}

@test "wire: a big message goes in 64 KiB chunks; without PIPELINING each is answered first" {
	for ext in PIPELINING+CHUNKING CHUNKING; do
		fake_stop_all || true
		rm -rf "$BATS_TEST_TMPDIR/fake"
		fake_start fake --conn ext=$ext
		route
		{ printf 'Subject: big\n\n'; for i in $(seq 1 3000); do printf 'line %070d\n' "$i"; done; } |
			inject alice@example.test dave@remote.test
		run_runner -1
		[ "$(queue_count)" -eq 0 ]
		[ "$(T | grep -c '^C1: BDAT 65536$')" -eq 3 ]
		T | grep -qE '^C1: BDAT [0-9]+ LAST$'
		[ "$(wire | grep -c '^line ')" -eq 3000 ]
	done
}

@test "wire: a refused chunk bounces the message, the connection stays in step" {
	fake_start fake --conn ext=PIPELINING+CHUNKING,bdat=552
	route
	{ printf 'Subject: big\n\n'; for i in $(seq 1 1000); do printf 'line %070d\n' "$i"; done; } |
		inject alice@example.test dave@remote.test
	msg second | inject alice@example.test erin@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	grep -q 'rcpt=dave@remote.test result=bounced.*reply="552 chunk refused"' "$RUNNER_LOG"
	grep -q 'rcpt=erin@remote.test result=sent' "$RUNNER_LOG"
}

@test "wire: BODY=BINARYMIME goes by BDAT to a BINARYMIME server, else bounces 5.6.3" {
	for ext in PIPELINING+CHUNKING+BINARYMIME PIPELINING+CHUNKING; do
		printf 'EHLO c\r\nMAIL FROM:<alice@example.test> BODY=BINARYMIME\r\nRCPT TO:<dave@remote.test>\r\nBDAT 9 LAST\r\nS: b\r\n\r\n\0\r\nQUIT\r\n' |
			RELAYCLIENT= "$TOP/smtpd/smtpd" >/dev/null 2>>"$BATS_TEST_TMPDIR/smtpd.log"
		fake_stop_all || true
		rm -rf "$BATS_TEST_TMPDIR/fake"
		fake_start fake --conn ext=$ext
		route
		run_runner -1
		[ "$(queue_count)" -eq 0 ]
		[ "$ext" != PIPELINING+CHUNKING+BINARYMIME ] || {
			T | grep -qx 'C1: MAIL FROM:<alice@example.test> BODY=BINARYMIME'
			wire | od -An -c | tr -s ' ' | grep -q '\\0 \\r \\n'
		}
	done
	! T | grep -q MAIL
	grep -q 'result=bounced.*5.6.3 the message is binary' "$RUNNER_LOG"
}

@test "wire: a \".\" smuggled as <LF>.<LF> is dot-stuffed when relayed: one message at the next hop" {
	printf 'EHLO c\r\nMAIL FROM:<alice@example.test>\r\nRCPT TO:<dave@remote.test>\r\nDATA\r\nSubject: s\r\n\r\nx\n.\nMAIL FROM:<evil@remote.test>\r\n.\r\nQUIT\r\n' |
		RELAYCLIENT= "$TOP/smtpd/smtpd" >/dev/null 2>>"$BATS_TEST_TMPDIR/smtpd.log"
	[ "$(queue_count)" -eq 1 ]
	fake_start fake
	route
	run_runner -1
	[ "$(T | grep -c 'MAIL FROM')" -eq 1 ]
	! T | grep -q evil
	wire | grep -q $'^\.\.\r$'
	wire | grep -q $'^MAIL FROM:<evil@remote.test>\r$'
}
