#!/usr/bin/env bats
# The installed xinetd configuration (etc/xinetd.d/postern) serves every
# program for real as the unprivileged user, on loopback ports, with the
# servers' log lines kept away from the client by postern-log.

load helpers
load deploy_helpers

CLIENT="$BATS_TEST_DIRNAME/deploy_client.py"

setup_file() { deploy_setup_file; }
teardown_file() { deploy_teardown_file; }
setup() {
	deploy_instance
	command -v xinetd >/dev/null || skip "xinetd is not installed"
	chown "$DEPLOY_USER" "$LOGDIR"
}
teardown() {
	server_stop_all
	no_sanitizer_reports "$LOGDIR"/*
}

# xinetd_start: the installed config, each service moved to 127.0.0.1 and
# a free port (UNLISTED), run as the test user with this instance's
# control directory, the servers' log lines into $LOGDIR/servers (postern-log
# -f, where the shipped config sends them to syslog). Sets P_smtp
# P_submission P_pop3 P_imap2 P_submissions P_imaps P_pop3s. tlswrapper
# runs as root, as shipped; setpriv's user becomes the test user and the
# certificate the instance's.
xinetd_start() {
	local conf="$BATS_TEST_TMPDIR/xinetd.conf" name log="$SBIN/postern-log"
	P_smtp=$(free_port) P_submission=$(free_port) P_pop3=$(free_port) P_imap2=$(free_port)
	P_submissions=$(free_port) P_imaps=$(free_port) P_pop3s=$(free_port)
	while IFS= read -r line; do
		case $line in
		"service "*)
			name=${line#service }
			printf '%s\n' "$line" ;;
		"{")
			local port="P_$name"
			printf '{\n\ttype = UNLISTED\n\tbind = 127.0.0.1\n\tport = %s\n' "${!port}" ;;
		*"env             = POSTERN_CONF=/etc/postern")
			printf '\tenv = POSTERN_CONF=%s ASAN_OPTIONS=%s UBSAN_OPTIONS=%s\n' \
				"$CONF" "$ASAN_OPTIONS" "$UBSAN_OPTIONS" ;;
		*"server_args     = "*)
			line=${line//=postern /=$DEPLOY_USER }
			line=${line//\/etc\/postern\/tls\//$CONF/tls/}
			printf '%s\n' "${line/$log /$log -f $LOGDIR/servers }" ;;
		*)
			printf '%s\n' "$line" ;;
		esac
	done < "$SHARE/xinetd.d/postern" > "$conf"
	bg "$LOGDIR/xinetd" xinetd -dontfork -f "$conf" -pidfile "$BATS_TEST_TMPDIR/xinetd.pid"
	wait_listening "$P_smtp" && wait_listening "$P_submission" &&
		wait_listening "$P_pop3" && wait_listening "$P_imap2" &&
		wait_listening "$P_imaps"
}

@test "xinetd: the config names tlswrapper, setpriv, postern-log and the installed programs" {
	local c="$SHARE/xinetd.d/postern"
	local as="/usr/bin/setpriv --reuid=postern --regid=postern --init-groups $SBIN/postern-log"
	local tls="-q -n -f /etc/postern/tls/server.pem $as" implicit="-q -f /etc/postern/tls/server.pem $as"
	[ "$(grep -c '^	server          = /usr/bin/tlswrapper$' "$c")" -eq 7 ]
	grep -q "^	server_args     = $tls $SBIN/postern-smtpd\$" "$c"
	grep -q "^	server_args     = $tls $SBIN/postern-smtpd -s\$" "$c"
	grep -q "^	server_args     = $tls $SBIN/postern-pop3d\$" "$c"
	grep -q "^	server_args     = $tls $SBIN/postern-imapd\$" "$c"
	grep -q "^	server_args     = $implicit $SBIN/postern-smtpd -s -T\$" "$c"
	grep -q "^	server_args     = $implicit $SBIN/postern-pop3d -T\$" "$c"
	grep -q "^	server_args     = $implicit $SBIN/postern-imapd -T\$" "$c"
	[ "$(grep -c '^	user            = root$' "$c")" -eq 7 ]
}

@test "xinetd: smtp queues as the mail user; its log lines never reach the client" {
	need_program postern-smtpd
	xinetd_start
	run python3 "$CLIENT" smtp "$P_smtp" bob@remote.test alice@example.test
	echo "$output"
	[ "$output" = "$(printf 'ehlo 250\nmail 250\nrcpt 250\ndata 250\nquit 221')" ]
	f=$(find "$SPOOL/queue" -type f)
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	# the raw stream: SMTP replies and nothing else
	run raw_session "$P_smtp" 'HELO x\r\nNOOP\r\nQUIT\r\n'
	echo "$output"
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "220 mx.example.test ESMTP postern" ]
	[[ ${lines[1]} == "250 "* ]] && [[ ${lines[2]} == "250 "* ]] && [[ ${lines[3]} == "221 "* ]]
	grep -q '^postern-smtpd: .*event=connect' "$LOGDIR/servers"
	run session_uids "$P_smtp" postern-smtpd
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "xinetd: submission wants AUTH, then relays" {
	need_program postern-smtpd
	control plaintextauth 1
	xinetd_start
	run python3 "$CLIENT" smtp "$P_submission" alice@example.test carol@remote.test
	[[ ${lines[2]} =~ ^rcpt\ 5[0-9][0-9]$ ]]
	run python3 "$CLIENT" submit "$P_submission" alice@example.test secret alice@example.test carol@remote.test
	echo "$output"
	[ "$output" = "$(printf 'ehlo 250\nauth 235\nmail 250\nrcpt 250\ndata 250\nquit 221')" ]
	[ "$(queue_count)" -eq 1 ]
}

@test "xinetd: pop3 as the mail user" {
	need_program postern-pop3d
	control plaintextauth 1
	deliver_to_alice
	xinetd_start
	run python3 "$CLIENT" pop3 "$P_pop3" alice@example.test secret
	echo "$output"
	[ "$output" = "$(printf 'greeting +OK\nlogin +OK\nstat 1\nretr Subject: deploy test\nquit +OK')" ]
	run session_uids "$P_pop3" postern-pop3d
	[ "${lines[1]}" = "$DEPLOY_UID" ]
	grep -q '^postern-pop3d: ' "$LOGDIR/servers"
}

@test "xinetd: imap as the mail user" {
	need_program postern-imapd
	control plaintextauth 1
	deliver_to_alice
	xinetd_start
	run python3 "$CLIENT" imap "$P_imap2" alice@example.test secret
	echo "$output"
	[ "$output" = "$(printf 'greeting OK\nlogin OK\nselect OK 1\nfetch OK Subject: deploy test\nlogout BYE')" ]
	run session_uids "$P_imap2" postern-imapd
	[ "${lines[1]}" = "$DEPLOY_UID" ]
	grep -q '^postern-imapd: ' "$LOGDIR/servers"
}

@test "xinetd: STARTTLS on submission and implicit TLS on imaps, as the mail user" {
	need_program postern-smtpd
	need_program postern-imapd
	deliver_to_alice
	xinetd_start
	run swaks --server "127.0.0.1:$P_submission" --tls --auth PLAIN \
		--auth-user alice@example.test --auth-password secret \
		--from alice@example.test --to alice@example.test --silent 2
	[ "$status" -eq 0 ]
	grep -q 'with ESMTPSA id' "$(find "$SPOOL/queue" -type f)"
	run curl -sS -k -u alice@example.test:secret "imaps://127.0.0.1:$P_imaps/INBOX;UID=1"
	[ "$status" -eq 0 ]
	grep -q 'Subject: deploy test' <<<"$output"
	run session_uids "$P_imaps" postern-imapd tls
	[[ ${lines[0]} == "* OK"* ]]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}
