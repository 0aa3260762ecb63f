#!/usr/bin/env bats
# httpd: Mailbox/set (RFC 8621 §2.5, RFC 8620 §5.3) over real sockets:
# create (with "#creation" parents), rename and move (the id survives),
# isSubscribed, destroy (mailboxHasChild, mailboxHasEmail,
# onDestroyRemoveEmails), INBOX forbidden, roles by SPECIAL-USE name,
# the SetErrors with nothing written, ifInState; IMAP LIST/LSUB see
# every change and JMAP sees IMAP's.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	instance_setup
	httpd_setup
	for f in Sent Trash; do
		mkdir -p "$MB/.$f"/{cur,new,tmp}
		touch "$MB/.$f/maildirfolder"
	done
	mkdir -p "$MB"/{cur,new,tmp}
	printf 'INBOX\nSent\nTrash\n' > "$MB/subscriptions"
	printf 'From: a@example.org\nSubject: one\n\nbody\n' > "$MB/new/1700000001.M1P1.host"
	httpd_start
	ACC=$(account)
	IMAPD="$TOP/imapd/imapd"
	export URL ACC MB IMAPD
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

# set(args) (the Mailbox/set response), imap(*lines) (one imapd
# session as joe), folders() (the Maildir++ folder directories),
# listed(out) (the names of LIST/LSUB lines), serr(r, kind, key).
PYHELP='
import subprocess, re
def set(args):
    return one("Mailbox/set", args)
def imap(*lines):
    text = "".join(l + "\r\n" for l in ("L LOGIN joe@example.test secret",) + lines + ("Z LOGOUT",))
    r = subprocess.run([os.environ["IMAPD"]], input=text.encode(), capture_output=True)
    return r.stdout.decode().replace("\r", "")
def folders():
    return sorted(d[1:] for d in os.listdir(os.environ["MB"]) if d.startswith(".") and d != "..")
def listed(out, verb="LIST"):
    return sorted(re.findall(r"^\* %s \([^)]*\) \"\.\" \"?([^\"\n]*)\"?$" % verb, out, re.M))
def serr(r, kind, key):
    return r[kind][key]["type"], r[kind][key].get("properties")
'

@test "jmap Mailbox/set: create with a #creation parent; IMAP LIST and LSUB show them; Mailbox/changes tells" {
	py <<EOF
$PYHELP
s0 = one("Mailbox/get", {"ids": []})["state"]
r = set({"create": {"c2": {"name": "Reports", "parentId": "#c1"},
                    "c1": {"name": "Work"},
                    "c3": {"name": "Entw\u00fcrfe", "isSubscribed": False}}})
assert r["notCreated"] == {}, r
work, rep, ent = r["created"]["c1"], r["created"]["c2"], r["created"]["c3"]
assert rep["parentId"] == work["id"] and work["parentId"] is None, r
assert work["isSubscribed"] is True and ent["isSubscribed"] is False
assert work["role"] is None and work["sortOrder"] == 10 and work["totalEmails"] == 0
assert work["myRights"]["mayDelete"] is True
assert r["oldState"] == s0 and r["newState"] != s0
assert folders() == ["Entw&APw-rfe", "Sent", "Trash", "Work", "Work.Reports"], folders()
out = imap('A LIST "" "*"', 'B LSUB "" "*"')
assert listed(out) == ["Entw&APw-rfe", "INBOX", "Sent", "Trash", "Work", "Work.Reports"], out
assert listed(out, "LSUB") == ["INBOX", "Sent", "Trash", "Work", "Work.Reports"], out
b = boxes()
assert b["Entw\u00fcrfe"]["id"] == ent["id"] and b["Reports"]["parentId"] == work["id"]
c = one("Mailbox/changes", {"sinceState": s0})
assert sorted(c["created"]) == sorted([work["id"], rep["id"], ent["id"]]), c
assert c["newState"] == r["newState"]
# the creation ids answer later calls of the request
m1 = query()[0]
res = jmap([["Mailbox/set", {"accountId": ACC, "create": {"k": {"name": "K"}}}, "0"],
            ["Email/set", {"accountId": ACC, "update": {m1: {"mailboxIds": {"#k": True}}}}, "1"]])
assert res[1][1]["updated"] == {m1: None}, res
assert query(filter={"inMailbox": res[0][1]["created"]["k"]["id"]}) == [m1]
EOF
}

