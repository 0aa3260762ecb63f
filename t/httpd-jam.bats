#!/usr/bin/env bats
# httpd against a third-party JMAP client library: jmap-jam 0.13.1 from
# npm (t/jam/package.json, installed by .ci/run with npm ci) on Node,
# with a Bearer token made by postern-token: it lists the mailboxes,
# queries and reads the inbox, uploads a blob and sends a reply.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	instance_setup
	httpd_setup
	for f in Sent Drafts; do
		mkdir -p "$MB/.$f"/{cur,new,tmp}
		touch "$MB/.$f/maildirfolder"
	done
	mkdir -p "$MB"/{cur,new,tmp}
	printf 'Sent\nDrafts\n' > "$MB/subscriptions"
	printf 'From: Ann <ann@example.org>\nSubject: older\nMessage-ID: <o@example.org>\n\nold\n' > "$MB/new/1700000001.M1P1.host"
	printf 'From: Ann <ann@example.org>\nSubject: lunch?\nMessage-ID: <l@example.org>\n\nat noon\n' > "$MB/new/1700000002.M2P1.host"
	touch -d '2024-01-01' "$MB/new/1700000001.M1P1.host"
	control me mx.example.test
	httpd_start
	[ -d "$TOP/t/jam/node_modules/jmap-jam" ] ||
		{ echo "jmap-jam missing: (cd t/jam && npm ci)" >&2; false; }
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

@test "jmap-jam: mailboxes, query, read, and a reply sent with an attachment" {
	token=$("$TOP/httpd/postern-token" add joe@example.test jam)
	run node "$TOP/t/jam/client.mjs" "$URL" "$token"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	j=$output
	[ "$(json_get 'j["mailboxes"]' <<<"$j")" = "['Drafts', 'Inbox', 'Sent']" ]
	[ "$(json_get 'len(j["ids"])' <<<"$j")" = 2 ]
	[ "$(json_get 'j["subject"]' <<<"$j")" = 'lunch?' ]
	[ "$(json_get 'j["body"]' <<<"$j")" = 'at noon' ]
	[ "$(json_get 'j["created"], j["moved"]' <<<"$j")" = "(['draft'], True)" ]
	[ "$(queue_count)" -eq 1 ]
	q=$(find "$SPOOL/queue" -type f)
	grep -q '^sender joe@example.test$' "$q"
	grep -q 'ann@example.org' "$q"
	[ "$(ls "$MB/.Sent/cur" | wc -l)" -eq 1 ]
	grep -q '^In-Reply-To: <l@example.org>' "$MB"/.Sent/cur/*
	grep -q 'filename="\?jam.txt' "$MB"/.Sent/cur/*
	# a revoked token: the library gets nothing
	"$TOP/httpd/postern-token" revoke joe@example.test all
	run node "$TOP/t/jam/client.mjs" "$URL" "$token"
	[ "$status" -ne 0 ]
}
