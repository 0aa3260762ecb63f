#!/usr/bin/env bats
# httpd and the folder cache (lib/store_cache.h, httpd/mail_cache.c):
# receivedAt, size and the JMAP summary are kept in postern-cache, so a
# later request (another connection, another process) answers the
# message list, sorts, Threads and Mailbox/get without any message file;
# imapd and httpd share the file and keep each other's records.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

# msg NAME DATE TEXT: a message (printf %b TEXT) in joe's INBOX/cur.
msg() {
	printf '%b' "$3" > "$MB/cur/$1:2,"
	touch -d "$2" "$MB/cur/$1:2,"
}

setup() {
	instance_setup
	httpd_setup
	mkdir -p "$MB"/{cur,new,tmp}
	: > "$MB/subscriptions"
	msg 1700000001.M1P1.host '2024-01-01 10:00' 'From: Ann <ann@example.test>\nTo: joe@example.test\nSubject: =?UTF-8?Q?caf=C3=A9?= plans\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <a@x>\n\nfirst  body\ntext\n'
	msg 1700000002.M2P1.host '2024-01-02 10:00' 'From: Bob <bob@example.test>\nSubject: Re: plans\nMessage-ID: <b@x>\nIn-Reply-To: <a@x>\nReferences: <a@x>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nsee the\n file\n--zz\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=a.pdf\n\nPDF\n--zz--\n'
	msg 1700000003.M3P1.host '2024-01-03 10:00' 'From: carl@example.test\nSubject: other\n  folded\nMessage-ID: <c@x>\n\nthird\n'
	control me mx.example.test
	httpd_start
	ACC=$(account)
	export URL ACC MB
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log" "$BATS_TEST_TMPDIR/imapd.log"
}

# The page's requests: Mailbox/get (thread counts), the list sorted by
# date and by subject, with the list's properties.
LIST='["threadId", "mailboxIds", "keywords", "from", "to", "subject", "sentAt", "messageId", "references", "receivedAt", "size", "preview", "hasAttachment"]'
page() {
	jmap '{"using": ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"], "methodCalls": [
		["Mailbox/get", {"accountId": "'"$ACC"'", "ids": null}, "m"],
		["Email/query", {"accountId": "'"$ACC"'", "sort": [{"property": "receivedAt", "isAscending": false}]}, "q"],
		["Email/query", {"accountId": "'"$ACC"'", "sort": [{"property": "subject"}, {"property": "size"}]}, "s"],
		["Email/get", {"accountId": "'"$ACC"'", "#ids": {"resultOf": "q", "name": "Email/query", "path": "/ids"}, "properties": '"$LIST"'}, "g"],
		["Thread/get", {"accountId": "'"$ACC"'", "#ids": {"resultOf": "g", "name": "Email/get", "path": "/list/*/threadId"}}, "t"]]}'
}

# The JSON on stdin without its state strings (an expunge moves them).
stateless() {
	python3 -c 'import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("state", "queryState")}
    return [strip(x) for x in v] if isinstance(v, list) else v
print(json.dumps(strip(json.load(sys.stdin)), sort_keys=True))'
}

# The records of the cache whose summary (the 7th number) is known.
summaries() {
	grep -acE '^[0-9]+ -?[0-9]+ -?[0-9]+ [0-9]+ [0-9]+ [0-9]+ [1-9][0-9]*$' "$MB/postern-cache"
}

