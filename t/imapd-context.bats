#!/usr/bin/env bats
# imapd CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): RETURN (UPDATE)
# keeps a search's result and sends ADDTO / REMOVEFROM as the folder
# changes (the session's own STORE and EXPUNGE, other sessions' APPEND,
# STORE and EXPUNGE, during IDLE), CANCELUPDATE, NOUPDATE, the limits.
load imapd-helpers

# Eight messages in cur/: n has Subject "sN" with N = 9 - n (so SORT
# SUBJECT is the reverse of arrival), arrived 10 - n days ago; 3 has
# \Deleted.
setup() {
	imap_setup
	for n in $(seq 1 8); do
		flags=""
		case $n in 3) flags="T" ;; esac
		f="$MAILDIR/cur/10000000$n.M${n}P1.t:2,$flags"
		printf 'From: u%d@example.test\nSubject: s%d\n\nbody %d\n' "$n" $((9 - n)) "$n" > "$f"
		touch -d "@$(( $(date +%s) - (10 - n) * 86400 ))" "$f"
	done
}
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# between A B: the output lines after the one starting "A " up to the
# one starting "B " (included).
between() { sed -n "/^$1 /,/^$2 /{/^$1 /!p}" <<<"$output"; }

# junk N...: give messages $Junk in a session of their own.
junk() {
	local cmds=()
	for n in "$@"; do cmds+=("j$n UID STORE $n +FLAGS.SILENT (\$Junk)"); done
	imap "$LOGIN" "s SELECT INBOX" "${cmds[@]}" >/dev/null
}

@test "CAPABILITY lists CONTEXT=SEARCH and CONTEXT=SORT" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' ESORT CONTEXT=SEARCH CONTEXT=SORT ' <<<"$CAPS"
}

@test "RFC 5267 §4.2, §4.3 examples: CONTEXT COUNT, UPDATE COUNT, tag reuse BAD, own STORE gives ADDTO (0 set)" {
	junk 2 5
	run imap "$LOGIN" "s SELECT INBOX" \
		'A01 SEARCH RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $Junk' \
		'B01 UID SEARCH RETURN (UPDATE COUNT) DELETED KEYWORD $Junk' \
		'B01 SORT RETURN (UPDATE) (DATE) UTF-8 FLAGGED' \
		'x STORE 6:7 +FLAGS ($Junk \Deleted)' 'y NOOP'
	has_line '* ESEARCH (TAG "A01") COUNT 5'
	has_line '* ESEARCH (TAG "B01") UID COUNT 0'
	has_line "B01 OK UID SEARCH completed"
	has_line "B01 BAD Tag reuse"
	has_line '* 6 FETCH (FLAGS (\Deleted $Junk))'
	has_line '* 7 FETCH (FLAGS (\Deleted $Junk))'
	has_line '* ESEARCH (TAG "B01") UID ADDTO (0 6:7)'
	# after the FETCH responses, before the tagged OK; once
	[ "$(sed -n '/^x OK/{x;p};h' <<<"$output")" = '* ESEARCH (TAG "B01") UID ADDTO (0 6:7)' ]
	[ "$(grep -c "^\* ESEARCH" <<<"$output")" -eq 3 ]
}

