#!/usr/bin/env bats
# imapd over real sockets (tcpserver, systemd-socket-activate) with real
# clients: Python's imaplib, curl imap://, and mbsync syncing both ways.
load imapd-helpers

setup() { imap_setup; }
teardown() {
	server_stop_all
	no_sanitizer_reports "$BATS_TEST_TMPDIR/server.log" "$BATS_TEST_TMPDIR/imapd.log"
}

@test "python imaplib under tcpserver: login, folders, append, fetch, store, copy, expunge" {
	three_messages
	server_start tcpserver "$IMAPD"
	run python3 - "$PORT" <<'PY'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
assert "IMAP4REV1" in m.capabilities and "UIDPLUS" in m.capabilities
print(m.login("bob@example.test", "secret")[0])
print(m.create("Archive")[0])
typ, data = m.list()
print(typ, sorted(d.decode() for d in data))
print(m.append("Archive", r"(\Seen)", imaplib.Time2Internaldate(1700000000),
               b"Subject: appended\r\n\r\nhi\r\n")[0])
typ, data = m.select("INBOX")
print(typ, data[0].decode())
typ, data = m.fetch("1:3", "(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
print(typ, [d[0].decode() if isinstance(d, tuple) else d.decode() for d in data])
typ, data = m.uid("FETCH", "2", "(BODY[])")
print(typ, data[0][1].decode().replace("\r\n", "|"))
print(m.store("1", "+FLAGS", r"(\Deleted)")[1][0].decode())
typ, data = m.uid("COPY", "2:3", "Archive")
print("copy", typ)
print(m.expunge()[1][0].decode())
typ, data = m.search(None, "ALL")
print(typ, data[0].decode())
typ, data = m.status("Archive", "(MESSAGES UNSEEN)")
print(typ, data[0].decode())
m.close()
m.logout()
PY
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "OK"
	has_line "OK ['(\\\\HasNoChildren \\\\Archive) \".\" \"Archive\"', '(\\\\HasNoChildren) \".\" \"INBOX\"']"
	has_line "OK 3"
	has_line "OK ['1 (UID 1 RFC822.SIZE 69 BODY[HEADER.FIELDS (SUBJECT)] {18}', ')', '2 (UID 2 RFC822.SIZE 61 BODY[HEADER.FIELDS (SUBJECT)] {19}', ')', '3 (UID 3 RFC822.SIZE 52 BODY[HEADER.FIELDS (SUBJECT)] {18}', ')']"
	has_line "OK From: b@example.test|Subject: second||body two|line two|"
	has_line "1 (FLAGS (\\Deleted \\Recent))"
	has_line "copy OK"
	has_line "1"
	has_line "OK 1 2"
	has_line "OK \"Archive\" (MESSAGES 3 UNSEEN 1)"
	grep -q 'event=connect peer=127.0.0.1 tls=0' "$BATS_TEST_TMPDIR/server.log"
	[ "$(message_files)" -eq 5 ]
}

@test "curl imap:// under systemd-socket-activate lists, fetches and appends" {
	three_messages
	# systemd-socket-activate clears the environment: pass what is needed
	server_start socket-activate env POSTERN_CONF="$POSTERN_CONF" \
		ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" "$IMAPD"
	url="imap://127.0.0.1:$PORT"
	run curl -sS --max-time 10 -u bob@example.test:secret "$url/"
	[ "$status" -eq 0 ]
	output=$(tr -d '\r' <<<"$output")
	has_line '* LIST (\HasNoChildren) "." "INBOX"'
	run curl -sS --max-time 10 -u bob@example.test:secret "$url/INBOX;UID=2"
	[ "$status" -eq 0 ]
	[ "$(tr -d '\r' <<<"$output")" = "$(printf 'From: b@example.test\nSubject: second\n\nbody two\nline two')" ]
	printf 'Subject: from curl\r\n\r\nuploaded\r\n' > "$BATS_TEST_TMPDIR/up.eml"
	run curl -sS --max-time 10 -u bob@example.test:secret -T "$BATS_TEST_TMPDIR/up.eml" "$url/INBOX"
	[ "$status" -eq 0 ]
	run curl -sS --max-time 10 -u bob@example.test:secret "$url/INBOX" -X 'UID SEARCH ALL'
	output=$(tr -d '\r' <<<"$output")
	has_line "* SEARCH 1 2 3 4"
	run curl -sS --max-time 10 -u bob@example.test:wrong "$url/"
	[ "$status" -ne 0 ]
}

@test "curl with AUTH=PLAIN (SASL-IR) over -T" {
	control plaintextauth 0
	server_start tcpserver "$IMAPD" -T
	run curl -sS --max-time 10 --login-options AUTH=PLAIN -u bob@example.test:secret "imap://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	output=$(tr -d '\r' <<<"$output")
	has_line '* LIST (\HasNoChildren) "." "INBOX"'
	grep -q 'event=login user=bob@example.test' "$BATS_TEST_TMPDIR/server.log"
}

mbsync_config() {
	mkdir -p "$BATS_TEST_TMPDIR/local"
	cat > "$BATS_TEST_TMPDIR/mbsyncrc" <<RC
IMAPAccount postern
Host 127.0.0.1
Port $PORT
User bob@example.test
Pass secret
SSLType None
AuthMechs LOGIN
Timeout 10

IMAPStore remote
Account postern

MaildirStore local
Inbox $BATS_TEST_TMPDIR/local/INBOX
SubFolders Maildir++

Channel sync
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
RC
}

local_files() { find "$BATS_TEST_TMPDIR/local" -path '*/cur/*' -type f -o -path '*/new/*' -type f | wc -l; }

@test "mbsync syncs both ways: download, upload, flags, deletions, folders" {
	three_messages
	server_start tcpserver "$IMAPD"
	mbsync_config
	run timeout 30 mbsync -c "$BATS_TEST_TMPDIR/mbsyncrc" sync
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(local_files)" -eq 3 ]
	# change both sides: a local message and folder, a local flag, a
	# server-side delivery and a server-side deletion
	mkdir -p "$BATS_TEST_TMPDIR/local/INBOX/.Projects/"{cur,new,tmp}
	printf 'Subject: local\n\nwritten offline\n' > "$BATS_TEST_TMPDIR/local/INBOX/new/2000000000.L1.local"
	printf 'Subject: project\n\nplan\n' > "$BATS_TEST_TMPDIR/local/INBOX/.Projects/new/2000000001.L2.local"
	f=$(grep -l 'Subject: first' "$BATS_TEST_TMPDIR"/local/INBOX/cur/* "$BATS_TEST_TMPDIR"/local/INBOX/new/* 2>/dev/null | head -1)
	case $f in */new/*) mv "$f" "${f/\/new\//\/cur\/}:2,F" ;; *) mv "$f" "${f%%:2,*}:2,F" ;; esac
	deliver 1000000004.M4P4.test 'From: d@example.test\nSubject: fourth\n\nbody four\n'
	rm "$MAILDIR"/cur/1000000003.M3P3.test* 2>/dev/null || rm "$MAILDIR"/new/1000000003.M3P3.test
	run timeout 30 mbsync -c "$BATS_TEST_TMPDIR/mbsyncrc" sync
	echo "$output"
	[ "$status" -eq 0 ]
	# server: 1, 2, 4 and the uploaded one; Projects with its message
	[ "$(find "$MAILDIR/cur" "$MAILDIR/new" -type f | wc -l)" -eq 4 ]
	grep -l 'written offline' "$MAILDIR"/cur/* "$MAILDIR"/new/* 2>/dev/null | grep -q .
	grep -l 'plan' "$MAILDIR"/.Projects/cur/* "$MAILDIR"/.Projects/new/* 2>/dev/null | grep -q .
	ls "$MAILDIR/cur" | grep '^1000000001.M1P1.test:2,' | grep -q F
	# local: the same four in INBOX, the server-deleted one gone
	[ "$(find "$BATS_TEST_TMPDIR/local/INBOX/cur" "$BATS_TEST_TMPDIR/local/INBOX/new" -type f | wc -l)" -eq 4 ]
	! grep -rq 'Subject: third' "$BATS_TEST_TMPDIR/local/INBOX/cur" "$BATS_TEST_TMPDIR/local/INBOX/new"
	grep -rq 'Subject: fourth' "$BATS_TEST_TMPDIR/local/INBOX"
	# a third run changes nothing
	before=$(find "$MAILDIR" -type f -path '*/cur/*' | sort)
	run timeout 30 mbsync -c "$BATS_TEST_TMPDIR/mbsyncrc" sync
	[ "$status" -eq 0 ]
	[ "$(find "$MAILDIR" -type f -path '*/cur/*' | sort)" = "$before" ]
}
