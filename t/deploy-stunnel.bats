#!/usr/bin/env bats
# The installed stunnel configuration (etc/stunnel/postern.conf): implicit
# TLS on the submissions, imaps and pop3s services with a self-signed
# certificate made here, the servers started with -T as the unprivileged
# user; curl --ssl-reqd and openssl s_client as the clients.

load helpers
load deploy_helpers

CLIENT="$BATS_TEST_DIRNAME/deploy_client.py"

setup_file() {
	deploy_setup_file
	[ -n "${BASE:-}" ] || return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$BASE/key.pem" -out "$BASE/cert.pem" -days 2 \
		-subj /CN=mx.example.test 2>/dev/null
	chmod 600 "$BASE/key.pem"
}
teardown_file() { deploy_teardown_file; }
setup() {
	deploy_instance
	command -v stunnel4 >/dev/null || command -v stunnel >/dev/null || skip "no stunnel"
	chown "$DEPLOY_USER" "$LOGDIR"
	# No plaintextauth: passwords are accepted only because of -T.
	rm -f "$CONF/plaintextauth"
}
teardown() {
	server_stop_all
	no_sanitizer_reports "$LOGDIR"/*
}

# stunnel_start: the installed config on free loopback ports, as the test
# user, with the test certificate; stunnel's log into $LOGDIR/stunnel (a
# directory the test user may write: stunnel opens it after setuid), the
# servers' log lines into $LOGDIR/servers. Sets P_submissions P_imaps
# P_pop3s.
stunnel_start() {
	local conf="$BATS_TEST_TMPDIR/stunnel.conf" name= bin
	P_submissions=$(free_port) P_imaps=$(free_port) P_pop3s=$(free_port)
	while IFS= read -r line; do
		case $line in
		"setuid = postern") echo "setuid = $DEPLOY_USER" ;;
		"setgid = postern") echo "setgid = $DEPLOY_USER" ;;
		"syslog = no") printf 'syslog = no\noutput = %s\n' "$LOGDIR/stunnel" ;;
		"cert = "*) echo "cert = $BASE/cert.pem" ;;
		"key = "*) echo "key = $BASE/key.pem" ;;
		"["*"]") name=${line#[}; name=${name%]}; echo "$line" ;;
		"accept = "*)
			local port="P_$name"
			echo "accept = 127.0.0.1:${!port}" ;;
		"execArgs = postern-log "*)
			echo "execArgs = postern-log -f $LOGDIR/servers ${line#execArgs = postern-log }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < "$SHARE/stunnel/postern.conf" > "$conf"
	bin=$(command -v stunnel4 || command -v stunnel)
	bg "$LOGDIR/stunnel.out" "$bin" "$conf"
	wait_listening "$P_submissions" && wait_listening "$P_imaps" && wait_listening "$P_pop3s"
}

@test "stunnel: the config runs the installed servers with -T as postern" {
	local c="$SHARE/stunnel/postern.conf"
	grep -qx "setuid = postern" "$c"
	grep -qx "setgid = postern" "$c"
	grep -qx "pid =" "$c"                 # postern could not write one in /run
	grep -qx "foreground = yes" "$c"      # as Debian's stunnel@.service wants
	grep -qx "accept = :::465" "$c"
	grep -qx "accept = :::993" "$c"
	grep -qx "accept = :::995" "$c"
	grep -qx "execArgs = postern-log $SBIN/postern-smtpd -T -s" "$c"
	grep -qx "execArgs = postern-log $SBIN/postern-imapd -T" "$c"
	grep -qx "execArgs = postern-log $SBIN/postern-pop3d -T" "$c"
	[ "$(grep -cx "exec = $SBIN/postern-log" "$c")" -eq 3 ]
}

@test "stunnel: SMTPS with curl --ssl-reqd: AUTH over TLS, queued as the mail user" {
	need_program postern-smtpd
	stunnel_start
	printf 'From: <alice@example.test>\r\nTo: <carol@remote.test>\r\nSubject: over smtps\r\n\r\nhi\r\n' > "$BATS_TEST_TMPDIR/msg"
	# From 127.0.0.2: stunnel's own link to the server is from 127.0.0.1.
	run curl -sS --ssl-reqd -k --max-time 10 --interface 127.0.0.2 \
		"smtps://127.0.0.1:$P_submissions" \
		-u alice@example.test:secret --mail-from alice@example.test \
		--mail-rcpt carol@remote.test -T "$BATS_TEST_TMPDIR/msg"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(queue_count)" -eq 1 ]
	f=$(find "$SPOOL/queue" -type f)
	[ "$(mode_owner "$f")" = "600 $DEPLOY_USER:$DEPLOY_USER" ]
	grep -qx 'recipient carol@remote.test' "$f"
	grep -q '^Subject: over smtps' "$f"
	# the client's address reaches the server through stunnel's REMOTE_HOST
	# (lib/peer.c), not the address of stunnel's end of the pair
	grep -qx 'client 127.0.0.2' "$f"
	run session_uids "$P_submissions" postern-smtpd tls
	[ "${lines[0]}" = "220 mx.example.test ESMTP postern" ]
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "stunnel: SMTPS with openssl s_client: AUTH offered, wrong password refused" {
	need_program postern-smtpd
	stunnel_start
	run bash -c "printf 'EHLO client.test\r\nAUTH PLAIN $(printf '\0alice@example.test\0wrong' | base64)\r\nQUIT\r\n' |
		timeout 10 openssl s_client -quiet -connect 127.0.0.1:$P_submissions 2>/dev/null | tr -d '\r'"
	echo "$output"
	[ "${lines[0]}" = "220 mx.example.test ESMTP postern" ]
	echo "$output" | grep -qx '250-AUTH PLAIN LOGIN'
	echo "$output" | grep -q '^535 '
	[ "${lines[-1]}" = "221 2.0.0 mx.example.test Bye" ]
	[ "$(queue_count)" -eq 0 ]
}

@test "stunnel: POP3S with curl --ssl-reqd and openssl s_client" {
	need_program postern-pop3d
	deliver_to_alice "over pop3s"
	stunnel_start
	run curl -sS --ssl-reqd -k --max-time 10 -u alice@example.test:secret "pop3s://127.0.0.1:$P_pop3s/1"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | tr -d '\r' | grep -qx 'Subject: over pop3s'
	run bash -c "printf 'CAPA\r\nUSER alice@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r\n' |
		timeout 10 openssl s_client -quiet -connect 127.0.0.1:$P_pop3s 2>/dev/null | tr -d '\r'"
	echo "$output"
	[[ ${lines[0]} == "+OK"* ]]
	echo "$output" | grep -qx 'USER'
	echo "$output" | grep -q '^+OK 1 '
	run python3 "$CLIENT" --tls pop3 "$P_pop3s" alice@example.test secret
	[ "$output" = "$(printf 'greeting +OK\nlogin +OK\nstat 1\nretr Subject: over pop3s\nquit +OK')" ]
	run session_uids "$P_pop3s" postern-pop3d tls
	[ "${lines[1]}" = "$DEPLOY_UID" ]
}

@test "stunnel: IMAPS with curl --ssl-reqd and openssl s_client" {
	need_program postern-imapd
	deliver_to_alice "over imaps"
	stunnel_start
	run curl -sS --ssl-reqd -k --max-time 10 -u alice@example.test:secret "imaps://127.0.0.1:$P_imaps/INBOX/;MAILINDEX=1"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | tr -d '\r' | grep -qx 'Subject: over imaps'
	run bash -c "printf 'a CAPABILITY\r\nb LOGIN alice@example.test secret\r\nc SELECT INBOX\r\nd LOGOUT\r\n' |
		timeout 10 openssl s_client -quiet -connect 127.0.0.1:$P_imaps 2>/dev/null | tr -d '\r'"
	echo "$output"
	[[ ${lines[0]} == "* OK"* ]]
	# over TLS, LOGIN is allowed (not LOGINDISABLED)
	! echo "$output" | grep -q 'LOGINDISABLED'
	echo "$output" | grep -q '^b OK'
	echo "$output" | grep -qx '\* 1 EXISTS'
	echo "$output" | grep -q '^d OK'
	run session_uids "$P_imaps" postern-imapd tls
	[ "${lines[1]}" = "$DEPLOY_UID" ]
	grep -q '^postern-imapd: ' "$LOGDIR/servers"
}

@test "stunnel: without TLS the same servers refuse passwords (no plaintextauth)" {
	need_program postern-pop3d
	need_program postern-imapd
	deliver_to_alice
	run bash -c "printf 'USER alice@example.test\r\nPASS secret\r\nQUIT\r\n' | '$SBIN/postern-pop3d' 2>/dev/null | tr -d '\r'"
	echo "$output"
	[[ ${lines[1]} == "-ERR"* ]] || [[ ${lines[2]} == "-ERR"* ]]
	run bash -c "printf 'a LOGIN alice@example.test secret\r\nb LOGOUT\r\n' | '$SBIN/postern-imapd' 2>/dev/null | tr -d '\r'"
	echo "$output"
	[[ ${lines[1]} == "a NO"* ]]
}
