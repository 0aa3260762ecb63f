#!/usr/bin/env bats
# The installed inetd.conf fragment (etc/inetd.conf). openbsd-inetd
# conflicts with xinetd here, so each line is run the way inetd runs it:
# one process per connection, as the line's user (here the test user), the
# line's program with its argv, and the connection on stdin, stdout AND
# stderr. postern-log must keep the log lines off the connection.

load helpers
load deploy_helpers

CLIENT="$BATS_TEST_DIRNAME/deploy_client.py"

setup_file() { deploy_setup_file; }
teardown_file() { deploy_teardown_file; }
setup() { deploy_instance; }
teardown() { server_stop_all; }

# inetd_line SERVICE: the fields of SERVICE's line, into the array F.
inetd_line() {
	local line
	line=$(grep -E "^$1[[:space:]]" "$SHARE/inetd.conf")
	read -r -a F <<< "$line"
}

# inetd_serve SERVICE: serve SERVICE's line on a free port like inetd.
inetd_serve() {
	inetd_line "$1"
	[ "${F[1]}" = stream ] && [ "${F[2]}" = tcp ] && [ "${F[3]}" = nowait ]
	[ "${F[4]}" = postern:postern ]
	PORT=$(free_port)
	bg "$LOGDIR/$1" tcpserver -q -R -H -l localhost \
		-u "$DEPLOY_UID" -g "$(id -g "$DEPLOY_USER")" 127.0.0.1 "$PORT" \
		bash -c 'exec 2>&1; exec -a "$1" "$0" "${@:2}"' "${F[5]}" "${F[@]:6}"
	wait_listening "$PORT"
}

@test "inetd: one line per service, on the standard ports, through postern-log" {
	[ "$(grep -cvE '^(#|$)' "$SHARE/inetd.conf")" -eq 4 ]
	for s in smtp:25 submission:587 pop3:110 imap2:143; do
		[ "$(getent services "${s%:*}/tcp" | awk '{print $2}')" = "${s#*:}/tcp" ]
		inetd_line "${s%:*}"
		[ "${F[5]}" = "$SBIN/postern-log" ]
		[ "${F[6]}" = postern-log ]
	done
	inetd_line submission
	[ "${F[*]:7}" = "$SBIN/postern-smtpd -s" ]
}

@test "inetd: the smtp line queues as the mail user; nothing but SMTP on the wire" {
	need_program postern-smtpd
	inetd_serve smtp
	run raw_session "$PORT" 'HELO x\r\nMAIL FROM:<bob@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: inetd\r\n\r\nhi\r\n.\r\nQUIT\r\n'
	echo "$output"
	[ "${#lines[@]}" -eq 7 ]
	[ "${lines[0]}" = "220 mx.example.test ESMTP postern" ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -c1-3 | tr '\n' ' ')" = "220 250 250 250 354 250 221 " ]
	f=$(find "$SPOOL/queue" -type f)
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	run session_uids "$PORT" postern-smtpd
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "inetd: the submission, pop3 and imap2 lines serve as the mail user" {
	need_program postern-smtpd
	need_program postern-pop3d
	need_program postern-imapd
	control plaintextauth 1
	deliver_to_alice
	inetd_serve submission
	run python3 "$CLIENT" submit "$PORT" alice@example.test secret alice@example.test carol@remote.test
	echo "$output"
	[ "$output" = "$(printf 'ehlo 250\nauth 235\nmail 250\nrcpt 250\ndata 250\nquit 221')" ]
	inetd_serve pop3
	run python3 "$CLIENT" pop3 "$PORT" alice@example.test secret
	echo "$output"
	[ "$output" = "$(printf 'greeting +OK\nlogin +OK\nstat 1\nretr Subject: deploy test\nquit +OK')" ]
	run session_uids "$PORT" postern-pop3d
	[ "${lines[1]}" = "$DEPLOY_UID" ]
	inetd_serve imap2
	run python3 "$CLIENT" imap "$PORT" alice@example.test secret
	echo "$output"
	[ "$output" = "$(printf 'greeting OK\nlogin OK\nselect OK 1\nfetch OK Subject: deploy test\nlogout BYE')" ]
	run session_uids "$PORT" postern-imapd
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}
