#!/usr/bin/env bats
# imapd LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819) and STATUS=SIZE
# (RFC 8438): the RFCs' examples on their hierarchies ("." for "/"),
# and the bad cases.
load imapd-helpers

setup() { imap_setup; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# RFC 5258 §5 example 1's hierarchy; Fruit.Banana, Fruit.Peach (not a
# folder), Vegetable and Vegetable.Broccoli subscribed, and INBOX.
fruit() {
	run imap "$LOGIN" "a CREATE Fruit.Apple" "b CREATE Fruit.Banana" "c CREATE Tofu" \
		"d CREATE Vegetable.Broccoli" "e CREATE Vegetable.Corn"
	printf '%s\n' INBOX Fruit.Banana Fruit.Peach Vegetable Vegetable.Broccoli \
		> "$MAILDIR/subscriptions"
}

@test "CAPABILITY lists LIST-EXTENDED, LIST-STATUS and STATUS=SIZE" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' LIST-EXTENDED LIST-STATUS STATUS=SIZE' <<<"$CAPS"
}

@test "RFC 5258 examples 2, 5, 6: SUBSCRIBED selection and return option, REMOTE" {
	fruit
	run imap "$LOGIN" 'A02 LIST (SUBSCRIBED) "" "*"'
	has_line '* LIST (\HasNoChildren \Subscribed) "." "INBOX"'
	has_line '* LIST (\HasNoChildren \Subscribed) "." "Fruit.Banana"'
	has_line '* LIST (\NonExistent \Subscribed) "." "Fruit.Peach"'
	has_line '* LIST (\HasChildren \Subscribed) "." "Vegetable"'
	has_line '* LIST (\HasNoChildren \Subscribed) "." "Vegetable.Broccoli"'
	[ "$(grep -c '^\* LIST' <<<"$output")" -eq 5 ]
	run imap "$LOGIN" 'A05 LIST (REMOTE SUBSCRIBED) "" "*"'
	[ "$(grep -c '^\* LIST.*\\Subscribed' <<<"$output")" -eq 5 ]
	run imap "$LOGIN" 'A06 LIST (REMOTE) "" "*" RETURN (SUBSCRIBED)'
	has_line '* LIST (\HasChildren) "." "Fruit"'
	has_line '* LIST (\HasNoChildren) "." "Fruit.Apple"'
	has_line '* LIST (\HasNoChildren \Subscribed) "." "Fruit.Banana"'
	has_line '* LIST (\HasChildren \Subscribed) "." "Vegetable"'
	has_line '* LIST (\HasNoChildren) "." "Vegetable.Corn"'
	lacks_line '* LIST (\NonExistent \Subscribed) "." "Fruit.Peach"'
	[ "$(grep -c '^\* LIST' <<<"$output")" -eq 8 ]
}

@test "RFC 5258 examples 3 and 7: RETURN (CHILDREN), several patterns" {
	fruit
	run imap "$LOGIN" 'A03 LIST () "" "%" RETURN (CHILDREN)' \
		'BBB LIST "" ("INBOX" "Tofu" "Fruit.%")' 'C LIST "" ("nothing")'
	[ "$(sed -n '/^L OK/,/^A03 OK/p' <<<"$output" | grep -c '^\* LIST')" -eq 4 ]
	has_line '* LIST (\HasChildren) "." "Fruit"'
	[ "$(sed -n '/^A03 OK/,/^BBB OK/p' <<<"$output" | grep -c '^\* LIST')" -eq 4 ]
	[ "$(sed -n '/^A03 OK/,/^BBB OK/p' <<<"$output" | grep -c 'Fruit\.Apple\|Fruit\.Banana\|Tofu\|INBOX')" -eq 4 ]
	has_line "C OK LIST completed"
}

@test "RFC 5258 example 8: RECURSIVEMATCH and CHILDINFO; \\NonExistent parents" {
	run imap "$LOGIN" "a CREATE Foo.Bar" "b CREATE Foo.Baz" "c CREATE Moo"
	echo Foo.Baz > "$MAILDIR/subscriptions"
	run imap "$LOGIN" 'C02 LIST (SUBSCRIBED) "" "*"' 'C03 LIST (SUBSCRIBED) "" "%"' \
		'C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"'
	[ "$(sed -n '/^L OK/,/^C02 OK/p' <<<"$output" | grep '^\* LIST')" = '* LIST (\HasNoChildren \Subscribed) "." "Foo.Baz"' ]
	[ "$(sed -n '/^C02 OK/,/^C03 OK/p' <<<"$output" | grep -c '^\* LIST')" -eq 0 ]
	[ "$(sed -n '/^C03 OK/,/^C04 OK/p' <<<"$output" | grep '^\* LIST')" = '* LIST (\HasChildren) "." "Foo" ("CHILDINFO" ("SUBSCRIBED"))' ]
	# A1: Foo subscribed too; C: Foo and Moo only
	printf 'Foo\nFoo.Baz\n' > "$MAILDIR/subscriptions"
	run imap "$LOGIN" 'C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"'
	has_line '* LIST (\HasChildren \Subscribed) "." "Foo" ("CHILDINFO" ("SUBSCRIBED"))'
	printf 'Foo\nMoo\n' > "$MAILDIR/subscriptions"
	run imap "$LOGIN" 'C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)'
	has_line '* LIST (\HasChildren \Subscribed) "." "Foo"'
	has_line '* LIST (\HasNoChildren \Subscribed) "." "Moo"'
	# A2: a parent that is no folder; B: nothing subscribed
	printf 'Qux.Bar\n' > "$MAILDIR/subscriptions"
	run imap "$LOGIN" 'C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"' 'C05 LIST (SUBSCRIBED) "" "*"'
	has_line '* LIST (\NonExistent \HasChildren) "." "Qux" ("CHILDINFO" ("SUBSCRIBED"))'
	has_line '* LIST (\NonExistent \Subscribed) "." "Qux.Bar"'
	: > "$MAILDIR/subscriptions"
	run imap "$LOGIN" 'C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"'
	lacks_line '* LIST'
	has_line "C04 OK LIST completed"
}

