# t/queue-lib.bash - helpers for the queue tests (runner, sendmail,
# postern-queue). Load after helpers: `load helpers; load queue-lib`.

RUNNER="$TOP/queue/runner"
SENDMAIL="$TOP/queue/sendmail"
PQUEUE="$TOP/queue/postern-queue"
FAKE_PIDS=()
RUNNER_LOG="$BATS_TEST_TMPDIR/runner.log"

# fake_start NAME [--listen H:P] [--conn SPEC]...: a scripted SMTP server
# whose files go to $BATS_TEST_TMPDIR/NAME; sets FAKE_PORT.
fake_start() {
	local name=$1; shift
	local dir="$BATS_TEST_TMPDIR/$name" i
	mkdir -p "$dir"
	python3 "$TOP/t/fake-smtp.py" --dir "$dir" "$@" 2>>"$dir/stderr" &
	FAKE_PIDS+=($!)
	for i in $(seq 1 100); do
		[ -s "$dir/port" ] && break
		sleep 0.05
	done
	FAKE_PORT=$(cat "$dir/port")
}

fake_stop_all() {
	local pid
	for pid in "${FAKE_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	FAKE_PIDS=()
}

# run_runner ARGS: the runner, its log appended to $RUNNER_LOG.
run_runner() {
	"$RUNNER" "$@" 2>>"$RUNNER_LOG"
}

# inject SENDER RCPT... < message: through sendmail.
inject() {
	local sender=$1; shift
	"$SENDMAIL" -f "$sender" -- "$@" 2>>"$BATS_TEST_TMPDIR/sendmail.log"
}

msg() {
	printf 'From: <a@example.test>\nSubject: %s\n\nline one\n.leading dot\nlast\n' "${1:-test}"
}

# maildir_count ADDRESS: messages in new/ of that mailbox.
maildir_count() {
	local local=${1%@*} domain=${1#*@}
	find "$MAILROOT/$domain/$local/new" -type f 2>/dev/null | wc -l
}

maildir_cat() {
	local local=${1%@*} domain=${1#*@}
	cat "$MAILROOT/$domain/$local/new/"*
}

state_count() {
	find "$SPOOL/state" -type f 2>/dev/null | wc -l
}

queue_setup() {
	instance_setup
	add_user alice@example.test secret
	add_user bob@example.test secret
	add_user carol@example.test secret
	control retrymin 0
	control retrymax 0
}

queue_teardown() {
	fake_stop_all
	server_stop_all
	no_sanitizer_reports "$RUNNER_LOG" "$BATS_TEST_TMPDIR/sendmail.log"
}
