#!/usr/bin/env bats
# httpd: JMAP /changes (RFC 8620 §5.2, RFC 8621 §2.2, §3.2, §4.3) from
# the store's MODSEQ: Mailbox/changes, Email/changes, Thread/changes
# with maxChanges and hasMoreChanges, the errors, and the same change
# seen over IMAP and JMAP both ways.

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
	printf 'Sent\nTrash\n' > "$MB/subscriptions"     # no first-login folders
	for i in 1 2; do
		printf 'From: a@example.org\nSubject: m%s\nMessage-ID: <m%s@example.org>\n\nbody %s\n' \
			$i $i $i > "$MB/new/170000000$i.M${i}P1.host"
	done
	control me mx.example.test
	httpd_start
	ACC=$(account)
	IMAPD="$TOP/imapd/imapd"
	export URL ACC MB IMAPD
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

# Python helpers for these tests: state(), changes(type, since, max),
# err(name, args) (the error a call answers), deliver(name, subject),
# imap(*lines) (one imapd session as joe; its output without CRs).
PYHELP='
import subprocess
def state():
    return one("Mailbox/get", {"ids": []})["state"]
def changes(kind, since, max=None):
    a = {"sinceState": since}
    if max is not None:
        a["maxChanges"] = max
    return one(kind + "/changes", a)
def err(name, args):
    args.setdefault("accountId", ACC)
    r = jmap([[name, args, "c"]])
    assert r[0][0] == "error", r
    return r[0][1]["type"]
def deliver(name, subject):
    p = os.environ["MB"] + "/new/" + name
    open(p, "w").write("From: b@example.org\nSubject: %s\n\nnew\n" % subject)
def imap(*lines):
    text = "".join(l + "\r\n" for l in ("L LOGIN joe@example.test secret",) + lines + ("Z LOGOUT",))
    r = subprocess.run([os.environ["IMAPD"]], input=text.encode(), capture_output=True)
    return r.stdout.decode().replace("\r", "")
'

@test "jmap changes: Email/changes and Mailbox/changes follow flags, arrivals, moves, destroys" {
	py <<EOF
$PYHELP
s0 = state()
c = changes("Email", s0)
assert c["created"] == c["updated"] == c["destroyed"] == [] and c["newState"] == s0, c
assert c["oldState"] == s0 and c["hasMoreChanges"] is False
m2, m1 = query()
b = boxes()
one("Email/set", {"update": {m1: {"keywords/\$seen": True}}})
c = changes("Email", s0)
assert c["updated"] == [m1] and c["created"] == c["destroyed"] == [], c
mb = changes("Mailbox", s0)
assert mb["updated"] == [b["inbox"]["id"]] and mb["created"] == mb["destroyed"] == [], mb
assert mb["updatedProperties"] == ["totalEmails", "unreadEmails", "totalThreads", "unreadThreads"], mb
s1 = c["newState"]
assert changes("Email", s1)["updated"] == [] and s1 == state()
deliver("1700000003.M3P1.host", "m3")
m3 = [i for i in query() if i not in (m1, m2)][0]
one("Email/set", {"update": {m1: {"mailboxIds": {b["trash"]["id"]: True}}}})
one("Email/set", {"destroy": [m2]})
c = changes("Email", s1)
assert c["created"] == [m3] and c["updated"] == [m1] and c["destroyed"] == [m2], c
# Thread/changes: the Thread of a destroyed Email cannot be told
assert err("Thread/changes", {"sinceState": s1}) == "cannotCalculateChanges"
# from the start, one change at a time: each step within maxChanges,
# and the steps add up to the whole (a move cut in two reads as
# destroyed then created)
s, seen, steps = s0, {"created": set(), "updated": set(), "destroyed": set()}, 0
while True:
    c = changes("Email", s, 1)
    n = len(c["created"]) + len(c["updated"]) + len(c["destroyed"])
    assert n <= 1, c
    for k in seen:
        seen[k] |= set(c[k])
    s, steps = c["newState"], steps + 1
    assert steps < 20
    if not c["hasMoreChanges"]:
        break
assert s == state(), (s, state())
assert m3 in seen["created"] and m2 in seen["destroyed"] and m1 in seen["updated"] | seen["created"], seen
assert steps >= 3, steps
EOF
}

