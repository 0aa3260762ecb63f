#!/usr/bin/env bats
# SPECIAL-USE (RFC 6154): Sent, Drafts, Trash, Junk, Archive made and
# subscribed at the first login, their attributes in LIST, the
# SPECIAL-USE selection and return options (RFC 5258 syntax); CHILDREN
# (RFC 3348) attributes.
load imapd-helpers

setup() { imap_setup; rm "$MAILDIR/subscriptions"; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

@test "first login creates and subscribes the special-use folders, once" {
	run imap "$LOGIN" 'a LIST "" "*"' 'b LSUB "" "*"'
	has_line '* LIST (\HasNoChildren) "." "INBOX"'
	has_line '* LIST (\HasNoChildren \Sent) "." "Sent"'
	has_line '* LIST (\HasNoChildren \Drafts) "." "Drafts"'
	has_line '* LIST (\HasNoChildren \Trash) "." "Trash"'
	has_line '* LIST (\HasNoChildren \Junk) "." "Junk"'
	has_line '* LIST (\HasNoChildren \Archive) "." "Archive"'
	has_line '* LSUB () "." "Junk"'
	has_line '* LSUB () "." "INBOX"'
	[ "$(sort "$MAILDIR/subscriptions" | tr '\n' ' ')" = "Archive Drafts INBOX Junk Sent Trash " ]
	for f in Sent Drafts Trash Junk Archive; do
		[ -d "$MAILDIR/.$f/cur" ] && [ -f "$MAILDIR/.$f/maildirfolder" ]
	done
	# deleted by the user: not made again at the next login
	run imap "$LOGIN" "a DELETE Junk" 'b LIST "" "*"'
	has_line "a OK DELETE completed"
	run imap "$LOGIN" 'b LIST "" "*"'
	lacks_line '* LIST (\HasNoChildren \Junk) "." "Junk"'
	[ ! -d "$MAILDIR/.Junk" ]
}

@test "LIST (SPECIAL-USE) selects, RETURN (SPECIAL-USE CHILDREN) is accepted, children marked" {
	run imap "$LOGIN" "a CREATE Work.Reports" "b CREATE Trash.Old" \
		'c LIST (SPECIAL-USE) "" "*"' 'd LIST "" "%" RETURN (SPECIAL-USE)' \
		'e LIST "" "*" RETURN (CHILDREN)' 'f LIST () "" "Work"'
	has_line '* LIST (\HasChildren \Trash) "." "Trash"'
	[ "$(sed -n '/^b OK/,/^c OK/p' <<<"$output" | grep -c '^\* LIST')" -eq 5 ]
	has_line 'c OK LIST completed'
	has_line '* LIST (\HasChildren) "." "Work"'
	has_line '* LIST (\HasNoChildren) "." "Work.Reports"'
	has_line '* LIST (\HasNoChildren) "." "Trash.Old"'
	has_line 'd OK LIST completed'
	has_line 'e OK LIST completed'
	has_line 'f OK LIST completed'
}

@test "bad LIST options are BAD" {
	run imap "$LOGIN" 'a LIST (FOO) "" "*"' 'b LIST "" "*" RETURN (BAR)' \
		'c LIST "" "*" RETURNS (CHILDREN)' 'd LIST (SPECIAL-USE "" "*"' 'e LIST "" "*" RETURN'
	has_line 'a BAD Unsupported LIST option'
	has_line 'b BAD Unsupported LIST option'
	has_line 'c BAD Expected RETURN'
	grep -q '^d BAD ' <<<"$output"
	grep -q '^e BAD ' <<<"$output"
	lacks_line '* LIST (\HasNoChildren) "." "INBOX"'
}

@test "CREATE-SPECIAL-USE is advertised" {
	run imap "$LOGIN" "c CAPABILITY"
	has_line "* CAPABILITY $CAPS"
	grep -q ' CREATE-SPECIAL-USE' <<<"$CAPS"
}

@test "RFC 6154 §5.3 example: CREATE MySpecial (USE (\\Drafts \\Sent)); \\All is NO [USEATTR] and creates nothing" {
	run imap "$LOGIN" 't2 CREATE MySpecial (USE (\Drafts \Sent))' 't3 CREATE Everything (USE (\All))' \
		'a LIST "" "MySpecial"' 'b LIST (SPECIAL-USE) "" "My*"' 'c LIST "" "Everything"'
	has_line 't2 OK CREATE completed'
	has_line 't3 NO [USEATTR] \All not supported'
	has_line '* LIST (\HasNoChildren \Drafts \Sent) "." "MySpecial"'
	[ "$(grep -c '^\* LIST (\\HasNoChildren \\Drafts \\Sent) "." "MySpecial"$' <<<"$output")" -eq 2 ]
	[ "$(cat "$MAILDIR/.MySpecial/postern-special-use")" = "$(printf '\\Drafts\n\\Sent')" ]
	[ ! -e "$MAILDIR/.Everything" ]
	has_line 'c OK LIST completed'
	lacks_line '* LIST (\HasNoChildren) "." "Everything"'
}

@test "CREATE (USE ...): \\Flagged or an unknown use is NO [USEATTR]; bad syntax is BAD; nothing created" {
	run imap "$LOGIN" 'a CREATE Saved (USE (\Flagged))' 'b CREATE X1 (USE (\Sent \Important))' \
		'c CREATE X2 (USE (Sent))' 'd CREATE X3 (FOO (\Sent))' 'e CREATE X4 (USE \Sent)' \
		'f CREATE X5 (USE (\Sent)' 'g CREATE X6 (USE (\Sent)) extra' 'h CREATE Sent (USE (\Trash))'
	has_line 'a NO [USEATTR] \Flagged not supported'
	has_line 'b NO [USEATTR] Special use not supported'
	for t in c d e f g; do grep -q "^$t BAD" <<<"$output"; done
	has_line 'h NO [ALREADYEXISTS] Mailbox already exists'
	for f in Saved X1 X2 X3 X4 X5 X6; do [ ! -e "$MAILDIR/.$f" ]; done
	[ ! -e "$MAILDIR/.Sent/postern-special-use" ]
}

@test "the recorded use replaces the by-name one, travels with RENAME, goes with DELETE" {
	run imap "$LOGIN" 'a CREATE Outbox.Done (use (\sent \ARCHIVE))' 'b CREATE Bin (USE ())' \
		'c RENAME Outbox Old' 'd LIST "" "*"' 'e DELETE Old.Done' 'f CREATE Old.Done' 'g LIST "" "Old.Done"'
	has_line 'a OK CREATE completed'
	has_line 'b OK CREATE completed'
	has_line '* LIST (\HasNoChildren \Archive \Sent) "." "Old.Done"'
	has_line '* LIST (\HasNoChildren) "." "Bin"'
	has_line '* LIST (\HasNoChildren) "." "Old.Done"'
	[ ! -e "$MAILDIR/.Old.Done/postern-special-use" ]
}
