#!/usr/bin/env bats
# The runner's outbound STARTTLS (RFC 3207) through stunnel, and the
# per-domain "tls" policy: none, may (the default), encrypt, verify.
# The TLS MX is postern's own smtpd under tcpserver and tlswrapper -n,
# with its own control directory and spool; the plain one is
# t/fake-smtp.py.

load helpers
load queue-lib
load tls-helpers

setup() {
	queue_setup
	MXCONF="$BATS_TEST_TMPDIR/mx/conf" MXSPOOL="$BATS_TEST_TMPDIR/mx/spool"
	mkdir -p "$MXCONF" "$MXSPOOL" "$BATS_TEST_TMPDIR/mx/mailroot"
	echo mx.remote.test > "$MXCONF/me"
	echo remote.test > "$MXCONF/domains"
	echo "$MXSPOOL" > "$MXCONF/spool"
	echo "$BATS_TEST_TMPDIR/mx/mailroot" > "$MXCONF/mailroot"
	echo "dave@remote.test:x" > "$MXCONF/users"
}
teardown() { queue_teardown; }

# tls_mx: postern's smtpd for remote.test with STARTTLS on $MX_PORT.
tls_mx() {
	POSTERN_CONF=$MXCONF tls_start starttls "$TOP/smtpd/smtpd"
	MX_PORT=$PORT
}

mx_queued() {
	find "$MXSPOOL/queue" -type f 2>/dev/null | wc -l
}

@test "may (the default): a MX offering STARTTLS gets the message encrypted; the log says tls=1" {
	tls_mx
	control routes "remote.test 127.0.0.1:$MX_PORT"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(mx_queued)" -eq 1 ]
	grep -q "with ESMTPS id" "$MXSPOOL"/queue/*
	grep -q 'event=starttls client=127.0.0.1 tls=1' "$BATS_TEST_TMPDIR/server.log"
	grep -q "rcpt=dave@remote.test result=sent relay=\"127.0.0.1\[127.0.0.1\]:$MX_PORT tls=1\"" "$RUNNER_LOG"
}

@test "may: a MX without STARTTLS gets it in clear, over one connection" {
	fake_start fake
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/fake/msg-1" ]
	! grep -q '^C2:' "$BATS_TEST_TMPDIR/fake/transcript"
	! grep -q 'STARTTLS' "$BATS_TEST_TMPDIR/fake/transcript"
	grep -q "result=sent relay=\"127.0.0.1\[127.0.0.1\]:$FAKE_PORT tls=0\"" "$RUNNER_LOG"
}

@test "may: STARTTLS offered but refused: sent in clear on the same attempt" {
	fake_start fake --conn ext=PIPELINING+STARTTLS
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/fake/msg-1" ]
	grep -qx 'C2: STARTTLS' "$BATS_TEST_TMPDIR/fake/transcript"
	grep -qx 'C3: MAIL FROM:<alice@example.test>' "$BATS_TEST_TMPDIR/fake/transcript"
	! grep -q '^C[12]: MAIL' "$BATS_TEST_TMPDIR/fake/transcript"
	grep -q "result=sent relay=\"127.0.0.1\[127.0.0.1\]:$FAKE_PORT tls=0\" .*attempts=1" "$RUNNER_LOG"
}

@test "encrypt: a MX without STARTTLS is not sent to; deferred with 4.7.10, shown by postern-queue" {
	fake_start fake
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	control tls "remote.test encrypt"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	! grep -q 'MAIL FROM' "$BATS_TEST_TMPDIR/fake/transcript"
	[ ! -e "$BATS_TEST_TMPDIR/fake/msg-1" ]
	grep -q 'result=deferred .*reply="421 4.7.10 .*TLS is required (tls policy encrypt)' "$RUNNER_LOG"
	run "$PQUEUE" show "$(ls "$SPOOL/queue")"
	[[ "$output" == *"4.7.10"*"tls policy encrypt"* ]]
}

@test "encrypt: a MX offering STARTTLS gets it, certificate unchecked" {
	tls_mx
	control routes "remote.test 127.0.0.1:$MX_PORT"
	control tls "* encrypt"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(mx_queued)" -eq 1 ]
	grep -q 'result=sent relay=".* tls=1"' "$RUNNER_LOG"
}

@test "verify: the certificate must check against tlscafile and name the MX host" {
	tls_mx
	control routes "remote.test localhost:$MX_PORT"
	control tls "remote.test verify"
	# the system's CA store does not know the test certificate
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	[ "$(mx_queued)" -eq 0 ]
	grep -q 'result=deferred .*421 4.7.10 .*tls policy verify' "$RUNNER_LOG"
	control tlscafile "$TLS_CA"
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	[ "$(mx_queued)" -eq 1 ]
	grep -q "result=sent relay=\"localhost\[127.0.0.1\]:$MX_PORT tls=1\"" "$RUNNER_LOG"
}

@test "none: no STARTTLS even where it is offered" {
	tls_mx
	control routes "remote.test 127.0.0.1:$MX_PORT"
	control tls "* none"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(mx_queued)" -eq 1 ]
	grep -q "with ESMTP id" "$MXSPOOL"/queue/*
	! grep -q 'event=starttls' "$BATS_TEST_TMPDIR/server.log"
	grep -q 'result=sent relay=".* tls=0"' "$RUNNER_LOG"
}

@test "a tls file naming no known policy defers everything (never in clear)" {
	fake_start fake
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	control tls "remote.test sometimes"
	msg | inject alice@example.test dave@remote.test
	run_runner -1
	[ "$(queue_count)" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/fake/transcript" ]
	grep -q 'result=deferred .*reply="451 4.3.0 cannot read the tls control file' "$RUNNER_LOG"
}
