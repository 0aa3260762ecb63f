#!/usr/bin/env bats
# make install DESTDIR=... PREFIX=/usr: what it installs and where, and the
# installed programs run from there.

load helpers

setup_file() {
	# Install what the suite built: the same compiler and flags, so that
	# make finds everything up to date (make test builds with SAN=1).
	local san= cc=cc
	if [ -f "$TOP/.build-flags" ]; then
		grep -q fsanitize "$TOP/.build-flags" && san=1
		cc=$(awk '{print $1; exit}' "$TOP/.build-flags")
	fi
	export DEST="$BATS_FILE_TMPDIR/dest"
	make -s -C "$TOP" SAN="$san" CC="$cc" install DESTDIR="$DEST" PREFIX=/usr \
		> "$BATS_FILE_TMPDIR/install.out" 2>&1
	echo $? > "$BATS_FILE_TMPDIR/install.status"
	export SBIN="$DEST/usr/sbin" SHARE="$DEST/usr/share/postern"
}

setup() {
	instance_setup
	add_user alice@example.test secret
	cat "$BATS_FILE_TMPDIR/install.out"
	[ "$(cat "$BATS_FILE_TMPDIR/install.status")" -eq 0 ]
}
teardown() {
	server_stop_all
	no_sanitizer_reports "$BATS_TEST_TMPDIR"/*.log
}

need_program() {
	[ -x "$SBIN/$1" ] || skip "$1 is not built yet"
}

@test "install: everything lands under DESTDIR/usr, nothing elsewhere" {
	[ "$(ls "$DEST")" = usr ]
	[ "$(ls "$DEST/usr")" = "$(printf 'sbin\nshare')" ]
	[ "$(ls "$DEST/usr/share")" = "$(printf 'man\npostern')" ]
	for p in postern-setup postern-log; do
		[ -x "$SBIN/$p" ]
	done
	# every program that was built, under its postern- name
	local built installed
	for built in smtpd/smtpd pop3d/pop3d imapd/imapd httpd/httpd queue/runner queue/postern-deliver \
		     queue/sendmail queue/postern-queue; do
		[ -x "$TOP/$built" ] || continue
		installed=$(basename "$built")
		case $installed in postern-*) ;; *) installed="postern-$installed" ;; esac
		[ -x "$SBIN/$installed" ]
		cmp -s "$TOP/$built" "$SBIN/$installed"
		[ "$(stat -c %a "$SBIN/$installed")" = 755 ]
	done
	if [ -x "$TOP/httpd/postern-token" ]; then
		cmp -s "$TOP/httpd/postern-token" "$SBIN/postern-token"
	fi
	# no bare names that would clash with other mail systems
	for bare in smtpd pop3d imapd httpd runner sendmail; do
		[ ! -e "$SBIN/$bare" ]
	done
}

@test "install: manual pages and the examples, paths made PREFIX/sbin" {
	for page in "$TOP"/man/*.[58]; do
		cmp -s "$page" "$DEST/usr/share/man/man${page##*.}/$(basename "$page")"
	done
	[ -f "$SHARE/inetd.conf" ]
	[ -f "$SHARE/xinetd.d/postern" ]
	[ -f "$SHARE/stunnel/postern.conf" ]
	[ -f "$SHARE/systemd/postern-smtp.socket" ]
	[ -f "$SHARE/systemd/postern-runner.service" ]
	[ -x "$SHARE/tcpserver/postern-smtp/run" ]
	[ -f "$SHARE/tcpserver/tcp.smtp" ]
	[ "$(ls "$SHARE/control" | wc -l)" -eq "$(ls "$TOP/etc/control" | wc -l)" ]
	# every path to a program is /usr/sbin, none is /usr/local/sbin
	! grep -r /usr/local/sbin "$SHARE"
	grep -q ' /usr/sbin/postern-smtpd -s$' "$SHARE/systemd/postern-submission@.service"
	grep -q '/usr/sbin/postern-log /usr/sbin/postern-imapd$' "$SHARE/inetd.conf"
}

@test "install: the example control files say the defaults of DESIGN.md" {
	value() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SHARE/control/$1"; }
	[ "$(value spool)" = /var/spool/postern ]
	[ "$(value mailroot)" = /var/vmail ]
	[ "$(value maxsize)" = 36700160 ]
	[ "$(value maxrcpt)" = 100 ]
	[ "$(value timeout)" = 300 ]
	[ "$(value pop3timeout)" = 600 ]
	[ "$(value imaptimeout)" = 1800 ]
	[ "$(value retrymin)" = 300 ]
	[ "$(value retrymax)" = 3600 ]
	[ "$(value queuelifetime)" = 432000 ]
	[ "$(value concurrency)" = 20 ]
	[ "$(value plaintextauth)" = 0 ]
	[ "$(value relaynets)" = "$(printf '127.0.0.0/8\n::1/128')" ]
	[ -z "$(value users)" ] && [ -z "$(value routes)" ]
}

@test "install: a second make install over the first is fine" {
	run make -s -C "$TOP" SAN="$(grep -q fsanitize "$TOP/.build-flags" 2>/dev/null && echo 1)" \
		CC="$(awk '{print $1; exit}' "$TOP/.build-flags" 2>/dev/null || echo cc)" \
		install DESTDIR="$DEST" PREFIX=/usr
	[ "$status" -eq 0 ]
	[ "$(ls "$SHARE/control" | wc -l)" -eq "$(ls "$TOP/etc/control" | wc -l)" ]
	[ -z "$(find "$DEST" -name '*.new')" ]
}

@test "install: the installed smtpd takes a message over a pipe" {
	need_program postern-smtpd
	run bash -c "printf 'EHLO client.test\r\nMAIL FROM:<bob@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: installed\r\n\r\nhi\r\n.\r\nQUIT\r\n' |
		'$SBIN/postern-smtpd' 2>'$BATS_TEST_TMPDIR/smtpd.log' | tr -d '\r' | grep -E '^[0-9]{3} ' | cut -c1-3 | tr '\n' ' '"
	echo "$output"
	[ "$output" = "220 250 250 250 354 250 221 " ]
	[ "$(queue_count)" -eq 1 ]
}

@test "install: the installed sendmail, postern-queue and runner deliver" {
	need_program postern-sendmail
	need_program postern-queue
	need_program postern-runner
	printf 'Subject: installed sendmail\n\nhello\n' |
		"$SBIN/postern-sendmail" -f bob@example.test alice@example.test 2>"$BATS_TEST_TMPDIR/sendmail.log"
	[ "$(queue_count)" -eq 1 ]
	id=$(ls "$SPOOL/queue")
	run "$SBIN/postern-queue" list
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"$id"* ]]
	run timeout 20 "$SBIN/postern-runner" -1
	[ "$status" -eq 0 ]
	[ "$(queue_count)" -eq 0 ]
	grep -q '^Subject: installed sendmail' "$MAILROOT"/example.test/alice/new/*
}

@test "install: the installed pop3d and imapd read the mailbox over a pipe" {
	need_program postern-pop3d
	need_program postern-imapd
	control plaintextauth 1
	mkdir -p "$MAILROOT/example.test/alice/"{cur,new,tmp}
	printf 'Subject: installed readers\n\nhi\n' > "$MAILROOT/example.test/alice/new/1700000000.P1Q1.x"
	run bash -c "printf 'USER alice@example.test\r\nPASS secret\r\nSTAT\r\nQUIT\r\n' |
		'$SBIN/postern-pop3d' 2>'$BATS_TEST_TMPDIR/pop3d.log' | tr -d '\r'"
	echo "$output"
	[[ ${lines[0]} == "+OK"* ]] && [[ ${lines[1]} == "+OK"* ]] && [[ ${lines[2]} == "+OK"* ]]
	[[ ${lines[3]} == "+OK 1 "* ]]
	run bash -c "printf 'a LOGIN alice@example.test secret\r\nb SELECT INBOX\r\nc LOGOUT\r\n' |
		'$SBIN/postern-imapd' 2>'$BATS_TEST_TMPDIR/imapd.log' | tr -d '\r'"
	echo "$output"
	echo "$output" | grep -q '^a OK'
	echo "$output" | grep -qx '\* 1 EXISTS'
	echo "$output" | grep -q '^c OK'
}

@test "install: postern-log keeps a program's log lines off its output" {
	run bash -c "echo hi | '$SBIN/postern-log' -f '$BATS_TEST_TMPDIR/x.log' -t tagged sh -c 'cat; echo note >&2; exit 7'"
	[ "$status" -eq 7 ]
	[ "$output" = hi ]
	[ "$(cat "$BATS_TEST_TMPDIR/x.log")" = "tagged: note" ]
	run "$SBIN/postern-log"
	[ "$status" -eq 64 ]
	[[ $output == "usage: postern-log"* ]]
}

@test "install: the installed httpd serves the page from share/postern/www" {
	need_program postern-httpd
	[ -f "$SHARE/www/index.html" ]
	run bash -c "printf 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		'$SBIN/postern-httpd' 2>'$BATS_TEST_TMPDIR/httpd.log' | tr -d '\r'"
	echo "$output"
	[ "${lines[0]}" = "HTTP/1.1 200 OK" ]
	[[ "$output" == *"$(head -c 40 "$SHARE/www/index.html")"* ]]
}
