#!/usr/bin/env bats
# httpd: Mailbox/query (RFC 8621 §2.3, RFC 8620 §5.5) over real sockets:
# every filter condition, the operators, sort on sortOrder and name,
# sortAsTree and filterAsTree, position/anchor/limit/calculateTotal, the
# errors; Mailbox/queryChanges answers cannotCalculateChanges.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	instance_setup
	httpd_setup
	mkdir -p "$MB"/{cur,new,tmp}
	# Archive (a role by its name), Work with children, Zeta
	for f in Archive Work Work.Beta Work.alpha Zeta Sent; do
		mkdir -p "$MB/.$f"/{cur,new,tmp}
		touch "$MB/.$f/maildirfolder"
	done
	printf 'INBOX\nWork\nWork.alpha\n' > "$MB/subscriptions"
	httpd_start
	ACC=$(account)
	export URL ACC
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

PYHELP='
ids = {m["id"]: m for m in one("Mailbox/get", {"ids": None})["list"]}
name = {m["name"]: i for i, m in ids.items()}
def q(**kw):
    return [ids[i]["name"] for i in one("Mailbox/query", kw)["ids"]]
def err(method, args):
    args = dict(args)
    args.setdefault("accountId", ACC)
    r = jmap([[method, args, "c"]])
    assert r[0][0] == "error", r
    return r[0][1]["type"]
'

@test "Mailbox/query: no filter, no sort: every Mailbox, Inbox first" {
	py <<EOF
$PYHELP
r = one("Mailbox/query", {"calculateTotal": True})
assert r["total"] == 7 and len(r["ids"]) == 7 and r["position"] == 0, r
assert r["canCalculateChanges"] is False and r["queryState"], r
assert ids[r["ids"][0]]["name"] == "Inbox", r
assert r["total"] == 7 and len(r["ids"]) == 7 and r["position"] == 0, r
assert r["canCalculateChanges"] is False and r["queryState"], r
assert ids[r["ids"][0]]["name"] == "Inbox", r
EOF
}

@test "Mailbox/query: each filter condition, and AND/OR/NOT" {
	py <<EOF
$PYHELP
assert q(filter={"parentId": None}) == ["Inbox", "Archive", "Sent", "Work", "Zeta"], q(filter={"parentId": None})
assert sorted(q(filter={"parentId": name["Work"]})) == ["Beta", "alpha"]
assert q(filter={"name": "ALP"}) == ["alpha"]
assert sorted(q(filter={"name": "a"})) == ["Archive", "Beta", "Zeta", "alpha"], q(filter={"name": "a"})
assert sorted(q(filter={"role": "sent"})) == ["Sent"]
assert q(filter={"role": "inbox"}) == ["Inbox"]
assert sorted(q(filter={"hasAnyRole": True})) == ["Archive", "Inbox", "Sent"]
assert sorted(q(filter={"role": None})) == ["Beta", "Work", "Zeta", "alpha"]
assert sorted(q(filter={"isSubscribed": True})) == ["Inbox", "Work", "alpha"]
assert sorted(q(filter={"isSubscribed": False, "parentId": name["Work"]})) == ["Beta"]
assert q(filter={"name": "nothing like it"}) == []
assert sorted(q(filter={"operator": "OR", "conditions": [{"role": "sent"}, {"name": "zet"}]})) == ["Sent", "Zeta"]
assert sorted(q(filter={"operator": "NOT", "conditions": [{"hasAnyRole": True}, {"parentId": name["Work"]}]})) == ["Work", "Zeta"]
assert q(filter={"operator": "AND", "conditions": [{"isSubscribed": True}, {"parentId": name["Work"]}]}) == ["alpha"]
EOF
}

@test "Mailbox/query: sort on sortOrder and name, sortAsTree, filterAsTree" {
	py <<EOF
$PYHELP
byname = q(sort=[{"property": "name"}])
assert byname == ["alpha", "Archive", "Beta", "Inbox", "Sent", "Work", "Zeta"], byname
assert q(sort=[{"property": "name", "isAscending": False}]) == byname[::-1]
# roles first (sortOrder 0), then by name
r = q(sort=[{"property": "sortOrder"}, {"property": "name"}])
assert r == ["Archive", "Inbox", "Sent", "alpha", "Beta", "Work", "Zeta"], r
# as a tree: Work's children right after Work, sorted among themselves
r = q(sort=[{"property": "name", "isAscending": False}], sortAsTree=True)
assert r == ["Zeta", "Work", "Beta", "alpha", "Sent", "Inbox", "Archive"], r
# filterAsTree: a match whose parent does not match is left out
assert sorted(q(filter={"isSubscribed": True, "hasAnyRole": False}, filterAsTree=True)) == ["Work", "alpha"]
assert q(filter={"name": "beta"}, filterAsTree=True) == []
assert q(filter={"name": "beta"}) == ["Beta"]
EOF
}

@test "Mailbox/query: position, anchor, limit; the errors" {
	py <<EOF
$PYHELP
all = one("Mailbox/query", {"sort": [{"property": "name"}]})["ids"]
r = one("Mailbox/query", {"sort": [{"property": "name"}], "position": 2, "limit": 2})
assert r["ids"] == all[2:4] and r["position"] == 2, r
r = one("Mailbox/query", {"sort": [{"property": "name"}], "anchor": all[3], "anchorOffset": -1, "limit": 1})
assert r["ids"] == [all[2]] and r["position"] == 2, r
assert err("Mailbox/query", {"anchor": "nope"}) == "anchorNotFound"
assert err("Mailbox/query", {"filter": {"unknownThing": 1}}) == "unsupportedFilter"
assert err("Mailbox/query", {"filter": {"name": 7}}) == "invalidArguments"
assert err("Mailbox/query", {"filter": {"operator": "XOR", "conditions": []}}) == "invalidArguments"
assert err("Mailbox/query", {"sort": [{"property": "totalEmails"}]}) == "unsupportedSort"
assert err("Mailbox/query", {"sort": {"property": "name"}}) == "invalidArguments"
assert err("Mailbox/query", {"sortAsTree": "yes"}) == "invalidArguments"
assert err("Mailbox/query", {"limit": -1}) == "invalidArguments"
assert err("Mailbox/query", {"accountId": "nope"}) == "accountNotFound"
s = one("Mailbox/query", {})["queryState"]
assert err("Mailbox/queryChanges", {"sinceQueryState": s}) == "cannotCalculateChanges"
assert err("Mailbox/queryChanges", {}) == "invalidArguments"
EOF
}
