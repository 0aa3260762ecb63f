#!/usr/bin/env bats
# imapd ESEARCH (RFC 4731), SEARCHRES (RFC 5182) and WITHIN (RFC 5032):
# the RFCs' examples on a folder shaped like theirs, and the bad cases.
load imapd-helpers

# Twelve messages in cur/: 2, 10 and 11 \Flagged; 1-3 \Seen; 5 and 7
# \Deleted; sizes grow with the number; message n arrived n days ago.
setup() {
	imap_setup
	export TZ=UTC
	for n in $(seq 1 12); do
		flags=""
		case $n in 2|10|11) flags="F" ;; esac
		case $n in 1|2|3) flags="${flags}S" ;; esac
		case $n in 5|7) flags="${flags}T" ;; esac
		f="$MAILDIR/cur/10000000$(printf %02d "$n").M${n}P1.t:2,$flags"
		printf 'From: u%d@example.test\nSubject: m%d\n\n%*s\n' "$n" "$n" $((n * 100)) x > "$f"
		touch -d "@$(( $(date +%s) - n * 86400 ))" "$f"
	done
}
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

@test "CAPABILITY lists ESEARCH, SEARCHRES and WITHIN" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' ESEARCH SEARCHRES WITHIN' <<<"$CAPS"
}

@test "RFC 4731 §3.1 examples: MIN, MAX, COUNT, ALL, RETURN (), UID" {
	run imap "$LOGIN" "s SELECT INBOX" "A282 SEARCH RETURN (MIN COUNT) FLAGGED" \
		"A283 SEARCH RETURN () FLAGGED" "A284 SEARCH RETURN (MIN) UNSEEN" \
		"A285 UID SEARCH RETURN (MIN MAX) 1:5000" "A286 SEARCH RETURN (COUNT) DELETED" \
		"A287 search return (all count) not flagged" "A288 SEARCH FLAGGED"
	has_line '* ESEARCH (TAG "A282") MIN 2 COUNT 3'
	has_line "A282 OK SEARCH completed"
	has_line '* ESEARCH (TAG "A283") ALL 2,10:11'
	has_line '* ESEARCH (TAG "A284") MIN 4'
	has_line '* ESEARCH (TAG "A285") UID MIN 1 MAX 12'
	has_line "A285 OK UID SEARCH completed"
	has_line '* ESEARCH (TAG "A286") COUNT 2'
	has_line '* ESEARCH (TAG "A287") COUNT 9 ALL 1,3:9,12'
	has_line '* SEARCH 2 10 11'
}

@test "ESEARCH with no match: only COUNT 0; UID ALL is a UID set" {
	run imap "$LOGIN" "s SELECT INBOX" "a SEARCH RETURN (MIN MAX ALL COUNT) KEYWORD nothing" \
		"b SEARCH RETURN (MIN MAX ALL) KEYWORD nothing" "c UID STORE 4 +FLAGS (\\Deleted)" \
		"d EXPUNGE" "e UID SEARCH RETURN (ALL) UNDELETED" "f SEARCH RETURN (ALL) 4:6"
	has_line '* ESEARCH (TAG "a") COUNT 0'
	has_line '* ESEARCH (TAG "b")'
	has_line '* ESEARCH (TAG "e") UID ALL 1:3,6,8:12'
	has_line '* ESEARCH (TAG "f") ALL 4:6'
}

@test "RFC 5182 examples: SAVE then \$ in FETCH, UID SEARCH, OR, COPY, STORE" {
	run imap "$LOGIN" "s SELECT INBOX" "A282 SEARCH RETURN (SAVE) FLAGGED" \
		'A283 FETCH $ (UID)' "A301 UID SEARCH UID \$ SMALLER 500" \
		'P283 SEARCH CHARSET UTF-8 (OR $ 1,5:6) FROM {2}' "u1" \
		'E283 COPY $ "INBOX"' 'F284 UID STORE $ +FLAGS.SILENT (\Answered)' \
		"G SEARCH ANSWERED" 'H SEARCH $' 'I UID SEARCH UID $'
	lacks_line '* ESEARCH (TAG "A282")'
	has_line "A282 OK SEARCH completed"
	has_line "* 2 FETCH (UID 2)"
	has_line "* 10 FETCH (UID 10)"
	has_line "* 11 FETCH (UID 11)"
	[ "$(grep -c 'FETCH (UID' <<<"$output")" -eq 3 ]
	has_line "* SEARCH 2"
	has_line "* SEARCH 1 10 11"
	has_line "E283 OK [COPYUID $(uidvalidity) 2,10:11 13:15] COPY completed"
	[ "$(sed -n '/^G OK/{x;p};h' <<<"$output")" = "* SEARCH 2 10 11" ]
	[ "$(sed -n '/^H OK/{x;p};h' <<<"$output")" = "* SEARCH 2 10 11" ]
	[ "$(sed -n '/^I OK/{x;p};h' <<<"$output")" = "* SEARCH 2 10 11" ]
}

