#!/usr/bin/env bats
# imapd through pipes: Maildir++ folders (RFC 3501 §6.3.3-10): CREATE,
# DELETE, RENAME, LIST, LSUB, SUBSCRIBE, STATUS, and the names refused.
load imapd-helpers

setup() { imap_setup; }
teardown() { server_stop_all; no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

@test "CREATE makes Maildir++ folders and their parents" {
	run imap "$LOGIN" "a CREATE Work.Reports" "b CREATE Sent." "c CREATE Work" \
		"d CREATE inbox" 'e CREATE "Caf&AOk-"'
	has_line "a OK CREATE completed"
	has_line "b OK CREATE completed"
	has_line "c NO [ALREADYEXISTS] Mailbox already exists"
	has_line "d NO [ALREADYEXISTS] Mailbox already exists"
	has_line "e OK CREATE completed"
	for d in .Work .Work.Reports .Sent '.Caf&AOk-'; do
		[ -d "$MAILDIR/$d/cur" ] && [ -d "$MAILDIR/$d/new" ] && [ -d "$MAILDIR/$d/tmp" ]
		[ -f "$MAILDIR/$d/maildirfolder" ]
	done
}

@test "names that could leave the Maildir or are not modified UTF-7 are refused" {
	run imap_raw "$LOGIN\r\na CREATE ..\r\nb CREATE a/b\r\nc CREATE .hidden\r\nd CREATE a..b\r\ne CREATE {3+}\r\na\tb\r\nf CREATE \"a\x01b\"\r\ng CREATE &Jjo\r\nh CREATE &AGE-\r\ni CREATE a*\r\nj CREATE {4+}\r\ncaf\xe9\r\nk SELECT ../../x\r\nl RENAME INBOX ../x\r\nm CREATE &2D3-\r\nn CREATE \"\"\r\no CREATE x.\r\n"
	has_line "a NO [CANNOT] Invalid mailbox name"
	has_line "b NO [CANNOT] Invalid mailbox name"
	has_line "c NO [CANNOT] Invalid mailbox name"
	has_line "d NO [CANNOT] Invalid mailbox name"
	has_line "e NO [CANNOT] Invalid mailbox name"
	has_line "f NO [CANNOT] Invalid mailbox name"
	has_line "g NO [CANNOT] Mailbox name is not modified UTF-7"
	has_line "h NO [CANNOT] Mailbox name is not modified UTF-7"
	has_line "i BAD Extra characters after command"
	has_line "j NO [CANNOT] Invalid mailbox name"
	has_line "k NO [CANNOT] Invalid mailbox name"
	has_line "l NO [CANNOT] Invalid mailbox name"
	has_line "m NO [CANNOT] Mailbox name is not modified UTF-7"
	has_line "n NO [CANNOT] Empty mailbox name"
	has_line "o OK CREATE completed"
	[ "$(find "$MAILROOT" -mindepth 1 -maxdepth 3 -type d | sort | tr '\n' ' ')" = \
	  "$MAILROOT/example.test $MAILDIR $MAILDIR/.x $MAILDIR/cur $MAILDIR/new $MAILDIR/tmp " ]
}

@test "LIST with * and %, implied parents are \\Noselect, children marked" {
	mkdir -p "$MAILDIR/.A.B/cur" "$MAILDIR/.A.B/new" "$MAILDIR/.A.B/tmp"
	run imap "$LOGIN" "a CREATE Work.Reports" 'b LIST "" *' 'c LIST "" %' \
		'd LIST "" ""' 'e LIST Work. %' 'f LIST "" inbox' 'g LIST "" Wo*.%'
	has_line '* LIST (\HasNoChildren) "." "INBOX"'
	has_line '* LIST (\Noselect \HasChildren) "." "A"'
	has_line '* LIST (\HasNoChildren) "." "A.B"'
	has_line '* LIST (\HasChildren) "." "Work"'
	has_line '* LIST (\HasNoChildren) "." "Work.Reports"'
	has_line '* LIST (\Noselect) "." ""'
	[ "$(grep -c 'LIST.*"Work.Reports"' <<<"$output")" -eq 3 ]
	[ "$(grep -c 'LIST.*"A.B"' <<<"$output")" -eq 1 ]
	[ "$(grep -c 'LIST.*"INBOX"' <<<"$output")" -eq 3 ]
	has_line "g OK LIST completed"
}

@test "DELETE removes a folder; INBOX, missing and selected folders refused" {
	deliver 1000000009.M9P9.test 'Subject: x\n\ny\n' "$MAILDIR/.Old"
	run imap "$LOGIN" "a CREATE Old.Child" "b DELETE Old" "c DELETE INBOX" \
		"d DELETE Nope" 'e LIST "" *' "f SELECT Old.Child" "g DELETE Old.Child"
	has_line "b OK DELETE completed"
	has_line "c NO [CANNOT] Cannot delete INBOX"
	has_line "d NO [NONEXISTENT] No such mailbox"
	has_line '* LIST (\Noselect \HasChildren) "." "Old"'
	has_line "g NO [INUSE] Cannot delete the selected mailbox"
	[ ! -e "$MAILDIR/.Old" ]
	[ -d "$MAILDIR/.Old.Child/cur" ]
	[ -z "$(ls -a "$MAILDIR" | grep deleted)" ]
}

@test "RENAME moves a folder with its children and keeps UIDs" {
	deliver 1000000009.M9P9.test 'Subject: x\n\ny\n' "$MAILDIR/.Old"
	run imap "$LOGIN" "a CREATE Old.Child" "s STATUS Old (UIDNEXT UIDVALIDITY)" \
		"b RENAME Old New.Name" 'c LIST "" *' "d RENAME Nope X" "e RENAME New.Name INBOX" \
		"f STATUS New.Name (MESSAGES UIDNEXT UIDVALIDITY)"
	v=$(sed -n '1s/^postern-uidlist 1 \([0-9]*\) .*/\1/p' "$MAILDIR/.New.Name/postern-uidlist")
	has_line "* STATUS \"Old\" (UIDNEXT 2 UIDVALIDITY $v)"
	has_line "b OK RENAME completed"
	has_line '* LIST (\HasChildren) "." "New"'
	has_line '* LIST (\HasChildren) "." "New.Name"'
	has_line '* LIST (\HasNoChildren) "." "New.Name.Child"'
	lacks_line '* LIST (\HasChildren) "." "Old"'
	has_line "d NO [NONEXISTENT] No such mailbox"
	has_line "e NO [ALREADYEXISTS] Mailbox already exists"
	has_line "* STATUS \"New.Name\" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY $v)"
}

@test "RENAME INBOX moves its messages and leaves INBOX empty" {
	three_messages
	run imap "$LOGIN" "a RENAME INBOX Saved" "b STATUS INBOX (MESSAGES)" "c STATUS Saved (MESSAGES RECENT)"
	has_line "a OK RENAME completed"
	has_line '* STATUS "INBOX" (MESSAGES 0)'
	has_line '* STATUS "Saved" (MESSAGES 3 RECENT 3)'
}

@test "SUBSCRIBE, UNSUBSCRIBE and LSUB" {
	run imap "$LOGIN" "a CREATE Lists.Bats" "b SUBSCRIBE Lists.Bats" "c SUBSCRIBE INBOX" \
		'd LSUB "" *' 'e LSUB "" %' "f UNSUBSCRIBE Lists.Bats" 'g LSUB "" *'
	has_line '* LSUB () "." "Lists.Bats"'
	has_line '* LSUB () "." "INBOX"'
	has_line '* LSUB (\Noselect) "." "Lists"'
	[ "$(grep -c 'LSUB.*"Lists.Bats"' <<<"$output")" -eq 1 ]
	has_line "g OK LSUB completed"
	[ "$(cat "$MAILDIR/subscriptions")" = "INBOX" ]
}

@test "STATUS counts messages, recent and unseen" {
	three_messages
	mv "$MAILDIR/new/1000000003.M3P3.test" "$MAILDIR/cur/1000000003.M3P3.test:2,S"
	run imap "$LOGIN" "a STATUS inbox (MESSAGES RECENT UIDNEXT UNSEEN)" \
		"b STATUS INBOX (BOGUS)" "c STATUS Nope (MESSAGES)" "d STATUS INBOX ()"
	has_line '* STATUS "INBOX" (MESSAGES 3 RECENT 2 UIDNEXT 4 UNSEEN 2)'
	has_line "b BAD Unknown STATUS item"
	has_line "c NO [NONEXISTENT] No such mailbox"
	has_line "d BAD Empty STATUS list"
	[ "$(ls "$MAILDIR/new" | wc -l)" -eq 2 ]
}

@test "RENAME carries the subscriptions of the folder and its children; DELETE drops its own" {
	run imap "$LOGIN" "a CREATE Old.Child" "b CREATE Other" "c SUBSCRIBE Old" \
		"d SUBSCRIBE Old.Child" "e SUBSCRIBE Other" "f SUBSCRIBE Oldish" \
		"g RENAME Old New" 'h LSUB "" *'
	has_line "g OK RENAME completed"
	has_line '* LSUB () "." "New"'
	has_line '* LSUB () "." "New.Child"'
	has_line '* LSUB () "." "Other"'
	lacks_line '* LSUB () "." "Old"'
	[ "$(sort "$MAILDIR/subscriptions" | tr '\n' ' ')" = "New New.Child Oldish Other " ]
	run imap "$LOGIN" "a DELETE New" "b DELETE Other" "c DELETE Nope"
	has_line "a OK DELETE completed"
	has_line "c NO [NONEXISTENT] No such mailbox"
	[ "$(sort "$MAILDIR/subscriptions" | tr '\n' ' ')" = "New.Child Oldish " ]
	# a failed RENAME leaves them alone
	run imap "$LOGIN" "a RENAME Nope Else" "b RENAME New.Child INBOX"
	has_line "a NO [NONEXISTENT] No such mailbox"
	[ "$(sort "$MAILDIR/subscriptions" | tr '\n' ' ')" = "New.Child Oldish " ]
}
