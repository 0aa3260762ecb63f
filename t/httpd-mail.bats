#!/usr/bin/env bats
# httpd: JMAP Mail (RFC 8621) over real sockets, on the store imapd
# uses: Mailbox/get, Email/query and Email/get on delivered mail, the
# filters and sorts, Email/set (keywords as Maildir flags, moves,
# destroy, create), EmailSubmission/set into the spool, Thread and
# Identity, push, and another user's mail out of reach.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	instance_setup
	httpd_setup
	mkdir -p "$MB"/{cur,new,tmp} "$MB"/.Sent/{cur,new,tmp} "$MB"/.Trash/{cur,new,tmp} "$MB"/.Drafts/{cur,new,tmp}
	touch "$MB"/.Sent/maildirfolder "$MB"/.Trash/maildirfolder "$MB"/.Drafts/maildirfolder
	printf 'From: Ann Example <ann@example.org>\nTo: joe@example.test\nCc: Cid <cid@example.org>\nSubject: =?UTF-8?Q?caf=C3=A9?= first\nDate: Mon, 1 Jan 2024 10:00:00 +0100\nMessage-ID: <m1@example.org>\n\nhello   world\nsecond line\n' > "$MB/new/1700000000.M1P1.host"
	printf 'From: bob@example.org\nTo: joe@example.test\nSubject: second\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <m2@example.org>\nIn-Reply-To: <m1@example.org>\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html; charset=utf-8\n\n<p>hi <b>there</b><script>alert(1)</script></p>\n--b\nContent-Type: application/pdf; name="a.pdf"\nContent-Disposition: attachment; filename="a.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERi0K\n--b--\n' > "$MB/new/1700000100.M2P1.host"
	touch -d '2024-01-01 12:00' "$MB/new/1700000000.M1P1.host"
	touch -d '2024-01-02 12:00' "$MB/new/1700000100.M2P1.host"
	control me mx.example.test
	httpd_start
	ACC=$(account)
	export URL ACC MB SPOOL
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

@test "jmap mail: Mailbox/get: folders with roles and counts; Mailbox/query" {
	py <<'EOF'
b = boxes()
assert set(b) == {"inbox", "sent", "trash", "drafts"}, b
assert b["inbox"]["name"] == "Inbox" and b["inbox"]["totalEmails"] == 2
assert b["inbox"]["unreadEmails"] == 2 and b["inbox"]["myRights"]["mayDelete"] is False
assert b["sent"]["totalEmails"] == 0 and b["sent"]["parentId"] is None
r = one("Mailbox/get", {"ids": [b["sent"]["id"], "nope"], "properties": ["name"]})
assert r["list"] == [{"id": b["sent"]["id"], "name": "Sent"}] and r["notFound"] == ["nope"], r
q = one("Mailbox/query", {"calculateTotal": True})
assert q["ids"][0] == b["inbox"]["id"] and q["total"] == 4
EOF
}