@test "RFC 5182 §2.1: SAVE with MIN/MAX keeps only those; ALL SAVE answers and saves" {
	run imap "$LOGIN" "s EXAMINE INBOX" "C283 SEARCH RETURN (ALL SAVE) FLAGGED" "a SEARCH \$" \
		"C284 SEARCH RETURN (SAVE MIN) FLAGGED" "b SEARCH \$" \
		"C285 SEARCH RETURN (MAX SAVE MIN) FLAGGED" "c SEARCH \$" \
		"C286 SEARCH RETURN (SAVE COUNT MIN) FLAGGED" "d SEARCH \$"
	has_line '* ESEARCH (TAG "C283") ALL 2,10:11'
	has_line '* ESEARCH (TAG "C284") MIN 2'
	has_line '* ESEARCH (TAG "C285") MIN 2 MAX 11'
	has_line '* ESEARCH (TAG "C286") MIN 2 COUNT 3'
	[ "$(sed -n '/^a OK/{x;p};h' <<<"$output")" = "* SEARCH 2 10 11" ]
	[ "$(sed -n '/^b OK/{x;p};h' <<<"$output")" = "* SEARCH 2" ]
	[ "$(sed -n '/^c OK/{x;p};h' <<<"$output")" = "* SEARCH 2 11" ]
	[ "$(sed -n '/^d OK/{x;p};h' <<<"$output")" = "* SEARCH 2 10 11" ]
}

@test "\$ is empty at first, after a failed SAVE, and after SELECT; it follows expunges" {
	run imap "$LOGIN" "s SELECT INBOX" 'a SEARCH $' 'b FETCH $ FLAGS' \
		"c SEARCH RETURN (SAVE) FLAGGED" "d SEARCH RETURN (SAVE) CHARSET KOI8-R FLAGGED" \
		'e SEARCH $' "f SEARCH RETURN (SAVE) FLAGGED" "g SELECT INBOX" 'h SEARCH $' \
		"i SEARCH RETURN (SAVE) DELETED" "j EXPUNGE" 'k UID SEARCH $' 'l UID EXPUNGE $'
	[ "$(sed -n '/^a OK/{x;p};h' <<<"$output")" = "* SEARCH" ]
	has_line "b OK FETCH completed"
	has_line "d NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"
	[ "$(sed -n '/^e OK/{x;p};h' <<<"$output")" = "* SEARCH" ]
	[ "$(sed -n '/^h OK/{x;p};h' <<<"$output")" = "* SEARCH" ]
	[ "$(sed -n '/^k OK/{x;p};h' <<<"$output")" = "* SEARCH" ]
	has_line "l OK UID EXPUNGE completed"
	[ "$(ls "$MAILDIR/cur" | wc -l)" -eq 10 ]
}

@test "UID EXPUNGE \$ removes only the saved messages" {
	run imap "$LOGIN" "s SELECT INBOX" "a STORE 1:3 +FLAGS.SILENT (\\Deleted)" \
		"b UID SEARCH RETURN (SAVE) UID 2:3" 'c UID EXPUNGE $' "d SEARCH DELETED"
	has_line "* 2 EXPUNGE"
	[ "$(grep -c 'EXPUNGE$' <<<"$output")" -eq 2 ]
	has_line "* SEARCH 1 3 5"
	[ "$(ls "$MAILDIR/cur" | wc -l)" -eq 10 ]
}

@test "RFC 5032 WITHIN: OLDER and YOUNGER in seconds, with NOT and ESEARCH" {
	run imap "$LOGIN" "s EXAMINE INBOX" "a SEARCH YOUNGER 300000" "b SEARCH OLDER 950400" \
		"c SEARCH NOT OLDER 172900" "d SEARCH RETURN (COUNT) YOUNGER 1" "e SEARCH OLDER 1"
	has_line "* SEARCH 1 2 3"
	has_line "* SEARCH 11 12"
	has_line "* SEARCH 1 2"
	has_line '* ESEARCH (TAG "d") COUNT 0'
	has_line "* SEARCH 1 2 3 4 5 6 7 8 9 10 11 12"
}