@test "a second request answers from the cache: the message files are not read" {
	first=$(page)
	# sanity: what the messages say
	grep -q '"subject":"café plans"' <<<"$first"
	grep -q '"hasAttachment":true' <<<"$first"
	grep -q '"preview":"see the file"' <<<"$first"
	grep -q '"totalThreads":2' <<<"$first"
	head -1 "$MB/postern-cache" | grep -qE '^postern-cache 2 [0-9]+$'
	[ "$(summaries)" -eq 3 ]
	# every file replaced by another message (same name, same mtime):
	# only a server that reads no file still answers as before
	for f in "$MB"/cur/*; do
		touch -r "$f" "$BATS_TEST_TMPDIR/stamp"
		printf 'From: x@y\nSubject: CHANGED\nReferences: <zz@x>\n\nCHANGED\n' > "$f"
		touch -r "$BATS_TEST_TMPDIR/stamp" "$f"
	done
	second=$(page)
	[ "$second" = "$first" ]
	# and the files did change: a property the cache does not hold reads one
	body=$(jmap '{"using": ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"], "methodCalls": [
		["Email/query", {"accountId": "'"$ACC"'"}, "q"],
		["Email/get", {"accountId": "'"$ACC"'", "#ids": {"resultOf": "q", "name": "Email/query", "path": "/ids"}, "properties": ["subject", "sender"]}, "g"]]}')
	[ "$(grep -o '"subject":"CHANGED"' <<<"$body" | wc -l)" -eq 3 ]
}

@test "imapd and httpd share the cache and keep each other's records" {
	IMAPD="$TOP/imapd/imapd"
	first=$(page | stateless)
	[ "$(summaries)" -eq 3 ]
	# imapd learns ENVELOPEs (a fourth message too), appended
	printf 'From: d@x\nSubject: fourth\n\nfour\n' > "$MB/cur/1700000004.M4P1.host:2,T"
	printf '%s\r\n' "L LOGIN joe@example.test secret" "a SELECT INBOX" \
		"b FETCH 1:* (ENVELOPE BODYSTRUCTURE)" "c LOGOUT" |
		"$IMAPD" 2>>"$BATS_TEST_TMPDIR/imapd.log" | tr -d '\r' > "$BATS_TEST_TMPDIR/imap.out"
	grep -q '^b OK' "$BATS_TEST_TMPDIR/imap.out"
	grep -q '^1 [-0-9]* [-0-9]* [1-9][0-9]* [1-9][0-9]* 0 0$' "$MB/postern-cache"
	# the fourth expunged: its record is dead, so imapd writes the file anew
	printf '%s\r\n' "L LOGIN joe@example.test secret" "a SELECT INBOX" "b EXPUNGE" \
		"c FETCH 1:* (ENVELOPE BODY)" "d LOGOUT" |
		"$IMAPD" 2>>"$BATS_TEST_TMPDIR/imapd.log" | tr -d '\r' > "$BATS_TEST_TMPDIR/imap.out"
	grep -q '^\* 4 EXPUNGE' "$BATS_TEST_TMPDIR/imap.out"
	# one record per message now, with both servers' strings
	[ "$(grep -acE '^[0-9]+ -?[0-9]+ -?[0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9]+$' "$MB/postern-cache")" -eq 3 ]
	[ "$(grep -acE '^[0-9]+ [0-9]+ [0-9]+ [1-9][0-9]* [1-9][0-9]* [1-9][0-9]* [1-9][0-9]*$' "$MB/postern-cache")" -eq 3 ]
	for f in "$MB"/cur/*; do
		touch -r "$f" "$BATS_TEST_TMPDIR/stamp"
		printf 'Subject: CHANGED\n\n' > "$f"
		touch -r "$BATS_TEST_TMPDIR/stamp" "$f"
	done
	[ "$(page | stateless)" = "$first" ]
}

@test "a damaged cache, or one of another UIDVALIDITY, is ignored and written anew" {
	first=$(page)
	uv=$(head -1 "$MB/postern-cache" | cut -d' ' -f3)
	printf 'postern-cache 2 %s\n1 5 5 0 0 0 999\nxx\n' "$uv" > "$MB/postern-cache"
	[ "$(page)" = "$first" ]
	[ "$(summaries)" -eq 3 ]
	# a summary of another UIDVALIDITY that would say otherwise
	printf 'postern-cache 2 %s\n1 5 5 0 0 0 12\n-+ x\n\r\nxx\r\n\n' "$((uv + 1))" > "$MB/postern-cache"
	[ "$(page)" = "$first" ]
	head -1 "$MB/postern-cache" | grep -qx "postern-cache 2 $uv"
	[ "$(summaries)" -eq 3 ]
}
