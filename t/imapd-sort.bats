#!/usr/bin/env bats
# imapd SORT (RFC 5256, DISPLAY: RFC 5957, ESORT: RFC 5267 §3) and
# THREAD (RFC 5256: ORDEREDSUBJECT, REFERENCES; REFS): the RFCs'
# examples, every sort key, UID forms, and the bad cases.
load imapd-helpers

# Five messages shaped like RFC 5256's SORT example: base subjects
# "b a b a c" ... and distinct dates, senders, sizes and arrival times.
setup() {
	imap_setup
	export TZ=UTC
	msg() {        # N FROM TO CC DATE SUBJECT [EXTRA]
		local f="$MAILDIR/cur/100000000$1.M$1P1.t:2,"
		printf 'From: %s\nTo: %s\nCc: %s\nDate: %s\nSubject: %s\n%b\nbody %s\n' \
			"$2" "$3" "$4" "$5" "$6" "${7:-}" "$(printf '%*s' $(( (6 - $1) * 50 )) x)" > "$f"
		touch -d "2026-01-0$((6 - $1)) 12:00:00 UTC" "$f"
	}
	msg 1 'Zoe <zoe@example.org>' 'b@example.net' 'carol@example.net' \
		'Mon, 2 Mar 2026 10:00:00 +0000' 'Re: b topic' 'Message-ID: <1@x>\n'
	msg 2 '"Adam" <zed@example.org>' 'a@example.net' '' \
		'Mon, 2 Mar 2026 09:00:00 +0000' 'a topic' 'Message-ID: <2@x>\n'
	msg 3 'mike@example.org' 'C@example.net' 'alice@example.net' \
		'Mon, 2 Mar 2026 11:00:00 +0100' 'b topic' 'Message-ID: <3@x>\n'
	msg 4 'bob@example.org' '=?UTF-8?Q?=C3=89mile?= <e@example.net>' '' \
		'Mon, 2 Mar 2026 12:00:00 +0000' '[list] Re: a topic (fwd)' 'Message-ID: <4@x>\nReferences: <2@x>\n'
	msg 5 'anna@example.org' 'd@example.net' 'bob@example.net' \
		'garbage date' 'c topic' 'Message-ID: <5@x>\nIn-Reply-To: <3@x>\n'
}
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# sort 'ARGS' 'RESULT': "s SORT ARGS" answers "* SORT RESULT".
sort_is() {
	run imap "$LOGIN" "a EXAMINE INBOX" "s $1"
	local want="* ${3:-SORT}${2:+ $2}"
	if ! has_line "$want" || ! grep -q "^s OK " <<<"$output"; then
		echo "$1" >&2
		return 1
	fi
}

@test "CAPABILITY lists SORT, SORT=DISPLAY, ESORT and the THREAD algorithms" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES THREAD=REFS' <<<"$CAPS"
}

@test "RFC 5256 §3 examples: SORT (SUBJECT), (SUBJECT REVERSE DATE), no match" {
	sort_is 'SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994' '2 4 1 3 5'
	sort_is 'SORT (SUBJECT) UTF-8 ALL' '2 4 1 3 5'
	sort_is 'SORT (SUBJECT REVERSE DATE) UTF-8 ALL' '4 2 1 3 5'
	sort_is 'SORT (SUBJECT) US-ASCII TEXT "not in mailbox"' ''
}

@test "every sort key, REVERSE, and the sequence number as the last tie-breaker" {
	sort_is 'SORT (ARRIVAL) UTF-8 ALL' '5 4 3 2 1'
	sort_is 'SORT (REVERSE ARRIVAL) UTF-8 ALL' '1 2 3 4 5'
	# Date in UTC; 3 is 10:00Z; 5's bad date falls back to its arrival
	sort_is 'SORT (DATE) UTF-8 ALL' '5 2 1 3 4'
	sort_is 'SORT (SIZE) UTF-8 ALL' '5 4 3 2 1'
	sort_is 'SORT (FROM) UTF-8 ALL' '5 4 3 2 1'
	sort_is 'SORT (TO) UTF-8 ALL' '2 1 3 5 4'
	sort_is 'SORT (CC) UTF-8 ALL' '2 4 3 5 1'
	sort_is 'SORT (REVERSE CC) UTF-8 ALL' '1 5 3 2 4'
	sort_is 'SORT (DISPLAYFROM) UTF-8 ALL' '2 5 4 3 1'
	sort_is 'SORT (DISPLAYTO) UTF-8 ALL' '2 1 3 5 4'
	sort_is 'SORT (SUBJECT SIZE) UTF-8 ALL' '4 2 3 1 5'
	sort_is 'SORT (SUBJECT) UTF-8 FROM example.org NOT FROM zoe' '2 4 3 5'
}