@test "bad RETURN options, \$ forms and WITHIN intervals are BAD, nothing saved or changed" {
	before=$(ls "$MAILDIR/cur" "$MAILDIR/new")
	run imap "$LOGIN" "s SELECT INBOX" "a SEARCH RETURN (FOO) ALL" "b SEARCH RETURN (MIN ALL" \
		"c SEARCH RETURN MIN ALL" "d SEARCH RETURN (MIN)" 'e FETCH $1 FLAGS' 'f SEARCH $$' \
		"g SEARCH OLDER 0" "h SEARCH YOUNGER x" "i SEARCH OLDER" 'j STORE $:3 +FLAGS (\Seen)' \
		"k SEARCH RETURN (SAVE) FLAGGED" "l SEARCH RETURN (SAVE) FOO" 'm SEARCH $'
	has_line "a BAD Unknown RETURN option"
	has_line "b BAD Missing argument or space"
	has_line "c BAD Syntax error"
	has_line "d BAD Missing argument or space"
	has_line "e BAD Invalid sequence set"
	has_line "f BAD Invalid sequence set"
	has_line "g BAD Expected a non-zero number"
	has_line "h BAD Expected a number"
	has_line "i BAD Missing argument or space"
	has_line "j BAD Invalid sequence set"
	has_line "l BAD Unknown search key"
	[ "$(sed -n '/^m OK/{x;p};h' <<<"$output")" = "* SEARCH" ]
	lacks_line "* ESEARCH"
	[ "$(ls "$MAILDIR/cur" "$MAILDIR/new")" = "$before" ]
}

@test "RFC 5267 §4.4 PARTIAL: the range's part of the results, beyond the end NIL, reversed range, with COUNT and SAVE" {
	run imap "$LOGIN" "s SELECT INBOX" \
		'A02 UID SEARCH RETURN (PARTIAL 8:20) UNDELETED UNKEYWORD $Junk' \
		'A03 UID SEARCH RETURN (PARTIAL 1:3) UNDELETED UNKEYWORD $Junk' \
		'A04 UID SEARCH RETURN (PARTIAL 24000:24500) UNDELETED UNKEYWORD $Junk' \
		'b SEARCH RETURN (PARTIAL 3:2 COUNT) UNDELETED' 'c SEARCH RETURN (COUNT PARTIAL 2:2 MIN) FLAGGED' \
		'd SEARCH RETURN (PARTIAL 1:1) KEYWORD nothing' \
		'e SEARCH RETURN (PARTIAL 2:3 SAVE) UNDELETED' 'f SEARCH $'
	has_line '* ESEARCH (TAG "A02") UID PARTIAL (8:20 10:12)'
	has_line '* ESEARCH (TAG "A03") UID PARTIAL (1:3 1:3)'
	has_line '* ESEARCH (TAG "A04") UID PARTIAL (24000:24500 NIL)'
	has_line '* ESEARCH (TAG "b") COUNT 10 PARTIAL (2:3 2:3)'
	has_line '* ESEARCH (TAG "c") MIN 2 COUNT 3 PARTIAL (2:2 10)'
	has_line '* ESEARCH (TAG "d") PARTIAL (1:1 NIL)'
	has_line '* ESEARCH (TAG "e") PARTIAL (2:3 2:3)'
	has_line '* SEARCH 2 3'
}

@test "RFC 5267 §4.4, §5: PARTIAL with ALL, twice, with 0, *, or no range is BAD, nothing saved" {
	run imap "$LOGIN" "s SELECT INBOX" "k SEARCH RETURN (SAVE) FLAGGED" \
		'a SEARCH RETURN (PARTIAL 1:5 ALL) ALL' 'b SEARCH RETURN (ALL PARTIAL 1:5) ALL' \
		'c SEARCH RETURN (PARTIAL 1:2 PARTIAL 3:4) ALL' 'd SEARCH RETURN (PARTIAL 0:5) ALL' \
		'e SEARCH RETURN (PARTIAL 1:*) ALL' 'f SEARCH RETURN (PARTIAL) ALL' \
		'g SEARCH RETURN (PARTIAL 5) ALL' 'h UID SORT RETURN (PARTIAL 1:2 SAVE ALL) (SIZE) UTF-8 ALL' \
		'm SEARCH $'
	has_line "a BAD One PARTIAL or one ALL at most"
	has_line "b BAD One PARTIAL or one ALL at most"
	has_line "c BAD One PARTIAL or one ALL at most"
	has_line "d BAD Expected PARTIAL n:m"
	has_line "e BAD Expected PARTIAL n:m"
	has_line "f BAD Expected PARTIAL n:m"
	has_line "g BAD Expected PARTIAL n:m"
	has_line "h BAD One PARTIAL or one ALL at most"
	lacks_line "* ESEARCH"
	has_line "* SEARCH 2 10 11"
}