@test "RFC 5819 LIST-STATUS: a STATUS after each selectable folder, none for \\Noselect" {
	deliver 1000000001.M1P1.t 'Subject: a\n\nx\n'
	deliver 1000000002.M2P1.t 'Subject: b\n\nyy\n'
	deliver 1000000003.M3P1.t 'Subject: c\n\nz\n' "$MAILDIR/.foo"
	touch "$MAILDIR/.foo/maildirfolder"
	mkdir -p "$MAILDIR/.bar.baz/cur" "$MAILDIR/.bar.baz/new" "$MAILDIR/.bar.baz/tmp"
	echo INBOX > "$MAILDIR/subscriptions"
	run imap "$LOGIN" 'A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))' \
		'A02 LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (STATUS (MESSAGES SIZE))'
	[ "$(sed -n '/^L OK/,/^A01 OK/p' <<<"$output" | sed '1d;$d')" = '* LIST (\HasNoChildren) "." "INBOX"
* STATUS "INBOX" (MESSAGES 2 UNSEEN 2)
* LIST (\Noselect \HasChildren) "." "bar"
* LIST (\HasNoChildren) "." "foo"
* STATUS "foo" (MESSAGES 1 UNSEEN 1)' ]
	has_line '* LIST (\HasNoChildren \Subscribed) "." "INBOX"'
	has_line '* STATUS "INBOX" (MESSAGES 2 SIZE 35)'
	[ "$(sed -n '/^A01 OK/,/^A02 OK/p' <<<"$output" | grep -c '^\*')" -eq 2 ]
}

@test "RFC 8438 STATUS=SIZE: the sum of RFC822.SIZE, with and without size hints" {
	deliver 1000000001.M1P1.t 'Subject: a\n\nx\n'
	deliver '1000000002.M2P1.t,S=12,W=14' 'Subject: b\n\nyy\n'
	run imap "$LOGIN" "A01 STATUS INBOX (MESSAGES SIZE UIDNEXT)" "s SELECT INBOX" \
		"f FETCH 1:* (RFC822.SIZE)" "b STATUS INBOX (SIZE)"
	has_line '* STATUS "INBOX" (MESSAGES 2 UIDNEXT 3 SIZE 31)'
	has_line "* 1 FETCH (RFC822.SIZE 17)"
	has_line "* 2 FETCH (RFC822.SIZE 14)"
	has_line '* STATUS "INBOX" (SIZE 31)'
}

@test "bad LIST-EXTENDED, LIST-STATUS and STATUS arguments are BAD" {
	run imap "$LOGIN" 'a LIST (RECURSIVEMATCH) "" "*"' 'b LIST (REMOTE RECURSIVEMATCH) "" "*"' \
		'c LIST "" "*" RETURN (STATUS)' 'd LIST "" "*" RETURN (STATUS ())' \
		'e LIST "" "*" RETURN (STATUS (FOO))' 'f LIST "" ("a" "b"' 'g LIST "" ()' \
		'h LIST (SUBSCRIBED) "" "*" RETURN (RECURSIVEMATCH)' 'i STATUS INBOX (SIZE FOO)' \
		'j LIST "" (a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a)'
	has_line "a BAD RECURSIVEMATCH needs another selection option"
	has_line "b BAD RECURSIVEMATCH needs another selection option"
	has_line "c BAD Missing argument or space"
	has_line "d BAD Empty STATUS list"
	has_line "e BAD Unknown STATUS item"
	grep -q '^f BAD ' <<<"$output"
	grep -q '^g BAD ' <<<"$output"
	has_line "h BAD Unsupported LIST option"
	has_line "i BAD Unknown STATUS item"
	has_line "j BAD Too many patterns"
	lacks_line '* LIST (\HasNoChildren) "." "INBOX"'
	lacks_line '* STATUS'
}
