#!/usr/bin/env bats
# imapd CONDSTORE and QRESYNC (RFC 7162): the RFC's examples on a small
# folder, the bad inputs, QRESYNC after expunges by another session and
# below the store's floor of remembered expunges, and the resync that
# Thunderbird sends.
load imapd-helpers

# Three messages; the first SELECT gives them MODSEQ 1, 2, 3.
setup() { imap_setup; three_messages; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

V() { uidvalidity; }
index_sum() { md5sum "$MAILDIR/postern-index" | cut -d' ' -f1; }

@test "CAPABILITY lists CONDSTORE and QRESYNC; ENABLE turns each on once" {
	run imap "$LOGIN" "c CAPABILITY" "a ENABLE CONDSTORE" "b ENABLE QRESYNC" \
		"d ENABLE QRESYNC CONDSTORE" "e ENABLE X-NOTHING"
	has_line "* CAPABILITY $CAPS"
	grep -q ' CONDSTORE QRESYNC' <<<"$CAPS"
	has_line "* ENABLED CONDSTORE"
	has_line "* ENABLED QRESYNC"
	[ "$(grep -c '^\* ENABLED$' <<<"$output")" -eq 2 ]
	run imap "$LOGIN" "b ENABLE QRESYNC"
	has_line "* ENABLED QRESYNC"    # CONDSTORE comes with it, unlisted
}

@test "example 18: SELECT (CONDSTORE) tells HIGHESTMODSEQ; a plain SELECT does not; CLOSED between" {
	run imap "$LOGIN" "s SELECT INBOX" "t SELECT INBOX (CONDSTORE)" "u EXAMINE INBOX"
	[ "$(grep -c '^\* OK \[HIGHESTMODSEQ 3\] Highest$' <<<"$output")" -eq 2 ]
	[ "$(grep -c '^\* OK \[CLOSED\] Previous mailbox closed$' <<<"$output")" -eq 2 ]
	[ "$(grep -n 'HIGHESTMODSEQ' <<<"$output" | head -1 | cut -d: -f1)" -gt \
	  "$(grep -n '^s OK' <<<"$output" | cut -d: -f1)" ]
	has_line "t OK [READ-WRITE] SELECT completed"
	has_line "u OK [READ-ONLY] EXAMINE completed"
}

@test "examples 5, 13: the first enabling command with a folder selected tells HIGHESTMODSEQ; FETCH MODSEQ" {
	run imap "$LOGIN" "s SELECT INBOX" "a FETCH 1:3 (MODSEQ)" "b FETCH 2 (MODSEQ FLAGS)"
	[ "$(grep -c 'HIGHESTMODSEQ' <<<"$output")" -eq 1 ]
	has_line "* OK [HIGHESTMODSEQ 3] Highest"
	has_line "* 1 FETCH (MODSEQ (1))"
	has_line "* 3 FETCH (MODSEQ (3))"
	has_line "* 2 FETCH (MODSEQ (2) FLAGS (\\Recent))"
}

@test "examples 3, 6, 10: STORE UNCHANGEDSINCE: MODSEQ even when silent, the failures in MODIFIED with their flags" {
	run imap "$LOGIN" "e ENABLE CONDSTORE" "s SELECT INBOX" \
		"a STORE 2 +FLAGS.SILENT (\\Seen)" \
		"b UID STORE 3,1,2 (UNCHANGEDSINCE 3) +FLAGS.SILENT (\\Deleted)" \
		"c STORE 1:3 (UNCHANGEDSINCE 5) -FLAGS.SILENT (\\Deleted)" \
		"d STORE 2 (UNCHANGEDSINCE 4) FLAGS (\\Answered)"
	has_line "* 2 FETCH (UID 2 MODSEQ (4))"
	has_line "* 1 FETCH (UID 1 MODSEQ (5))"
	has_line "* 2 FETCH (UID 2 MODSEQ (4) FLAGS (\\Seen \\Recent))"
	has_line "* 3 FETCH (UID 3 MODSEQ (6))"
	has_line "b OK [MODIFIED 2] Conditional STORE failed"
	has_line "* 1 FETCH (UID 1 MODSEQ (7))"
	has_line "* 3 FETCH (UID 3 MODSEQ (6) FLAGS (\\Deleted \\Recent))"
	has_line "c OK [MODIFIED 3] Conditional STORE failed"
	has_line "* 2 FETCH (UID 2 MODSEQ (8) FLAGS (\\Answered \\Recent))"
	has_line "d OK STORE completed"
	ls "$MAILDIR/cur" | grep -qx '1000000001.M1P1.test:2,'
	ls "$MAILDIR/cur" | grep -qx '1000000002.M2P2.test:2,R'
	ls "$MAILDIR/cur" | grep -qx '1000000003.M3P3.test:2,T'
}

@test "example 8: UNCHANGEDSINCE 0 always fails and changes nothing" {
	imap "$LOGIN" "s SELECT INBOX" >/dev/null
	before=$(ls "$MAILDIR/cur"; index_sum)
	run imap "$LOGIN" "s SELECT INBOX" "a102 STORE 2 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\$MDNSent)" \
		"b UID STORE 1:* (UNCHANGEDSINCE 0) -FLAGS (\\Seen)"
	has_line "a102 OK [MODIFIED 2] Conditional STORE failed"
	has_line "b OK [MODIFIED 1:3] Conditional STORE failed"
	[ "$before" = "$(ls "$MAILDIR/cur"; index_sum)" ]
}

@test "example 12: FETCH CHANGEDSINCE returns only the changed, with MODSEQ" {
	run imap "$LOGIN" "s SELECT INBOX" "a STORE 1,3 +FLAGS (\\Flagged)" \
		"s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 3)" "t FETCH 1:* (UID) (CHANGEDSINCE 4)" \
		"u FETCH 1:* (FLAGS) (CHANGEDSINCE 5)"
	has_line "* 1 FETCH (UID 1 MODSEQ (4) FLAGS (\\Flagged \\Recent))"
	has_line "* 3 FETCH (UID 3 MODSEQ (5) FLAGS (\\Flagged \\Recent))"
	[ "$(grep -c '^\* [0-9] FETCH (UID [0-9] MODSEQ' <<<"$output")" -eq 2 ]
	has_line "* 3 FETCH (MODSEQ (5) UID 3)"
	lacks_line "* 2 FETCH (UID 2 MODSEQ (2) FLAGS (\\Recent))"
	has_line "u OK FETCH completed"
}

@test "examples 15, 16, 17, 19: SEARCH MODSEQ (with an entry), ESEARCH, SORT, STATUS HIGHESTMODSEQ" {
	run imap "$LOGIN" "s SELECT INBOX" "a STORE 2 +FLAGS (\\Draft)" \
		'b SEARCH MODSEQ "/flags/\\draft" all 3' "t SEARCH OR NOT MODSEQ 1 LARGER 50000" \
		"c SEARCH RETURN (ALL) MODSEQ 2" "d UID SORT (ARRIVAL) UTF-8 MODSEQ 2" \
		"e SEARCH MODSEQ 5" "A042 STATUS INBOX (UIDNEXT MESSAGES HIGHESTMODSEQ)"
	has_line "* SEARCH 2 3 (MODSEQ 4)"
	has_line "* SEARCH"
	has_line '* ESEARCH (TAG "c") ALL 2:3 MODSEQ 4'
	has_line "* SORT 2 3 (MODSEQ 4)"
	has_line "* STATUS \"INBOX\" (MESSAGES 3 UIDNEXT 4 HIGHESTMODSEQ 4)"
	[ "$(grep -c '^\* SEARCH$' <<<"$output")" -eq 2 ]
}

@test "bad modifiers and parameters get BAD and write nothing" {
	imap "$LOGIN" "s SELECT INBOX" >/dev/null
	before=$(ls "$MAILDIR/cur"; index_sum)
	run imap "$LOGIN" "s SELECT INBOX" "a FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)" \
		"b UID FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)" \
		"c FETCH 1 FLAGS (CHANGEDSINCE 9223372036854775808)" "d FETCH 1 FLAGS (CHANGEDSINCE)" \
		"e FETCH 1 FLAGS (NOTHING 1)" "f STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Seen)" \
		"g STORE 1 (SOMETHING 1) +FLAGS (\\Seen)" "h SEARCH MODSEQ \"/flags/\\\\seen\" bogus 5" \
		"i SEARCH MODSEQ -1" "j SELECT INBOX (QRESYNC (1 1))" "k SELECT INBOX (NOTHING)" \
		"l STORE 1 (UNCHANGEDSINCE 1 UNCHANGEDSINCE 1) +FLAGS (\\Seen)"
	has_line "a BAD VANISHED needs UID FETCH"
	has_line "b BAD QRESYNC is not enabled"
	has_line "c BAD Mod-sequence too large"
	has_line "d BAD Missing argument or space"
	has_line "e BAD Unknown FETCH modifier"
	has_line "f BAD Expected a mod-sequence"
	has_line "g BAD Unknown STORE modifier"
	has_line "h BAD Bad MODSEQ entry"
	has_line "i BAD Expected a mod-sequence"
	has_line "j BAD QRESYNC is not enabled"
	has_line "k BAD Unknown SELECT parameter"
	grep -q '^l BAD ' <<<"$output"
	run imap "$LOGIN" "x ENABLE QRESYNC" "s SELECT INBOX" "a UID FETCH 1 (FLAGS) (VANISHED)" \
		"b SELECT INBOX (QRESYNC (0 1))" "c SELECT INBOX (QRESYNC (1 1 1:* (1)))" \
		"d SELECT INBOX (QRESYNC (1))" "e SELECT INBOX (QRESYNC (1 1) QRESYNC (1 1))"
	has_line "a BAD VANISHED needs CHANGEDSINCE"
	has_line "b BAD Bad QRESYNC parameter"
	has_line "c BAD Bad QRESYNC parameter"
	has_line "d BAD Bad QRESYNC parameter"
	has_line "e BAD Unknown SELECT parameter"
	[ "$before" = "$(ls "$MAILDIR/cur"; index_sum)" ]
}

@test "QRESYNC: EXPUNGE answers VANISHED and HIGHESTMODSEQ; another session's expunge and flags come as VANISHED and UID MODSEQ FETCH" {
	run client <<EOF
send $LOGIN
send e ENABLE QRESYNC
expect e OK .*
send s SELECT INBOX
expect s OK .*
send a STORE 1 +FLAGS.SILENT (\\Deleted)
expect a OK .*
send b EXPUNGE
expect \* VANISHED 1
expect b OK \[HIGHESTMODSEQ 5\] EXPUNGE completed
$(other 's UID STORE 3 +FLAGS (\Flagged)' 't UID STORE 2 +FLAGS (\Deleted)' 'u EXPUNGE')
send c NOOP
expect \* VANISHED 2
expect \* 1 FETCH \(UID 3 MODSEQ \(6\) FLAGS \(\\\\Flagged \\\\Recent\)\)
expect c OK NOOP completed
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	lacks_line "* 1 EXPUNGE"
}

@test "hard case: SELECT (QRESYNC) after expunges and flag changes by another session" {
	imap "$LOGIN" "s SELECT INBOX (CONDSTORE)" >/dev/null       # HIGHESTMODSEQ 3
	imap "$LOGIN" "s SELECT INBOX" "a STORE 3 +FLAGS (\\Flagged)" "b STORE 1 +FLAGS (\\Deleted)" \
		"c EXPUNGE" >/dev/null
	deliver 1000000004.M4P4.test 'Subject: four\n\nbody\n'
	v=$(V)
	run imap "$LOGIN" "e ENABLE QRESYNC" "A03 SELECT INBOX (QRESYNC ($v 3 1:3))" \
		"A04 SELECT INBOX (QRESYNC ($v 3))" "A05 SELECT INBOX (QRESYNC ($((v + 1)) 3))" \
		"A06 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 3 VANISHED)"
	[ "$(grep -c '^\* VANISHED (EARLIER) 1$' <<<"$output")" -eq 3 ]
	[ "$(grep -c '^\* 2 FETCH (UID 3 MODSEQ (4) FLAGS (\\Flagged))$' <<<"$output")" -eq 3 ]
	has_line "* 3 FETCH (UID 4 MODSEQ (7) FLAGS (\\Recent))"
	[ "$(grep -c 'UID 4 MODSEQ' <<<"$output")" -eq 2 ]     # A04 and A06, not A03
	[ "$(grep -c 'UID 2 ' <<<"$output")" -eq 0 ]           # unchanged since 3
	has_line "A05 OK [READ-WRITE] SELECT completed"
}

@test "below the floor of remembered expunges: every unknown UID is VANISHED, cut by seq-match-data" {
	imap "$LOGIN" "s SELECT INBOX" "a UID STORE 1 +FLAGS (\\Deleted)" "b EXPUNGE" \
		"c UID STORE 2 +FLAGS (\\Deleted)" "d EXPUNGE" >/dev/null
	v=$(V)
	run imap "$LOGIN" "e ENABLE QRESYNC" "a SELECT INBOX (QRESYNC ($v 5 1:3))"
	has_line "* VANISHED (EARLIER) 2"
	# the store forgot expunges up to MODSEQ 7 (lib/store.h EXPUNGEFLOOR):
	# the index as the fold of its change log writes it, the two "x"
	# records gone
	python3 - "$MAILDIR" <<'PY'
import os, sys
d = sys.argv[1]
lines = open(d + "/postern-index").read().split("\n")
log = d + "/postern-changes"
if os.path.exists(log):
    lines += open(log).read().split("\n")[1:]
    os.unlink(log)
head, msgs, high = lines[0].split()[:7], {}, 0
for l in lines[1:]:
    f = l.split(" ", 4)
    if f[0] in ("m", "x"):
        high = max(high, int(f[2]))
    if f[0] == "m":
        msgs[int(f[1])] = l
    elif f[0] == "x":
        msgs.pop(int(f[1]), None)
head[4], head[6] = str(high), "7"
open(d + "/postern-index", "w").write(" ".join(head) + "\n" +
    "".join(msgs[u] + "\n" for u in sorted(msgs)))
PY
	run imap "$LOGIN" "e ENABLE QRESYNC" "a SELECT INBOX (QRESYNC ($v 5 1:3))" \
		"b SELECT INBOX (QRESYNC ($v 5 1:10 (1 3)))" "c SELECT INBOX (QRESYNC ($v 5 (1:2 1,3)))" \
		"d UID FETCH 1:4000000000 (FLAGS) (CHANGEDSINCE 5 VANISHED)"
	[ "$(grep -c '^\* VANISHED (EARLIER) 1:2$' <<<"$output")" -eq 3 ]
	[ "$(grep -c 'VANISHED' <<<"$output")" -eq 3 ]         # none for b
	has_line "b OK [READ-WRITE] SELECT completed"
}

@test "a Thunderbird CONDSTORE resync: ENABLE, SELECT (CONDSTORE), UID FETCH 1:* (FLAGS) (CHANGEDSINCE n), new headers" {
	# the first sync: what Thunderbird keeps (UIDVALIDITY, HIGHESTMODSEQ)
	run imap "$LOGIN" "1 capability" "2 ENABLE CONDSTORE" '3 select "INBOX" (CONDSTORE)' \
		"4 UID fetch 1:* (FLAGS)"
	has_line "* OK [HIGHESTMODSEQ 3] Highest"
	# meanwhile: webmail reads 2, flags 3, deletes 1; a message arrives
	imap "$LOGIN" "s SELECT INBOX" "a STORE 2 +FLAGS (\\Seen)" "b STORE 3 +FLAGS (\\Flagged)" \
		"c STORE 1 +FLAGS (\\Deleted)" "d EXPUNGE" >/dev/null
	deliver 1000000004.M4P4.test 'From: d@example.test\nSubject: four\nMessage-ID: <4@x>\n\nbody\n'
	run imap "$LOGIN" "1 capability" "2 ENABLE CONDSTORE" '3 select "INBOX" (CONDSTORE)' \
		"4 UID fetch 1:3 (FLAGS) (CHANGEDSINCE 3)" "5 UID fetch 1:3 (UID)" \
		"6 UID fetch 4:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])" \
		"7 UID STORE 4 +FLAGS (\\Seen)" "8 logout"
	has_line "* OK [HIGHESTMODSEQ 8] Highest"
	has_line "* 3 EXISTS"
	has_line "* 1 FETCH (UID 2 MODSEQ (4) FLAGS (\\Seen))"
	has_line "* 2 FETCH (UID 3 MODSEQ (5) FLAGS (\\Flagged))"
	[ "$(grep -c '^\* [0-9] FETCH (UID [0-9] MODSEQ' <<<"$output")" -eq 3 ]
	has_line "* 1 FETCH (UID 2)"        # UID 1 is missing: expunged
	lacks_line "* 1 FETCH (UID 1)"
	has_line "Subject: four"
	has_line "* 3 FETCH (UID 4 MODSEQ (9) FLAGS (\\Seen \\Recent))"
	has_line "7 OK UID STORE completed"
}

@test "§3.2: while an expunge waits (FETCH, STORE, SEARCH), HIGHESTMODSEQ is told below it" {
	run client <<EOF
send $LOGIN
send s SELECT INBOX (CONDSTORE)
expect s OK .*
$(other 'a UID STORE 1 +FLAGS (\Deleted)' 'b EXPUNGE' 'c UID STORE 3 +FLAGS (\Flagged)')
run sleep 1.1
send f FETCH 3 (FLAGS)
expect \* 3 FETCH \(UID 3 MODSEQ \(6\) FLAGS \(\\\\Flagged \\\\Recent\)\)
expect \* OK \[HIGHESTMODSEQ 3\] Expunges pending
expect f OK FETCH completed
send n NOOP
expect \* 1 EXPUNGE
expect n OK NOOP completed
send g FETCH 2 (FLAGS)
expect g OK FETCH completed
send z LOGOUT
expect z OK .*
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'Expunges pending' <<<"$output")" -eq 1 ]
}
