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
