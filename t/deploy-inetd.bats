#!/usr/bin/env bats
# The installed inetd.conf fragment (etc/inetd.conf). openbsd-inetd
# conflicts with xinetd here, so each line is run the way inetd runs it:
# one process per connection, as the line's user (root: tlswrapper), the
# line's program with its argv (setpriv's user made the test user, the
# certificate the instance's), and the connection on stdin, stdout AND
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
	[ "${F[4]}" = root ]
	local argv=()
	for a in "${F[@]:6}"; do
		case $a in
		--reuid=postern) a=--reuid=$DEPLOY_USER ;;
		--regid=postern) a=--regid=$DEPLOY_USER ;;
		/etc/postern/tls/server.pem) a=$CONF/tls/server.pem ;;
		esac
		argv+=("$a")
	done
	PORT=$(free_port)
	bg "$LOGDIR/$1" tcpserver -q -R -H -l localhost 127.0.0.1 "$PORT" \
		bash -c 'exec 2>&1; exec -a "$1" "$0" "${@:2}"' "${F[5]}" "${argv[@]}"
	wait_listening "$PORT"
}

@test "inetd: one line per service, on the standard ports, through tlswrapper, setpriv and postern-log" {
	local as="/usr/bin/setpriv --reuid=postern --regid=postern --init-groups $SBIN/postern-log"
	[ "$(grep -cvE '^(#|$)' "$SHARE/inetd.conf")" -eq 7 ]
	for s in smtp:25 submission:587 pop3:110 imap2:143 submissions:465 imaps:993 pop3s:995; do
		[ "$(getent services "${s%:*}/tcp" | awk '{print $2}')" = "${s#*:}/tcp" ]
		inetd_line "${s%:*}"
		[ "${F[5]}" = /usr/bin/tlswrapper ]
		[ "${F[6]}" = tlswrapper ]
	done
	inetd_line submission
	[ "${F[*]:7}" = "-q -n -f /etc/postern/tls/server.pem $as $SBIN/postern-smtpd -s" ]
	inetd_line imaps
	[ "${F[*]:7}" = "-q -f /etc/postern/tls/server.pem $as $SBIN/postern-imapd -T" ]
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

@test "inetd: STARTTLS on the smtp line and implicit TLS on imaps, as the mail user; the wire stays TLS" {
	need_program postern-smtpd
	need_program postern-imapd
	deliver_to_alice
	inetd_serve smtp
	run swaks --server "127.0.0.1:$PORT" --tls --from bob@remote.test \
		--to alice@example.test --silent 2
	[ "$status" -eq 0 ]
	grep -q 'with ESMTPS id' "$(find "$SPOOL/queue" -type f)"
	inetd_serve imaps
	run curl -sS -k -u alice@example.test:secret "imaps://127.0.0.1:$PORT/INBOX;UID=1"
	[ "$status" -eq 0 ]
	grep -q 'Subject: deploy test' <<<"$output"
	run session_uids "$PORT" postern-imapd tls
	[[ ${lines[0]} == "* OK"* ]]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}
