#!/usr/bin/env bats
# httpd: JMAP Threads (RFC 8621 §3) by the REFERENCES algorithm of
# lib/mail_thread.h (IMAP THREAD's): threadId, Thread/get, collapseThreads,
# totalThreads/unreadThreads, Thread/changes, a Thread id that outlives
# its first message, and a draft created as a reply.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

# msg NAME DATE HEADER-LINES...: a message in joe's INBOX/new.
msg() {
	local name=$1 date=$2
	shift 2
	printf '%s\n' "$@" "" "text of $name" > "$MB/new/$name"
	touch -d "$date" "$MB/new/$name"
}

setup() {
	instance_setup
	httpd_setup
	mkdir -p "$MB"/{cur,new,tmp} "$MB/.Drafts"/{cur,new,tmp}
	touch "$MB/.Drafts/maildirfolder"
	printf 'Drafts\n' > "$MB/subscriptions"
	msg 1700000001.M1P1.host '2024-01-01 10:00' 'Subject: plans' 'Message-ID: <a@x>'
	msg 1700000002.M2P1.host '2024-01-02 10:00' 'Subject: Re: plans' 'Message-ID: <b@x>' 'In-Reply-To: <a@x>'
	msg 1700000003.M3P1.host '2024-01-03 10:00' 'Subject: Re: plans' 'Message-ID: <c@x>' 'References: <a@x> <b@x>'
	msg 1700000004.M4P1.host '2024-01-04 10:00' 'Subject: other' 'Message-ID: <d@x>'
	msg 1700000005.M5P1.host '2024-01-05 10:00' 'Subject: Re: other' 'Message-ID: <e@x>'
	control me mx.example.test
	httpd_start
	ACC=$(account)
	export URL ACC MB
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

PYHELP='
def ids_by_subject():
    q = query(sort=[{"property": "receivedAt", "isAscending": True}])
    g = one("Email/get", {"ids": q, "properties": ["threadId", "messageId"]})["list"]
    return {e["messageId"][0]: e for e in g}
'

@test "jmap threads: threadId by References, In-Reply-To and subject; Thread/get; collapseThreads; counts" {
	py <<EOF
$PYHELP
e = ids_by_subject()
ta, td = e["a@x"]["threadId"], e["d@x"]["threadId"]
assert ta != td and ta.startswith("T") and td.startswith("T"), (ta, td)
assert e["b@x"]["threadId"] == e["c@x"]["threadId"] == ta, e
assert e["e@x"]["threadId"] == td, e        # "Re: other": by subject
r = one("Thread/get", {"ids": [ta, td, "Tnone"]})
assert r["list"] == [{"id": ta, "emailIds": [e[k]["id"] for k in ("a@x", "b@x", "c@x")]},
                     {"id": td, "emailIds": [e["d@x"]["id"], e["e@x"]["id"]]}], r
assert r["notFound"] == ["Tnone"], r
q = one("Email/query", {"collapseThreads": True, "calculateTotal": True})
assert q["ids"] == [e["e@x"]["id"], e["c@x"]["id"]] and q["total"] == 2, q
q = one("Email/query", {"collapseThreads": True, "sort": [{"property": "receivedAt", "isAscending": True}]})
assert q["ids"] == [e["a@x"]["id"], e["d@x"]["id"]], q
inbox = boxes()["inbox"]
assert inbox["totalEmails"] == 5 and inbox["totalThreads"] == 2 and inbox["unreadThreads"] == 2, inbox
one("Email/set", {"update": {e["d@x"]["id"]: {"keywords/\$seen": True}, e["e@x"]["id"]: {"keywords/\$seen": True}}})
inbox = boxes()["inbox"]
assert inbox["unreadThreads"] == 1 and inbox["unreadEmails"] == 3, inbox
EOF
}

@test "jmap threads: the first message deleted, its Thread id stays; a reply draft joins the Thread" {
	py <<EOF
$PYHELP
e = ids_by_subject()
ta = e["a@x"]["threadId"]
one("Email/set", {"destroy": [e["a@x"]["id"]]})
e2 = ids_by_subject()
assert "a@x" not in e2 and e2["b@x"]["threadId"] == e2["c@x"]["threadId"] == ta, e2
drafts = boxes()["drafts"]["id"]
r = one("Email/set", {"create": {"d": {"mailboxIds": {drafts: True}, "subject": "Re: plans",
        "from": [{"email": "joe@example.test"}], "inReplyTo": ["c@x"], "references": ["a@x", "b@x", "c@x"],
        "bodyValues": {"1": {"value": "ok"}}, "textBody": [{"partId": "1", "type": "text/plain"}]}}})
assert r["created"]["d"]["threadId"] == ta, r
EOF
}

@test "jmap threads: Thread/changes: a reply updates its Thread, a new message creates one, a destroy cannot be told" {
	py <<EOF
$PYHELP
e = ids_by_subject()
ta = e["a@x"]["threadId"]
s0 = one("Mailbox/get", {"ids": []})["state"]
open(os.environ["MB"] + "/new/1700000006.M6P1.host", "w").write(
    "Subject: Re: plans\nMessage-ID: <f@x>\nIn-Reply-To: <c@x>\n\nf\n")
open(os.environ["MB"] + "/new/1700000007.M7P1.host", "w").write(
    "Subject: fresh\nMessage-ID: <g@x>\n\ng\n")
tg = ids_by_subject()["g@x"]["threadId"]
c = one("Thread/changes", {"sinceState": s0})
assert sorted(c["created"]) == [tg] and c["updated"] == [ta] and c["destroyed"] == [], c
one("Email/set", {"destroy": [e["d@x"]["id"]]})
r = jmap([["Thread/changes", {"accountId": ACC, "sinceState": s0}, "c"]])
assert r[0][0] == "error" and r[0][1]["type"] == "cannotCalculateChanges", r
EOF
}

@test "jmap: reading calls of one request share the account; a write in between is seen by the calls after it" {
	py <<'EOF'
r = jmap([
  ["Email/query", {"accountId": ACC, "sort": [{"property": "receivedAt", "isAscending": True}]}, "q1"],
  ["Mailbox/get", {"accountId": ACC, "ids": None, "properties": ["totalEmails", "unreadEmails", "totalThreads"]}, "m1"],
  ["Email/set", {"accountId": ACC, "destroy": ["M1700000001_2eM1P1_2ehost"]}, "s"],
  ["Email/query", {"accountId": ACC, "sort": [{"property": "receivedAt", "isAscending": True}]}, "q2"],
  ["Email/get", {"accountId": ACC, "#ids": {"resultOf": "q1", "name": "Email/query", "path": "/ids"}, "properties": ["threadId"]}, "g"],
  ["Mailbox/get", {"accountId": ACC, "ids": None, "properties": ["totalEmails", "unreadEmails", "totalThreads"]}, "m2"],
])
names = [x[0] for x in r]
assert names == ["Email/query", "Mailbox/get", "Email/set", "Email/query", "Email/get", "Mailbox/get"], r
q1, m1, s, q2, g, m2 = (x[1] for x in r)
assert len(q1["ids"]) == 5 and s["destroyed"] == [q1["ids"][0]], (q1, s)
assert q2["ids"] == q1["ids"][1:], (q1, q2)
assert g["notFound"] == [q1["ids"][0]] and len(g["list"]) == 4, g
inbox = lambda m: [b for b in m["list"] if b["totalEmails"] or b["id"] == m["list"][0]["id"]][0]
assert inbox(m1)["totalEmails"] == 5 and inbox(m2)["totalEmails"] == 4, (m1, m2)
assert inbox(m1)["totalThreads"] == 2 and inbox(m2)["totalThreads"] == 2, (m1, m2)
EOF
	[ "$(ls "$MB/new" "$MB/cur" | grep -c M1P1)" = 0 ]
}
