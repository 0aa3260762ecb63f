# t/crash-lib.bash - the bounded crash test of issue 16: messages local
# and relayed (to t/fake-smtp.py), SIGKILLs of the runner and of its
# delivery children at random moments, then every copy counted.
# Load after helpers and queue-lib.

# crash_inject FROM TO: messages crash-FROM..TO committed straight into
# queue/ as postern-spool(5) describes, with shell builtins and one mv
# (a sendmail per message would take most of the time budget on a loaded
# machine), then a byte on the trigger FIFO. i%3 = 0 local, 1 remote,
# 2 both. The deliveries expected, "L crash-i" / "R crash-i" a line, are
# appended to $BATS_TEST_TMPDIR/expected.
crash_inject() {
	local i id r files=() rcpts now=$EPOCHSECONDS fd
	for ((i = $1; i <= $2; i++)); do
		case $((i % 3)) in
		0) rcpts=(bob@example.test) ;;
		1) rcpts=("u$i@remote.test") ;;
		2) rcpts=(carol@example.test "u$i@remote.test") ;;
		esac
		for r in "${rcpts[@]}"; do
			[ "${r#*@}" = remote.test ] && echo "R crash-$i" || echo "L crash-$i"
		done >> "$BATS_TEST_TMPDIR/expected"
		printf -v id '%010d%06d.%d.%d' "$now" "$i" $$ "$i"
		{
			printf 'arrival %s\nsender alice@example.test\n' "$now"
			printf 'recipient %s\n' "${rcpts[@]}"
			printf 'client local\nhelo localhost\n\n'
			msg "crash-$i"
		} > "$SPOOL/tmp/$id"
		files+=("$SPOOL/tmp/$id")
	done
	mv -t "$SPOOL/queue" "${files[@]}"
	exec {fd}<>"$SPOOL/trigger"
	printf x >&"$fd"
	exec {fd}>&-
}

crash_runner_start() {
	"$RUNNER" 2>>"$RUNNER_LOG" &
	CRASH_RUNNER=$!
}

# crash_kill_one K: the K-th kill, odd K the runner (restarted at once),
# even K one of its delivery children if it has any. Counts real kills
# in CRASH_RUNNER_KILLS and CRASH_CHILD_KILLS.
crash_kill_one() {
	if [ $(($1 % 2)) -eq 1 ]; then
		kill -KILL "$CRASH_RUNNER" 2>/dev/null &&
			CRASH_RUNNER_KILLS=$((CRASH_RUNNER_KILLS + 1))
		wait "$CRASH_RUNNER" 2>/dev/null || true
		crash_runner_start
		return
	fi
	local kids child
	kids=($(ps -o pid= --ppid "$CRASH_RUNNER" 2>/dev/null || true))
	[ ${#kids[@]} -gt 0 ] || return 0
	child=${kids[RANDOM % ${#kids[@]}]}
	kill -KILL "$child" 2>/dev/null && CRASH_CHILD_KILLS=$((CRASH_CHILD_KILLS + 1))
	return 0
}

# crash_copies: "L crash-i" / "R crash-i" for every copy delivered.
crash_copies() {
	grep -h '^Subject: crash-' "$MAILROOT"/example.test/{bob,carol}/new/* 2>/dev/null |
		sed 's/^Subject: /L /'
	grep -h '^Subject: crash-' "$BATS_TEST_TMPDIR"/fake/msg-* 2>/dev/null |
		tr -d '\r' | sed 's/^Subject: /R /'
}

# crash_window: CRASH_WINDOW, how many duplicates the one window
# postern-spool(5) leaves explains: a relayed copy sent again after the
# delivery child that sent it was SIGKILLed (the runner logs "status 9")
# before it could record the server's reply to the final dot.
crash_window() {
	local what id
	CRASH_WINDOW=0
	while read -r what id; do
		[ "$what" = R ] && grep -q "rcpt=u${id#crash-}@remote.test result=deferred.*status 9)" \
			"$RUNNER_LOG" && CRASH_WINDOW=$((CRASH_WINDOW + 1))
	done < <(uniq -d "$BATS_TEST_TMPDIR/copies")
	return 0
}

# crash_run MESSAGES KILLS SEED: prints "kills=K runner_kills=.. child_kills=..
# accepted=A deliveries=D lost=L duplicated=X in_window=W" and sets
# CRASH_LOST, CRASH_DUPLICATED, CRASH_WINDOW and CRASH_KILLS.
crash_run() {
	local n=$1 kills=$2 k
	RANDOM=$3
	CRASH_RUNNER_KILLS=0 CRASH_CHILD_KILLS=0
	control concurrency 4
	# the server takes 20 ms to answer MAIL, as a real one over a
	# network would (its reply to the final dot comes at once)
	fake_start fake --conn sleep=0.02@mail
	control routes "remote.test 127.0.0.1:$FAKE_PORT"
	SECONDS=0
	: > "$BATS_TEST_TMPDIR/expected"
	mkdir -p "$SPOOL/tmp" "$SPOOL/queue"
	[ -p "$SPOOL/trigger" ] || mkfifo -m 600 "$SPOOL/trigger"
	crash_runner_start
	# a batch of new messages before each kill: there is always work
	for k in $(seq 1 "$kills"); do
		crash_inject $(((k - 1) * n / kills + 1)) $((k * n / kills))
		sleep "0.$((RANDOM % 15 + 5))"
		crash_kill_one "$k"
	done
	local left
	for k in $(seq 1 300); do       # drain: at most 30 s
		left=("$SPOOL"/queue/*)
		[ -e "${left[0]}" ] || break
		sleep 0.1
	done
	echo "drained after $SECONDS s"
	kill -TERM "$CRASH_RUNNER"
	wait "$CRASH_RUNNER" 2>/dev/null || true
	crash_copies | sort > "$BATS_TEST_TMPDIR/copies"
	sort "$BATS_TEST_TMPDIR/expected" > "$BATS_TEST_TMPDIR/expected.sorted"
	CRASH_LOST=$(comm -23 "$BATS_TEST_TMPDIR/expected.sorted" \
		<(sort -u "$BATS_TEST_TMPDIR/copies") | wc -l)
	CRASH_DUPLICATED=$(( $(wc -l < "$BATS_TEST_TMPDIR/copies") -
			     $(sort -u "$BATS_TEST_TMPDIR/copies" | wc -l) ))
	CRASH_KILLS=$((CRASH_RUNNER_KILLS + CRASH_CHILD_KILLS))
	crash_window
	echo "kills=$CRASH_KILLS runner_kills=$CRASH_RUNNER_KILLS" \
	     "child_kills=$CRASH_CHILD_KILLS accepted=$n" \
	     "deliveries=$(wc -l < "$BATS_TEST_TMPDIR/expected")" \
	     "lost=$CRASH_LOST duplicated=$CRASH_DUPLICATED" \
	     "in_window=$CRASH_WINDOW queue_left=$(queue_count)" \
	     "seconds=$SECONDS"
	[ -z "${CRASH_KEEP:-}" ] || cp -r "$BATS_TEST_TMPDIR" "$CRASH_KEEP"
}
