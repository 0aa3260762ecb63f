#!/usr/bin/env bats
# sendmail: the local injection interface.
load helpers
load queue-lib

setup() { queue_setup; }
teardown() { queue_teardown; }

qfile() { cat "$SPOOL"/queue/*; }

@test "sendmail queues durably, adds Received, Date, Message-ID, From, exits 0" {
	printf 'Subject: plain\n\nbody\n' | "$SENDMAIL" -f alice@example.test bob@example.test
	[ "$(queue_count)" -eq 1 ]
	[ "$(tmp_count)" -eq 0 ]
	run qfile
	[[ "$output" == *$'sender alice@example.test\nrecipient bob@example.test\nclient local\n\n'* ]]
	[[ "$output" == *$'\nReceived: (postern sendmail, uid '* ]]
	[[ "$output" == *$'\nDate: '* ]]
	[[ "$output" == *$'\nMessage-ID: <'*$'@mx.example.test>\n'* ]]
	[[ "$output" == *$'\nFrom: <alice@example.test>\nSubject: plain\n\nbody' ]]
}

@test "sendmail keeps an existing Date, Message-ID and From" {
	printf 'From: Me <me@example.test>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <x@y>\n\nb\n' |
		"$SENDMAIL" -f alice@example.test bob@example.test
	run qfile
	[ "$(grep -c '^From:' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^Date:' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^Message-ID:' <<<"$output")" -eq 1 ]
	grep -q '^Date: Mon, 1 Jan 2024' <<<"$output"
}

@test "sendmail -t takes To, Cc and Bcc and strips Bcc" {
	printf 'To: Bob <bob@example.test>, "Doe, Jane" <carol@example.test>\nCc: (c) dave@remote.test\nBcc: secret@example.test,\n  hidden@remote.test\nSubject: t\n\nbody\n' |
		"$SENDMAIL" -t -f alice@example.test
	run qfile
	[[ "$output" == *$'recipient bob@example.test\nrecipient carol@example.test\nrecipient dave@remote.test\nrecipient secret@example.test\nrecipient hidden@remote.test\n'* ]]
	[[ "$output" != *"Bcc"* ]]
	[[ "$output" != *"hidden@remote.test>"* ]]
	[[ "$output" == *$'\nTo: Bob <bob@example.test>'* ]]
	[[ "$output" == *$'\nSubject: t\n\nbody' ]]
}

@test "sendmail -t with Bcc delivers to the Bcc recipient without showing it" {
	printf 'To: bob@example.test\nBcc: carol@example.test\nSubject: t\n\nbody\n' |
		"$SENDMAIL" -t -f alice@example.test
	run_runner -1
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	[ "$(maildir_count carol@example.test)" -eq 1 ]
	! grep -qi '^Bcc:' "$MAILROOT"/example.test/carol/new/*
	! grep -q 'carol@example.test' "$MAILROOT"/example.test/bob/new/*
}

@test "sendmail -t groups and arguments add up, duplicates once" {
	printf 'To: team: bob@example.test, carol@example.test;\n\nx\n' |
		"$SENDMAIL" -t -f alice@example.test bob@example.test alice@example.test
	run qfile
	[ "$(grep -c '^recipient ' <<<"$output")" -eq 3 ]
}

@test "sendmail -F sets the From display name; unqualified names get @me" {
	printf 'Subject: x\n\nb\n' | "$SENDMAIL" -F 'Alice "A" Liddell' -f alice bob
	run qfile
	[[ "$output" == *$'sender alice@mx.example.test\nrecipient bob@mx.example.test\n'* ]]
	[[ "$output" == *$'From: "Alice  A  Liddell" <alice@mx.example.test>\n'* ]]
}

@test "sendmail: a lone dot ends the message unless -i or -oi" {
	printf 'Subject: x\n\nbefore\n.\nafter\n' | "$SENDMAIL" -f alice@example.test bob@example.test
	run qfile
	[[ "$output" == *$'before' ]]
	rm "$SPOOL"/queue/*
	printf 'Subject: x\n\nbefore\n.\nafter\n' | "$SENDMAIL" -oi -f alice@example.test bob@example.test
	run qfile
	[[ "$output" == *$'before\n.\nafter' ]]
	rm "$SPOOL"/queue/*
	printf 'Subject: x\n\nbefore\n.\nafter\n' | "$SENDMAIL" -i -f alice@example.test bob@example.test
	run qfile
	[[ "$output" == *$'before\n.\nafter' ]]
}

@test "sendmail: CRLF input is stored with LF" {
	printf 'Subject: x\r\n\r\nline\r\n' | "$SENDMAIL" -f alice@example.test bob@example.test
	run qfile
	[[ "$output" != *$'\r'* ]]
	[[ "$output" == *$'Subject: x\n\nline' ]]
}

@test "sendmail: an 8-bit body is marked 8BITMIME in the envelope" {
	printf 'Subject: x\n\ncaf\xc3\xa9\n' | "$SENDMAIL" -f alice@example.test bob@example.test
	run qfile
	[[ "$output" == *$'\nbody 8bitmime\n'* ]]
}

@test "sendmail: usage errors exit 64 and queue nothing" {
	run "$SENDMAIL" -f alice@example.test < /dev/null
	[ "$status" -eq 64 ]
	[[ "$output" == *"no recipients"* ]]
	run "$SENDMAIL" -Z bob@example.test < /dev/null
	[ "$status" -eq 64 ]
	run "$SENDMAIL" -bs bob@example.test < /dev/null
	[ "$status" -eq 64 ]
	run "$SENDMAIL" -f alice@example.test 'bad address@example.test' < <(msg)
	[ "$status" -eq 64 ]
	[[ "$output" == *"bad recipient address"* ]]
	run "$SENDMAIL" -t -f alice@example.test < <(printf 'Subject: none\n\nx\n')
	[ "$status" -eq 64 ]
	run "$SENDMAIL" -f 'a b@c' bob@example.test < <(msg)
	[ "$status" -eq 64 ]
	[ "$(queue_count)" -eq 0 ]
	[ "$(tmp_count)" -eq 0 ]
}

@test "sendmail: a message over maxsize exits 100 and queues nothing" {
	control maxsize 100
	run "$SENDMAIL" -f alice@example.test bob@example.test < <(printf 'Subject: x\n\n'; head -c 500 /dev/zero | tr '\0' 'a'; echo)
	[ "$status" -eq 100 ]
	[[ "$output" == *"message too big"* ]]
	[ "$(queue_count)" -eq 0 ]
	[ "$(tmp_count)" -eq 0 ]
}

@test "sendmail: a spool it cannot write exits 75 with the reason" {
	rm -rf "$SPOOL"
	: > "$SPOOL"
	run "$SENDMAIL" -f alice@example.test bob@example.test < <(msg)
	[ "$status" -eq 75 ]
	[[ "$output" == *"sendmail: cannot open the spool"* ]]
}

@test "sendmail wakes a running runner" {
	"$RUNNER" 2>>"$RUNNER_LOG" &
	local pid=$! i
	sleep 0.3
	msg | "$SENDMAIL" -f alice@example.test bob@example.test
	for i in $(seq 1 40); do
		[ "$(maildir_count bob@example.test)" -eq 1 ] && break
		sleep 0.05
	done
	[ "$(maildir_count bob@example.test)" -eq 1 ]
	kill -TERM "$pid"
	wait "$pid"
}

@test "sendmail: the null sender -f '<>'" {
	printf 'Subject: x\n\nb\n' | "$SENDMAIL" -f '<>' bob@example.test
	run qfile
	[[ "$output" == *$'sender <>\n'* ]]
	[[ "$output" == *$'From: <MAILER-DAEMON>'* ]]
}
