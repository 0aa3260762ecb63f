#!/usr/bin/env bats
# Password guessing across connections (issue 16): the shared record of
# failures in spool/authfail and the delay it earns (lib/penalty.h,
# postern-control(5) "Password guessing"), in imapd, pop3d, smtpd and
# httpd.
load helpers
load smtpd-helpers

setup() {
	smtpd_setup
	IMAPD="$TOP/imapd/imapd"
	POP3D="$TOP/pop3d/pop3d"
	control plaintextauth 1
}
teardown() { smtpd_teardown; }

# auth_smtp IP PASSWORD: one submission session from IP (a pipe, so the
# address comes from $TCPREMOTEIP) that tries AUTH PLAIN once; sets
# ELAPSED_MS and leaves the replies in $OUT.
auth_smtp() {
	local start=${EPOCHREALTIME/./} plain
	plain=$(printf '\0bob@example.test\0%s' "$2" | base64 -w0)
	printf 'EHLO client.example.test\nAUTH PLAIN %s\nQUIT\n' "$plain" |
		TCPREMOTEIP=$1 dialog -s
	ELAPSED_MS=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
}

@test "penalty: failures across connections are counted per address and per account" {
	auth_smtp 192.0.2.9 wrong1
	expect_reply 3 "535 5.7.8 Authentication credentials invalid"
	auth_smtp 192.0.2.9 wrong2
	expect_reply 3 "535 5.7.8 Authentication credentials invalid"
	grep -q "smtpd\[[0-9]*\]: event=auth-failure client=192.0.2.9 user=bob@example.test failures=2 account-failures=2" "$SMTPD_LOG"
	grep -q "^ip 192.0.2.9 .* 2 " "$SPOOL/authfail"
	grep -q "^user bob@example.test .* 2 " "$SPOOL/authfail"
}

@test "penalty: the address that failed waits before its check, right or wrong; a clean address does not" {
	auth_smtp 192.0.2.9 wrong1
	auth_smtp 192.0.2.9 wrong2
	auth_smtp 192.0.2.9 wrong3          # waits 2 s first
	auth_smtp 192.0.2.10 secret         # the real user elsewhere: at once
	expect_reply 3 "235 2.7.0 Authentication successful"
	[ "$ELAPSED_MS" -lt 3000 ]
	auth_smtp 192.0.2.9 secret          # 3 failures: 4 s before the check
	expect_reply 3 "235 2.7.0 Authentication successful"
	[ "$ELAPSED_MS" -ge 4000 ]
}

@test "penalty: an IPv6 guesser is counted by its /64" {
	auth_smtp 2001:db8:1:2::7 wrong1
	auth_smtp 2001:db8:1:2::8 wrong2
	grep -q "^ip 2001:db8:1:2:: .* 2 " "$SPOOL/authfail"
}

@test "penalty: pop3d counts its failures in the same record" {
	printf 'USER bob@example.test\r\nPASS wrong\r\nQUIT\r\n' |
		TCPREMOTEIP=192.0.2.9 "$POP3D" > "$OUT" 2>>"$SMTPD_LOG"
	grep -q "^-ERR \[AUTH\] authentication failed" "$OUT"
	grep -q "pop3d\[[0-9]*\]: event=auth-failure client=192.0.2.9 user=bob@example.test failures=1" "$SMTPD_LOG"
}

@test "penalty: httpd counts its failures in the same record" {
	local bad
	bad=$(printf 'bob@example.test:wrong' | base64 -w0)
	printf 'GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n' "$bad" |
		TCPREMOTEIP=192.0.2.9 "$TOP/httpd/httpd" > "$OUT" 2>>"$SMTPD_LOG"
	grep -q "^HTTP/1.1 401" "$OUT"
	grep -q "httpd\[[0-9]*\]: event=auth-failure client=192.0.2.9 user=bob@example.test failures=1" "$SMTPD_LOG"
}

@test "penalty: 30 connections guessing for 10 s are slowed to the documented rate; the real user gets in" {
	server_start tcpserver "$IMAPD"
	local guesses start
	guesses=$(python3 "$TOP/t/guess.py" "$PORT" 10 30 bob@example.test 127.0.0.1)
	echo "# 30 connections, 10 s: $guesses guesses answered" >&3
	# postern-control(5): C connections from one address get at most C
	# answers at once, then one each per AUTH_PENALTY_MAX (15) seconds
	[ "$guesses" -ge 1 ]
	[ "$guesses" -le 60 ]
	local took
	took=$(python3 - "$PORT" <<'PY'
import socket, sys, time
start = time.monotonic()
s = socket.socket()
s.bind(("127.0.0.2", 0))
s.connect(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
f.readline()
s.sendall(b"a LOGIN bob@example.test secret\r\n")
line = f.readline()
assert line.startswith(b"a OK"), line
print(round(time.monotonic() - start, 1))
PY
)
	echo "# the real user from 127.0.0.2 logged in after $took s" >&3
	[ "${took%.*}" -lt 3 ]
	grep -q "imapd\[[0-9]*\]: event=auth-failure client=127.0.0.1 user=bob@example.test" "$BATS_TEST_TMPDIR/server.log"
}

@test "penalty: the fail2ban filter matches the failure lines of every server" {
	local filter="$TOP/etc/fail2ban/filter.d/postern.conf" re line
	re=$(sed -n 's/^failregex *= *//p' "$filter" | sed 's/<HOST>/[0-9a-fA-F.:]+/')
	[ -n "$re" ]
	for line in "smtpd[12]: event=auth-failure client=192.0.2.9 user=bob@example.test failures=1 account-failures=1" \
		    "postern-imapd[7]: event=auth-failure client=2001:db8::1 user=\"a b\" failures=3 account-failures=9" \
		    "Dec  3 10:00:00 mail pop3d[99]: event=auth-failure client=192.0.2.1 user=x failures=1 account-failures=1"; do
		echo "$line" | grep -Eq "$re"
	done
	! echo "smtpd[12]: event=auth result=ok client=192.0.2.9 user=bob" | grep -Eq "$re"
}
