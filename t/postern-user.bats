#!/usr/bin/env bats
# postern-user: the users file without openssl; make run uses it.
load helpers

setup() { instance_setup; }
teardown() {
	[ -z "${RUN_PID:-}" ] || { kill -TERM "$RUN_PID"; wait "$RUN_PID" || true; }
	server_stop_all
}

PU="$TOP/admin/postern-user"

@test "postern-user: add, list, passwd, del; smtpd checks the hash" {
	echo '# users' > "$CONF/users"
	echo 'keep@example.test:$6$x$y' >> "$CONF/users"
	chmod 640 "$CONF/users"
	printf 's3cret\n' | "$PU" add Alice@example.test
	run "$PU" list
	[ "$output" = $'keep@example.test\nAlice@example.test' ]
	grep -q '^Alice@example.test:\$6\$[a-zA-Z0-9./]\{16\}\$' "$CONF/users"
	[ "$(stat -c %a "$CONF/users")" = 640 ]
	head -n 1 "$CONF/users" | grep -qx '# users'
	auth=$(printf '\0alice@example.test\0s3cret' | base64 -w0)
	printf 'EHLO c\r\nAUTH PLAIN %s\r\nQUIT\r\n' "$auth" | "$TOP/smtpd/smtpd" -s -T 2>/dev/null |
		grep -q '^235 2.7.0'
	printf 'n3w\n' | "$PU" passwd alice@example.test
	[ "$(grep -ci '^alice@' "$CONF/users")" -eq 1 ]
	printf 'EHLO c\r\nAUTH PLAIN %s\r\nQUIT\r\n' "$auth" | "$TOP/smtpd/smtpd" -s -T 2>/dev/null |
		grep -q '^535 5.7.8'
	"$PU" del ALICE@example.test
	run "$PU" list
	[ "$output" = keep@example.test ]
}

@test "postern-user: refusals exit 100 and change nothing; usage 64" {
	printf 'pw\n' | "$PU" add bob@example.test
	cp "$CONF/users" "$BATS_TEST_TMPDIR/before"
	run sh -c "printf 'pw\n' | '$PU' add bob@example.test"
	[ "$status" -eq 100 ] && [[ "$output" == *"bob@example.test is a user already"* ]]
	run sh -c "printf 'pw\n' | '$PU' passwd nobody@example.test"
	[ "$status" -eq 100 ]
	run "$PU" del nobody@example.test
	[ "$status" -eq 100 ]
	for bad in 'no-at-sign' 'a:b@example.test' 'a b@example.test' '<x@y.test>'; do
		run sh -c "printf 'pw\n' | '$PU' add '$bad'"
		[ "$status" -eq 100 ]
	done
	run sh -c "printf '\n' | '$PU' add empty@example.test"
	[ "$status" -eq 100 ] && [[ "$output" == *"empty password"* ]]
	run sh -c "'$PU' add nopw@example.test < /dev/null"
	[ "$status" -eq 100 ]
	cmp "$BATS_TEST_TMPDIR/before" "$CONF/users"
	run "$PU" frob
	[ "$status" -eq 64 ]
	run "$PU" add
	[ "$status" -eq 64 ]
}

@test "postern-user: the hash is what openssl passwd -6 checks too" {
	printf 'pässwörd\n' | "$PU" add carol@example.test
	hash=$(sed -n 's/^carol@example.test://p' "$CONF/users")
	salt=$(echo "$hash" | cut -d'$' -f3)
	[ "$(openssl passwd -6 -salt "$salt" 'pässwörd')" = "$hash" ]
}

@test "make run: the demo user by postern-user, run/log holds postern's lines only" {
	dir="$BATS_TEST_TMPDIR/run"
	offset=$(free_offset 2525 2587 2110 2143 2465 2993 2995 2443 2080)
	RUN=$dir RUN_PORT_OFFSET=$offset "$TOP/scripts/run-local" > "$BATS_TEST_TMPDIR/run.out" 2>&1 &
	RUN_PID=$!
	wait_listening $((2587 + offset))
	wait_listening $((2525 + offset))
	pw=$(cat "$dir/demo-password")
	grep -q '^demo@example.test:\$6\$' "$dir/conf/users"
	swaks --server 127.0.0.1 --port $((2587 + offset)) --tls --auth PLAIN --auth-user demo@example.test \
		--auth-password "$pw" --from demo@example.test --to demo@example.test \
		> "$BATS_TEST_TMPDIR/swaks.out" 2>&1
	grep -q '<~  250 2.0.0 Ok: queued as ' "$BATS_TEST_TMPDIR/swaks.out"
	for i in $(seq 1 50); do grep -q 'event=done' "$dir/log" 2>/dev/null && break; sleep 0.1; done
	grep -q 'smtpd.*event=queued' "$dir/log"
	grep -q 'event=done' "$dir/log"
	# every line is a postern program's
	! grep -v '^[a-z0-9-]*\(\[[0-9]*\]\)\?: ' "$dir/log"
	! grep -qi 'communication attempt\|execing\|accepted connection' "$dir/log"
}