@test "CONTEXT=SORT: ADDTO and REMOVEFROM at their sort positions (own APPEND, STORE, EXPUNGE), UID and sequence numbers" {
	run imap "$LOGIN" "s SELECT INBOX" \
		'U UID SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 UNDELETED' \
		'V UID SORT RETURN (UPDATE) (REVERSE ARRIVAL) UTF-8 ALL' \
		'W SORT RETURN (UPDATE COUNT) (SUBJECT) UTF-8 UNDELETED' \
		'a APPEND INBOX {20+}' 'Subject: s45' '' 'body' \
		'b UID STORE 2 +FLAGS.SILENT (\Deleted)' \
		'c UID STORE 3 -FLAGS.SILENT (\Deleted)' \
		'd UID STORE 8,1 +FLAGS.SILENT (\Deleted)' 'e EXPUNGE'
	has_line '* ESEARCH (TAG "U") UID ALL 8,7,6,5,4,2,1'
	has_line '* ESEARCH (TAG "W") COUNT 7'
	has_line '* ESEARCH (TAG "U") UID ADDTO (5 9)'
	has_line '* ESEARCH (TAG "V") UID ADDTO (1 9)'
	has_line '* ESEARCH (TAG "W") ADDTO (5 9)'
	has_line '* ESEARCH (TAG "U") UID REMOVEFROM (7 2)'
	has_line '* ESEARCH (TAG "W") REMOVEFROM (7 2)'
	has_line '* ESEARCH (TAG "U") UID ADDTO (7 3)'
	has_line '* ESEARCH (TAG "W") ADDTO (7 3)'
	has_line '* ESEARCH (TAG "U") UID REMOVEFROM (1 8 7 1)'
	has_line '* ESEARCH (TAG "W") REMOVEFROM (1 8 7 1)'
	# §4.3.4: before the EXPUNGE responses, numbers as they were
	[ "$(between d e)" = '* ESEARCH (TAG "V") UID REMOVEFROM (2 8 7 2 7 1)
* 1 EXPUNGE
* 1 EXPUNGE
* 6 EXPUNGE
e OK EXPUNGE completed' ] || { echo "$output"; false; }
}

@test "UPDATE with literals in the keys, PARTIAL, SAVE; sequence-number REMOVEFROM before EXPUNGE; QRESYNC: before VANISHED" {
	run imap "$LOGIN" "s SELECT INBOX" \
		'A UID SEARCH RETURN (UPDATE PARTIAL 1:2) SUBJECT {3}' 's45' \
		'B SEARCH RETURN (UPDATE SAVE MIN) NOT SUBJECT {3}' 's45' \
		'a APPEND INBOX {20+}' 'Subject: s45' '' 'body' \
		'b STORE 2,4:5 +FLAGS.SILENT (\Deleted)' 'e EXPUNGE' 'f SEARCH $'
	has_line '* ESEARCH (TAG "A") UID PARTIAL (1:2 NIL)'
	has_line '* ESEARCH (TAG "B") MIN 1'
	has_line '* ESEARCH (TAG "A") UID ADDTO (0 9)'
	lacks_line '* ESEARCH (TAG "B") ADDTO (0 9)'
	has_line '* SEARCH 1'
	[ "$(between b e)" = '* ESEARCH (TAG "B") REMOVEFROM (0 2:5)
* 2 EXPUNGE
* 2 EXPUNGE
* 2 EXPUNGE
* 2 EXPUNGE
e OK EXPUNGE completed' ] || { echo "$output"; false; }
	run imap "$LOGIN" "q ENABLE QRESYNC" "s SELECT INBOX" 'Q SEARCH RETURN (UPDATE) ALL' \
		'R UID SEARCH RETURN (UPDATE) ALL' 'b STORE 2,4 +FLAGS.SILENT (\Deleted)' 'e EXPUNGE'
	[ "$(between b e)" = '* ESEARCH (TAG "Q") REMOVEFROM (0 2,4)
* ESEARCH (TAG "R") UID REMOVEFROM (0 6,8)
* VANISHED 6,8
e OK [HIGHESTMODSEQ 20] EXPUNGE completed' ] || { echo "$output"; false; }
}

@test "NOUPDATE (§4.3.1): sequence numbers, \$, OLDER/YOUNGER, past 8 contexts; the other return options still answered" {
	local cmds=()
	for n in 1 2 3 4 5 6 7 8 9; do cmds+=("c$n UID SEARCH RETURN (UPDATE COUNT) SUBJECT s$n"); done
	run imap "$LOGIN" "s SELECT INBOX" 'n1 SEARCH RETURN (UPDATE COUNT) 2:4' \
		'n2 UID SEARCH RETURN (UPDATE) UID $' 'n3 SEARCH RETURN (UPDATE MIN) OR SEEN YOUNGER 60' \
		'n4 SORT RETURN (UPDATE) (SUBJECT) UTF-8 NOT 1' "${cmds[@]}" \
		'x STORE 1:* +FLAGS.SILENT (\Seen)' 'y APPEND INBOX {19+}' 'Subject: s1 s9' '' 'x'
	has_line '* ESEARCH (TAG "n1") COUNT 3'
	has_line '* NO [NOUPDATE "n1"] Sequence numbers and $ are fixed when the search runs'
	has_line "n1 OK SEARCH completed"
	has_line '* NO [NOUPDATE "n2"] Sequence numbers and $ are fixed when the search runs'
	has_line '* NO [NOUPDATE "n3"] OLDER and YOUNGER move with time'
	has_line '* NO [NOUPDATE "n4"] Sequence numbers and $ are fixed when the search runs'
	has_line '* ESEARCH (TAG "c9") UID COUNT 0'
	has_line '* NO [NOUPDATE "c9"] Too many contexts'
	has_line 'c9 OK UID SEARCH completed'
	lacks_line '* NO [NOUPDATE "c8"] Too many contexts'
	# c1 to c8 are live, n1 to n4 and c9 not
	[ "$(between x y)" = "* 9 EXISTS
* 1 RECENT
* ESEARCH (TAG \"c1\") UID ADDTO (0 9)
y OK [APPENDUID $(uidvalidity) 9] APPEND completed" ] || { echo "$output"; false; }
	lacks_line '* ESEARCH (TAG "c9") UID ADDTO (0 9)'
}

@test "CANCELUPDATE (§4.3.5) ends the named contexts; unknown tag NO, unquoted BAD, none ended; contexts end with the folder (also a SELECT of the same one)" {
	run imap "$LOGIN" "s SELECT INBOX" 'B01 UID SEARCH RETURN (UPDATE) FLAGGED' \
		'B02 UID SEARCH RETURN (UPDATE) SEEN' 'C01 UID SEARCH RETURN (UPDATE) DRAFT' \
		'x1 CANCELUPDATE "B01" "nope"' 'x2 CANCELUPDATE B01' 'x3 CANCELUPDATE' \
		'a UID STORE 1 +FLAGS.SILENT (\Flagged \Seen \Draft)' \
		'B04 CANCELUPDATE "B01" "B02"' 'b UID STORE 2 +FLAGS.SILENT (\Flagged \Seen \Draft)' \
		'x4 CANCELUPDATE "B01"' 'u UNSELECT' 'x5 CANCELUPDATE "C01"' 's2 SELECT INBOX' \
		'x6 CANCELUPDATE "C01"' 'c UID STORE 3 +FLAGS.SILENT (\Flagged \Seen \Draft)' \
		'D UID SEARCH RETURN (UPDATE) DRAFT' 'x8 CANCELUPDATE {1+}' 'D' \
		'e UID STORE 4 +FLAGS.SILENT (\Draft)' 's3 EXAMINE INBOX' 'd NOOP' \
		'E UID SEARCH RETURN (UPDATE) ALL' 'f CLOSE' 'x7 CANCELUPDATE "E"' 's5 SELECT INBOX' \
		'G UID SEARCH RETURN (UPDATE) ALL' 's6 SELECT INBOX' 'x9 CANCELUPDATE "G"' \
		'g UID STORE 5 +FLAGS.SILENT (\Draft)'
	has_line 'x1 NO No updating search has that tag'
	has_line 'x2 BAD Expected a string'
	has_line 'x8 BAD Expected a quoted tag'
	[[ "$output" == *$'\nx3 BAD '* ]]
	[ "$(between x3 a)" = '* ESEARCH (TAG "B01") UID ADDTO (0 1)
* ESEARCH (TAG "B02") UID ADDTO (0 1)
* ESEARCH (TAG "C01") UID ADDTO (0 1)
a OK UID STORE completed' ]
	has_line "B04 OK CANCELUPDATE completed"
	[ "$(between B04 b)" = '* ESEARCH (TAG "C01") UID ADDTO (0 2)
b OK UID STORE completed' ]
	has_line 'x4 NO No updating search has that tag'
	has_line 'x5 BAD Command not valid in this state'
	has_line 'x6 NO No updating search has that tag'
	[ "$(between x6 c)" = 'c OK UID STORE completed' ]
	has_line 'x7 BAD Command not valid in this state'
	has_line '* ESEARCH (TAG "D") UID ADDTO (0 4)'
	has_line 'x9 NO No updating search has that tag'
	[ "$(grep -c '^\* ESEARCH' <<<"$output")" -eq 11 ]
}

# with_other SCRIPT: run the Python SCRIPT with session A on pipes
# (send, until) and other(lines...) running a second session to its end;
# $output is A's whole output.
with_other() {
	run env timeout 60 python3 - "$IMAPD" "$BATS_TEST_TMPDIR/imapd.log" "$1" <<'PY'
import os, select, subprocess, sys, time
imapd, log, script = sys.argv[1:4]
a = subprocess.Popen([imapd], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=open(log, "a"))
out, at = b"", 0
def send(line):
    a.stdin.write(line.encode() + b"\r\n")
    a.stdin.flush()
def until(word, limit=8.0):
    global out, at
    end = time.time() + limit
    while out.find(word.encode(), at) < 0:
        left = end - time.time()
        if left <= 0 or not select.select([a.stdout], [], [], left)[0]:
            sys.exit("timeout waiting for %r; got %r" % (word, out[at:]))
        out += os.read(a.stdout.fileno(), 65536)
    at = out.find(word.encode(), at) + len(word)
def other(*lines):
    data = "".join(l + "\r\n" for l in ("L LOGIN bob@example.test secret",
                   "s SELECT INBOX") + lines + ("z LOGOUT",))
    subprocess.run([imapd], input=data.encode(), stdout=subprocess.DEVNULL,
                   stderr=open(log, "a"), timeout=20, check=True)
exec(script)
send("Z LOGOUT")
a.stdin.close()
out += a.stdout.read()
a.wait(timeout=10)
sys.stdout.write(out.decode().replace("\r", ""))
PY
}

@test "Another session's APPEND, STORE and EXPUNGE: REMOVEFROM before the EXPUNGEs (numbers as before them), the rest after EXISTS" {
	with_other '
send("L LOGIN bob@example.test secret"); until("L OK")
send("s SELECT INBOX"); until("s OK")
send("U1 UID SEARCH RETURN (UPDATE ALL) UNDELETED UNSEEN"); until("U1 OK")
send("U2 SEARCH RETURN (UPDATE) SUBJECT s"); until("U2 OK")
send("U3 UID SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 UNSEEN"); until("U3 OK")
other("a APPEND INBOX {20+}\r\nSubject: s45\r\n\r\nbody", "b UID STORE 4 +FLAGS (\\Seen)",
      "c UID STORE 5 +FLAGS (\\Deleted)", "d EXPUNGE")
send("n NOOP"); until("n OK")
'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	has_line '* ESEARCH (TAG "U1") UID ALL 1:2,4:8'
	has_line '* ESEARCH (TAG "U3") UID ALL 8,7,6,5,4,3,2,1'
	[ "$(between U3 n)" = '* ESEARCH (TAG "U1") UID REMOVEFROM (0 5)
* ESEARCH (TAG "U2") REMOVEFROM (0 3,5)
* ESEARCH (TAG "U3") UID REMOVEFROM (4 5 5 3)
* 3 EXPUNGE
* 4 EXPUNGE
* 3 FETCH (FLAGS (\Seen))
* 7 EXISTS
* 0 RECENT
* ESEARCH (TAG "U1") UID REMOVEFROM (0 4) ADDTO (0 9)
* ESEARCH (TAG "U2") ADDTO (0 7)
* ESEARCH (TAG "U3") UID REMOVEFROM (4 4) ADDTO (4 9)
n OK NOOP completed' ] || { echo "$output"; false; }
}

@test "During IDLE: another session's STORE and APPEND come as ADDTO / REMOVEFROM at once" {
	with_other '
send("L LOGIN bob@example.test secret"); until("L OK")
send("s SELECT INBOX"); until("s OK")
send("U1 UID SEARCH RETURN (UPDATE) UNSEEN"); until("U1 OK")
send("U3 UID SORT RETURN (UPDATE) (SUBJECT) UTF-8 UNSEEN"); until("U3 OK")
send("i IDLE"); until("+ idling")
t0 = time.time()
other("b UID STORE 6 +FLAGS (\\Seen)")
until("* ESEARCH (TAG \"U3\") UID REMOVEFROM (3 6)", 3)
other("a APPEND INBOX {19+}\r\nSubject: s0\r\n\r\nbody")
until("* ESEARCH (TAG \"U3\") UID ADDTO (1 9)", 3)
took = time.time() - t0
send("DONE"); until("i OK")
if took > 2.5: sys.exit("too slow: %.2f s" % took)
'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(between U3 i)" = '+ idling
* 6 FETCH (FLAGS (\Seen))
* ESEARCH (TAG "U1") UID REMOVEFROM (0 6)
* ESEARCH (TAG "U3") UID REMOVEFROM (3 6)
* 9 EXISTS
* 1 RECENT
* ESEARCH (TAG "U1") UID ADDTO (0 9)
* ESEARCH (TAG "U3") UID ADDTO (1 9)
i OK IDLE completed' ] || { echo "$output"; false; }
}

@test "RFC 5465 §7 example: UPDATE (fetch-att ...) sends FETCH of a new message that joins, after EXISTS, before the ADDTO; none for a flag change or the session's own APPEND" {
	with_other '
send("L LOGIN bob@example.test secret"); until("L OK")
send("s SELECT INBOX"); until("s OK")
send("a00 SEARCH RETURN (COUNT UPDATE (UID BODY.PEEK[HEADER.FIELDS (TO FROM SUBJECT)])) FROM \"boss\""); until("a00 OK")
send("b00 UID SEARCH RETURN (UPDATE (FLAGS)) FLAGGED"); until("b00 OK")
other("a APPEND INBOX {78+}\r\nSubject: Re: good morning\r\nFrom: myboss@example.org\r\nTo: bob@example.org\r\n\r\nhi",
      "b UID STORE 2 +FLAGS (\\Flagged)")
send("n NOOP"); until("n OK")
send("c APPEND INBOX {29+}\r\nFrom: boss@example.org\r\n\r\nhi"); until("c OK")
'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	has_line '* ESEARCH (TAG "a00") COUNT 0'
	[ "$(between b00 n)" = '* 2 FETCH (FLAGS (\Flagged))
* 9 EXISTS
* 0 RECENT
* 9 FETCH (UID 9 BODY[HEADER.FIELDS (TO FROM SUBJECT)] {76}
Subject: Re: good morning
From: myboss@example.org
To: bob@example.org

)
* ESEARCH (TAG "a00") ADDTO (0 9)
* ESEARCH (TAG "b00") UID ADDTO (0 2)
n OK NOOP completed' ] || { echo "$output"; false; }
	[ "$(between n c)" = "* 10 EXISTS
* 1 RECENT
* ESEARCH (TAG \"a00\") ADDTO (0 10)
c OK [APPENDUID $(uidvalidity) 10] APPEND completed" ] || { echo "$output"; false; }
	run imap "$LOGIN" "s SELECT INBOX" 'a SEARCH RETURN (UPDATE (BODY[NOPE])) ALL' 'b SEARCH RETURN (UPDATE ()) ALL'
	has_line 'a BAD Bad section'
	grep -q '^b BAD ' <<<"$output"
}
