# t/smtpd-helpers.bash - driving smtpd through pipes. Load after helpers:
#     load helpers
#     load smtpd-helpers
#
# dialog [ARGS...] <<EOF     send stdin's lines to smtpd ARGS as CRLF lines;
#                            the replies (CRs removed) go to $OUT, smtpd's exit
#                            status to $DIALOG_STATUS, its log to $SMTPD_LOG
# raw_dialog FORMAT [ARGS...] the same with printf FORMAT as the exact bytes
# reply N                    the Nth reply (the greeting is 1): the last line
#                            of a multi-line reply
# expect_reply N TEXT        the Nth reply is exactly TEXT
# expect_replies TEXT...     the replies are exactly these, in order
# no_trace                   nothing in the spool's queue/ or tmp/

SMTPD="$TOP/smtpd/smtpd"

smtpd_setup() {
	instance_setup
	OUT="$BATS_TEST_TMPDIR/replies"
	SMTPD_LOG="$BATS_TEST_TMPDIR/smtpd.log"
	add_user bob@example.test secret
	add_user carol@example.test s3cret
	control aliases "info@example.test: bob@example.test"
}

smtpd_teardown() {
	server_stop_all
	no_sanitizer_reports "$SMTPD_LOG" "$BATS_TEST_TMPDIR/server.log"
}

dialog() {
	sed 's/$/\r/' | "$SMTPD" "$@" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	DIALOG_STATUS=${PIPESTATUS[1]}
}

raw_dialog() {
	local format=$1; shift
	# shellcheck disable=SC2059
	printf "$format" | "$SMTPD" "$@" 2>>"$SMTPD_LOG" | tr -d '\r' > "$OUT"
	DIALOG_STATUS=${PIPESTATUS[1]}
}

replies() {
	grep -E '^[0-9]{3}( |$)' "$OUT"
}

reply() {
	replies | sed -n "${1}p"
}

expect_reply() {
	local got
	got=$(reply "$1")
	if [ "$got" != "$2" ]; then
		echo "reply $1: expected '$2', got '$got'; the dialog was:" >&2
		cat "$OUT" >&2
		return 1
	fi
}

expect_replies() {
	local expected got
	expected=$(printf '%s\n' "$@")
	got=$(replies)
	if [ "$got" != "$expected" ]; then
		echo "expected replies:" >&2; echo "$expected" >&2
		echo "got:" >&2; cat "$OUT" >&2
		return 1
	fi
}

no_trace() {
	local q t
	q=$(queue_count) t=$(tmp_count)
	if [ "$q" -ne 0 ] || [ "$t" -ne 0 ]; then
		echo "spool not empty: queue=$q tmp=$t" >&2
		ls -lR "$SPOOL" >&2
		return 1
	fi
}

# The one queued message file.
queued_file() {
	find "$SPOOL/queue" -type f | head -n 1
}

# The message part of the one queued file (after the envelope's blank line).
queued_message() {
	sed '1,/^$/d' "$(queued_file)"
}

# The envelope part of the one queued file.
queued_envelope() {
	sed '/^$/q' "$(queued_file)"
}

b64() {
	printf '%b' "$1" | base64 -w0
}
