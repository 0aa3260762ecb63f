#!/usr/bin/env bats
# imapd NOTIFY (RFC 5465): the RFC's example, events told between
# commands and during IDLE (STATUS for other folders, EXISTS / FETCH for
# the selected one, LIST for MailboxName and SubscriptionChange),
# NOTIFY NONE, the bad cases, and how fast a delivery is told (inotify,
# and the poll when the watches run out).
load imapd-helpers

setup() {
	imap_setup
	three_messages
	for f in Lists.Lemonade Lists.Im2000 misc; do
		mkdir -p "$MAILDIR/.$f/cur" "$MAILDIR/.$f/new" "$MAILDIR/.$f/tmp"
	done
}
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# deliver_run NAME DIR: a "run" step delivering a message into DIR.
deliver_run() {
	echo "run printf 'Subject: $1\\n\\nx\\n' > $2/tmp/$1 && mv $2/tmp/$1 $2/new/$1"
}

@test "NOTIFY syntax: each bad form gets BAD or NO, and nothing is watched" {
	run imap "a NOTIFY NONE" "$LOGIN" "b NOTIFY" "c NOTIFY SET" "d NOTIFY SET (personal)" \
		"e NOTIFY SET (nowhere (MessageNew MessageExpunge))" \
		"f NOTIFY SET (personal (MessageNew))" "g NOTIFY SET (personal (MessageExpunge FlagChange))" \
		"h NOTIFY SET (selected (MailboxName))" \
		"i NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed (MessageNew MessageExpunge))" \
		"j NOTIFY SET (personal (MessageNew MessageExpunge AnnotationChange))" \
		"k NOTIFY SET (personal (MessageNew (UID) MessageExpunge))" "l NOTIFY NONE x" \
		"k2 NOTIFY SET (selected (MessageNew (UID BODY[NOPE]) MessageExpunge))" \
		"k3 NOTIFY SET (selected (MessageNew (UID) MessageNew (FLAGS) MessageExpunge))" \
		"k4 NOTIFY SET (selected (MessageNew (UID MessageExpunge))" \
		"m NOTIFY SET (mailboxes (MessageNew MessageExpunge))" "n NOTIFY SET (personal ())" \
		"o NOTIFY SET (personal NONE)" "p NOTIFY NONE"
	has_line "a BAD Command not valid in this state"
	grep -q '^b BAD' <<<"$output"
	grep -q '^c BAD' <<<"$output"
	grep -q '^d BAD' <<<"$output"
	has_line "e BAD Unknown mailbox filter"
	has_line "f BAD MessageNew and MessageExpunge go together"
	has_line "g BAD MessageNew and MessageExpunge go together"
	has_line "h BAD Bad SELECTED or SELECTED-DELAYED group"
	has_line "i BAD Bad SELECTED or SELECTED-DELAYED group"
	has_line "j NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] Unsupported event"
	has_line "k BAD Fetch attributes only for SELECTED"
	grep -q '^k2 BAD' <<<"$output"
	has_line "k3 BAD One list of fetch attributes"
	grep -q '^k4 BAD' <<<"$output"
	grep -q '^l BAD' <<<"$output"
	grep -q '^m BAD' <<<"$output"
	grep -q '^n BAD' <<<"$output"
	has_line "o OK NOTIFY completed"
	has_line "p OK NOTIFY completed"
	[ "$(grep -c '^\* ' <<<"$output")" -eq 1 ]      # the greeting only
	# bounds (lib/limits.h): 16 groups, 100 names in one
	g17=$(for i in $(seq 1 17); do printf ' (mailboxes m%d (MessageNew MessageExpunge))' "$i"; done)
	g16=${g17% (mailboxes m17 *}
	n101=$(seq -f 'n%g' 1 101 | tr '\n' ' ')
	run imap "$LOGIN" "a NOTIFY SET$g17" "b NOTIFY SET$g16" "c NOTIFY SET (mailboxes (${n101% }) (MessageNew MessageExpunge))"
	has_line "a BAD Too many groups"
	has_line "b OK NOTIFY completed"
	has_line "c BAD Too many mailboxes"
}

@test "RFC 5465 §3.1 example: SET STATUS, then STATUS for the subtree and EXISTS for INBOX unasked" {
	run client <<EOF
send $LOGIN
send b notify set status (selected (MessageNew MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))
expect \* STATUS "Lists.Lemonade" \(MESSAGES 0 UIDNEXT 1 UIDVALIDITY [0-9]+\)
expect b OK NOTIFY completed
send c select inbox
expect c OK .*
$(deliver_run 1000000009.M9P9.test "$MAILDIR/.Lists.Lemonade")
expect \* STATUS "Lists.Lemonade" \(MESSAGES 1 UIDNEXT 2\) @4
$(deliver_run 1000000008.M8P8.test "$MAILDIR")
expect \* 4 EXISTS @4
$(deliver_run 1000000007.M7P7.test "$MAILDIR/.misc")
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	has_line '* STATUS "Lists.Im2000" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY '"$(uidvalidity "$MAILDIR/.Lists.Im2000")"')'
	! grep -q 'STATUS "misc"' <<<"$output"
	! grep -q 'STATUS "INBOX"' <<<"$output"
}

@test "§5.1: a flag change by another session comes unasked as FETCH with UID; NOTIFY NONE stops it all" {
	run client <<EOF
send $LOGIN
send s SELECT INBOX
expect s OK .*
send b NOTIFY SET (selected (MessageNew MessageExpunge FlagChange)) (personal (MessageNew MessageExpunge FlagChange))
expect b OK NOTIFY completed
$(other 'a UID STORE 2 +FLAGS (\Flagged)')
expect \* 2 FETCH \(UID 2 FLAGS \(\\\\Flagged \\\\Recent\)\) @4
$(deliver_run 1000000009.M9P9.test "$MAILDIR/.misc")
expect \* STATUS "misc" \(MESSAGES 1 UIDNEXT 2\) @4
send n NOTIFY NONE
expect n OK .*
$(deliver_run 1000000008.M8P8.test "$MAILDIR/.misc")
run sleep 2
send o NOOP
expect o OK .*
absent \* STATUS "misc" \(MESSAGES 2 .*
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "RFC 5465 §5.2 example: MessageNew (fetch-att ...) for the selected folder: FETCH after EXISTS, not for the session's own APPEND, never \\Seen" {
	run client <<EOF
send $LOGIN
send c select inbox
expect c OK .*
send b notify set status (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))
expect b OK NOTIFY completed
run printf 'Subject: Re: good morning\nFrom: alice@example.org\nX-Other: y\nTo: bob@example.org\n\nbody\n' > $MAILDIR/tmp/m4 && mv $MAILDIR/tmp/m4 $MAILDIR/new/m4
expect \* 4 EXISTS @4
expect \* 4 FETCH \(UID 4 BODY\[HEADER.FIELDS \(from to subject\)\] \{75\}
expect Subject: Re: good morning
expect From: alice@example.org
expect To: bob@example.org
expect
expect \)
send a APPEND INBOX {15+}
send Subject: mine
send 
expect a OK \[APPENDUID [0-9]+ 5\] APPEND completed
$(other 'o COPY 1 INBOX')
expect \* 6 EXISTS @4
expect \* 6 FETCH \(UID 6 BODY\[HEADER.FIELDS \(from to subject\)\] \{40\}
send d notify set (selected-delayed (MessageNew (FLAGS BODY[TEXT] RFC822.SIZE) MessageExpunge))
expect d OK NOTIFY completed
$(deliver_run 1000000009.M9P9.test "$MAILDIR")
expect \* 7 EXISTS @4
expect \* 7 FETCH \(UID 7 FLAGS \(\\\\Recent\) BODY\[TEXT\] \{3\}
expect x
expect  RFC822.SIZE 36\)
send f FETCH 4:7 (FLAGS)
expect f OK .*
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q '^\* 5 FETCH (UID 5 BODY' <<<"$output"
	! grep -q 'FETCH.*Seen' <<<"$output"
	[ "$(grep -c '^\* [0-9]* FETCH (UID' <<<"$output")" -eq 3 ]
}

@test "§5.4, §5.5: MailboxName and SubscriptionChange as LIST; the session's own changes are not told back" {
	run client <<EOF
send $LOGIN
send b NOTIFY SET (personal (MailboxName SubscriptionChange))
expect b OK NOTIFY completed
send c CREATE Mine
expect c OK .*
run printf '$LOGIN\r\nx CREATE Theirs\r\ny SUBSCRIBE misc\r\n' | $IMAPD 2>/dev/null
expect \* LIST \(\\\\HasNoChildren\) "." "Theirs" @4
expect \* LIST \(\\\\HasNoChildren \\\\Subscribed\) "." "misc" @4
run printf '$LOGIN\r\nx DELETE Theirs\r\n' | $IMAPD 2>/dev/null
expect \* LIST \(\\\\NonExistent\) "." "Theirs" @4
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q '"Mine"' <<<"$output"
}

@test "RFC 5465 §4: during IDLE the same events are told" {
	run client <<EOF
send $LOGIN
send b NOTIFY SET (personal (MessageNew MessageExpunge))
expect b OK NOTIFY completed
send i IDLE
expect \+ idling
$(deliver_run 1000000009.M9P9.test "$MAILDIR/.Lists.Im2000")
expect \* STATUS "Lists.Im2000" \(MESSAGES 1 UIDNEXT 2\) @4
send DONE
expect i OK .*
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "§5.1: a flag change in another folder is STATUS (UIDVALIDITY UNSEEN), with HIGHESTMODSEQ after CONDSTORE" {
	deliver 1000000009.M9P9.test 'Subject: m\n\nx\n' "$MAILDIR/.misc"
	v=$(imap "$LOGIN" 'a STATUS misc (UIDVALIDITY)' | sed -n 's/.*UIDVALIDITY \([0-9]*\).*/\1/p')
	run client <<EOF
send $LOGIN
send b NOTIFY SET (mailboxes misc (MessageNew MessageExpunge FlagChange))
expect b OK NOTIFY completed
run printf '$LOGIN\r\ns SELECT misc\r\nx STORE 1 +FLAGS (\\\\Seen)\r\n' | $IMAPD 2>/dev/null
expect \* STATUS "misc" \(UIDVALIDITY $v UNSEEN 0\) @4
send e ENABLE CONDSTORE
expect e OK .*
run printf '$LOGIN\r\ns SELECT misc\r\nx STORE 1 +FLAGS (\\\\Flagged)\r\n' | $IMAPD 2>/dev/null
expect \* STATUS "misc" \(UIDVALIDITY $v UNSEEN 0 HIGHESTMODSEQ [0-9]+\) @4
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "§3.1, §5.8: watching more than 100 folders is NO [NOTIFICATIONOVERFLOW], or ends NOTIFY with OK [NOTIFICATIONOVERFLOW]" {
	# INBOX, Lists.Lemonade, Lists.Im2000, misc and 94 more: 98
	for i in $(seq 1 94); do mkdir -p "$MAILDIR/.f$i/cur" "$MAILDIR/.f$i/new"; done
	run client <<EOF
send $LOGIN
send a NOTIFY SET (personal (MessageNew MessageExpunge))
expect a OK NOTIFY completed
run for i in 95 96 97; do mkdir -p $MAILDIR/.f\$i/cur; done
expect \* OK \[NOTIFICATIONOVERFLOW\] Too many folders to watch @4
$(deliver_run 1000000009.M9P9.test "$MAILDIR/.misc")
run sleep 2
send n NOOP
expect n OK .*
absent \* STATUS .*
send b NOTIFY SET (personal (MessageNew MessageExpunge))
expect b NO \[NOTIFICATIONOVERFLOW\] Too many folders
send c NOTIFY SET (subtree f1 (MessageNew MessageExpunge)) (personal (MailboxName))
expect c OK NOTIFY completed
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

# notify_timing [ENV...]: a NOTIFY session (no IDLE, then IDLE) timing
# how long deliveries take to be announced: into the selected INBOX,
# into another folder, into a folder made after the NOTIFY SET; prints
# "worst SECONDS" and "quiet TICKS", the CPU it used in 2 s of IDLE
# with nothing happening (a watch woken by its own looks would spin).
notify_timing() {
	env PYTHONPATH="$BATS_TEST_DIRNAME" "$@" timeout 60 python3 - "$IMAPD" "$MAILDIR" "$BATS_TEST_TMPDIR/imapd.log" <<'PY'
import os, sys, time
from imapd_pipe import Imapd
imapd, maildir = sys.argv[1], sys.argv[2]
i = Imapd(imapd, sys.argv[3])
until, send, p = i.until, i.send, i.p
worst = 0
n = 0
def deliver(folder, expect):
    global worst, n
    n += 1
    d = os.path.join(maildir, folder)
    name = "21000000%02d.M%dP1.notify" % (n, n)
    with open(os.path.join(d, "tmp", name), "w") as f:
        f.write("Subject: %d\n\nbody\n" % n)
    t0 = time.time()
    os.rename(os.path.join(d, "tmp", name), os.path.join(d, "new", name))
    until(expect)
    took = time.time() - t0
    worst = max(worst, took)
    print("%s: announced after %.3f s" % (folder, took))
send("L LOGIN bob@example.test secret"); until(b"L OK")
send("s SELECT INBOX"); until(b"s OK")
send("n NOTIFY SET (selected (MessageNew MessageExpunge)) (personal (MessageNew MessageExpunge MailboxName))")
until(b"n OK")
time.sleep(0.3)
deliver(".", b"* 4 EXISTS")
deliver(".misc", b'* STATUS "misc" (MESSAGES 1 UIDNEXT 2)')
for sub in ("", "/cur", "/new", "/tmp"):
    os.mkdir(os.path.join(maildir, ".later" + sub))
until(b'* LIST (\\HasNoChildren) "." "later"')
deliver(".later", b'* STATUS "later" (MESSAGES 1 UIDNEXT 2)')
send("i IDLE"); until(b"+ idling")
deliver(".", b"* 5 EXISTS")
deliver(".misc", b'* STATUS "misc" (MESSAGES 2 UIDNEXT 3)')
def ticks():
    f = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
t0 = ticks(); time.sleep(2); quiet = ticks() - t0
send("DONE"); until(b"i OK")
send("z LOGOUT"); until(b"z OK")
i.close()
print("worst %.3f" % worst)
print("quiet %d" % quiet)
PY
}

@test "NOTIFY announces deliveries in well under a second (inotify), between commands and in IDLE, in folders made after the SET" {
	run notify_timing
	echo "$output"
	[ "$status" -eq 0 ]
	worst=$(sed -n 's/^worst //p' <<<"$output")
	awk -v w="$worst" 'BEGIN { exit !(w < 0.5) }'
	[ "$(sed -n 's/^quiet //p' <<<"$output")" -lt 20 ]
	! grep -q 'event=inotify-error' "$BATS_TEST_TMPDIR/imapd.log"
}

@test "NOTIFY without inotify watches (the user's ran out) polls: the same announcements within about a second" {
	run notify_timing POSTERN_FAULT=inotify
	echo "$output"
	[ "$status" -eq 0 ]
	worst=$(sed -n 's/^worst //p' <<<"$output")
	awk -v w="$worst" 'BEGIN { exit !(w >= 0.5 && w < 2.5) }'
	grep -q 'event=inotify-error errno=28' "$BATS_TEST_TMPDIR/imapd.log"
}
