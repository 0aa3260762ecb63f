# t/tls-helpers.bash - TLS through tlswrapper for the bats tests. Load
# after helpers:
#     load helpers
#     load tls-helpers
#
# tls_cert         a self-signed ECDSA certificate for localhost and
#                  127.0.0.1, made once per bats file: $TLS_PEM (key and
#                  certificate, what tlswrapper -f reads), $TLS_CA (the
#                  certificate alone, for clients to trust)
# tls_start MODE CMD...   serve CMD on $PORT under tcpserver and tlswrapper:
#                  MODE starttls (tlswrapper -n: the control pipe on fd 5)
#                  or implicit (TLS from the first byte)
# tls_client ARGS...      t/tls_client.py

tls_cert() {
	local dir="$BATS_FILE_TMPDIR/tls"
	TLS_PEM="$dir/server.pem"
	TLS_CA="$dir/cert.pem"
	if [ ! -s "$TLS_PEM" ]; then
		mkdir -p "$dir"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
			-nodes -keyout "$dir/key.pem" -out "$TLS_CA" -days 2 \
			-subj /CN=localhost \
			-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
			2>/dev/null || return 1
		cat "$dir/key.pem" "$TLS_CA" > "$TLS_PEM"
	fi
	export TLS_PEM TLS_CA
}

tls_start() {
	local mode=$1; shift
	tls_cert || return 1
	# tlswrapper -n refuses to start when fd 5 is taken, and its first
	# open(2) takes it while bats holds fds 3 and 4: the launcher gets
	# none of them, as under inetd, systemd or a supervisor.
	case $mode in
	starttls) { server_start tcpserver tlswrapper -n -f "$TLS_PEM" "$@"; } 3>&- 4>&- 5>&- ;;
	implicit) { server_start tcpserver tlswrapper -f "$TLS_PEM" "$@"; } 3>&- 4>&- 5>&- ;;
	*) echo "tls_start: unknown mode $mode" >&2; return 1 ;;
	esac
}

tls_client() {
	python3 "$TOP/t/tls_client.py" "$@"
}

# control_pipe BYTES CMD...: the exact bytes (printf %b) into CMD with fd 5
# the write end of a pipe, as "tlswrapper -n" gives it. CMD's output (CRs
# removed) goes to $OUT, what it wrote into the pipe to $CTL, its log to
# $SLOG.
control_pipe() {
	local bytes=$1 fifo="$BATS_TEST_TMPDIR/control.fifo" reader
	shift
	OUT="$BATS_TEST_TMPDIR/out" CTL="$BATS_TEST_TMPDIR/control"
	SLOG="$BATS_TEST_TMPDIR/server.log"
	rm -f "$fifo" && mkfifo "$fifo" || return 1
	tr -d '\r' < "$fifo" > "$CTL" &
	reader=$!
	printf '%b' "$bytes" | "$@" 2>>"$SLOG" 5>"$fifo" | tr -d '\r' > "$OUT"
	wait "$reader"
}

# expect_file FILE LINE...: FILE holds exactly these lines.
expect_file() {
	local file=$1 expected got
	shift
	expected=$(printf '%s\n' "$@")
	got=$(cat "$file")
	if [ "$got" != "$expected" ]; then
		echo "expected in $file:" >&2; echo "$expected" >&2
		echo "got:" >&2; echo "$got" >&2
		return 1
	fi
}
