#!/usr/bin/env bats
# smtpd on real sockets under tcpserver and systemd-socket-activate, driven
# by real clients: swaks and Python's smtplib.

load helpers
load smtpd-helpers

setup() { smtpd_setup; }
teardown() { smtpd_teardown; }

# systemd-socket-activate passes on only the variables named with -E.
activate_start() {
	server_start socket-activate -E POSTERN_CONF -E ASAN_OPTIONS \
		-E UBSAN_OPTIONS "$@"
}

swaks_to() {
	swaks --server 127.0.0.1 --port "$PORT" --timeout 10 --helo client.test "$@" \
		> "$BATS_TEST_TMPDIR/swaks.out" 2>&1
}

@test "tcpserver + swaks: a message to a local user" {
	server_start tcpserver "$SMTPD"
	swaks_to --from alice@remote.test --to bob@example.test --body 'Hello over TCP.'
	grep -q '<-  250 2.0.0 Ok: queued as ' "$BATS_TEST_TMPDIR/swaks.out"
	[ "$(queue_count)" -eq 1 ]
	grep -q '^Received: from client.test (\[127.0.0.1\])$' "$(queued_file)"
	grep -qx 'client 127.0.0.1' "$(queued_file)"
	grep -qx 'Hello over TCP.' "$(queued_file)"
}

@test "tcpserver + swaks --pipeline: replies in order, one recipient refused" {
	server_start tcpserver "$SMTPD"
	swaks_to --pipeline --from alice@remote.test \
		--to bob@example.test,nobody@example.test,carol@example.test \
		--body 'pipelined'
	grep -q '<\*\* 550 5.1.1 User unknown' "$BATS_TEST_TMPDIR/swaks.out"
	grep -q '<-  250 2.0.0 Ok: queued as ' "$BATS_TEST_TMPDIR/swaks.out"
	[ "$(grep -c '^recipient ' "$(queued_file)")" -eq 2 ]
}

