#!/usr/bin/env bats
# imapd QUOTA (RFC 9208) over the store's Maildir++ maildirsize
# accounting (lib/maildirsize.h, lib/store_quota.c), the control file
# "quota" (lib/quota.h), and what POP3 DELE does to the accounting.
load imapd-helpers

setup() { imap_setup; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# A literal of the message "Subject: N\r\n\r\nbody\r\n" (16 + len(N)
# octets on disk, 3 more on the wire).
msg() { local t="Subject: $1\r\n\r\nbody\r\n"; printf '{%d}\\r\\n%s' "$(printf "$t" | wc -c)" "$t"; }

# The usage maildirsize holds: "OCTETS MESSAGES", the sum of its lines.
usage() { awk 'NR > 1 { o += $1; m += $2 } END { print o, m }' "$MAILDIR/maildirsize"; }

# Two messages of 1000 octets on disk each, in INBOX.
two_big() {
	local body; body=$(printf 'x%.0s' $(seq 1 987))
	deliver 1000000001.M1P1.test "Subject: a\n\n$body\n"
	deliver 1000000002.M2P2.test "Subject: b\n\n$body\n"
}

@test "CAPABILITY lists QUOTA, QUOTA=RES-STORAGE and QUOTA=RES-MESSAGE, not QUOTASET" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE' <<<"$CAPS"
	! grep -q 'QUOTASET' <<<"$output"
}

@test "RFC 9208 §4.1.2: GETQUOTAROOT INBOX with STORAGE and MESSAGE limits; the file is counted when missing" {
	two_big
	control quota "bob@example.test: 10 3"
	run imap "$LOGIN" 'G0002 GETQUOTAROOT INBOX'
	has_line '* QUOTAROOT "INBOX" ""'
	has_line '* QUOTA "" (STORAGE 2 10 MESSAGE 2 3)'
	has_line 'G0002 OK GETQUOTAROOT completed'
	[ "$(cat "$MAILDIR/maildirsize")" = "$(printf '10240S,3C\n2000 2')" ]
}

@test "RFC 9208 §4.1.1: GETQUOTA of the root; an unknown root is NO [NONEXISTENT]" {
	control quota "bob@example.test: 512"
	run imap "$LOGIN" 'G0001 GETQUOTA ""' 'G0002 GETQUOTA "#user/alice"' 'G0003 GETQUOTA'
	has_line '* QUOTA "" (STORAGE 0 512)'
	has_line 'G0001 OK GETQUOTA completed'
	has_line 'G0002 NO [NONEXISTENT] No such quota root'
	grep -q '^G0003 BAD' <<<"$output"
	[ "$(head -1 "$MAILDIR/maildirsize")" = 524288S ]
}

@test "no quota: an empty resource list (§4.2.1), and no maildirsize made" {
	two_big
	run imap "$LOGIN" 'a GETQUOTAROOT Sent' 'b GETQUOTA ""'
	has_line '* QUOTAROOT "Sent" ""'
	[ "$(grep -c '^\* QUOTA "" ()$' <<<"$output")" -eq 2 ]
	has_line 'a OK GETQUOTAROOT completed'
	[ ! -e "$MAILDIR/maildirsize" ]
}

@test "the most specific key applies: address, then @domain, then *" {
	control quota "*: 100" "@example.test: 200 7" "BOB@example.test: 300"
	run imap "$LOGIN" 'a GETQUOTA ""'
	has_line '* QUOTA "" (STORAGE 0 300)'
	control quota "*: 100" "@example.test: 200 7"
	run imap "$LOGIN" 'a GETQUOTA ""'
	has_line '* QUOTA "" (STORAGE 0 200 MESSAGE 0 7)'
	control quota "*: 0 5"
	run imap "$LOGIN" 'a GETQUOTA ""'
	has_line '* QUOTA "" (MESSAGE 0 5)'
}

@test "a broken quota line refuses the login, logged as a config error" {
	for bad in "bob@example.test: lots" "bob@example.test: 10 20 30" "bob@example.test: -5" \
		   "bob@example.test: 99999999999999999999"; do
		control quota "$bad"
		run imap "$LOGIN" 'a GETQUOTA ""'
		has_line 'L NO [UNAVAILABLE] Mailbox temporarily unavailable'
		grep -q 'event=config-error file=quota reason="a broken line"' "$BATS_TEST_TMPDIR/imapd.log"
	done
	[ ! -e "$MAILDIR/maildirsize" ]
}

