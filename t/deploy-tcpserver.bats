#!/usr/bin/env bats
# The installed tcpserver run scripts (etc/tcpserver/*/run) serve each
# program for real, as the unprivileged user (tcpserver -u -g), with the
# tcprules file setting RELAYCLIENT for trusted networks.

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

# run_script SERVICE: start the installed SERVICE/run on a free port.
run_script() {
	PORT=$(free_port)
	bg "$LOGDIR/$1" env POSTERN_USER="$DEPLOY_USER" IP=127.0.0.1 PORT="$PORT" \
		RULES="$CONF/tcp.smtp" "$SHARE/tcpserver/$1/run"
	wait_listening "$PORT"
}

@test "tcpserver: the run scripts name the installed programs" {
	grep -q "^	$SBIN/postern-smtpd\$" "$SHARE/tcpserver/postern-smtp/run"
	grep -q "$SBIN/postern-smtpd -s -T\$" "$SHARE/tcpserver/postern-submissions/run"
	grep -q "$SBIN/postern-pop3d -T\$" "$SHARE/tcpserver/postern-pop3s/run"
	grep -q "$SBIN/postern-imapd -T\$" "$SHARE/tcpserver/postern-imaps/run"
	for s in smtp submission pop3 imap; do
		grep -q 'tlswrapper -n -f "$TLS_PEM" \\$' "$SHARE/tcpserver/postern-$s/run"
	done
	grep -q "$SBIN/postern-smtpd -s\$" "$SHARE/tcpserver/postern-submission/run"
	grep -q "$SBIN/postern-pop3d\$" "$SHARE/tcpserver/postern-pop3/run"
	grep -q "$SBIN/postern-imapd\$" "$SHARE/tcpserver/postern-imap/run"
	grep -q "$SBIN/postern-runner\$" "$SHARE/tcpserver/postern-runner/run"
	for f in "$SHARE"/tcpserver/*/run "$SHARE"/tcpserver/*/log/run; do
		[ -x "$f" ]
		sh -n "$f"
	done
}

# listen_backlog PORT: the backlog of the socket listening on PORT (ss
# shows it as Send-Q of a listening socket).
listen_backlog() {
	ss -Hltn "sport = :$1" | awk '{ print $3 }'
}

@test "tcpserver: every server's run script listens with a backlog for 50 clients" {
	local service
	for service in postern-smtp postern-submission postern-pop3 postern-imap; do
		run_script "$service"
		echo "$service: backlog $(listen_backlog "$PORT")"
		[ "$(listen_backlog "$PORT")" -ge 50 ]
		server_stop_all
	done
}

