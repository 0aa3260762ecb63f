# t/pop3d-helpers.bash - shared by the t/pop3d*.bats files.
#
# pop3d_setup      user joe@example.test (password "secret"), plaintext
#                  allowed, his Maildir $MB; $POP3D, $LOG
# pop TEXT         printf TEXT into pop3d (pop_args=(...) adds options);
#                  run-style: $status, $output and $lines with CRs removed
# deliver NAME CONTENT   printf CONTENT into $MB/new/NAME
# snap             a listing of the Maildir (names and sizes)
# plain USER PASS [AUTHZID]   the base64 of a SASL PLAIN response
# wait_for_line FILE TEXT     wait (at most 5 s) for a CRLF line in FILE

pop3d_setup() {
	POP3D="$TOP/pop3d/pop3d"
	LOG="$BATS_TEST_TMPDIR/pop3d.log"
	MB="$MAILROOT/example.test/joe"
	add_user joe@example.test secret
	add_user ann@example.test annpass
	control plaintextauth 1
	mkdir -p "$MB/cur" "$MB/new" "$MB/tmp"
	pop_args=()
}

pop_raw() {
	set -o pipefail
	printf "$1" | "$POP3D" "${pop_args[@]}" 2>>"$LOG" | tr -d '\r'
}

pop() {
	run --keep-empty-lines pop_raw "$1"
	# --keep-empty-lines leaves an empty element after the last LF
	if [ "${#lines[@]}" -gt 0 ] && [ -z "${lines[-1]}" ]; then
		unset 'lines[-1]'
	fi
}

deliver() {
	printf "$2" > "$MB/new/$1"
}

snap() {
	(cd "$MB" && find . -printf '%p %s\n' | sort)
}

plain() {
	printf '%s\0%s\0%s' "${3:-}" "$1" "$2" | base64 -w0
}

wait_for_line() {
	local file=$1 text=$2 i
	for i in $(seq 1 100); do
		grep -qxF "$text"$'\r' "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no line '$text' in $file" >&2
	cat "$file" >&2
	return 1
}
