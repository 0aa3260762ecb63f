#!/usr/bin/env bats
# The mail store under imapd and pop3d (lib/store.h): concurrent flag changes are
# never lost, UIDVALIDITY never repeats, MODSEQ survives a crash at every
# step of a flag change, and no symlink in a Maildir is followed.
load imapd-helpers

setup() { imap_setup; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# The index and its change log (store.h "THE CHANGE LOG"): the highest
# MODSEQ of either; a message's MODSEQ as the last record gives it.
highestmodseq() {
	{ sed -n '1s/^postern-index 2 [0-9]* [0-9]* \([0-9]*\) .*/\1/p' "${1:-$MAILDIR}/postern-index"
	  sed -n 's/^[mx] [0-9]* \([0-9]*\).*/\1/p' "${1:-$MAILDIR}/postern-changes" 2>/dev/null
	} | sort -n | tail -n 1
}
modseq_of() { cat "$MAILDIR/postern-index" "$MAILDIR/postern-changes" 2>/dev/null | sed -n "s/^m $1 \\([0-9]*\\) .*/\\1/p" | tail -n 1; }

# toggle FLAG N: a session that sets and clears FLAG on message 1, N
# times, then sets it; its output in $BATS_TEST_TMPDIR/FLAG.out.
toggle() {
	{ printf '%s\r\n' "$LOGIN" "s SELECT INBOX"
	  for i in $(seq "$2"); do
		printf 'a%s STORE 1 +FLAGS.SILENT (\\%s)\r\nb%s STORE 1 -FLAGS.SILENT (\\%s)\r\n' "$i" "$1" "$i" "$1"
	  done
	  printf 'z STORE 1 +FLAGS (\\%s)\r\nq LOGOUT\r\n' "$1"
	} | "$IMAPD" 2>>"$BATS_TEST_TMPDIR/imapd.log" | tr -d '\r' > "$BATS_TEST_TMPDIR/$1.out"
}

@test "two sessions changing different flags of one message at once, 1000 changes each: none lost" {
	deliver 1000000001.M1P1.test 'Subject: one\n\nbody\n'
	imap "$LOGIN" "a SELECT INBOX" >/dev/null
	before=$(highestmodseq)
	toggle Flagged 500 & a=$!
	toggle Seen 500 & b=$!
	wait $a; wait $b
	for f in Flagged Seen; do
		[ "$(grep -c '^a[0-9]* OK STORE completed' "$BATS_TEST_TMPDIR/$f.out")" -eq 500 ]
		[ "$(grep -c '^b[0-9]* OK STORE completed' "$BATS_TEST_TMPDIR/$f.out")" -eq 500 ]
	done
	# each of the 2002 changes took effect on the file as it was, and
	# got its own MODSEQ
	[ "$(highestmodseq)" -eq $((before + 2002)) ]
	ls "$MAILDIR/cur" | grep -qx '1000000001.M1P1.test:2,FS'
	run imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 1 FLAGS"
	has_line "* 1 FETCH (FLAGS (\\Flagged \\Seen))"
}

@test "DELETE, CREATE and STATUS within one second give a new UIDVALIDITY" {
	run imap "$LOGIN" "a CREATE Box" "b STATUS Box (UIDVALIDITY)" \
		"c DELETE Box" "d CREATE Box" "e STATUS Box (UIDVALIDITY)" \
		"f DELETE Box" "g CREATE Box" "h STATUS Box (UIDVALIDITY)"
	v=$(sed -n 's/^\* STATUS "Box" (UIDVALIDITY \([0-9]*\))$/\1/p' <<<"$output")
	[ "$(wc -l <<<"$v")" -eq 3 ]
	[ "$(sort -u <<<"$v" | wc -l)" -eq 3 ]
	[ "$(sort -n <<<"$v")" = "$v" ]         # ascending
}

@test "MODSEQ survives a SIGKILL at every step of a flag change" {
	deliver 1000000001.M1P1.test 'Subject: one\n\nbody\n'
	deliver 1000000002.M2P2.test 'Subject: two\n\nbody\n'
	imap "$LOGIN" "a SELECT INBOX" >/dev/null
	flags=(F R T S)
	i=0
	for step in after-rename before-index log-append after-index; do
		before=$(highestmodseq)
		f=${flags[$i]}; i=$((i + 1))
		name=$(ls "$MAILDIR/cur" | grep '^1000000001')
		run env POSTERN_KILL_AT=$step "$IMAPD" <<<"$(printf '%s\r\n' "$LOGIN" 'a SELECT INBOX' "b STORE 1 +FLAGS (\\$( case $f in F) echo Flagged;; R) echo Answered;; T) echo Deleted;; S) echo Seen;; esac))")"
		[ "$status" -eq 137 ] || [ "$status" -gt 128 ]
		# the rename happened: the flag is on disk whatever the step
		ls "$MAILDIR/cur" | grep -q "^1000000001.M1P1.test:2,.*$f"
		# the next session finds the change with a MODSEQ above any
		# given before, and MODSEQ never goes back
		run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1 FLAGS"
		[ "$(highestmodseq)" -gt "$before" ]
		[ "$(modseq_of 1)" -gt "$before" ]
		[ "$(modseq_of 1)" -le "$(highestmodseq)" ]
	done
	# the other message was never touched: its MODSEQ is its first
	[ "$(modseq_of 2)" -le 2 ]
}