@test "tcpserver: smtp relays for a RELAYCLIENT rule, as the mail user" {
	need_program postern-smtpd
	control relaynets 192.0.2.0/24        # 127.0.0.1 is not in it
	cp "$SHARE/tcpserver/tcp.smtp" "$CONF/tcp.smtp"   # 127.:allow,RELAYCLIENT=""
	run_script postern-smtp
	[ -f "$CONF/tcp.smtp.cdb" ]                      # compiled by run
	run python3 "$CLIENT" smtp "$PORT" bob@example.test carol@remote.test
	echo "$output"
	[ "$output" = "$(printf 'ehlo 250\nmail 250\nrcpt 250\ndata 250\nquit 221')" ]
	[ "$(queue_count)" -eq 1 ]
	f=$(find "$SPOOL/queue" -type f)
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	grep -qx 'recipient carol@remote.test' "$f"
	grep -qx 'client 127.0.0.1' "$f"
	run session_uids "$PORT" postern-smtpd
	[ "${lines[0]}" = "220 mx.example.test ESMTP postern" ]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "tcpserver: smtp without RELAYCLIENT refuses to relay, takes local mail" {
	need_program postern-smtpd
	control relaynets 192.0.2.0/24
	printf '127.:allow\n:allow\n' > "$CONF/tcp.smtp"
	run_script postern-smtp
	run python3 "$CLIENT" smtp "$PORT" bob@example.test carol@remote.test
	echo "$output"
	[[ ${lines[2]} =~ ^rcpt\ 55[0-9]$ ]]
	[ "$(queue_count)" -eq 0 ]
	run python3 "$CLIENT" smtp "$PORT" bob@remote.test alice@example.test
	[ "${lines[3]}" = "data 250" ]
	[ "$(queue_count)" -eq 1 ]
}

@test "tcpserver: a deny rule closes the connection before the server runs" {
	need_program postern-smtpd
	printf '127.0.0.1:deny\n:allow\n' > "$CONF/tcp.smtp"
	run_script postern-smtp
	run python3 -c "import socket;s=socket.create_connection(('127.0.0.1',$PORT),timeout=5);print(repr(s.recv(100)))"
	[ "$output" = "b''" ]
}

@test "tcpserver: submission takes AUTH and relays" {
	need_program postern-smtpd
	control plaintextauth 1               # loopback test without TLS
	run_script postern-submission
	run python3 "$CLIENT" submit "$PORT" alice@example.test secret alice@example.test carol@remote.test
	echo "$output"
	[ "$output" = "$(printf 'ehlo 250\nauth 235\nmail 250\nrcpt 250\ndata 250\nquit 221')" ]
	f=$(find "$SPOOL/queue" -type f)
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
}

@test "tcpserver: pop3 serves the mailbox as the mail user" {
	need_program postern-pop3d
	control plaintextauth 1
	deliver_to_alice
	run_script postern-pop3
	run python3 "$CLIENT" pop3 "$PORT" alice@example.test secret
	echo "$output"
	[ "$output" = "$(printf 'greeting +OK\nlogin +OK\nstat 1\nretr Subject: deploy test\nquit +OK')" ]
	run session_uids "$PORT" postern-pop3d
	[[ ${lines[0]} == "+OK"* ]]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "tcpserver: imap serves the mailbox as the mail user" {
	need_program postern-imapd
	control plaintextauth 1
	deliver_to_alice
	run_script postern-imap
	run python3 "$CLIENT" imap "$PORT" alice@example.test secret
	echo "$output"
	[ "$output" = "$(printf 'greeting OK\nlogin OK\nselect OK 1\nfetch OK Subject: deploy test\nlogout BYE')" ]
	run session_uids "$PORT" postern-imapd
	[[ ${lines[0]} == "* OK"* ]]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
	# what imapd made in the mailbox is the mail user's and private
	bad=$(find "$MAILROOT" \( ! -user "$DEPLOY_USER" -o -perm /077 \) -print)
	[ -z "$bad" ]
}

@test "tcpserver: the runner service delivers as the mail user into a private Maildir" {
	need_program postern-runner
	need_program postern-sendmail
	printf 'Subject: via runner\n\nhello\n' |
		setpriv --reuid="$DEPLOY_USER" --regid="$DEPLOY_USER" --init-groups \
		"$SBIN/postern-sendmail" -f bob@example.test alice@example.test
	[ "$(queue_count)" -eq 1 ]
	bg "$LOGDIR/runner" env POSTERN_USER="$DEPLOY_USER" "$SHARE/tcpserver/postern-runner/run"
	for i in $(seq 1 100); do
		[ "$(queue_count)" -eq 0 ] && [ -n "$(ls "$MAILROOT/example.test/alice/new" 2>/dev/null)" ] && break
		sleep 0.1
	done
	cat "$LOGDIR/runner"
	[ "$(queue_count)" -eq 0 ]
	f=$(find "$MAILROOT/example.test/alice/new" -type f)
	grep -q '^Subject: via runner' "$f"
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	[ "$(mode_owner "$MAILROOT/example.test/alice")" = "700 $DEPLOY_USER:$DEPLOY_USER" ]
	[ "$(ps -o uid= -p "${SERVER_PIDS[0]}" | tr -d ' ')" = "$DEPLOY_UID" ]
	# another user of the host can read neither the mailbox nor the spool
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	run as_nobody cat "$f"
	[ "$status" -ne 0 ] && [[ $output == *"Permission denied"* ]]
	run as_nobody ls "$MAILROOT"
	[ "$status" -ne 0 ] && [[ $output == *"Permission denied"* ]]
	run as_nobody ls "$SPOOL"
	[ "$status" -ne 0 ] && [[ $output == *"Permission denied"* ]]
	run as_nobody cat "$CONF/users"
	[ "$status" -ne 0 ] && [[ $output == *"Permission denied"* ]]
}

@test "tcpserver: mail that root's sendmail queues is the mail user's, and gets delivered" {
	need_program postern-runner
	need_program postern-sendmail
	printf 'Subject: from root\n\nhello\n' |
		"$SBIN/postern-sendmail" -f root@example.test alice@example.test 2>>"$LOGDIR/sendmail"
	f=$(find "$SPOOL/queue" -type f)
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	[ -z "$(find "$SPOOL" -user root)" ]
	bg "$LOGDIR/runner" env POSTERN_USER="$DEPLOY_USER" "$SHARE/tcpserver/postern-runner/run"
	for i in $(seq 1 100); do
		[ "$(queue_count)" -eq 0 ] && [ -n "$(ls "$MAILROOT/example.test/alice/new" 2>/dev/null)" ] && break
		sleep 0.1
	done
	cat "$LOGDIR/runner"
	grep -q '^Subject: from root' "$MAILROOT"/example.test/alice/new/*
}

@test "tcpserver: STARTTLS on submission (tlswrapper -n), the session as the mail user; passwords only under TLS" {
	need_program postern-smtpd
	run_script postern-submission
	run swaks --server "127.0.0.1:$PORT" --auth PLAIN --auth-user alice@example.test \
		--auth-password secret --from alice@example.test --to alice@example.test
	[ "$status" -ne 0 ]
	[ "$(queue_count)" -eq 0 ]
	run swaks --server "127.0.0.1:$PORT" --tls --auth PLAIN \
		--auth-user alice@example.test --auth-password secret \
		--from alice@example.test --to alice@example.test --silent 2
	[ "$status" -eq 0 ]
	f=$(find "$SPOOL/queue" -type f)
	grep -q 'with ESMTPSA id' "$f"
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	run session_uids "$PORT" postern-smtpd
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "tcpserver: implicit TLS on submissions, pop3s and imaps, as the mail user" {
	need_program postern-imapd
	deliver_to_alice
	PEM="$CONF/tls/server.pem"
	run_script postern-submissions
	run curl -sS -k "smtps://127.0.0.1:$PORT" -u alice@example.test:secret \
		--mail-from alice@example.test --mail-rcpt alice@example.test \
		-T <(printf 'Subject: s\r\n\r\nx\r\n')
	[ "$status" -eq 0 ]
	[ "$(queue_count)" -eq 1 ]
	run_script postern-pop3s
	run curl -sS -k -u alice@example.test:secret "pop3s://127.0.0.1:$PORT/1"
	[ "$status" -eq 0 ]
	grep -q 'Subject: deploy test' <<<"$output"
	run_script postern-imaps
	run curl -sS -k -u alice@example.test:secret "imaps://127.0.0.1:$PORT/INBOX;UID=1"
	[ "$status" -eq 0 ]
	grep -q 'Subject: deploy test' <<<"$output"
	run session_uids "$PORT" postern-imapd tls
	[[ ${lines[0]} == "* OK"* ]]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}