@test "UID SORT answers UIDs and takes UID search keys" {
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 +FLAGS.SILENT (\\Deleted)" "c EXPUNGE" \
		"u UID SORT (REVERSE SIZE) UTF-8 UID 3:*" "s SORT (REVERSE SIZE) UTF-8 ALL"
	has_line "* SORT 3 4 5"
	has_line "u OK UID SORT completed"
	has_line "* SORT 1 2 3 4"
}

@test "ESORT (RFC 5267 §3): SORT RETURN with MIN MAX COUNT ALL in sort order, SAVE" {
	run imap "$LOGIN" "a EXAMINE INBOX" "E01 UID SORT RETURN () (REVERSE DATE) UTF-8 ALL" \
		"E02 SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL" \
		"E03 SORT RETURN (COUNT) (SUBJECT) UTF-8 SUBJECT nothing" \
		"E04 SORT RETURN (SAVE MIN) (DATE) UTF-8 ALL" 'E05 FETCH $ (UID)'
	# 1 and 3 have one Date (10:00Z): the sequence number decides,
	# not reversed; 5's bad Date is its (earliest) arrival
	has_line '* ESEARCH (TAG "E01") UID ALL 4,1,3,2,5'
	has_line '* ESEARCH (TAG "E02") MIN 2 MAX 5 COUNT 5'
	has_line '* ESEARCH (TAG "E03") COUNT 0'
	lacks_line '* ESEARCH (TAG "E04")'
	has_line "* 5 FETCH (UID 5)"
	[ "$(grep -c 'FETCH (UID' <<<"$output")" -eq 1 ]
}

@test "RFC 5267 §4.4: SORT RETURN (PARTIAL) is a part of the results in sort order" {
	run imap "$LOGIN" "a EXAMINE INBOX" "P1 UID SORT RETURN (PARTIAL 2:3) (REVERSE DATE) UTF-8 ALL" \
		"P2 SORT RETURN (PARTIAL 4:9 COUNT) (REVERSE DATE) UTF-8 ALL" \
		"P3 SORT RETURN (PARTIAL 6:7) (DATE) UTF-8 ALL"
	has_line '* ESEARCH (TAG "P1") UID PARTIAL (2:3 1,3)'
	has_line '* ESEARCH (TAG "P2") COUNT 5 PARTIAL (4:9 2,5)'
	has_line '* ESEARCH (TAG "P3") PARTIAL (6:7 NIL)'
}

@test "THREAD ORDEREDSUBJECT, REFERENCES and REFS; UID THREAD; empty result" {
	# ORDEREDSUBJECT: by base subject then date, threads by first date
	sort_is 'THREAD ORDEREDSUBJECT UTF-8 ALL' '(5)(2 4)(1 3)' THREAD
	# REFERENCES: 4 below 2, 5 below 3; 1 ("Re: b topic") joins 3's
	# thread by subject (step 5), after 5 by date; REFS: no subject
	# merging, threads by their newest message
	run imap "$LOGIN" "a EXAMINE INBOX" "t THREAD REFERENCES UTF-8 ALL" \
		"r THREAD REFS UTF-8 ALL" "u UID THREAD REFERENCES UTF-8 NOT UID 5" \
		"n THREAD REFERENCES UTF-8 SUBJECT nothing"
	has_line "* THREAD (2 4)(3 (5)(1))"
	has_line "* THREAD (1)(3 5)(2 4)"
	has_line "* THREAD (2 4)(3 1)"
	has_line "u OK UID THREAD completed"
	has_line "* THREAD"
	has_line "n OK THREAD completed"
}

@test "bad SORT and THREAD commands are BAD or NO, nothing sorted or written" {
	before=$(ls "$MAILDIR/cur")
	run imap "$LOGIN" "a SELECT INBOX" "b SORT (SUBJECT) ALL" "c SORT (BOGUS) UTF-8 ALL" \
		"d SORT () UTF-8 ALL" "e SORT SUBJECT UTF-8 ALL" "f SORT (REVERSE) UTF-8 ALL" \
		"g SORT (SUBJECT) KOI8-R ALL" "h THREAD FOO UTF-8 ALL" "i THREAD REFERENCES ALL" \
		"j THREAD REFERENCES UTF-8" "k SORT (SUBJECT) UTF-8" "l SORT RETURN (FOO) (DATE) UTF-8 ALL" \
		"m SORT (DATE DATE DATE DATE DATE DATE DATE DATE DATE DATE DATE DATE DATE DATE DATE DATE DATE) UTF-8 ALL"
	has_line "b BAD Missing argument or space"
	has_line "c BAD Unknown sort key"
	has_line "d BAD Expected an atom"
	has_line "e BAD Syntax error"
	has_line "f BAD Missing argument or space"
	has_line "g NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"
	has_line "h BAD Unknown threading algorithm"
	has_line "i BAD Missing argument or space"
	has_line "j BAD Missing argument or space"
	has_line "k BAD Missing argument or space"
	has_line "l BAD Unknown RETURN option"
	has_line "m BAD Too many sort criteria"
	lacks_line "* SORT"
	lacks_line "* THREAD"
	run imap "a SORT (DATE) UTF-8 ALL" "$LOGIN" "b SORT (DATE) UTF-8 ALL" "c THREAD REFS UTF-8 ALL"
	has_line "a BAD Command not valid in this state"
	has_line "b BAD Command not valid in this state"
	has_line "c BAD Command not valid in this state"
	[ "$(ls "$MAILDIR/cur")" = "$before" ]
}