@test "RFC 9208 §4.3.1: APPEND over STORAGE is NO [OVERQUOTA] and writes nothing" {
	two_big
	control quota "bob@example.test: 2"
	body=$(printf 'y%.0s' $(seq 1 100))
	run imap_raw "$LOGIN\r\nA003 APPEND INBOX {${#body}}\r\n$body\r\nb STATUS INBOX (MESSAGES)\r\n"
	has_line 'A003 NO [OVERQUOTA] Over the mailbox quota'
	has_line '* STATUS "INBOX" (MESSAGES 2)'
	[ "$(message_files)" -eq 2 ]
	[ "$(usage)" = "2000 2" ]
	[ -z "$(ls "$MAILDIR/tmp")" ]
}

@test "APPEND over MESSAGE: a MULTIAPPEND that would pass the limit stores none" {
	control quota "bob@example.test: 0 3"
	run imap_raw "$LOGIN\r\na APPEND INBOX $(msg one) $(msg two)\r\nb APPEND INBOX $(msg three) $(msg four)\r\nc APPEND INBOX $(msg three)\r\nd APPEND INBOX $(msg five)\r\n"
	grep -q '^a OK \[APPENDUID [0-9]* 1:2\] APPEND completed$' <<<"$output"
	has_line 'b NO [OVERQUOTA] Over the mailbox quota'
	grep -q '^c OK \[APPENDUID [0-9]* 3\] APPEND completed$' <<<"$output"
	has_line 'd NO [OVERQUOTA] Over the mailbox quota'
	[ "$(message_files)" -eq 3 ]
	[ "$(usage)" = "$((19 + 19 + 21)) 3" ]
}

@test "APPEND, COPY, EXPUNGE and DELETE keep maildirsize right, a line each" {
	control quota "bob@example.test: 100"
	run imap_raw "$LOGIN\r\na CREATE Work\r\nb APPEND INBOX $(msg one)\r\ns SELECT INBOX\r\nc COPY 1 Work\r\nd STORE 1 +FLAGS (\\\\Deleted)\r\ne EXPUNGE\r\nf GETQUOTA \"\"\r\n"
	has_line 'e OK EXPUNGE completed'
	has_line '* QUOTA "" (STORAGE 1 100)'
	[ "$(usage)" = "19 1" ]
	[ "$(sed -n 2,\$p "$MAILDIR/maildirsize" | tr '\n' ' ')" = "0 0 19 1 19 1 -19 -1 " ]
	run imap "$LOGIN" 'a DELETE Work' 'b GETQUOTA ""'
	has_line '* QUOTA "" (STORAGE 0 100)'
	[ "$(usage)" = "0 0" ]
}

@test "COPY over the quota is NO [OVERQUOTA] with nothing copied; MOVE needs no room" {
	two_big
	control quota "bob@example.test: 0 3"
	run imap "$LOGIN" 'a CREATE Work' 's SELECT INBOX' 'c COPY 1:2 Work' 'd STATUS Work (MESSAGES)' \
		'm MOVE 1:2 Work' 'e STATUS Work (MESSAGES)' 'f GETQUOTA ""'
	has_line 'c NO [OVERQUOTA] Over the mailbox quota'
	has_line '* STATUS "Work" (MESSAGES 0)'
	grep -q '^m OK' <<<"$output"
	has_line '* STATUS "Work" (MESSAGES 2)'
	has_line '* QUOTA "" (MESSAGE 2 3)'
	[ "$(message_files)" -eq 2 ]
}

@test "RFC 9208 §4.1.4: STATUS DELETED and DELETED-STORAGE (KiB on disk, rounded up)" {
	two_big
	deliver 1000000003.M3P3.test 'Subject: c\n\nsmall\n'
	run imap "$LOGIN" 's SELECT INBOX' 'a STORE 1:2 +FLAGS.SILENT (\Deleted)' \
		'S0003 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)' 'b STATUS INBOX (deleted)'
	has_line '* STATUS "INBOX" (MESSAGES 3 DELETED 2 DELETED-STORAGE 2)'
	has_line '* STATUS "INBOX" (DELETED 2)'
	has_line 'S0003 OK STATUS completed'
}