@test "jmap changes: Mailbox/changes sees folders made, renamed and deleted over IMAP" {
	py <<EOF
$PYHELP
s0 = state()
out = imap("C CREATE Work")
assert "C OK" in out, out
work = boxes()["Work"]["id"]
c = changes("Mailbox", s0)
assert c["created"] == [work] and c["updated"] == c["destroyed"] == [], c
s1 = c["newState"]
assert "R OK" in imap("R RENAME Work Play")
c = changes("Mailbox", s1)
assert c["updated"] == [work] and c["updatedProperties"] is None, c
assert boxes()["Play"]["id"] == work
s2 = c["newState"]
# an empty folder deleted: its Emails' changes can still be told
assert "D OK" in imap("D DELETE Play")
c = changes("Mailbox", s2)
assert c["destroyed"] == [work] and c["created"] == c["updated"] == [], c
assert changes("Email", s2)["destroyed"] == []
# maxChanges: two new folders, one at a time
imap("C CREATE A1", "C CREATE A2")
c = changes("Mailbox", s0, 1)
assert c["hasMoreChanges"] is True and len(c["created"]) == 1, c
c2 = changes("Mailbox", c["newState"], 1)
assert len(c2["created"]) == 1 and c2["created"] != c["created"], c2
EOF
}

@test "jmap changes: an IMAP STORE and EXPUNGE show in Email/changes; a JMAP change shows in IMAP FETCH FLAGS (and MODSEQ)" {
	py <<EOF
$PYHELP
import re
m2, m1 = query()
s0 = state()
out = imap("S SELECT INBOX", "T UID STORE 1 +FLAGS (\\\\Flagged)")
assert "T OK" in out, out
c = changes("Email", s0)
assert c["updated"] == [m1] and c["created"] == c["destroyed"] == [], c
assert one("Email/get", {"ids": [m1], "properties": ["keywords"]})["list"][0]["keywords"] == {"\$flagged": True}
s1 = c["newState"]
one("Email/set", {"update": {m2: {"keywords": {"\$answered": True, "\$seen": True}}}})
out = imap("S SELECT INBOX", "F UID FETCH 2 FLAGS")
line = [l for l in out.split("\n") if l.startswith("* 2 FETCH")][0]
assert "\\\\Answered" in line and "\\\\Seen" in line, line
# the state's MODSEQ of INBOX is the store's, which IMAP's MODSEQ is:
# the index's, with the change log's records after it (lib/store.h)
index = open(os.environ["MB"] + "/postern-index").read().split("\n")
try:
    index += open(os.environ["MB"] + "/postern-changes").read().split("\n")[1:]
except FileNotFoundError:
    pass
high = max([int(index[0].split()[4])] + [int(l.split()[2]) for l in index if l[:2] in ("m ", "x ")])
msg2 = int([l for l in index if l.startswith("m 2 ")][-1].split()[2])
inbox = [f for f in state()[1:].split("-") if f.startswith(boxes()["inbox"]["id"] + ".")][0]
assert int(inbox.split(".")[1], 16) == high == msg2, (inbox, high, msg2)
if "CONDSTORE" in imap("C CAPABILITY"):
    out = imap("S SELECT INBOX (CONDSTORE)", "F UID FETCH 2 (MODSEQ)",
               "G UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % (high - 1))
    assert "MODSEQ (%d)" % high in out.split("F OK")[0], out
    since = out.split("F OK")[1].split("G OK")[0]
    assert "* 2 FETCH" in since and "* 1 FETCH" not in since, out
out = imap("S SELECT INBOX", "T UID STORE 2 +FLAGS (\\\\Deleted)", "E EXPUNGE")
assert "E OK" in out, out
c = changes("Email", s1)
assert c["destroyed"] == [m2] and c["created"] == [] and c["updated"] == [], c
EOF
}

@test "jmap changes: bad arguments, states it cannot use, and Email/queryChanges" {
	py <<EOF
$PYHELP
s0 = state()
assert err("Email/changes", {"sinceState": s0, "maxChanges": 0}) == "invalidArguments"
assert err("Email/changes", {}) == "invalidArguments"
assert err("Mailbox/changes", {"sinceState": 7}) == "invalidArguments"
for bad in ["", "x", "s", "sF1.zz.1.0.0", "sF1.1.1.1.2", "s" + "-".join(["F1.1.1.1.1"] * 1000), "h00"]:
    t = err("Email/changes", {"sinceState": bad})
    assert t == "cannotCalculateChanges", (bad, t)
assert err("Email/changes", {"sinceState": s0, "accountId": "nope"}) == "accountNotFound"
assert err("Email/queryChanges", {"sinceQueryState": "q", "filter": None}) == "cannotCalculateChanges"
assert err("Email/queryChanges", {}) == "invalidArguments"
open(os.environ["BATS_TEST_TMPDIR"] + "/s0", "w").write(s0)
m2, m1 = query()
one("Email/set", {"destroy": [m1]})
EOF
	# the expunges before the index's floor are forgotten: too old
	s0=$(cat "$BATS_TEST_TMPDIR/s0")
	cp "$MB/postern-index" "$BATS_TEST_TMPDIR/index"
	cp "$MB/postern-changes" "$BATS_TEST_TMPDIR/changes"     # the store's log (lib/store.h)
	awk 'NR == 1 { $7 = $4 } { print }' "$BATS_TEST_TMPDIR/index" > "$MB/postern-index"
	py <<EOF
$PYHELP
t = err("Email/changes", {"sinceState": "$s0"})
assert t == "cannotCalculateChanges", t
EOF
	# an expunge an older index recorded without the message's name
	sed 's/^\(x [0-9]* [0-9]*\) .*/\1/' "$BATS_TEST_TMPDIR/index" > "$MB/postern-index"
	sed 's/^\(x [0-9]* [0-9]*\) .*/\1/' "$BATS_TEST_TMPDIR/changes" > "$MB/postern-changes"
	cat "$MB/postern-index" "$MB/postern-changes" | grep -q '^x 1 [0-9]*$'
	py <<EOF
$PYHELP
assert err("Email/changes", {"sinceState": "$s0"}) == "cannotCalculateChanges"
EOF
	# a folder with mail deleted: its Emails cannot be named
	cp "$BATS_TEST_TMPDIR/index" "$MB/postern-index"
	cp "$BATS_TEST_TMPDIR/changes" "$MB/postern-changes"
	printf 'Subject: x\n\nx\n' > "$MB/.Trash/new/1700000009.M9P1.host"
	py <<EOF
$PYHELP
s1, trash = state(), boxes()["trash"]["id"]
import shutil
shutil.rmtree(os.environ["MB"] + "/.Trash")
assert err("Email/changes", {"sinceState": s1}) == "cannotCalculateChanges"
assert changes("Mailbox", s1)["destroyed"] == [trash]
EOF
}

@test "jmap changes: Mailbox names are modified UTF-7 decoded; a rename over IMAP keeps the id" {
	py <<EOF
$PYHELP
out = imap("C CREATE Caf&AOk-", "D CREATE &ZeVnLIqe-", "E CREATE A&-B")
assert "C OK" in out and "D OK" in out and "E OK" in out, out
b = boxes()
assert {"Caf\u00e9", "\u65e5\u672c\u8a9e", "A&B"} <= set(b), set(b)
was = b["Caf\u00e9"]["id"]
assert "R OK" in imap("R RENAME Caf&AOk- Caf&AOk-2")
assert boxes()["Caf\u00e92"]["id"] == was
EOF
	# a folder another program named, not modified UTF-7: shown as it is
	mkdir -p "$MB/.Bad&Name"/{cur,new,tmp}
	touch "$MB/.Bad&Name/maildirfolder"
	py <<EOF
$PYHELP
assert "Bad&Name" in boxes()
EOF
}