@test "a symlinked message, folder, index, keyword or cache file is not followed" {
	deliver 1000000001.M1P1.test 'Subject: one\n\nbody\n'
	echo 'secret: do not show' > "$BATS_TEST_TMPDIR/outside"
	ln -s "$BATS_TEST_TMPDIR/outside" "$MAILDIR/cur/1000000002.M2P2.test:2,"
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere/cur" "$BATS_TEST_TMPDIR/elsewhere/new" "$BATS_TEST_TMPDIR/elsewhere/tmp"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$MAILDIR/.Evil"
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 1:* (BODY.PEEK[])" "c SELECT Evil" \
		"d APPEND Evil {3+}" "abc" "e LIST \"\" *"
	! grep -q 'do not show' <<<"$output"
	grep -q '^c NO ' <<<"$output"
	grep -q '^d NO ' <<<"$output"
	! grep -q 'Evil' <<<"$(grep '^\* LIST' <<<"$output")"
	[ -z "$(ls "$BATS_TEST_TMPDIR/elsewhere/new")" ]
	# index, keywords and cache as symlinks: replaced or ignored, never
	# written through
	for f in postern-index dovecot-keywords postern-cache; do
		rm -f "$MAILDIR/$f"
		ln -s "$BATS_TEST_TMPDIR/target-$f" "$MAILDIR/$f"
	done
	run imap "$LOGIN" "a SELECT INBOX" "b STORE 1 +FLAGS (Kw)" "c FETCH 1 (ENVELOPE)"
	has_line "a OK [READ-WRITE] SELECT completed"
	for f in postern-index dovecot-keywords postern-cache; do
		[ ! -e "$BATS_TEST_TMPDIR/target-$f" ]
	done
}

@test "a symlinked Maildir is refused at login" {
	mkdir -p "$BATS_TEST_TMPDIR/real/cur" "$BATS_TEST_TMPDIR/real/new" "$BATS_TEST_TMPDIR/real/tmp"
	rm -rf "$MAILDIR"
	ln -s "$BATS_TEST_TMPDIR/real" "$MAILDIR"
	run imap "$LOGIN"
	has_line "L NO [UNAVAILABLE] Mailbox temporarily unavailable"
}

@test "an IMAP session changing \\Flagged while POP3 sessions set \\Seen and delete, 1000 changes: none lost" {
	POP3D="$TOP/pop3d/pop3d"
	for i in $(seq 10 49); do
		deliver "10000000$i.M${i}P$i.test" "Subject: $i\n\nbody $i\n"
	done
	imap "$LOGIN" "a SELECT INBOX" >/dev/null      # UIDs 1..40, in delivery order
	# IMAP: 1000 STOREs sweeping over the 40 UIDs, each visit turning
	# \Flagged on, then off at the next visit (25 visits each, the last
	# on), then on for all that are left
	{ printf '%s\r\n' "$LOGIN" "s SELECT INBOX"
	  for r in $(seq 0 999); do
		op=+; [ $((r / 40 % 2)) -eq 0 ] || op=-
		printf 'a%s UID STORE %s %sFLAGS.SILENT (\\Flagged)\r\n' "$r" $((r % 40 + 1)) "$op"
	  done
	  printf 'z UID STORE 1:* +FLAGS.SILENT (\\Flagged)\r\nq LOGOUT\r\n'
	} > "$BATS_TEST_TMPDIR/imap.in"
	"$IMAPD" < "$BATS_TEST_TMPDIR/imap.in" 2>>"$BATS_TEST_TMPDIR/imapd.log" | tr -d '\r' > "$BATS_TEST_TMPDIR/imap.out" &
	ipid=$!
	# POP3 at the same time: 20 sessions one after another, each
	# RETRieving every message (\Seen at QUIT) and deleting the first
	retr=$(for n in $(seq 40); do printf 'RETR %s\r\n' "$n"; done)
	overlap=0
	for k in $(seq 20); do
		printf 'USER bob@example.test\r\nPASS secret\r\n%s\r\nDELE 1\r\nQUIT\r\n' "$retr" |
			"$POP3D" 2>>"$BATS_TEST_TMPDIR/pop3d.log" | tr -d '\r' > "$BATS_TEST_TMPDIR/pop.out"
		[ "$(tail -n 1 "$BATS_TEST_TMPDIR/pop.out")" = "+OK bye, 1 messages deleted" ]
		! kill -0 "$ipid" 2>/dev/null || overlap=$((overlap + 1))
	done
	wait "$ipid"
	echo "POP3 sessions that ended while IMAP was storing: $overlap"
	[ "$overlap" -ge 3 ]        # a fair race: they ran side by side
	grep -q '^q OK' "$BATS_TEST_TMPDIR/imap.out"
	! grep -q '^[a-z][0-9]* BAD' "$BATS_TEST_TMPDIR/imap.out"
	# the first 20 are gone, the other 20 carry both flags
	[ -z "$(ls "$MAILDIR/new")" ]
	[ "$(ls "$MAILDIR/cur" | wc -l)" -eq 20 ]
	for i in $(seq 30 49); do
		[ -f "$MAILDIR/cur/10000000$i.M${i}P$i.test:2,FS" ]
	done
	run imap "$LOGIN" "a EXAMINE INBOX" "b FETCH 1:* (UID FLAGS)"
	[ "$(grep -c '^\* [0-9]* FETCH (UID [0-9]* FLAGS (\\Flagged \\Seen))$' <<<"$output")" -eq 20 ]
	has_line "* 1 FETCH (UID 21 FLAGS (\\Flagged \\Seen))"
	no_sanitizer_reports "$BATS_TEST_TMPDIR/pop3d.log"
}