@test "SORT (DATE) and THREAD REFERENCES of 5,000 messages: the order computed independently" {
	# (50,000 are timed by bench/imapd-bench.) Message i has a Date i
	# minutes after a start, but 5000-i minutes every 7th; every 3rd
	# is a reply to the one before it.
	rm "$MAILDIR"/cur/*
	python3 - "$MAILDIR/cur" <<'PY'
import os, sys, time
d = sys.argv[1]
for i in range(5000):
    minute = 5000 - i if i % 7 == 0 else i
    date = time.strftime("%d %b %Y %H:%M:%S +0000", time.gmtime(1767225600 + 60 * minute))
    refs = "References: <%d@big>\n" % (i - 1) if i % 3 == 2 else ""
    with open(os.path.join(d, "%d.M%dP1.big:2,S" % (1700000000 + i, i)), "w") as f:
        f.write("From: u%d@example.org\nSubject: t%d\nDate: %s\nMessage-ID: <%d@big>\n%s\nx\n"
                % (i % 100, i, date, i, refs))
PY
	run imap "$LOGIN" "a EXAMINE INBOX" "b SORT (DATE) UTF-8 ALL" "c THREAD REFERENCES UTF-8 ALL"
	has_line "b OK SORT completed"
	has_line "c OK THREAD completed"
	want=$(python3 -c '
k = sorted(range(5000), key=lambda i: ((5000 - i) if i % 7 == 0 else i, i))
print("* SORT " + " ".join(str(i + 1) for i in k))')
	[ "$(grep '^\* SORT ' <<<"$output")" = "$want" ]
	threads=$(grep '^\* THREAD ' <<<"$output")
	grep -q '(2 3)' <<<"$threads"
	[ "$(grep -o '([0-9]* [0-9]*)' <<<"$threads" | wc -l)" -eq 1666 ]
	[ "$(grep -o '([0-9]*)' <<<"$threads" | wc -l)" -eq 1668 ]
}

@test "SORT (DATE) from the folder cache's envelopes equals SORT from the files, and opens no message file" {
	# odd Date fields too: folded, quoted specials, 8-bit, none
	odd() {        # N DATE-FIELD-LINES
		local f="$MAILDIR/cur/100000000$1.M$1P1.t:2,"
		printf 'From: x@example.org\n%bSubject: odd %s\n\nbody\n' "$2" "$1" > "$f"
		touch -d "2026-01-1$1 12:00:00 UTC" "$f"
	}
	odd 6 'Date: Tue, 3 Mar 2026\n 08:00:00 +0000\n'
	odd 7 'Date: Tue, 3 Mar 2026 07:00:00 +0000 ("quoted" \\\\ comment)\n'
	odd 8 'Date: 3 M\xc3\xa4r 2026 06:00:00 +0000\n'
	odd 9 ''
	sorts=("s1 SORT (DATE) UTF-8 ALL" "s2 SORT (REVERSE DATE) UTF-8 ALL" "s3 UID SORT (ARRIVAL DATE) UTF-8 ALL")
	run imap "$LOGIN" "a EXAMINE INBOX" "${sorts[@]}"
	files=$(grep '^\* SORT ' <<<"$output")
	[ "$(wc -l <<<"$files")" -eq 3 ]
	imap "$LOGIN" "a SELECT INBOX" "f FETCH 1:* ENVELOPE" > /dev/null      # the cache filled
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 strace -qq -f -e trace=openat -o "$BATS_TEST_TMPDIR/trace" \
		"$IMAPD" < <(printf '%s\r\n' "$LOGIN" "a EXAMINE INBOX" "${sorts[@]}") \
		2>>"$BATS_TEST_TMPDIR/imapd.log" | tr -d '\r' > "$BATS_TEST_TMPDIR/out"
	[ "$(grep '^\* SORT ' "$BATS_TEST_TMPDIR/out")" = "$files" ]
	! grep '"cur/' "$BATS_TEST_TMPDIR/trace"
}