@test "jmap Mailbox/set: rename and move keep the Mailbox id and the Email ids; children and subscriptions follow" {
	py <<EOF
$PYHELP
r = set({"create": {"w": {"name": "Work"}, "r": {"name": "Reports", "parentId": "#w"},
                    "p": {"name": "Play"}}})
work, rep, play = (r["created"][k]["id"] for k in "wrp")
m1 = query()[0]
one("Email/set", {"update": {m1: {"mailboxIds": {rep: True}}}})
r = set({"update": {work: {"name": "Job"}}})
assert r["updated"] == {work: None} and r["notUpdated"] == {}, r
assert folders() == ["Job", "Job.Reports", "Play", "Sent", "Trash"], folders()
b = boxes()
assert b["Job"]["id"] == work and b["Reports"]["id"] == rep and b["Reports"]["parentId"] == work
assert query(filter={"inMailbox": rep}) == [m1]
# a move: below Play, then to the top
r = set({"update": {work: {"parentId": play}}})
assert r["updated"] == {work: None}, r
assert folders() == ["Play", "Play.Job", "Play.Job.Reports", "Sent", "Trash"], folders()
out = imap('B LSUB "" "*"')
assert listed(out, "LSUB") == ["INBOX", "Play", "Play.Job", "Play.Job.Reports", "Sent", "Trash"], out
r = set({"update": {rep: {"parentId": None, "name": "Top"}}})
assert r["updated"] == {rep: None}, r
assert folders() == ["Play", "Play.Job", "Sent", "Top", "Trash"], folders()
assert query(filter={"inMailbox": rep}) == [m1]
assert one("Email/get", {"ids": [m1], "properties": ["mailboxIds"]})["list"][0]["mailboxIds"] == {rep: True}
# the whole object sent back is a valid patch (server-set values unchanged)
whole = one("Mailbox/get", {"ids": [rep]})["list"][0]
whole["name"] = "Top2"
r = set({"update": {rep: whole}})
assert r["updated"] == {rep: None}, r
assert "Top2" in folders()
# isSubscribed both ways
r = set({"update": {play: {"isSubscribed": False}}})
assert r["updated"] == {play: None}
assert "Play" not in open(os.environ["MB"] + "/subscriptions").read().split()
assert boxes()["Play"]["isSubscribed"] is False
set({"update": {play: {"isSubscribed": True}}})
assert "Play" in listed(imap('B LSUB "" "*"'), "LSUB")
EOF
}

@test "jmap Mailbox/set: destroy: mailboxHasChild, mailboxHasEmail, onDestroyRemoveEmails, children first" {
	py <<EOF
$PYHELP
r = set({"create": {"a": {"name": "A"}, "b": {"name": "B", "parentId": "#a"},
                    "c": {"name": "C"}}})
a, b, c = (r["created"][k]["id"] for k in "abc")
m1 = query()[0]
one("Email/set", {"update": {m1: {"mailboxIds": {c: True}}}})
r = set({"destroy": [a, c]})
assert r["destroyed"] == [], r
assert serr(r, "notDestroyed", a) == ("mailboxHasChild", None), r
assert serr(r, "notDestroyed", c) == ("mailboxHasEmail", None), r
assert folders() == ["A", "A.B", "C", "Sent", "Trash"], folders()
assert os.listdir(os.environ["MB"] + "/.C/cur") or os.listdir(os.environ["MB"] + "/.C/new")
# a parent and its child in one call: the child goes first
r = set({"destroy": [a, b]})
assert sorted(r["destroyed"]) == sorted([a, b]) and r["notDestroyed"] == {}, r
r = set({"destroy": [c], "onDestroyRemoveEmails": True})
assert r["destroyed"] == [c], r
assert folders() == ["Sent", "Trash"], folders()
assert query() == []
assert "C" not in open(os.environ["MB"] + "/subscriptions").read().split()
assert listed(imap('A LIST "" "*"')) == ["INBOX", "Sent", "Trash"]
r = set({"destroy": [c, "nope"]})
assert serr(r, "notDestroyed", c) == ("notFound", None) and serr(r, "notDestroyed", "nope") == ("notFound", None), r
EOF
}