@test "tcpserver + swaks: submission with AUTH PLAIN and AUTH LOGIN" {
	server_start tcpserver "$SMTPD" -s -T
	for mech in PLAIN LOGIN; do
		swaks_to --from bob@example.test --to friend@elsewhere.test \
			--auth "$mech" --auth-user bob@example.test --auth-password secret \
			--body "via $mech"
		grep -q '<-  235 2.7.0 Authentication successful' "$BATS_TEST_TMPDIR/swaks.out"
		grep -q '<-  250 2.0.0 Ok: queued as ' "$BATS_TEST_TMPDIR/swaks.out"
	done
	[ "$(queue_count)" -eq 2 ]
	grep -l 'via LOGIN' "$SPOOL"/queue/* | xargs grep -q 'with ESMTPSA id'
}

@test "tcpserver + swaks: submission refuses a wrong password (535) and no AUTH (530)" {
	server_start tcpserver "$SMTPD" -s -T
	! swaks_to --from bob@example.test --to friend@elsewhere.test \
		--auth PLAIN --auth-user bob@example.test --auth-password wrong
	grep -q '<\*\* 535 5.7.8 Authentication credentials invalid' "$BATS_TEST_TMPDIR/swaks.out"
	! swaks_to --from bob@example.test --to friend@elsewhere.test
	grep -q '<\*\* 530 5.7.0 Authentication required' "$BATS_TEST_TMPDIR/swaks.out"
	no_trace
}

@test "tcpserver: RELAYCLIENT from the launcher's rules allows relaying" {
	control relaynets 192.0.2.0/24
	echo '127.0.0.1:allow,RELAYCLIENT=""' > "$BATS_TEST_TMPDIR/rules"
	tcprules "$BATS_TEST_TMPDIR/rules.cdb" "$BATS_TEST_TMPDIR/rules.tmp" < "$BATS_TEST_TMPDIR/rules"
	PORT=$(free_port)
	tcpserver -q -R -H -l localhost -x "$BATS_TEST_TMPDIR/rules.cdb" \
		127.0.0.1 "$PORT" "$SMTPD" 2>>"$BATS_TEST_TMPDIR/server.log" &
	SERVER_PIDS+=($!)
	wait_listening "$PORT"
	swaks_to --from a@remote.test --to x@elsewhere.test --body relay
	grep -q '<-  250 2.0.0 Ok: queued as ' "$BATS_TEST_TMPDIR/swaks.out"
}

@test "socket-activate + swaks: loopback may relay by default" {
	activate_start "$SMTPD"
	swaks_to --from a@remote.test --to x@elsewhere.test --body relay
	grep -q '<-  250 2.0.0 Ok: queued as ' "$BATS_TEST_TMPDIR/swaks.out"
	grep -qx 'recipient x@elsewhere.test' "$(queued_file)"
	grep -qx 'client 127.0.0.1' "$(queued_file)"
}

@test "socket-activate + smtplib: 8BITMIME, SMTPUTF8 and a refused recipient" {
	activate_start "$SMTPD"
	PORT=$PORT python3 - <<'PY'
import os, smtplib
s = smtplib.SMTP("127.0.0.1", int(os.environ["PORT"]), timeout=10)
s.ehlo("client.test")
assert s.has_extn("8bitmime") and s.has_extn("smtputf8") and s.has_extn("pipelining")
assert int(s.esmtp_features["size"]) == 36700160
body = "Subject: caf\u00e9\r\n\r\nPrice: 5 \u20ac\r\n.leading dot\r\n".encode()
refused = s.sendmail("alice@remote.test", ["bob@example.test", "nobody@example.test"],
                     body, mail_options=["BODY=8BITMIME"])
assert refused == {"nobody@example.test": (550, b"5.1.1 User unknown")}, refused
s.sendmail("j\u00f6rg@remote.test", ["bob@example.test"], b"Subject: utf8\r\n\r\nx\r\n",
           mail_options=["SMTPUTF8", "BODY=8BITMIME"])
try:
    s.sendmail("alice@remote.test", ["nobody@example.test"], b"x\r\n")
    raise SystemExit("refused recipient accepted")
except smtplib.SMTPRecipientsRefused as e:
    assert e.recipients["nobody@example.test"][0] == 550
s.quit()
PY
	[ "$(queue_count)" -eq 2 ]
	f=$(grep -l 'Price' "$SPOOL"/queue/*)
	grep -qx 'body 8bitmime' "$f"
	grep -qx $'Price: 5 \xe2\x82\xac' "$f"
	grep -qx '.leading dot' "$f"
	f=$(grep -l 'Subject: utf8' "$SPOOL"/queue/*)
	grep -qx 'smtputf8 yes' "$f"
	grep -qx $'sender j\xc3\xb6rg@remote.test' "$f"
}

@test "socket-activate + smtplib: submission login, sender check, Date and Message-ID added" {
	control plaintextauth 1
	activate_start "$SMTPD" -s
	PORT=$PORT python3 - <<'PY'
import os, smtplib
from email.message import EmailMessage
for mech in ("PLAIN", "LOGIN"):
    s = smtplib.SMTP("127.0.0.1", int(os.environ["PORT"]), timeout=10)
    s.ehlo("client.test")
    assert "PLAIN" in s.esmtp_features["auth"] and "LOGIN" in s.esmtp_features["auth"]
    s.user, s.password = "carol@example.test", "s3cret"
    code, text = s.auth(mech, getattr(s, "auth_" + mech.lower()), initial_response_ok=(mech == "PLAIN"))
    assert code == 235, (code, text)
    try:
        s.sendmail("bob@example.test", ["x@elsewhere.test"], b"x\r\n")
        raise SystemExit("foreign sender accepted")
    except smtplib.SMTPSenderRefused as e:
        assert e.smtp_code == 553, e
    m = EmailMessage()
    m["Subject"] = "submitted " + mech
    m["From"] = "carol@example.test"
    m["To"] = "x@elsewhere.test"
    m.set_content("hi")
    s.send_message(m)
    s.quit()
s = smtplib.SMTP("127.0.0.1", int(os.environ["PORT"]), timeout=10)
try:
    s.login("carol@example.test", "wrong")
    raise SystemExit("wrong password accepted")
except smtplib.SMTPAuthenticationError as e:
    assert e.smtp_code == 535, e
s.close()
PY
	[ "$(queue_count)" -eq 2 ]
	for f in "$SPOOL"/queue/*; do
		grep -qx 'auth carol@example.test' "$f"
		grep -q '^Date: ' "$f"
		grep -q "^Message-ID: <$(basename "$f")@mx.example.test>$" "$f"
		grep -q 'with ESMTPA id' "$f"
	done
}

@test "socket-activate: a raw pipelined burst over TCP loses nothing" {
	activate_start "$SMTPD"
	PORT=$PORT python3 - <<'PY' > "$OUT"
import os, socket
s = socket.create_connection(("127.0.0.1", int(os.environ["PORT"])), timeout=10)
f = s.makefile("rb")
f.readline()
burst = b"EHLO c\r\n"
for i in range(5):
    burst += (b"MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n")
    burst += b"Subject: %d\r\n\r\nbody %d\r\n.\r\n" % (i, i)
burst += b"QUIT\r\n"
s.sendall(burst)          # DATA content before the 354: the server must not lose it
out = f.read()
print(out.decode().replace("\r", ""), end="")
PY
	[ "$(grep -c '^354 ' "$OUT")" -eq 5 ]
	[ "$(grep -c '^250 2.0.0 Ok: queued as ' "$OUT")" -eq 5 ]
	tail -n 1 "$OUT" | grep -qx '221 2.0.0 mx.example.test Bye'
	[ "$(queue_count)" -eq 5 ]
	for i in 0 1 2 3 4; do grep -lqx "body $i" "$SPOOL"/queue/*; done
}

@test "tcpserver: a silent client gets 421 4.4.2 after timeout" {
	control timeout 1
	server_start tcpserver "$SMTPD"
	PORT=$PORT timeout 5 python3 - <<'PY' > "$OUT"
import os, socket
s = socket.create_connection(("127.0.0.1", int(os.environ["PORT"])), timeout=4)
print(s.makefile("rb").read().decode().replace("\r", ""), end="")
PY
	expect_replies "220 mx.example.test ESMTP postern" \
		"421 4.4.2 mx.example.test Error: timeout exceeded"
	grep -q 'event=timeout client=127.0.0.1' "$BATS_TEST_TMPDIR/server.log"
}
