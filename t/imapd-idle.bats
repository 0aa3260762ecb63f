#!/usr/bin/env bats
# imapd IDLE (RFC 2177) and the reports of changes made elsewhere (§7):
# deliveries, flag changes and expunges by other sessions show during
# IDLE within 5 seconds and on NOOP; after other commands (at most one
# look a second); EXPUNGE never during FETCH, STORE or SEARCH (§7.4.1),
# but during their UID forms.
load imapd-helpers

setup() {
	imap_setup
	three_messages
}
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

@test "IDLE reports delivery, flag changes and expunges by others within 5 s; DONE ends it" {
	run client <<EOF
send $LOGIN
send a SELECT INBOX
expect a OK .*
send b IDLE
expect \+ idling
run printf 'From: x@example.test\n\nnew\n' > $MAILDIR/tmp/2000000000.M9P9.t && mv $MAILDIR/tmp/2000000000.M9P9.t $MAILDIR/new/
expect \* 4 EXISTS
$(other 's STORE 2 +FLAGS (\Flagged)')
expect \* 2 FETCH \(FLAGS \(\\\\Flagged \\\\Recent\)\)
$(other 's STORE 1 +FLAGS (\Deleted)' 'e EXPUNGE')
expect \* 1 EXPUNGE
send DONE
expect b OK IDLE completed
send c FETCH 1:* UID
expect c OK FETCH completed
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "* 3 FETCH (UID 4)"
	has_line "* 1 FETCH (UID 2)"
	has_line "exit 0"
}

@test "IDLE in the authenticated state, a line other than DONE, pipelined commands after DONE" {
	run client <<EOF
send $LOGIN
send a IDLE
expect \+ idling
send DONE
send b NOOP
expect b OK NOOP completed
send c SELECT INBOX
expect c OK .*
send d IDLE
expect \+ idling
send e NOOP
expect d BAD Expected DONE
send f FETCH 1 UID
expect f OK FETCH completed
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "a OK IDLE completed"
	has_line "* 1 FETCH (UID 1)"
}

@test "IDLE ends with BYE after idletimeout; a dropped link ends the session" {
	control idletimeout 2
	run client <<EOF
send $LOGIN
send a SELECT INBOX
expect a OK .*
send b IDLE
expect \+ idling
expect \* BYE Autologout; idle for too long @6
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "exit 0"
	grep -q 'event=idle-timeout' "$BATS_TEST_TMPDIR/imapd.log"
	run client <<EOF
send $LOGIN
send a IDLE
expect \+ idling
EOF
	has_line "exit 0"
}

@test "NOOP reports expunges and flags by others; FETCH, STORE, SEARCH hold EXPUNGE back, UID forms do not" {
	run client <<EOF
send $LOGIN
send a SELECT INBOX
expect a OK .*
$(other 's STORE 3 +FLAGS (\Deleted)' 'e EXPUNGE')
send b FETCH 1:* FLAGS
expect b OK FETCH completed
send c STORE 1 +FLAGS (\Seen)
expect c OK STORE completed
send d SEARCH ALL
expect d OK SEARCH completed
absent \* 3 EXPUNGE
run sleep 1.1
send e UID SEARCH ALL
expect \* 3 EXPUNGE
expect e OK UID SEARCH completed
$(other 's STORE 1 +FLAGS (\Deleted)' 'e EXPUNGE')
$(other 's STORE 1 +FLAGS (\Answered)')
send f NOOP
expect \* 1 EXPUNGE
expect f OK NOOP completed
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	# the UID SEARCH ran before its EXPUNGE was sent: UID 3 still there
	[ "$(grep -c '^\* SEARCH 1 2 3$' <<<"$output")" -eq 2 ]
	has_line "* 1 FETCH (FLAGS (\\Answered \\Recent))"
}

@test "SELECT of the selected folder again catches up quietly and keeps \\Recent" {
	run client <<EOF
send $LOGIN
send a SELECT INBOX
expect a OK .*
$(other 's STORE 1 +FLAGS (\Deleted)' 'e EXPUNGE')
run printf 'From: x@example.test\n\nnew\n' > $MAILDIR/tmp/2000000000.M9P9.t && mv $MAILDIR/tmp/2000000000.M9P9.t $MAILDIR/new/
send b SELECT INBOX
expect b OK \[READ-WRITE\] SELECT completed
send c FETCH 1:* (UID FLAGS)
expect c OK FETCH completed
send d EXAMINE INBOX
expect d OK \[READ-ONLY\] EXAMINE completed
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	lacks_line "* 1 EXPUNGE"
	[ "$(grep -c '^\* 3 EXISTS$' <<<"$output")" -eq 3 ]
	has_line "* 3 RECENT"
	has_line "* 1 FETCH (UID 2 FLAGS (\\Recent))"
	has_line "* 3 FETCH (UID 4 FLAGS (\\Recent))"
}

@test "IDLE announces a delivery in well under a second (inotify; the poll fallback is 5 s)" {
	run env PYTHONPATH="$BATS_TEST_DIRNAME" timeout 30 python3 - "$IMAPD" "$MAILDIR" "$BATS_TEST_TMPDIR/imapd.log" <<'PY'
import os, sys, time
from imapd_pipe import Imapd
imapd, maildir = sys.argv[1], sys.argv[2]
i = Imapd(imapd, sys.argv[3])
until, send, p = i.until, i.send, i.p
send("L LOGIN bob@example.test secret"); until(b"L OK")
send("s SELECT INBOX"); until(b"s OK")
send("i IDLE"); until(b"+ idling")
time.sleep(0.3)
worst = 0
for n in range(4, 7):
    name = "20000000%02d.M%dP1.idle" % (n, n)
    with open(os.path.join(maildir, "tmp", name), "w") as f:
        f.write("Subject: %d\n\nbody\n" % n)
    t0 = time.time()
    os.rename(os.path.join(maildir, "tmp", name), os.path.join(maildir, "new", name))
    until(b"* %d EXISTS" % n)
    took = time.time() - t0
    worst = max(worst, took)
    print("delivery %d announced after %.3f s" % (n, took))
send("DONE"); until(b"i OK")
i.close()
sys.exit(0 if worst < 0.5 else "too slow: %.3f s" % worst)
PY
	echo "$output"
	[ "$status" -eq 0 ]
}
