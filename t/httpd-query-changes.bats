#!/usr/bin/env bats
# httpd: Email/queryChanges (RFC 8620 §5.6, RFC 8621 §4.5): a client
# that splices "removed" out of its cached results and "added" in at
# their indexes has the new results, for changes made over JMAP, IMAP
# and delivery, with filters and sorts; upToId, maxChanges
# (tooManyChanges), calculateTotal; cannotCalculateChanges only for
# collapseThreads, Thread conditions and states it cannot use.

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
	printf 'Sent\nTrash\n' > "$MB/subscriptions"
	for i in 1 2 3 4 5 6; do
		printf 'From: u%s@example.org\nSubject: %s subject %s\nMessage-ID: <q%s@example.org>\n\nbody %s\n' \
			$((i % 3)) "$(printf '%s' cbafed | cut -c$i)" $i $i $i \
			> "$MB/new/170000000$i.M${i}P1.host"
		touch -d "@170000000$i" "$MB/new/170000000$i.M${i}P1.host"
	done
	httpd_start
	ACC=$(account)
	IMAPD="$TOP/imapd/imapd"
	export URL ACC MB IMAPD
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

# q(args) (an Email/query), qc(args, since) (Email/queryChanges), apply
# (the client's splice of RFC 8620 §5.6), check(args, old) (apply gives
# the new results), deliver, imap, err.
PYHELP='
import subprocess
def q(args):
    return one("Email/query", dict(args, calculateTotal=True))
def qc(args, since, **kw):
    a = dict(args, sinceQueryState=since)
    a.update(kw)
    return one("Email/queryChanges", a)
def apply(ids, removed, added):
    ids = [i for i in ids if i not in set(removed)]
    for a in added:
        ids.insert(a["index"], a["id"])
    return ids
def check(args, old):
    c = qc(args, old["queryState"], calculateTotal=True)
    new = q(args)
    assert c["oldQueryState"] == old["queryState"], c
    assert [a["index"] for a in c["added"]] == sorted(a["index"] for a in c["added"]), c
    got = apply(old["ids"], c["removed"], c["added"])[:new["total"]]
    assert got == new["ids"], (args, old["ids"], c, new["ids"])
    assert c["total"] == new["total"], c
    c2 = qc(args, c["newQueryState"])
    assert c2["added"] == [] and c2["removed"] == [], c2
    return c
def deliver(name, subject, t):
    p = os.environ["MB"] + "/new/" + name
    open(p, "w").write("From: z@example.org\nSubject: %s\n\nnew\n" % subject)
    os.utime(p, (t, t))
def imap(*lines):
    text = "".join(l + "\r\n" for l in ("L LOGIN joe@example.test secret",) + lines + ("Z LOGOUT",))
    r = subprocess.run([os.environ["IMAPD"]], input=text.encode(), capture_output=True)
    return r.stdout.decode().replace("\r", "")
def err(name, args):
    args.setdefault("accountId", ACC)
    r = jmap([[name, args, "c"]])
    assert r[0][0] == "error", r
    return r[0][1]["type"]
'

@test "jmap queryChanges: splicing removed and added gives the new results, for several filters and sorts" {
	py <<EOF
$PYHELP
b = boxes()
inbox, trash = b["inbox"]["id"], b["trash"]["id"]
queries = [{}, {"filter": {"inMailbox": inbox}},
           {"filter": {"hasKeyword": "\$flagged"}},
           {"filter": {"notKeyword": "\$seen"}, "sort": [{"property": "subject", "isAscending": True}]},
           {"filter": {"operator": "OR", "conditions": [{"from": "u1"}, {"text": "new"}]},
            "sort": [{"property": "from"}, {"property": "size", "isAscending": False}]},
           {"sort": [{"property": "receivedAt", "isAscending": True}]}]
old = [q(a) for a in queries]
assert all(o["canCalculateChanges"] is True for o in old), old
ids = old[0]["ids"]
assert len(ids) == 6
# no change: nothing
c = qc({}, old[0]["queryState"])
assert c["removed"] == [] and c["added"] == [] and c["newQueryState"] == old[0]["queryState"], c
one("Email/set", {"update": {ids[1]: {"keywords/\$flagged": True},
                             ids[3]: {"keywords/\$seen": True},
                             ids[4]: {"mailboxIds": {trash: True}}},
                  "destroy": [ids[2]]})
deliver("1700000007.M7P1.host", "g new one", 1700000007)
deliver("1699999999.M8P1.host", "h old new one", 1699999999)
for a, o in zip(queries, old):
    check(a, o)
# the RFC's example in spirit: a change in the middle of a longer list
c = check({}, old[0])
assert sorted(c["removed"]) == sorted(set(c["removed"])), c
EOF
}

