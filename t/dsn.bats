#!/usr/bin/env bats
# DSN (RFC 3461, 3464) end to end: smtpd takes RET, ENVID, NOTIFY, ORCPT
# into the envelope; the runner reports as they ask, passes them on to a
# DSN server, and sends one delay warning.
load helpers
load queue-lib
load smtpd-helpers

setup() { queue_setup; OUT="$BATS_TEST_TMPDIR/replies"; SMTPD_LOG="$BATS_TEST_TMPDIR/smtpd.log"; }
teardown() { queue_teardown; no_sanitizer_reports "$SMTPD_LOG"; }

# smtp_send MAILOPTS RCPTOPTS RCPT... < message: Python's smtplib, with
# its DSN options, to smtpd on $PORT.
smtp_send() {
	python3 -c '
import smtplib, sys
port, mopts, ropts, rcpts = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split(), sys.argv[4:]
s = smtplib.SMTP("127.0.0.1", port, timeout=10)
s.ehlo("py.test")
assert s.has_extn("dsn")
s.sendmail("alice@example.test", rcpts, sys.stdin.read().encode(), mopts, ropts)
s.quit()
' "$PORT" "$@"
}

mailbox_dsn() { maildir_cat alice@example.test; }

@test "smtpd: RET, ENVID, NOTIFY, ORCPT kept in the envelope; bad values 501" {
	dialog <<'EOF'
EHLO c.test
MAIL FROM:<alice@example.test> RET=FOO
MAIL FROM:<alice@example.test> ENVID=has=equals
MAIL FROM:<alice@example.test> RET=HDRS RET=FULL
MAIL FROM:<alice@example.test> RET=HDRS ENVID=QQ+2Bid
RCPT TO:<bob@example.test> NOTIFY=NEVER,SUCCESS
RCPT TO:<bob@example.test> NOTIFY=SOMETIMES
RCPT TO:<bob@example.test> ORCPT=rfc822
RCPT TO:<bob@example.test> ORCPT=rfc822;bob+2Bx@example.test NOTIFY=SUCCESS,DELAY
RCPT TO:<carol@example.test> NOTIFY=NEVER
DATA
Subject: dsn

x
.
EOF
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"501 5.5.4 Bad parameter value" "501 5.5.4 Bad parameter value" \
		"501 5.5.4 Bad parameter value" "250 2.1.0 Ok" \
		"501 5.5.4 Bad parameter value" "501 5.5.4 Bad parameter value" \
		"501 5.5.4 Bad parameter value" "250 2.1.5 Ok" "250 2.1.5 Ok" \
		"354 End data with <CR><LF>.<CR><LF>" \
		"$(reply 13 | grep '^250 2.0.0 Ok: queued as ')"
	queued_envelope | sed -n '3,9p' | diff - <(printf '%s\n' 'recipient bob@example.test' \
		'notify success,delay' 'orcpt rfc822;bob+2Bx@example.test' \
		'recipient carol@example.test' 'notify never' 'ret hdrs' 'envid QQ+2Bid')
}

@test "runner: NOTIFY=NEVER: an unknown user bounces without a DSN" {
	server_start tcpserver "$TOP/smtpd/smtpd"
	add_user gone@example.test x
	printf 'Subject: never\n\nx\n' | smtp_send "" "NOTIFY=NEVER" gone@example.test
	sed -i '/^gone@/d' "$CONF/users"
	run_runner -1
	run_runner -1
	[ "$(queue_count)" -eq 0 ]
	grep -q 'rcpt=gone@example.test result=bounced' "$RUNNER_LOG"
	[ "$(maildir_count alice@example.test)" -eq 0 ]
	! grep -q 'event=bounce' "$RUNNER_LOG"
}

@test "runner: NOTIFY=SUCCESS on local delivery: action=delivered, ENVID and ORCPT echoed" {
	server_start tcpserver "$TOP/smtpd/smtpd"
	printf 'Subject: please confirm\n\nx\n' |
		smtp_send "ENVID=env+2B42" "NOTIFY=SUCCESS ORCPT=rfc822;Bob@Example.test" bob@example.test
	run_runner -1
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_count alice@example.test)" -eq 1 ]
	mailbox_dsn > "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Subject: Successful Mail Delivery Report' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Original-Envelope-Id: env+42' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Original-Recipient: rfc822;Bob@Example.test' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Action: delivered' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Status: 2.0.0' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Content-Type: text/rfc822-headers' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Subject: please confirm' "$BATS_TEST_TMPDIR/dsn"
}

