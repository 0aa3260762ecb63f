#!/usr/bin/env bats
# smtpd and the spool: durable before 250, and nothing half-written left
# when the spool cannot take the message. Tests run as root, which ignores
# file modes, so an unwritable spool is made with a read-only bind mount or
# a path that is a file, and a full one with a tiny tmpfs (both in a mount
# namespace of their own: unshare -m).

load helpers
load smtpd-helpers

setup() { smtpd_setup; }
teardown() { smtpd_teardown; }

TXN='EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n'

need_mount_namespace() {
	unshare -m true 2>/dev/null || skip "no mount namespaces here (unshare -m)"
}

# in_namespace SCRIPT: run SCRIPT (bash) in a private mount namespace, with
# SMTPD, SPOOL, OUT and SMTPD_LOG exported.
in_namespace() {
	SMTPD=$SMTPD SPOOL=$SPOOL OUT=$OUT SMTPD_LOG=$SMTPD_LOG \
		unshare -m bash -euc "$1"
}

@test "an empty spool directory is a working start" {
	rmdir "$SPOOL"
	raw_dialog "${TXN}DATA\r\nx\r\n.\r\n"
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	[ -d "$SPOOL/tmp" ] && [ -d "$SPOOL/queue" ] && [ -p "$SPOOL/trigger" ]
}

@test "the trigger FIFO gets a byte for each queued message" {
	raw_dialog "${TXN}DATA\r\nx\r\n.\r\n"          # creates the spool
	exec 7<>"$SPOOL/trigger"                        # a runner's end
	raw_dialog "${TXN}DATA\r\nx\r\n.\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\ny\r\n.\r\n"
	got=$(timeout 2 dd bs=1 count=2 <&7 2>/dev/null | wc -c)
	exec 7<&-
	[ "$got" -eq 2 ]
	[ "$(queue_count)" -eq 3 ]
}

@test "a spool path that is not a directory: 451 4.3.0 at MAIL, nothing written" {
	rmdir "$SPOOL"
	echo "not a directory" > "$SPOOL"
	raw_dialog "${TXN}DATA\r\nQUIT\r\n"
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"451 4.3.0 Temporary local problem, try again later" \
		"503 5.5.1 Error: need MAIL command" \
		"503 5.5.1 Error: need MAIL command" \
		"221 2.0.0 mx.example.test Bye"
	[ "$(cat "$SPOOL")" = "not a directory" ]
	grep -q 'event=spool-error what=open' "$SMTPD_LOG"
}

@test "tmp/ a dangling symlink: 451 4.3.0 at DATA, nothing in queue/" {
	raw_dialog "${TXN}QUIT\r\n"                     # creates the spool
	rmdir "$SPOOL/tmp"
	ln -s "$BATS_TEST_TMPDIR/nowhere" "$SPOOL/tmp"
	raw_dialog "${TXN}DATA\r\nQUIT\r\n"
	expect_reply 5 "451 4.3.0 Temporary local problem, try again later"
	expect_reply 6 "221 2.0.0 mx.example.test Bye"
	[ "$(queue_count)" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/nowhere" ]
}

@test "the directory fsync fails at the commit: 451 4.3.0, nothing in queue/ or tmp/" {
	raw_dialog "${TXN}QUIT\r\n"                     # creates the spool
	for step in fsync rename fsync-dir; do
		POSTERN_FAULT=$step raw_dialog "${TXN}DATA\r\nx\r\n.\r\nQUIT\r\n"
		expect_reply 6 "451 4.3.0 Temporary local problem, try again later"
		[ "$(queue_count)" -eq 0 ]
		[ -z "$(ls -A "$SPOOL/tmp")" ]
	done
}

@test "a read-only spool: 451 4.3.0 at DATA, nothing written" {
	need_mount_namespace
	raw_dialog "${TXN}QUIT\r\n"                     # creates the spool
	in_namespace '
		mount --bind "$SPOOL" "$SPOOL"
		mount -o remount,ro,bind "$SPOOL"
		printf "EHLO c\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nQUIT\r\n" |
			"$SMTPD" 2>>"$SMTPD_LOG" | tr -d "\r" > "$OUT"'
	expect_reply 5 "451 4.3.0 Temporary local problem, try again later"
	expect_reply 6 "221 2.0.0 mx.example.test Bye"
	no_trace
	grep -q 'event=spool-error what=begin' "$SMTPD_LOG"
}

@test "a disk that fills during DATA: 451 4.3.0 after the data, nothing left" {
	need_mount_namespace
	in_namespace '
		mount -t tmpfs -o size=1100k tmpfs "$SPOOL"
		{
			printf "EHLO c\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
			head -c 1500000 /dev/zero | base64 -w 76 | sed "s/\$/\r/"
			printf ".\r\nNOOP\r\nQUIT\r\n"
		} | "$SMTPD" 2>>"$SMTPD_LOG" | tr -d "\r" > "$OUT"
		find "$SPOOL/queue" "$SPOOL/tmp" -type f | wc -l > "$OUT.files"'
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"250 2.1.0 Ok" "250 2.1.5 Ok" \
		"354 End data with <CR><LF>.<CR><LF>" \
		"451 4.3.0 Temporary local problem, try again later" \
		"250 2.0.0 Ok" "221 2.0.0 mx.example.test Bye"
	[ "$(cat "$OUT.files")" -eq 0 ]
}

@test "too little free space: 452 4.3.1 at MAIL; SIZE= beyond the free space too" {
	need_mount_namespace
	in_namespace '
		mount -t tmpfs -o size=512k tmpfs "$SPOOL"
		printf "EHLO c\r\nMAIL FROM:<a@remote.test>\r\nQUIT\r\n" |
			"$SMTPD" 2>>"$SMTPD_LOG" | tr -d "\r" > "$OUT"
		umount "$SPOOL"
		mount -t tmpfs -o size=2m tmpfs "$SPOOL"
		printf "EHLO c\r\nMAIL FROM:<a@remote.test> SIZE=1500000\r\nMAIL FROM:<a@remote.test> SIZE=500000\r\nQUIT\r\n" |
			"$SMTPD" 2>>"$SMTPD_LOG" | tr -d "\r" >> "$OUT"'
	expect_replies "220 mx.example.test ESMTP postern" "250 HELP" \
		"452 4.3.1 Insufficient system storage" \
		"221 2.0.0 mx.example.test Bye" \
		"220 mx.example.test ESMTP postern" "250 HELP" \
		"452 4.3.1 Insufficient system storage" \
		"250 2.1.0 Ok" \
		"221 2.0.0 mx.example.test Bye"
	grep -q 'event=spool-full' "$SMTPD_LOG"
}

@test "the queued file is complete: envelope, blank line, message" {
	raw_dialog "${TXN}RCPT TO:<info@example.test>\r\nDATA\r\nSubject: s\r\n\r\nbody\r\n.\r\n"
	f=$(queued_file)
	id=$(basename "$f")
	[[ "$id" =~ ^[0-9]{16}\.[0-9]+\.[0-9]+$ ]]
	queued_envelope | grep -qE '^arrival [0-9]+$'
	queued_envelope | grep -qx 'sender a@remote.test'
	[ "$(queued_envelope | grep '^recipient ' | tr '\n' ' ')" = "recipient bob@example.test recipient info@example.test " ]
	queued_envelope | grep -qx 'helo c.test'
	tail -n 3 "$f" | diff -u - <(printf 'Subject: s\n\nbody\n')
	# two recipients: no "for" clause
	! grep -q '^	for <' "$f"
}
