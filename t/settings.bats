#!/usr/bin/env bats
# Every numeric control file, broken, in every program that reads it: the
# same rule everywhere (lib/settings.h, postern-control(5)): a log line
# "event=config-error file=NAME", the protocol's temporary error, nothing
# served and nothing written.
load helpers

setup() {
	instance_setup
	LOG="$BATS_TEST_TMPDIR/log"
	echo 'Subject: x' > "$BATS_TEST_TMPDIR/msg"
}

# The control files each program reads (lib/settings.c's "readers").
SMTPD_FILES="timeout maxsize maxrcpt plaintextauth"
POP3D_FILES="pop3timeout plaintextauth"
IMAPD_FILES="imaptimeout idletimeout maxsize plaintextauth"
RUNNER_FILES="concurrency domainconcurrency retrymin retrymax queuelifetime relaytimeout"

# broken FILE VALUE PROGRAM...: with FILE holding VALUE run the program;
# $out is its output with CRs removed, $code its exit code.
broken() {
	local file=$1 value=$2; shift 2
	rm -f "$CONF"/*timeout "$CONF"/max* "$CONF"/plaintextauth "$CONF"/retry* \
		"$CONF"/*concurrency "$CONF"/queuelifetime
	control "$file" "$value"
	: > "$LOG"
	code=0
	printf 'QUIT\r\n' | "$@" >"$LOG.out" 2>"$LOG" || code=$?
	out=$(tr -d '\r' <"$LOG.out")
	grep -q "event=config-error file=$file reason=" "$LOG" ||
		{ echo "no log line for $file: $(cat "$LOG")"; return 1; }
}

@test "smtpd: each broken setting gives 421 4.3.0 at the greeting, exit 111" {
	for f in $SMTPD_FILES; do
		for v in bogus -1 99999999999; do
			broken "$f" "$v" "$TOP/smtpd/smtpd"
			[ "$out" = "421 4.3.0 mx.example.test Configuration error, try again later" ]
			[ "$code" -eq 111 ]
		done
	done
	[ -z "$(ls -A "$SPOOL")" ]
}

@test "pop3d: each broken setting gives -ERR [SYS/TEMP] at the greeting, exit 111" {
	for f in $POP3D_FILES; do
		for v in bogus -1 99999999999; do
			broken "$f" "$v" "$TOP/pop3d/pop3d"
			[ "$out" = "-ERR [SYS/TEMP] Configuration error, try again later" ]
			[ "$code" -eq 111 ]
		done
	done
}

@test "imapd: each broken setting gives * BYE [UNAVAILABLE] at the greeting, exit 111" {
	for f in $IMAPD_FILES; do
		for v in bogus -1 99999999999; do
			broken "$f" "$v" "$TOP/imapd/imapd"
			[ "$out" = "* BYE [UNAVAILABLE] Configuration error, try again later" ]
			[ "$code" -eq 111 ]
		done
	done
}

@test "sendmail: a broken maxsize exits 75, nothing queued" {
	for v in bogus 0 99999999999; do
		broken maxsize "$v" "$TOP/queue/sendmail" bob@example.test
		[ "$code" -eq 75 ]
		grep -q 'configuration error' "$LOG"
	done
	[ -z "$(ls -A "$SPOOL/queue" 2>/dev/null)" ]
}

@test "runner: each broken setting: exit 111, nothing delivered" {
	for f in $RUNNER_FILES; do
		broken "$f" bogus "$TOP/queue/runner" -1
		[ "$code" -eq 111 ]
		grep -q 'configuration error, not delivering' "$LOG"
	done
}

@test "good values: every program serves" {
	control timeout 60
	control pop3timeout 60
	control imaptimeout 60
	control maxsize 1000
	run bash -c "printf 'QUIT\r\n' | '$TOP/smtpd/smtpd' 2>/dev/null | head -1"
	[[ "$output" == "220 "* ]]
	run bash -c "printf 'QUIT\r\n' | '$TOP/pop3d/pop3d' 2>/dev/null | head -1"
	[[ "$output" == "+OK "* ]]
	run bash -c "printf 'a LOGOUT\r\n' | '$TOP/imapd/imapd' 2>/dev/null | head -1"
	[[ "$output" == "* OK "* ]]
}