@test "runner: no NOTIFY, delivered: no DSN" {
	msg | inject alice@example.test bob@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_count alice@example.test)" -eq 0 ]
}

@test "runner: RET=FULL returns the whole message on failure, RET=HDRS the header" {
	server_start tcpserver "$TOP/smtpd/smtpd"
	for ret in FULL HDRS; do
		add_user gone@example.test x
		printf 'Subject: ret %s\n\nthe body line\n' "$ret" | smtp_send "RET=$ret" "" gone@example.test
		sed -i '/^gone@/d' "$CONF/users"
		run_runner -1
		run_runner -1
	done
	[ "$(maildir_count alice@example.test)" -eq 2 ]
	full=$(grep -l 'Subject: ret FULL' "$MAILROOT"/example.test/alice/new/*)
	hdrs=$(grep -l 'Subject: ret HDRS' "$MAILROOT"/example.test/alice/new/*)
	grep -qx 'Content-Type: message/rfc822' "$full"
	grep -qx 'the body line' "$full"
	grep -qx 'Content-Type: text/rfc822-headers' "$hdrs"
	! grep -q 'the body line' "$hdrs"
	grep -qx 'Action: failed' "$hdrs"
}

@test "runner: to a server without DSN, NOTIFY=SUCCESS gets action=relayed" {
	fake_start fake --conn ext=PIPELINING+8BITMIME
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	server_start tcpserver "$TOP/smtpd/smtpd"
	printf 'Subject: relayed\n\nx\n' | smtp_send "ENVID=e1" "NOTIFY=SUCCESS" dave@remote.test
	run_runner -1
	run_runner -1
	! grep -q 'NOTIFY\|ENVID' "$BATS_TEST_TMPDIR/fake/transcript"
	mailbox_dsn > "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Action: relayed' "$BATS_TEST_TMPDIR/dsn"
	grep -q '^Remote-MTA: dns; 127.0.0.1' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Original-Envelope-Id: e1' "$BATS_TEST_TMPDIR/dsn"
}

@test "runner: to a DSN server the parameters are passed on and no DSN is sent here" {
	fake_start fake --conn ext=PIPELINING+8BITMIME+DSN
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	server_start tcpserver "$TOP/smtpd/smtpd"
	printf 'Subject: passed\n\nx\n' |
		smtp_send "RET=HDRS ENVID=e2" "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;dave@remote.test" dave@remote.test
	run_runner -1
	run_runner -1
	grep -qx 'C1: MAIL FROM:<alice@example.test> RET=HDRS ENVID=e2' "$BATS_TEST_TMPDIR/fake/transcript"
	grep -qx 'C1: RCPT TO:<dave@remote.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;dave@remote.test' "$BATS_TEST_TMPDIR/fake/transcript"
	[ "$(maildir_count alice@example.test)" -eq 0 ]
	[ "$(queue_count)" -eq 0 ]
}

@test "runner: one delay warning after delaywarning, none with NOTIFY=FAILURE" {
	control delaywarning 1
	fake_start fake --conn rcpt=451
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	server_start tcpserver "$TOP/smtpd/smtpd"
	printf 'Subject: slow\n\nx\n' | smtp_send "" "" dave@remote.test
	printf 'Subject: slow quiet\n\nx\n' | smtp_send "" "NOTIFY=FAILURE" erin@remote.test
	run_runner -1
	sleep 1.1
	run_runner -1
	run_runner -1
	[ "$(queue_count)" -eq 2 ]
	[ "$(grep -c 'event=delay-warning' "$RUNNER_LOG")" -eq 1 ]
	[ "$(maildir_count alice@example.test)" -eq 1 ]
	mailbox_dsn > "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Subject: Delayed Mail (still being retried)' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Action: delayed' "$BATS_TEST_TMPDIR/dsn"
	grep -qx 'Status: 4.0.0' "$BATS_TEST_TMPDIR/dsn"
	grep -q 'Final-Recipient: rfc822; dave@remote.test' "$BATS_TEST_TMPDIR/dsn"
	grep -q 'delay-warned' "$SPOOL"/state/*
}