@test "jmap Mailbox/set: INBOX cannot be destroyed, renamed or moved (forbidden); its own values are a valid patch" {
	py <<<'boxes()'         # the indexes made first
	cp -a "$MB" "$BATS_TEST_TMPDIR/before"
	py <<EOF
$PYHELP
b = boxes()
inbox, trash = b["inbox"]["id"], b["trash"]["id"]
r = set({"destroy": [inbox]})
assert serr(r, "notDestroyed", inbox)[0] == "forbidden", r
r = set({"update": {inbox: {"name": "Old"}}})
assert serr(r, "notUpdated", inbox) == ("forbidden", ["name"]), r
r = set({"update": {inbox: {"parentId": trash}}})
assert serr(r, "notUpdated", inbox) == ("forbidden", ["parentId"]), r
r = set({"update": {inbox: {"isSubscribed": False}}})
assert serr(r, "notUpdated", inbox) == ("forbidden", ["isSubscribed"]), r
r = set({"update": {inbox: {"name": "Inbox", "parentId": None, "role": "inbox", "sortOrder": 0}}})
assert r["updated"] == {inbox: None}, r
EOF
	diff -r "$MB" "$BATS_TEST_TMPDIR/before"
	[ -f "$MB/new/1700000001.M1P1.host" ]
}

@test "jmap Mailbox/set: bad creates and updates get their SetError and write nothing" {
	printf 'From: a@example.org\nSubject: two\n\nbody\n' > "$MB/.Trash/new/1700000002.M2P1.host"
	py <<<'boxes()'         # the indexes made first
	cp -a "$MB" "$BATS_TEST_TMPDIR/before"
	py <<EOF
$PYHELP
b = boxes()
sent, trash = b["sent"]["id"], b["trash"]["id"]
long = "x" * 300
r = set({"create": {
    "dup": {"name": "Sent"}, "inbox": {"name": "inbox"}, "dot": {"name": "a.b"},
    "slash": {"name": "a/b"}, "empty": {"name": ""}, "ctl": {"name": "a\tb"},
    "none": {}, "num": {"name": 7}, "long": {"name": long},
    "id": {"name": "X", "id": "F1"}, "total": {"name": "X", "totalEmails": 0},
    "rights": {"name": "X", "myRights": {}}, "foo": {"name": "X", "foo": 1},
    "parent": {"name": "X", "parentId": "Fnope"}, "ref": {"name": "X", "parentId": "#nope"},
    "loop1": {"name": "X", "parentId": "#loop2"}, "loop2": {"name": "Y", "parentId": "#loop1"},
    "role": {"name": "Stuff", "role": "trash"}, "role2": {"name": "Junk", "role": "sent"},
    "sort": {"name": "X", "sortOrder": 3}, "sub": {"name": "X", "isSubscribed": 1},
    "notobj": 5}})
assert r["created"] == {}, r["created"]
want = {"dup": "name", "inbox": "name", "dot": "name", "slash": "name", "empty": "name",
        "ctl": "name", "none": "name", "num": "name", "long": "name", "id": "id",
        "total": "totalEmails", "rights": "myRights", "foo": "foo", "parent": "parentId",
        "ref": "parentId", "loop1": "parentId", "loop2": "parentId", "role": "role",
        "role2": "role", "sort": "sortOrder", "sub": "isSubscribed", "notobj": None}
for k, prop in want.items():
    assert serr(r, "notCreated", k) == ("invalidProperties", [prop] if prop else None), (k, r["notCreated"][k])
assert "exists" in r["notCreated"]["dup"]["description"]
r = set({"update": {
    sent: {"name": "Trash"}, trash: {"parentId": trash}, "Fnope": {"name": "Z"},
    "#nope": {"name": "Z"}}, "destroy": []})
assert serr(r, "notUpdated", sent) == ("invalidProperties", ["name"]), r
assert serr(r, "notUpdated", trash) == ("invalidProperties", ["parentId"]), r
assert serr(r, "notUpdated", "Fnope") == ("notFound", None) and serr(r, "notUpdated", "#nope") == ("notFound", None)
r = set({"update": {sent: {"totalEmails": 5}, trash: {"myRights/mayDelete": False}}})
assert serr(r, "notUpdated", sent) == ("invalidProperties", ["totalEmails"]), r
assert serr(r, "notUpdated", trash) == ("invalidProperties", ["myRights/mayDelete"]), r
r = set({"update": {sent: {"role": "inbox"}, trash: {"role": "sent"}}})
assert serr(r, "notUpdated", sent) == ("invalidProperties", ["role"]), r
assert serr(r, "notUpdated", trash) == ("invalidProperties", ["role"]), r
r = set({"update": {sent: {"sortOrder": 10}, trash: "x"}})
assert serr(r, "notUpdated", sent) == ("invalidProperties", ["sortOrder"]), r
assert serr(r, "notUpdated", trash) == ("invalidPatch", None), r
r = set({"update": {trash: {"name": "T"}}, "destroy": [trash]})
assert serr(r, "notUpdated", trash) == ("willDestroy", None), r
assert serr(r, "notDestroyed", trash) == ("mailboxHasEmail", None), r
# method-level errors
def merr(args):
    args.setdefault("accountId", ACC)
    res = jmap([["Mailbox/set", args, "c"]])
    assert res[0][0] == "error", res
    return res[0][1]["type"]
assert merr({"ifInState": "s-stale", "create": {"x": {"name": "X"}}}) == "stateMismatch"
assert merr({"create": []}) == "invalidArguments"
assert merr({"destroy": {}}) == "invalidArguments"
assert merr({"onDestroyRemoveEmails": "yes"}) == "invalidArguments"
assert merr({"ifInState": 5}) == "invalidArguments"
assert merr({"accountId": "nope"}) == "accountNotFound"
assert merr({"destroy": ["F1"] * 1100}) == "requestTooLarge"
EOF
	diff -r "$MB" "$BATS_TEST_TMPDIR/before"
}

