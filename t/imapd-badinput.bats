#!/usr/bin/env bats
# imapd: malformed commands (RFC 3501 §9) each get a tagged BAD, or an
# untagged BAD when no tag can be read, and leave nothing behind.
load imapd-helpers

setup() { imap_setup; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# One malformed line and its reply per row, separated by " => ".
TABLE=$(cat <<'TABLE_END'
t01 FETCH => t01 BAD Missing argument or space
t02 FETCH 1 => t02 BAD Missing argument or space
t03 FETCH 1 (FLAGS => t03 BAD Missing argument or space
t04 FETCH 1 FLAGS) => t04 BAD Extra characters after command
t05 FETCH 0 FLAGS => t05 BAD Expected a non-zero number
t06 FETCH 1:0 FLAGS => t06 BAD Expected a non-zero number
t07 FETCH a FLAGS => t07 BAD Expected a number
t08 FETCH 1,,2 FLAGS => t08 BAD Expected a number
t09 FETCH 1 BODY[ => t09 BAD Expected a name
t10 FETCH 1 BODY[FOO] => t10 BAD Bad section
t11 FETCH 1 BODY[]<1> => t11 BAD Syntax error
t12 FETCH 1 BODY[]<1.0> => t12 BAD Expected a non-zero number
t13 FETCH 1 BOGUS => t13 BAD Unknown fetch item
t14 FETCH 1 BODY[HEADER.FIELDS] => t14 BAD Missing argument or space
t15 FETCH 1 BODY[HEADER.FIELDS ()] => t15 BAD Expected a string
t16 FETCH 1 (FLAGS  UID) => t16 BAD Expected a name
t17 FETCH  1 FLAGS => t17 BAD Expected a number
t18 FETCH 1 FLAGS  => t18 BAD Extra characters after command
t19 STORE 1 FLAGS => t19 BAD Missing argument or space
t20 STORE 1 XFLAGS (\Seen) => t20 BAD Unknown STORE item
t21 STORE 1 +FLAGS (\Seen => t21 BAD Missing argument or space
t22 STORE 1 +FLAGS (\Bogus) => t22 BAD Invalid system flag
t23 STORE * +FLAGS (\Recent) => t23 BAD Invalid system flag
t24 COPY 1 => t24 BAD Missing argument or space
t25 COPY INBOX => t25 BAD Expected a number
t26 UID => t26 BAD Missing argument or space
t27 UID LOGIN a b => t27 BAD Unknown UID command
t28 UID FETCH => t28 BAD Missing argument or space
t29 SEARCH => t29 BAD Missing argument or space
t30 SEARCH FOO => t30 BAD Unknown search key
t31 SEARCH OR SEEN => t31 BAD Missing argument or space
t32 SEARCH NOT => t32 BAD Missing argument or space
t33 SEARCH (SEEN => t33 BAD Missing argument or space
t34 SEARCH UID => t34 BAD Missing argument or space
t35 SEARCH LARGER x => t35 BAD Expected a number
t36 SELECT => t36 BAD Missing argument or space
t37 SELECT "INBOX => t37 BAD Unterminated quoted string
t38 SELECT INBOX extra => t38 BAD Extra characters after command
t39 LIST => t39 BAD Missing argument or space
t40 LIST "" => t40 BAD Missing argument or space
t41 STATUS INBOX => t41 BAD Missing argument or space
t42 STATUS INBOX (MESSAGES => t42 BAD Missing argument or space
t43 CREATE => t43 BAD Missing argument or space
t44 RENAME a => t44 BAD Missing argument or space
t45 APPEND => t45 BAD Missing argument or space
t46 APPEND INBOX => t46 BAD Missing argument or space
t47 APPEND INBOX (\Seen => t47 BAD Missing argument or space
t48 NOOP extra => t48 BAD Extra characters after command
t49 CAPABILITY now => t49 BAD Extra characters after command
t50 LOGOUT please => t50 BAD Extra characters after command
t51 EXPUNGE 1 => t51 BAD Extra characters after command
t52 CHECK x => t52 BAD Extra characters after command
t53 BOGUS => t53 BAD Unknown command
t54 => t54 BAD Missing command
t55 ID => t55 BAD Missing argument or space
t56 ID ( => t56 BAD Expected a string
t57 ID ("a") => t57 BAD Missing argument or space
t58 ENABLE X => t58 BAD Command not valid in this state
t59 LOGIN a b => t59 BAD Command not valid in this state
(tag) NOOP => * BAD Missing or invalid tag
+ NOOP => * BAD Missing or invalid tag
"t" NOOP => * BAD Missing or invalid tag
t64 FETCH 1 BODY.PEEK => t64 BAD Syntax error
t65 FETCH 1 RFC822.FOO => t65 BAD Unknown fetch item
t66 UID FETCH 1:* (UID => t66 BAD Missing argument or space
t67 MOVE 1 => t67 BAD Missing argument or space
t68 FETCH 99999999999 FLAGS => t68 BAD Number too large
t69 FETCH 1 BODY[]<4294967296.1> => t69 BAD Number too large
t70 SEARCH CHARSET => t70 BAD Missing argument or space
t71 UNSELECT x => t71 BAD Extra characters after command
t72 SUBSCRIBE => t72 BAD Missing argument or space
t73 FETCH 4 FLAGS => t73 BAD Invalid message sequence number
* NOOP => * BAD Missing or invalid tag
t75 FETCH 1 BODY[HEADER.FIELDS (a:b)] => t75 BAD Bad header field name
t76 STORE 1 +FLAGS.LOUD (\Seen) => t76 BAD Unknown STORE item
t77 FETCH 1 BODY[1.MIME.TEXT] => t77 BAD Bad section
t78 SEARCH CHARSET UTF-8 => t78 BAD Missing argument or space
t79 UID EXPUNGE => t79 BAD Missing argument or space
t80 UID EXPUNGE x => t80 BAD Expected a number
t81 STATUS INBOX (MESSAGES) x => t81 BAD Extra characters after command
t82 LSUB ""  => t82 BAD Expected a mailbox
t83 EXAMINE => t83 BAD Missing argument or space
t84 DELETE => t84 BAD Missing argument or space
t85 UNSUBSCRIBE a b => t85 BAD Extra characters after command
t86 NAMESPACE x => t86 BAD Extra characters after command
TABLE_END
)

@test "the table of malformed commands has at least 50 rows" {
	[ "$(grep -c ' => ' <<<"$TABLE")" -ge 50 ]
}

@test "each malformed command gets its BAD, in order, nothing written" {
	three_messages
	run imap "$LOGIN" "S SELECT INBOX"
	# the store may note a settled listing in its change log (an "l"
	# record, lib/store.h): bookkeeping, not a change
	before=$(find "$MAILDIR" ! -name postern-changes | sort)
	input=()
	expected=()
	while IFS= read -r row; do
		input+=("${row%% => *}")
		expected+=("${row#* => }")
		# a good command now and then: 20 BADs in a row end the session
		[ $(( ${#input[@]} % 16 )) -ne 15 ] || input+=("n NOOP")
	done <<<"$TABLE"
	run imap "$LOGIN" "S SELECT INBOX" "${input[@]}" "Z LOGOUT"
	replies=$(sed -n '/^S OK/,/^\* BYE/p' <<<"$output" | sed '1d;$d' |
		grep -vx 'n OK NOOP completed')
	[ "$(wc -l <<<"$replies")" -eq "${#expected[@]}" ]
	i=0
	while IFS= read -r line; do
		if [ "$line" != "${expected[$i]}" ]; then
			echo "row $i: sent '${input[$i]}' got '$line' want '${expected[$i]}'" >&2
			return 1
		fi
		case $line in *" BAD "*) ;; *) echo "not BAD: $line" >&2; return 1 ;; esac
		i=$((i + 1))
	done <<<"$replies"
	has_line "Z OK LOGOUT completed"
	[ "$(find "$MAILDIR" ! -name postern-changes | sort)" = "$before" ]
	! grep -q '^[mx] ' "$MAILDIR/postern-changes" 2>/dev/null
	[ "$(message_files)" -eq 3 ]
}

@test "malformed commands before login are BAD too and do not log in" {
	run imap "a LOGIN" "b LOGIN bob@example.test" "c LOGIN bob@example.test secret extra" \
		"d AUTHENTICATE" 'e LOGIN "bob@example.test secret' "f SELECT INBOX"
	has_line "a BAD Missing argument or space"
	has_line "b BAD Missing argument or space"
	has_line "c BAD Extra characters after command"
	has_line "d BAD Missing argument or space"
	has_line "e BAD Unterminated quoted string"
	has_line "f BAD Command not valid in this state"
	lacks_line "event=login"
}

@test "20 bad commands in a row end the session; a good one in between resets the count" {
	bad=()
	for i in $(seq 1 19); do bad+=("b$i FROB"); done
	run imap "$LOGIN" "${bad[@]}" "g NOOP" "${bad[@]}" "x1 FROB" "after NOOP"
	[ "$(grep -c '^b[0-9]* BAD Unknown command$' <<<"$output")" -eq 38 ]
	has_line "g OK NOOP completed"
	has_line "x1 BAD Unknown command"
	has_line "* BYE Too many bad commands"
	lacks_line "after OK NOOP completed"
	grep -q "event=too-many-errors" "$BATS_TEST_TMPDIR/imapd.log"
	# refused commands (NUL, missing tag) count too, NO does not
	nul=()
	for i in $(seq 1 10); do nul+=("n$i NOOP\0x" "* x"); done
	run imap_raw "$(printf '%s\\r\\n' "$LOGIN" "${nul[@]}" "after NOOP")"
	has_line "* BYE Too many bad commands"
	lacks_line "after OK NOOP completed"
	nos=()
	for i in $(seq 1 25); do nos+=("o$i SELECT Nope"); done
	run imap "$LOGIN" "${nos[@]}" "after NOOP"
	[ "$(grep -c '^o[0-9]* NO' <<<"$output")" -eq 25 ]
	has_line "after OK NOOP completed"
}
