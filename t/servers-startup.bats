#!/usr/bin/env bats
# What a server does per connection before a command needs it (issue 17):
# smtpd and pop3d read me and the numeric settings (lib/settings checks
# them at connect), not the users, domains, aliases, spool or mailroot
# files; the spool is not touched (no mkdir, no statfs) before MAIL; a
# message costs a bounded number of system calls. Traced with strace.

load helpers
load smtpd-helpers

setup() {
	command -v strace >/dev/null || skip "strace is not installed"
	smtpd_setup
	TRACE="$BATS_TEST_TMPDIR/trace"
}
teardown() { smtpd_teardown; }

# traced PROGRAM ARGS... < input: run under strace, replies to $OUT
# (LeakSanitizer cannot run under ptrace: off for the traced program).
traced() {
	sed 's/$/\r/' | ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
		strace -f -qq -o "$TRACE" "$@" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
}

# The control files PROGRAM opened, in order, one name a line.
opened_controls() {
	grep -oE "open(at)?\([^\"]*\"$CONF/[^\"]+\"" "$TRACE" | sed 's|.*/||; s|"$||'
}

# A sanitizer build makes system calls of its own: count only in a
# release build (make test-release).
release_build() {
	grep -qE ' servers=(musl|glibc)$' "$TOP/.build-flags"
}

# no_lookup_files: none of the files that commands need was opened.
no_lookup_files() {
	! opened_controls | grep -qxE 'users|domains|aliases|spool|mailroot|relaynets|routes'
}

@test "smtpd: until the first command, only me and the settings are read" {
	traced "$SMTPD" <<EOF
QUIT
EOF
	expect_replies "220 mx.example.test ESMTP postern" "221 2.0.0 mx.example.test Bye"
	opened_controls | grep -qx me
	no_lookup_files
	! grep -qE '^[0-9]+ +(mkdir|mknod|statfs|mkdirat|mknodat|fstatfs)\(' "$TRACE"
	[ ! -e "$SPOOL/queue" ]
}

@test "smtpd: the spool is made at the first MAIL, and not checked again at DATA" {
	traced "$SMTPD" <<EOF
EHLO c.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
DATA
x
.
QUIT
EOF
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	[ "$(grep -cE '^[0-9]+ +mkdir\(' "$TRACE")" -eq 3 ]
	# statfs of queue/ found nothing, the spool was made, statfs again
	[ "$(grep -cE '^[0-9]+ +statfs\(' "$TRACE")" -eq 2 ]
	# a second connection finds it made: nothing created
	traced "$SMTPD" <<EOF
EHLO c.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
DATA
x
.
QUIT
EOF
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	! grep -qE '^[0-9]+ +(mkdir|mknod)\(' "$TRACE"
	[ "$(grep -cE '^[0-9]+ +statfs\(' "$TRACE")" -eq 1 ]
	[ "$(queue_count)" -eq 2 ]
}

@test "smtpd: a one-message connection takes at most 80 system calls (release build)" {
	release_build || skip "sanitizer build: its runtime makes system calls of its own"
	raw_dialog "EHLO c.test\r\nQUIT\r\n"            # creates nothing; warms nothing
	traced "$SMTPD" <<EOF
EHLO c.test
MAIL FROM:<a@remote.test>
RCPT TO:<bob@example.test>
DATA
Subject: s

body
.
QUIT
EOF
	reply 6 | grep -q '^250 2.0.0 Ok: queued as '
	calls=$(grep -cvE '^[0-9]+ +\+\+\+|exited with' "$TRACE")
	echo "system calls: $calls" >&2
	[ "$calls" -le 80 ]
	# durable before 250: the file and queue/ are fsynced
	[ "$(grep -cE '^[0-9]+ +fsync\(' "$TRACE")" -eq 2 ]
}

@test "pop3d: until the first command, only me and the settings are read" {
	control plaintextauth 1
	traced "$TOP/pop3d/pop3d" <<EOF
QUIT
EOF
	[ "$(head -n 1 "$OUT")" = "+OK mx.example.test POP3 server ready" ]
	opened_controls | grep -qx me
	no_lookup_files
}

@test "pop3d: CAPA looks up no user or mailroot" {
	control plaintextauth 1
	traced "$TOP/pop3d/pop3d" <<EOF
CAPA
QUIT
EOF
	grep -qx 'USER' "$OUT"
	no_lookup_files
}
