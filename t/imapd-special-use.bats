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
	run imap "$LOGIN" 'a LIST (REMOTE) "" "*"' 'b LIST "" "*" RETURN (STATUS)' \
		'c LIST "" "*" RETURNS (CHILDREN)' 'd LIST (SPECIAL-USE "" "*"' 'e LIST "" "*" RETURN'
	has_line 'a BAD Unsupported LIST option'
	has_line 'b BAD Unsupported LIST option'
	has_line 'c BAD Expected RETURN'
	grep -q '^d BAD ' <<<"$output"
	grep -q '^e BAD ' <<<"$output"
	lacks_line '* LIST (\HasNoChildren) "." "INBOX"'
}