@test "jmap Mailbox/set: roles are SPECIAL-USE, recorded as IMAP's CREATE-SPECIAL-USE does; one Mailbox a role; ifInState that matches" {
	py <<EOF
$PYHELP
s = one("Mailbox/get", {"ids": []})["state"]
r = set({"ifInState": s, "create": {"a": {"name": "Archive", "role": "archive"},
                                    "d": {"name": "Drafts"}}})
assert r["created"]["a"]["role"] == "archive" and r["created"]["a"]["sortOrder"] == 0, r
assert r["created"]["d"]["role"] == "drafts", r
sent = boxes()["sent"]["id"]
# without a record, a rename away from the name loses the role: "updated" says so
r = set({"update": {sent: {"name": "Outbox"}}})
assert r["updated"] == {sent: {"role": None, "sortOrder": 10}}, r
# a role given is recorded: IMAP LIST shows it, and it moves with a rename
r = set({"create": {"s": {"name": "Sent Items", "role": "sent"}}})
items = r["created"]["s"]["id"]
assert r["created"]["s"]["role"] == "sent", r
out = imap('A LIST "" "*" RETURN (SPECIAL-USE)')
assert re.search(r'^\* LIST \([^)]*\\\\Sent[^)]*\) "\." "?Sent Items', out, re.M), out
assert re.search(r'^\* LIST \([^)]*\\\\Archive[^)]*\) "\." "?Archive', out, re.M), out
r = set({"update": {items: {"name": "Mail I sent"}}})
assert r["updated"] == {items: None} and boxes()["sent"]["id"] == items, r
# one Mailbox a role; a role taken away is recorded as none, name or not
r = set({"update": {sent: {"name": "Sent", "role": "sent"}}})
assert r["notUpdated"][sent]["type"] == "invalidProperties", r
r = set({"update": {items: {"role": None}, sent: {"name": "Sent", "role": None}}})
assert r["updated"] == {items: None, sent: None}, r
b = one("Mailbox/get", {"ids": [items, sent], "properties": ["role", "sortOrder"]})["list"]
assert [x["role"] for x in b] == [None, None] and [x["sortOrder"] for x in b] == [10, 10], b
assert "\\\\Sent" not in imap('A LIST "" "*" RETURN (SPECIAL-USE)')
r = set({"update": {sent: {"role": "sent"}}})
assert r["updated"] == {sent: None} and boxes()["sent"]["id"] == sent, r
# IMAP's CREATE (USE) is JMAP's role
assert "C OK" in imap("C CREATE Bin (USE (\\\\Junk))")
assert boxes()["junk"]["name"] == "Bin"
EOF
}

@test "jmap Mailbox/set: folders made, renamed, subscribed and deleted over IMAP show in Mailbox/get, and the reverse" {
	py <<EOF
$PYHELP
out = imap("C CREATE Proj", "D CREATE Proj.Q1", "S UNSUBSCRIBE Sent")
assert "D OK" in out, out
b = boxes()
proj = b["Proj"]["id"]
assert b["Q1"]["parentId"] == proj and b["sent"]["isSubscribed"] is False
assert "R OK" in imap("R RENAME Proj Plan")
b = boxes()
assert b["Plan"]["id"] == proj and b["Q1"]["parentId"] == proj
r = set({"update": {proj: {"name": "Done"}}, "destroy": [b["Q1"]["id"]]})
assert r["updated"] == {proj: None} and r["destroyed"] == [b["Q1"]["id"]], r
out = imap('A LIST "" "*"', "S SELECT Done")
assert listed(out) == ["Done", "INBOX", "Sent", "Trash"] and "S OK" in out, out
assert "X OK" in imap("X DELETE Done")
assert "Done" not in boxes()
EOF
}
