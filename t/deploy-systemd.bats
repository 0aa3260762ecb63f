#!/usr/bin/env bats
# The installed systemd units (etc/systemd): they verify, and each
# service's command serves for real under systemd-socket-activate --accept
# --inetd (what the .socket with Accept=yes and StandardInput=socket do),
# as the unit's unprivileged user.

load helpers
load deploy_helpers

CLIENT="$BATS_TEST_DIRNAME/deploy_client.py"

setup_file() { deploy_setup_file; }
teardown_file() { deploy_teardown_file; }
setup() { deploy_instance; }
teardown() {
	server_stop_all
	no_sanitizer_reports "$LOGDIR"/*
}

# unit_value FILE KEY: the value of KEY= in a unit file (the last one).
unit_value() {
	sed -n "s/^$2=//p" "$1" | tail -n 1
}

# activate NAME: serve postern-NAME@.service's ExecStart per connection as
# systemd would for postern-NAME.socket, on a free port instead of the
# unit's, with the test user instead of postern in its setpriv and the
# instance's certificate. Like the unit, it starts as root (for tlswrapper).
activate() {
	local svc="$SHARE/systemd/postern-$1@.service" cmd
	[ -z "$(unit_value "$svc" User)" ]
	[ "$(unit_value "$svc" StandardInput)" = socket ]
	[ "$(unit_value "$SHARE/systemd/postern-$1.socket" Accept)" = yes ]
	read -r -a cmd <<< "$(unit_value "$svc" ExecStart |
		sed -e "s/=postern /=$DEPLOY_USER /g" -e "s|/etc/postern/tls/|$CONF/tls/|")"
	PORT=$(free_port)
	bg "$LOGDIR/$1" systemd-socket-activate --accept --inetd -l "127.0.0.1:$PORT" \
		-E POSTERN_CONF="$CONF" -E ASAN_OPTIONS -E UBSAN_OPTIONS "${cmd[@]}"
	wait_listening "$PORT"
}

@test "systemd: sockets on 25, 587, 110, 143, 465, 993, 995; services name the installed programs" {
	local tls="/usr/bin/tlswrapper -n -f /etc/postern/tls/server.pem"
	local implicit="/usr/bin/tlswrapper -f /etc/postern/tls/server.pem"
	local as="/usr/bin/setpriv --reuid=postern --regid=postern --init-groups"
	[ "$(unit_value "$SHARE/systemd/postern-smtp.socket" ListenStream)" = 25 ]
	[ "$(unit_value "$SHARE/systemd/postern-submission.socket" ListenStream)" = 587 ]
	[ "$(unit_value "$SHARE/systemd/postern-pop3.socket" ListenStream)" = 110 ]
	[ "$(unit_value "$SHARE/systemd/postern-imap.socket" ListenStream)" = 143 ]
	[ "$(unit_value "$SHARE/systemd/postern-submissions.socket" ListenStream)" = 465 ]
	[ "$(unit_value "$SHARE/systemd/postern-imaps.socket" ListenStream)" = 993 ]
	[ "$(unit_value "$SHARE/systemd/postern-pop3s.socket" ListenStream)" = 995 ]
	[ "$(unit_value "$SHARE/systemd/postern-smtp@.service" ExecStart)" = "$tls $as $SBIN/postern-smtpd" ]
	[ "$(unit_value "$SHARE/systemd/postern-submission@.service" ExecStart)" = "$tls $as $SBIN/postern-smtpd -s" ]
	[ "$(unit_value "$SHARE/systemd/postern-pop3@.service" ExecStart)" = "$tls $as $SBIN/postern-pop3d" ]
	[ "$(unit_value "$SHARE/systemd/postern-imap@.service" ExecStart)" = "$tls $as $SBIN/postern-imapd" ]
	[ "$(unit_value "$SHARE/systemd/postern-submissions@.service" ExecStart)" = "$implicit $as $SBIN/postern-smtpd -s -T" ]
	[ "$(unit_value "$SHARE/systemd/postern-pop3s@.service" ExecStart)" = "$implicit $as $SBIN/postern-pop3d -T" ]
	[ "$(unit_value "$SHARE/systemd/postern-imaps@.service" ExecStart)" = "$implicit $as $SBIN/postern-imapd -T" ]
	[ "$(unit_value "$SHARE/systemd/postern-runner.service" ExecStart)" = "$SBIN/postern-runner" ]
	[ "$(unit_value "$SHARE/systemd/postern-runner.service" User)" = postern ]
	for u in "$SHARE"/systemd/*.service; do
		[ "$(unit_value "$u" NoNewPrivileges)" = yes ]
		[ "$(unit_value "$u" UMask)" = 0077 ]
	done
}

@test "systemd: systemd-analyze verify accepts every unit" {
	command -v systemd-analyze || skip "no systemd-analyze"
	local d="$BATS_TEST_TMPDIR/units"
	mkdir -p "$d"
	# User=postern need not exist here: verify the test user instead
	for u in "$SHARE"/systemd/*; do
		sed "s/^\(User\|Group\)=postern$/\1=$DEPLOY_USER/" "$u" > "$d/$(basename "$u")"
	done
	for p in "$SBIN"/postern-smtpd "$SBIN"/postern-pop3d "$SBIN"/postern-imapd "$SBIN"/postern-runner; do
		[ -x "$p" ] || skip "$(basename "$p") is not built yet"
	done
	run systemd-analyze verify --man=no "$d"/*.socket "$d"/*.service \
		"$d/postern-smtp@1.service" "$d/postern-imap@1.service" \
		"$d/postern-imaps@1.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "systemd: postern-smtp: socket-activated smtpd queues as the mail user" {
	need_program postern-smtpd
	activate smtp
	run python3 "$CLIENT" smtp "$PORT" bob@remote.test alice@example.test
	echo "$output"
	[ "$output" = "$(printf 'ehlo 250\nmail 250\nrcpt 250\ndata 250\nquit 221')" ]
	f=$(find "$SPOOL/queue" -type f)
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	grep -qx 'client 127.0.0.1' "$f"
	run session_uids "$PORT" postern-smtpd
	[ "${lines[0]}" = "220 mx.example.test ESMTP postern" ]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
	grep -q 'event=connect' "$LOGDIR/smtp"      # stderr: the log, not the client
}

@test "systemd: postern-submission: AUTH required, then relays" {
	need_program postern-smtpd
	control plaintextauth 1
	activate submission
	run python3 "$CLIENT" smtp "$PORT" alice@example.test carol@remote.test
	echo "$output"
	[[ ${lines[2]} =~ ^rcpt\ 5[0-9][0-9]$ ]]
	[ "$(queue_count)" -eq 0 ]
	run python3 "$CLIENT" submit "$PORT" alice@example.test secret alice@example.test carol@remote.test
	echo "$output"
	[ "$output" = "$(printf 'ehlo 250\nauth 235\nmail 250\nrcpt 250\ndata 250\nquit 221')" ]
	[ "$(queue_count)" -eq 1 ]
}

@test "systemd: postern-pop3: socket-activated pop3d as the mail user" {
	need_program postern-pop3d
	control plaintextauth 1
	deliver_to_alice
	activate pop3
	run python3 "$CLIENT" pop3 "$PORT" alice@example.test secret
	echo "$output"
	[ "$output" = "$(printf 'greeting +OK\nlogin +OK\nstat 1\nretr Subject: deploy test\nquit +OK')" ]
	run session_uids "$PORT" postern-pop3d
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "systemd: postern-imap: socket-activated imapd as the mail user" {
	need_program postern-imapd
	control plaintextauth 1
	deliver_to_alice
	activate imap
	run python3 "$CLIENT" imap "$PORT" alice@example.test secret
	echo "$output"
	[ "$output" = "$(printf 'greeting OK\nlogin OK\nselect OK 1\nfetch OK Subject: deploy test\nlogout BYE')" ]
	run session_uids "$PORT" postern-imapd
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "systemd: postern-runner.service's command delivers as the mail user" {
	need_program postern-runner
	need_program postern-smtpd
	local svc="$SHARE/systemd/postern-runner.service" cmd
	[ "$(unit_value "$svc" User)" = postern ]
	[ "$(unit_value "$svc" Restart)" = always ]
	printf 'EHLO x\r\nMAIL FROM:<bob@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: runner unit\r\n\r\nhi\r\n.\r\nQUIT\r\n' |
		setpriv --reuid="$DEPLOY_USER" --regid="$DEPLOY_USER" --init-groups \
		"$SBIN/postern-smtpd" >/dev/null 2>&1
	[ "$(queue_count)" -eq 1 ]
	read -r -a cmd <<< "$(unit_value "$svc" ExecStart)"
	bg "$LOGDIR/runner" setpriv --reuid="$DEPLOY_USER" --regid="$DEPLOY_USER" --init-groups "${cmd[@]}"
	for i in $(seq 1 100); do
		[ "$(queue_count)" -eq 0 ] && [ -n "$(ls "$MAILROOT/example.test/alice/new" 2>/dev/null)" ] && break
		sleep 0.1
	done
	cat "$LOGDIR/runner"
	f=$(find "$MAILROOT/example.test/alice/new" -type f)
	grep -q '^Subject: runner unit' "$f"
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	[ "$(ps -o uid= -p "${SERVER_PIDS[0]}" | tr -d ' ')" = "$DEPLOY_UID" ]
}

@test "systemd: STARTTLS on postern-submission and implicit TLS on postern-pop3s, as the mail user" {
	need_program postern-smtpd
	need_program postern-pop3d
	deliver_to_alice
	activate submission
	run swaks --server "127.0.0.1:$PORT" --tls --auth PLAIN \
		--auth-user alice@example.test --auth-password secret \
		--from alice@example.test --to alice@example.test --silent 2
	[ "$status" -eq 0 ]
	grep -q 'with ESMTPSA id' "$(find "$SPOOL/queue" -type f)"
	activate pop3s
	run curl -sS -k -u alice@example.test:secret "pop3s://127.0.0.1:$PORT/1"
	[ "$status" -eq 0 ]
	grep -q 'Subject: deploy test' <<<"$output"
	run session_uids "$PORT" postern-pop3d tls
	[[ ${lines[0]} == "+OK"* ]]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}