@test "jmap mail: Email/get: headers, dates, bodies, preview, attachments" {
	py <<'EOF'
ids = query(sort=[{"property": "receivedAt", "isAscending": True}])
assert len(ids) == 2
r = one("Email/get", {"ids": ids + ["Mnothere"], "fetchAllBodyValues": True})
assert r["notFound"] == ["Mnothere"]
a, b = r["list"]
assert a["subject"] == "caf\u00e9 first", a["subject"]
assert a["from"] == [{"name": "Ann Example", "email": "ann@example.org"}]
assert a["cc"] == [{"name": "Cid", "email": "cid@example.org"}] and a["bcc"] is None
assert a["sentAt"] == "2024-01-01T09:00:00Z" and a["receivedAt"].startswith("2024-01-01T")
assert a["messageId"] == ["m1@example.org"] and b["inReplyTo"] == ["m1@example.org"]
assert a["preview"] == "hello world second line", a["preview"]
assert a["keywords"] == {} and a["hasAttachment"] is False
assert a["textBody"][0]["type"] == "text/plain"
assert a["bodyValues"][a["textBody"][0]["partId"]]["value"] == "hello   world\nsecond line\n"
assert b["hasAttachment"] is True and b["textBody"][0]["type"] == "text/html"
assert b["htmlBody"][0]["type"] == "text/html"
att = b["attachments"]
assert len(att) == 1 and att[0]["name"] == "a.pdf" and att[0]["type"] == "application/pdf"
assert att[0]["size"] == 6 and att[0]["disposition"] == "attachment"
open(os.environ["BATS_TEST_TMPDIR"] + "/blob", "w").write(att[0]["blobId"] + " " + b["blobId"] + "\n")
# properties and header forms
r = one("Email/get", {"ids": [ids[0]], "properties": ["subject", "header:Subject",
        "header:From:asAddresses", "header:Date:asDate", "header:Message-ID:asMessageIds:all",
        "bodyStructure", "header:X-None"]})["list"][0]
assert set(r) == {"id", "subject", "header:Subject", "header:From:asAddresses",
                  "header:Date:asDate", "header:Message-ID:asMessageIds:all", "bodyStructure",
                  "header:X-None"}, r
assert r["header:Subject"] == " =?UTF-8?Q?caf=C3=A9?= first", r["header:Subject"]
assert r["header:Date:asDate"] == "2024-01-01T09:00:00Z"
assert r["header:Message-ID:asMessageIds:all"] == [["m1@example.org"]]
assert r["header:X-None"] is None and r["bodyStructure"]["partId"] == "1"
r = jmap([["Email/get", {"accountId": ACC, "ids": ids, "properties": ["bogus"]}, "c"]])
assert r[0][1]["type"] == "invalidArguments", r
EOF
	read part msg < "$BATS_TEST_TMPDIR/blob"
	run curl -sS -u joe@example.test:secret "$URL/jmap/download/$ACC/$part/a.pdf?accept=application/pdf"
	[ "$output" = '%PDF-' ]
	curl -sS -u joe@example.test:secret "$URL/jmap/download/$ACC/$msg/m.eml" | tr -d '\r' | cmp - "$MB"/*/1700000100.M2P1.host*
}

@test "jmap mail: Email/query filters, sorts, position, anchor and errors" {
	py <<'EOF'
new, old = query()          # newest first by default
assert query(filter={"from": "ann"}) == [old]
assert query(filter={"subject": "caf\u00e9"}) == [old]
assert query(filter={"text": "there"}) == [new]
assert query(filter={"body": "second line"}) == [old]
assert query(filter={"hasAttachment": True}) == [new]
assert query(filter={"header": ["In-Reply-To"]}) == [new]
assert query(filter={"before": "2024-01-02T00:00:00Z"}) == [old]
assert query(filter={"after": "2024-01-02T00:00:00Z"}) == [new]
assert query(filter={"minSize": 300}) == [new]
assert query(filter={"operator": "NOT", "conditions": [{"from": "ann"}]}) == [new]
assert sorted(query(filter={"operator": "OR", "conditions": [{"from": "ann"}, {"from": "bob"}]})) == sorted([new, old])
assert query(filter={"inMailbox": boxes()["trash"]["id"]}) == []
assert query(filter={"inMailboxOtherThan": [boxes()["inbox"]["id"]]}) == []
assert query(sort=[{"property": "subject"}]) == [old, new]
assert query(sort=[{"property": "size", "isAscending": False}]) == [new, old]
assert query(sort=[{"property": "sentAt"}]) == [old, new]
r = one("Email/query", {"position": 1, "limit": 1, "calculateTotal": True})
assert r["ids"] == [old] and r["position"] == 1 and r["total"] == 2
assert one("Email/query", {"position": -1})["ids"] == [old]
assert one("Email/query", {"anchor": new, "anchorOffset": 1})["ids"] == [old]
for args, err in (({"filter": {"bogus": 1}}, "unsupportedFilter"),
                  ({"sort": [{"property": "nope"}]}, "unsupportedSort"),
                  ({"anchor": "Mnothere"}, "anchorNotFound"),
                  ({"limit": -1}, "invalidArguments"),
                  ({"accountId": "other"}, "accountNotFound")):
    a = {"accountId": ACC}; a.update(args)
    r = jmap([["Email/query", a, "c"]])
    assert r[0][0] == "error" and r[0][1]["type"] == err, (args, r)
EOF
}

@test "jmap mail: Email/set: keywords are Maildir flags, a move keeps the id, destroy removes" {
	py <<'EOF'
new, old = query()
b = boxes()
r = one("Email/set", {"update": {old: {"keywords/$seen": True, "keywords/$flagged": True, "keywords/work": True}}})
assert r["updated"] == {old: None}, r
assert r["oldState"] != r["newState"]
g = one("Email/get", {"ids": [old], "properties": ["keywords"]})["list"][0]
assert g["keywords"] == {"$seen": True, "$flagged": True, "work": True}, g
assert boxes()["inbox"]["unreadEmails"] == 1
r = one("Email/set", {"update": {old: {"keywords/$flagged": None, "mailboxIds/" + b["inbox"]["id"]: None,
                                       "mailboxIds/" + b["trash"]["id"]: True}}})
assert r["updated"] == {old: None}, r
g = one("Email/get", {"ids": [old], "properties": ["mailboxIds", "keywords"]})["list"][0]
assert g["mailboxIds"] == {b["trash"]["id"]: True} and g["keywords"] == {"$seen": True, "work": True}, g
r = one("Email/set", {"update": {old: {"mailboxIds/" + b["sent"]["id"]: True}},
                      "destroy": [new, "Mnothere"]})
assert r["notUpdated"][old]["type"] == "invalidProperties" and r["destroyed"] == [new], r
assert r["notDestroyed"]["Mnothere"]["type"] == "notFound"
r = jmap([["Email/set", {"accountId": ACC, "ifInState": "stale", "destroy": [old]}, "c"]])
assert r[0][1]["type"] == "stateMismatch", r
EOF
	ls "$MB/.Trash/cur" | grep -q '^1700000000\.M1P1\.host.*:2,.*S'
	[ -z "$(ls "$MB/new" "$MB/cur" | grep 1700000100)" ]
}

@test "jmap mail: Email/set create over the quota (control quota) is overQuota, nothing written" {
	control quota "joe@example.test: 0 2"
	py <<'EOF'
b = boxes()
email = {"mailboxIds": {b["drafts"]["id"]: True}, "keywords": {"$draft": True},
         "from": [{"email": "joe@example.test"}], "subject": "full",
         "textBody": [{"partId": "t", "type": "text/plain"}], "bodyValues": {"t": {"value": "x\n"}}}
r = one("Email/set", {"create": {"d1": email}})
assert r["notCreated"]["d1"]["type"] == "overQuota", r
assert boxes()["drafts"]["totalEmails"] == 0
EOF
	[ -z "$(find "$MB/.Drafts/cur" "$MB/.Drafts/new" "$MB/tmp" -type f)" ]
	[ "$(head -1 "$MB/maildirsize")" = 2C ]
}

@test "jmap mail: Email/set create a draft, EmailSubmission/set spools it, moves it to Sent" {
	py <<'EOF'
b = boxes()
idn = one("Identity/get", {})["list"]
assert idn[0]["email"] == "joe@example.test"
up = urllib.request.Request(URL + "/jmap/upload/" + ACC + "/", data=b"attached\n",
    headers={"Content-Type": "text/plain", "Authorization": "Basic " +
             base64.b64encode(b"joe@example.test:secret").decode()})
blob = json.load(urllib.request.urlopen(up))["blobId"]
email = {"mailboxIds": {b["drafts"]["id"]: True}, "keywords": {"$draft": True, "$seen": True},
         "from": [{"name": "Joe", "email": "joe@example.test"}],
         "to": [{"name": "D\u00e9 Ann", "email": "ann@example.org"}],
         "bcc": [{"email": "hidden@example.org"}], "subject": "r\u00e9sum\u00e9 here",
         "textBody": [{"partId": "t", "type": "text/plain"}],
         "bodyValues": {"t": {"value": "Hello Ann,\nsee attached.\n"}},
         "attachments": [{"blobId": blob, "type": "text/plain", "name": "notes.txt"}]}
r = jmap([["Email/set", {"accountId": ACC, "create": {"d1": email}}, "c1"],
          ["EmailSubmission/set", {"accountId": ACC, "create": {"s1": {"identityId": idn[0]["id"], "emailId": "#d1"}},
           "onSuccessUpdateEmail": {"#s1": {"mailboxIds/" + b["drafts"]["id"]: None,
                                            "mailboxIds/" + b["sent"]["id"]: True, "keywords/$draft": None}}}, "c2"]])
assert r[0][0] == "Email/set" and "d1" in r[0][1]["created"], r
eid = r[0][1]["created"]["d1"]["id"]
assert r[1][0] == "EmailSubmission/set" and "s1" in r[1][1]["created"], r
assert r[2][0] == "Email/set" and r[2][1]["updated"] == {eid: None}, r
g = one("Email/get", {"ids": [eid], "properties": ["mailboxIds", "keywords", "subject", "to", "attachments"]})["list"][0]
assert g["mailboxIds"] == {b["sent"]["id"]: True} and g["keywords"] == {"$seen": True}, g
assert g["subject"] == "r\u00e9sum\u00e9 here" and g["to"][0]["name"] == "D\u00e9 Ann", g
assert g["attachments"][0]["name"] == "notes.txt"
# someone else's From is refused
bad = dict(email, **{"from": [{"email": "boss@example.test"}]})
r = jmap([["Email/set", {"accountId": ACC, "create": {"d2": bad}}, "c1"],
          ["EmailSubmission/set", {"accountId": ACC, "create": {"s2": {"identityId": "I1", "emailId": "#d2"}}}, "c2"]])
assert r[1][1]["notCreated"]["s2"]["type"] == "forbiddenFrom", r
r = one("EmailSubmission/set", {"create": {"s3": {"identityId": "I1", "emailId": eid,
        "envelope": {"mailFrom": {"email": "boss@example.test"}, "rcptTo": [{"email": "x@example.org"}]}}}})
assert r["notCreated"]["s3"]["type"] == "forbiddenMailFrom", r
EOF
	[ "$(queue_count)" -eq 1 ]
	q=$(ls "$SPOOL/queue")
	grep -q '^sender joe@example.test$' "$SPOOL/queue/$q" || { cat "$SPOOL/queue/$q"; false; }
	grep -q 'hidden@example.org' "$SPOOL/queue/$q"
	! grep -qi '^Bcc:' "$SPOOL/queue/$q"
	grep -q '^Subject: =?UTF-8?B?' "$SPOOL/queue/$q"
	# the sent draft moved to Sent; the refused one (d2) stays a draft
	[ "$(ls "$MB/.Sent/cur" | wc -l)" -eq 1 ]
	[ "$(ls "$MB/.Drafts/cur" "$MB/.Drafts/new" | grep -c ',S=')" -eq 1 ]
}

@test "jmap mail: Email/set create whose attachment passes maxsize is tooLarge, with a missing blob invalidProperties; nothing written" {
	py <<'EOF'
up = urllib.request.Request(URL + "/jmap/upload/" + ACC + "/", data=b"0123456789" * 400,
    headers={"Content-Type": "application/octet-stream", "Authorization": "Basic " +
             base64.b64encode(b"joe@example.test:secret").decode()})
blob = json.load(urllib.request.urlopen(up))["blobId"]
open(os.environ["CONF"] + "/maxsize", "w").write("5000\n")
b = boxes()
email = {"mailboxIds": {b["drafts"]["id"]: True}, "from": [{"email": "joe@example.test"}],
         "subject": "big", "textBody": [{"partId": "t", "type": "text/plain"}],
         "bodyValues": {"t": {"value": "x\n"}},
         "attachments": [{"blobId": blob, "type": "application/octet-stream"}]}
missing = dict(email, attachments=[{"blobId": "U" + "0" * 64}])
r = one("Email/set", {"create": {"d1": email, "d2": missing}})
assert r["created"] is None or r["created"] == {}, r
assert r["notCreated"]["d1"]["type"] == "tooLarge", r
assert r["notCreated"]["d2"]["type"] == "invalidProperties", r
# 4000 octets are 5400 in base64 lines: the same under a larger maxsize goes
open(os.environ["CONF"] + "/maxsize", "w").write("7000\n")
r = one("Email/set", {"create": {"d3": email}})
assert 5400 < r["created"]["d3"]["size"] <= 7000, r
EOF
	[ "$(find "$MB/.Drafts/cur" "$MB/.Drafts/new" "$MB/tmp" -type f | wc -l)" -eq 1 ]
}

@test "jmap mail: Thread/get; ann sees none of joe's mail" {
	py <<'EOF'
new, old = query()
t = one("Email/get", {"ids": [old], "properties": ["threadId"]})["list"][0]["threadId"]
r = one("Thread/get", {"ids": [t, "Tnope"]})
# "second" answers "first" (In-Reply-To): one Thread, oldest first
assert r["list"] == [{"id": t, "emailIds": [old, new]}] and r["notFound"] == ["Tnope"], r
ann = [k for k in json.load(urllib.request.urlopen(urllib.request.Request(URL + "/.well-known/jmap",
       headers={"Authorization": "Basic " + base64.b64encode(b"ann@example.test:annpass").decode()})))["accounts"]][0]
r = jmap([["Email/get", {"accountId": ann, "ids": [old]}, "c"],
          ["Email/query", {"accountId": ann}, "q"],
          ["Email/get", {"accountId": ACC, "ids": [old]}, "g"]], "ann@example.test", "annpass")
assert r[0][1]["notFound"] == [old] and r[1][1]["ids"] == [], r
assert r[2][1]["type"] == "accountNotFound", r
EOF
}

@test "jmap mail: push: a delivery shows as a StateChange on the EventSource" {
	( sleep 2; printf 'Subject: pushed\n\nx\n' > "$MB/new/1700000200.M3P1.host" ) &
	run curl -sS -N --max-time 8 -u joe@example.test:secret \
		"$URL/jmap/eventsource?types=Email&closeafter=state&ping=0"
	[ "$status" -eq 0 ]             # closed by the server after the event
	grep -q '^event: state' <<<"$output"
	grep -q "\"@type\":\"StateChange\",\"changed\":{\"$ACC\":{\"Email\":\"s" <<<"$output"
}

@test "jmap mail: Email/import stores an uploaded message; Email/parse reads one without storing it" {
	py <<'EOF'
def upload(data, ctype="message/rfc822"):
    up = urllib.request.Request(URL + "/jmap/upload/" + ACC + "/", data=data,
        headers={"Content-Type": ctype, "Authorization": "Basic " +
                 base64.b64encode(b"joe@example.test:secret").decode()})
    return json.load(urllib.request.urlopen(up))["blobId"]
raw = b"From: Zed <zed@example.org>\nSubject: imported\nMessage-ID: <imp@example.org>\nIn-Reply-To: <m1@example.org>\n\nfrom elsewhere\n"
blob = upload(raw)
b = boxes()
p = one("Email/parse", {"blobIds": [blob, "Gnothere"], "properties": ["subject", "from", "id", "blobId"]})
assert p["parsed"][blob] == {"subject": "imported", "from": [{"name": "Zed", "email": "zed@example.org"}],
                             "id": None, "blobId": blob}, p
assert p["notFound"] == ["Gnothere"] and p["notParsable"] == [], p
assert len(query()) == 2                     # parsing stored nothing
s0 = one("Mailbox/get", {"ids": []})["state"]
r = one("Email/import", {"ifInState": s0, "emails": {
    "i1": {"blobId": blob, "mailboxIds": {b["trash"]["id"]: True}, "keywords": {"$seen": True},
           "receivedAt": "2023-05-06T07:08:09Z"},
    "i2": {"blobId": "Gnothere", "mailboxIds": {b["trash"]["id"]: True}},
    "i3": {"blobId": blob, "mailboxIds": {"nope": True}},
    "i4": {"blobId": blob, "mailboxIds": {b["trash"]["id"]: True}, "receivedAt": "yesterday"}}})
c = r["created"]["i1"]
assert c["size"] == len(raw.replace(b"\n", b"\r\n")), c
assert r["oldState"] == s0 and r["newState"] != s0, r
assert r["notCreated"]["i2"]["type"] == "blobNotFound", r
assert r["notCreated"]["i3"]["type"] == "invalidProperties", r
assert r["notCreated"]["i4"]["type"] == "invalidProperties", r
g = one("Email/get", {"ids": [c["id"]], "properties": ["mailboxIds", "keywords", "receivedAt", "subject", "threadId", "blobId"]})["list"][0]
assert g["mailboxIds"] == {b["trash"]["id"]: True} and g["keywords"] == {"$seen": True}, g
assert g["receivedAt"] == "2023-05-06T07:08:09Z" and g["subject"] == "imported", g
assert g["threadId"] == c["threadId"] and g["blobId"] == c["blobId"], (g, c)
old = query(filter={"subject": "caf\u00e9"})[0]
assert g["threadId"] == one("Email/get", {"ids": [old], "properties": ["threadId"]})["list"][0]["threadId"]
assert one("Email/changes", {"sinceState": s0})["created"] == [c["id"]]
r = jmap([["Email/import", {"accountId": ACC, "ifInState": s0, "emails": {"x": {"blobId": blob,
          "mailboxIds": {b["trash"]["id"]: True}}}}, "c"],
          ["Email/import", {"accountId": ACC, "emails": []}, "d"],
          ["Email/parse", {"accountId": ACC}, "e"]])
assert r[0][1]["type"] == "stateMismatch" and r[1][1]["type"] == "invalidArguments", r
assert r[2][1]["type"] == "invalidArguments", r
EOF
	[ "$(ls "$MB/.Trash/cur" | wc -l)" -eq 1 ]
	[ "$(find "$MB/.Trash/new" -type f | wc -l)" -eq 0 ]
}

@test "jmap mail: SearchSnippet/get marks the filter's words in subject and text, escaped" {
	printf 'Subject: Tom & <Jerry> caf\xc3\xa9\n\nThe cat <b>chased</b> the mouse & CAT again\n' > "$MB/new/1700000300.M5P1.host"
	py <<'EOF'
new = query(filter={"subject": "Jerry"})[0]
first = query(filter={"subject": "caf\u00e9 first"})[0]
r = one("SearchSnippet/get", {"emailIds": [new, first, "Mnope"],
        "filter": {"operator": "AND", "conditions": [{"text": "cat"}, {"subject": "jerry"},
                   {"operator": "NOT", "conditions": [{"body": "mouse"}]}]}})
a, b = r["list"]
assert a == {"emailId": new, "subject": "Tom &amp; &lt;<mark>Jerry</mark>&gt; caf\u00e9",
             "preview": "The <mark>cat</mark> &lt;b&gt;chased&lt;/b&gt; the mouse &amp; <mark>CAT</mark> again "}, a
assert b == {"emailId": first, "subject": None, "preview": None}, b
assert r["notFound"] == ["Mnope"], r
r = one("SearchSnippet/get", {"emailIds": [first], "filter": {"text": "HELLO"}})
assert r["list"][0]["preview"] == "<mark>hello</mark>   world second line ", r
assert r["list"][0]["subject"] is None
r = jmap([["SearchSnippet/get", {"accountId": ACC, "filter": {"text": "x"}}, "c"],
          ["SearchSnippet/get", {"accountId": ACC, "emailIds": [], "filter": 3}, "d"]])
assert r[0][1]["type"] == "invalidArguments" and r[1][1]["type"] == "invalidArguments", r
EOF
}

@test "jmap mail: SearchSnippet/get of a long text decoded in pieces: a word across two pieces, the start moved to a character's, as in the whole text" {
	# 100-octet lines; the text is decoded in pieces of about 64 KiB cut
	# at line ends (lib/mime_decode.c): "x y" spans the end of the first
	# (at 65500), and 40 octets before it falls inside an "é"
	python3 - "$MB/new" <<'PY'
import sys
lines = [b"b" * 99] * 654 + [b"c" + "\u00e9".encode() * 48 + b"xx"]
lines += [b"y" + b"b" * 98] * 40 + [b"zz" + b"b" * 97] + [b"b" * 99] * 600
body = b"\n".join(lines) + b"\n"
head = (b"From: a@example.org\nSubject: long\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: 8bit\n\n")
open(sys.argv[1] + "/1700000400.M6P1.host", "wb").write(head + body)
# the same with a capital dotted I (its folding is shorter) at its end
open(sys.argv[1] + "/1700000500.M7P1.host", "wb").write(head + body + "\u0130\n".encode())
PY
	py <<'EOF'
s = b"\n".join([b"b" * 99] * 654 + [b"c" + "\u00e9".encode() * 48 + b"xx"] +
               [b"y" + b"b" * 98] * 40 + [b"zz" + b"b" * 97] + [b"b" * 99] * 600) + b"\n"
s = s.replace(b"\n", b" ")
first = s.index(b"x y")
assert first == 65498 and s.index(b"zz") > first
start = first - 40
while s[start] & 0xc0 == 0x80:
    start -= 1
assert start == 65457
want = (s[start:first] + b"<mark>x y</mark>" + s[first + 3:start + 256]).decode()
r = one("SearchSnippet/get", {"emailIds": ["M1700000400_2eM6P1_2ehost", "M1700000500_2eM7P1_2ehost"],
        "filter": {"operator": "OR", "conditions": [{"body": "ZZ"}, {"body": "X Y"}]}})
a, b = r["list"]
assert a == {"emailId": "M1700000400_2eM6P1_2ehost", "subject": None, "preview": want}, a
assert b == {"emailId": "M1700000500_2eM7P1_2ehost", "subject": None, "preview": None}, b
EOF
}