@test "jmap queryChanges: changes over IMAP (STORE, EXPUNGE, APPEND, MOVE) are seen" {
	py <<EOF
$PYHELP
inbox = boxes()["inbox"]["id"]
queries = [{}, {"filter": {"inMailbox": inbox, "notKeyword": "\$seen"}},
           {"filter": {"hasKeyword": "\$flagged"}, "sort": [{"property": "sentAt"}]}]
old = [q(a) for a in queries]
out = imap("S SELECT INBOX", "A UID STORE 1:2 +FLAGS (\\\\Seen \\\\Flagged)",
           "B UID STORE 3 +FLAGS (\\\\Deleted)", "C EXPUNGE",
           "D APPEND INBOX (\\\\Flagged) {33}", "Subject: appended over IMAP\r\n\r\nx",
           "E UID MOVE 4 Trash")
assert "E OK" in out, out
for a, o in zip(queries, old):
    check(a, o)
EOF
}

@test "jmap queryChanges: maxChanges, upToId, calculateTotal" {
	py <<EOF
$PYHELP
old = q({"sort": [{"property": "receivedAt", "isAscending": True}]})
ids = old["ids"]
deliver("1700000009.M9P1.host", "z newest", 1700000009)
one("Email/set", {"update": {ids[0]: {"keywords/\$seen": True}}})
asc = {"sort": [{"property": "receivedAt", "isAscending": True}]}
c = qc(asc, old["queryState"])
assert len(c["removed"]) == 2 and [a["index"] for a in c["added"]] == [0, 6], c
assert "total" not in c
assert err("Email/queryChanges", dict(asc, sinceQueryState=old["queryState"], maxChanges=3)) == "tooManyChanges"
assert qc(asc, old["queryState"], maxChanges=4)["added"] == c["added"]
# immutable conditions: nothing past upToId is added...
c = qc(asc, old["queryState"], upToId=ids[2])
assert [a["index"] for a in c["added"]] == [0], c
# ...unless upToId is unknown, or the filter is mutable
assert [a["index"] for a in qc(asc, old["queryState"], upToId="Mnope")["added"]] == [0, 6]
mut = dict(asc, filter={"notKeyword": "\$draft"})
o2 = q(mut)
assert o2["queryState"] == q(asc)["queryState"]
one("Email/set", {"update": {ids[1]: {"keywords/\$flagged": True}}})
c = qc(mut, o2["queryState"], upToId=ids[0])
assert [a["index"] for a in c["added"]] == [1], c
assert qc(mut, o2["queryState"], calculateTotal=True)["total"] == 7
EOF
}

@test "jmap queryChanges: cannotCalculateChanges only where it cannot; bad arguments" {
	py <<EOF
$PYHELP
o = q({"collapseThreads": True})
assert o["canCalculateChanges"] is False
s = o["queryState"]
assert err("Email/queryChanges", {"sinceQueryState": s, "collapseThreads": True}) == "cannotCalculateChanges"
thread = {"filter": {"someInThreadHaveKeyword": "\$seen"}}
assert q(thread)["canCalculateChanges"] is False
assert err("Email/queryChanges", dict(thread, sinceQueryState=s)) == "cannotCalculateChanges"
assert err("Email/queryChanges", {"sinceQueryState": s, "filter": {"operator": "NOT",
           "conditions": [{"allInThreadHaveKeyword": "x"}]}}) == "cannotCalculateChanges"
assert qc({"collapseThreads": False}, s)["removed"] == []
for bad in ["", "x", "h00", "sF1.zz.1.0.0"]:
    assert err("Email/queryChanges", {"sinceQueryState": bad}) == "cannotCalculateChanges", bad
assert err("Email/queryChanges", {}) == "invalidArguments"
assert err("Email/queryChanges", {"sinceQueryState": s, "maxChanges": -1}) == "invalidArguments"
assert err("Email/queryChanges", {"sinceQueryState": s, "upToId": 5}) == "invalidArguments"
assert err("Email/queryChanges", {"sinceQueryState": s, "filter": 5}) == "invalidArguments"
assert err("Email/queryChanges", {"sinceQueryState": s, "sort": [{"property": "nope"}]}) == "unsupportedSort"
assert err("Email/queryChanges", {"sinceQueryState": s, "accountId": "x"}) == "accountNotFound"
# a state ahead of the folder's MODSEQ is not one this server gave
f = s[1:].split("-")
parts = f[0].split(".")
parts[1] = "%x" % (int(parts[1], 16) + 100)
ahead = "s" + "-".join([".".join(parts)] + f[1:])
assert err("Email/queryChanges", {"sinceQueryState": ahead}) == "cannotCalculateChanges"
EOF
}