@test "SETQUOTA is parsed, then refused: NO [NOPERM]; a malformed one is BAD" {
	control quota "bob@example.test: 100"
	run imap "$LOGIN" 'S0001 SETQUOTA "" (STORAGE 510)' 'S0002 SETQUOTA "" ()' \
		'S0003 SETQUOTA "" (STORAGE)' 'S0004 SETQUOTA "" (STORAGE x)' 'S0005 SETQUOTA ""' \
		'S0006 GETQUOTA ""'
	has_line 'S0001 NO [NOPERM] Quotas are set by the administrator'
	has_line 'S0002 NO [NOPERM] Quotas are set by the administrator'
	grep -q '^S0003 BAD' <<<"$output"
	grep -q '^S0004 BAD' <<<"$output"
	grep -q '^S0005 BAD' <<<"$output"
	has_line '* QUOTA "" (STORAGE 0 100)'
}

@test "maildirsize is recalculated when past 5120 octets, damaged, or of another quota" {
	two_big
	control quota "bob@example.test: 100"
	{ echo 102400S; for i in $(seq 1 1300); do echo "1 1"; done; } > "$MAILDIR/maildirsize"
	run imap "$LOGIN" 'a GETQUOTA ""'
	has_line '* QUOTA "" (STORAGE 2 100)'
	[ "$(cat "$MAILDIR/maildirsize")" = "$(printf '102400S\n2000 2')" ]
	printf '102400S\n2000 2\ngarbage\n' > "$MAILDIR/maildirsize"
	run imap "$LOGIN" 'a GETQUOTA ""'
	has_line '* QUOTA "" (STORAGE 2 100)'
	[ "$(cat "$MAILDIR/maildirsize")" = "$(printf '102400S\n2000 2')" ]
	control quota "bob@example.test: 50 9"
	run imap "$LOGIN" 'a GETQUOTA ""'
	has_line '* QUOTA "" (STORAGE 2 50 MESSAGE 2 9)'
	[ "$(head -1 "$MAILDIR/maildirsize")" = 51200S,9C ]
}

@test "a file that says 'full' and is older than 15 minutes is counted again before a refusal" {
	control quota "bob@example.test: 1"
	printf '1024S\n5000 5\n' > "$MAILDIR/maildirsize"
	run imap_raw "$LOGIN\r\na APPEND INBOX $(msg one)\r\n"
	has_line 'a NO [OVERQUOTA] Over the mailbox quota'
	touch -d '20 minutes ago' "$MAILDIR/maildirsize"
	run imap_raw "$LOGIN\r\na APPEND INBOX $(msg one)\r\n"
	grep -q '^a OK \[APPENDUID' <<<"$output"
	[ "$(usage)" = "19 1" ]
}

@test "POP3 DELE through the store writes the removal to maildirsize" {
	two_big
	control quota "bob@example.test: 100"
	run imap "$LOGIN" 'a GETQUOTA ""'
	has_line '* QUOTA "" (STORAGE 2 100)'
	run bash -c "printf 'USER bob@example.test\r\nPASS secret\r\nDELE 1\r\nQUIT\r\n' | '$TOP/pop3d/pop3d' 2>>'$BATS_TEST_TMPDIR/imapd.log'"
	[[ "$output" == *"+OK"* ]]
	[ "$(message_files)" -eq 1 ]
	[ "$(usage)" = "1000 1" ]
	[ "$(tail -1 "$MAILDIR/maildirsize")" = "-1000 -1" ]
}

@test "concurrent sessions appending and expunging keep maildirsize equal to a recount" {
	control quota "bob@example.test: 1000"
	for s in 1 2 3; do
		(printf '%s\r\n' "$LOGIN"
		 for i in 1 2 3 4 5 6; do printf 'a%s APPEND INBOX %s\r\n' "$i" "$(msg "s$s-$i")"; done
		 printf 's SELECT INBOX\r\nd STORE 1 +FLAGS.SILENT (\\Deleted)\r\ne EXPUNGE\r\n') |
			sed 's/\\r\\n/\r\n/g' | "$IMAPD" 2>>"$BATS_TEST_TMPDIR/imapd.log" >/dev/null &
	done
	wait
	n=$(message_files)       # 18 appended, 1 to 3 expunged (sessions
	[ "$n" -ge 15 ] && [ "$n" -le 17 ]      # may flag the same message)
	octets=$(find "$MAILDIR/cur" "$MAILDIR/new" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
	[ "$(usage)" = "$octets $n" ]
}
