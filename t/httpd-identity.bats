#!/usr/bin/env bats
# httpd: Identity/get, Identity/set, Identity/changes (RFC 8621 §6) over
# real sockets: the login address's Identity edited and kept in the
# Maildir (postern-identities), more Identities of the same address made
# and destroyed, forbiddenFrom for another address, the SetErrors with
# nothing written, changes with maxChanges, push, and submission with a
# made Identity.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	instance_setup
	httpd_setup
	mkdir -p "$MB"/{cur,new,tmp}
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
def iset(args):
    return one("Identity/set", args)
def ierr(name, args):
    args.setdefault("accountId", ACC)
    r = jmap([[name, args, "c"]])
    assert r[0][0] == "error", r
    return r[0][1]["type"]
def serr(r, kind, key):
    return r[kind][key]["type"], r[kind][key].get("properties")
'

@test "jmap identity: the login address's Identity is edited and kept; Identity/changes tells" {
	py <<EOF
$PYHELP
g = one("Identity/get", {"ids": None})
assert g["state"] == "i0" and g["notFound"] == [], g
assert g["list"] == [{"id": "I1", "email": "joe@example.test", "name": "", "replyTo": None,
                      "bcc": None, "textSignature": "", "htmlSignature": "", "mayDelete": False}], g
r = iset({"ifInState": "i0", "update": {"I1": {
    "name": "Joe Q. R\u00e9sum\u00e9", "textSignature": "-- \nJoe\n",
    "htmlSignature": "<p>Joe</p>", "replyTo": [{"name": "Joe", "email": "joe@example.test"}],
    "bcc": [{"name": None, "email": "archive@example.org"}]}}})
assert r["updated"] == {"I1": None} and r["oldState"] == "i0" and r["newState"] == "i1", r
c = one("Identity/changes", {"sinceState": "i0"})
assert c["updated"] == ["I1"] and c["created"] == c["destroyed"] == [] and c["newState"] == "i1", c
assert c["hasMoreChanges"] is False
assert one("Identity/changes", {"sinceState": "i1"})["updated"] == []
g = one("Identity/get", {"ids": ["I1", "I9"], "properties": ["name", "bcc"]})
assert g["list"] == [{"id": "I1", "name": "Joe Q. R\u00e9sum\u00e9",
                      "bcc": [{"name": None, "email": "archive@example.org"}]}], g
assert g["notFound"] == ["I9"] and g["state"] == "i1"
# the whole object back is a valid patch; email stays the login address
whole = one("Identity/get", {})["list"][0]
whole["name"] = "Joe"
assert iset({"update": {"I1": whole}})["updated"] == {"I1": None}
EOF
	[ -f "$MB/postern-identities" ]
	grep -q '"name":"Joe"' "$MB/postern-identities"
	grep -q 'archive@example.org' "$MB/postern-identities"
	[ "$(stat -c %a "$MB/postern-identities")" = 600 ]
}

@test "jmap identity: more Identities of the login address; another address is forbiddenFrom; I1 cannot be destroyed" {
	py <<EOF
$PYHELP
r = iset({"create": {"w": {"email": "JOE@example.test", "name": "Joe at work"},
                     "x": {"email": "boss@example.test", "name": "Boss"}}})
assert r["created"]["w"]["id"] == "I2" and r["created"]["w"]["mayDelete"] is True, r
assert r["created"]["w"]["textSignature"] == "" and r["created"]["w"]["bcc"] is None, r
assert serr(r, "notCreated", "x") == ("forbiddenFrom", ["email"]), r
assert r["newState"] == "i1"
g = one("Identity/get", {})["list"]
assert [i["id"] for i in g] == ["I1", "I2"] and g[1]["email"] == "joe@example.test", g
r = iset({"destroy": ["I1", "I2", "I7"]})
assert r["destroyed"] == ["I2"], r
assert serr(r, "notDestroyed", "I1")[0] == "forbidden" and serr(r, "notDestroyed", "I7")[0] == "notFound", r
assert [i["id"] for i in one("Identity/get", {})["list"]] == ["I1"]
# made and destroyed since: nothing to tell; a new one does not reuse the id
c = one("Identity/changes", {"sinceState": "i0"})
assert c["created"] == c["updated"] == c["destroyed"] == [] and c["newState"] == "i2", c
r = iset({"create": {"a": {"email": "joe@example.test"}, "b": {"email": "joe@example.test"}},
          "update": {"I1": {"name": "J"}}})
assert sorted(v["id"] for v in r["created"].values()) == ["I3", "I4"], r
assert iset({"destroy": [r["created"]["a"]["id"]]})["destroyed"] == ["I3"]
# one change at a time with maxChanges 1: created, created, updated... each once
s, seen, steps = "i2", [], 0
while True:
    c = one("Identity/changes", {"sinceState": s, "maxChanges": 1})
    got = c["created"] + c["updated"] + c["destroyed"]
    assert len(got) <= 1, c
    seen += [(k, i) for k in ("created", "updated", "destroyed") for i in c[k]]
    s, steps = c["newState"], steps + 1
    assert steps < 10
    if not c["hasMoreChanges"]:
        break
assert s == "i6" and ("created", "I4") in seen and ("updated", "I1") in seen, (s, seen)
c = one("Identity/changes", {"sinceState": "i2"})
assert c["created"] == ["I4"] and c["updated"] == ["I1"] and c["destroyed"] == [], c
for bad in ["i7", "x", "", "i", "i-1", "i1x", "s0"]:
    assert ierr("Identity/changes", {"sinceState": bad}) == "cannotCalculateChanges", bad
assert ierr("Identity/changes", {"sinceState": "i0", "maxChanges": 0}) == "invalidArguments"
assert ierr("Identity/changes", {}) == "invalidArguments"
EOF
}

@test "jmap identity: bad creates and updates get their SetError and write nothing" {
	py <<EOF
$PYHELP
iset({"update": {"I1": {"name": "Joe"}}})
EOF
	cp "$MB/postern-identities" "$BATS_TEST_TMPDIR/before"
	py <<EOF
$PYHELP
big = "x" * 20000
r = iset({"create": {
    "noemail": {"name": "x"}, "id": {"email": "joe@example.test", "id": "I9"},
    "may": {"email": "joe@example.test", "mayDelete": True},
    "name": {"email": "joe@example.test", "name": 5},
    "rt": {"email": "joe@example.test", "replyTo": [{"email": "not an address"}]},
    "rt2": {"email": "joe@example.test", "replyTo": {"email": "joe@example.test"}},
    "bcc": {"email": "joe@example.test", "bcc": [{"email": "a@b.example", "extra": 1}]},
    "foo": {"email": "joe@example.test", "foo": "bar"},
    "big": {"email": "joe@example.test", "htmlSignature": big}, "notobj": []}})
assert r["created"] == {} and r["newState"] == r["oldState"], r
want = {"noemail": ("invalidProperties", ["email"]), "id": ("invalidProperties", ["id"]),
        "may": ("invalidProperties", ["mayDelete"]), "name": ("invalidProperties", ["name"]),
        "rt": ("invalidProperties", ["replyTo"]), "rt2": ("invalidProperties", ["replyTo"]),
        "bcc": ("invalidProperties", ["bcc"]), "foo": ("invalidProperties", ["foo"]),
        "big": ("tooLarge", None), "notobj": ("invalidProperties", None)}
for k, v in want.items():
    assert serr(r, "notCreated", k) == v, (k, r["notCreated"][k])
r = iset({"update": {"I1": {"email": "boss@example.test"}}})
assert serr(r, "notUpdated", "I1") == ("forbiddenFrom", ["email"]), r
for patch, prop in [({"mayDelete": True}, "mayDelete"), ({"id": "I2"}, "id"),
                    ({"textSignature": None}, "textSignature"), ({"nope": 1}, "nope")]:
    r = iset({"update": {"I1": patch}})
    assert serr(r, "notUpdated", "I1") == ("invalidProperties", [prop]), (patch, r)
r = iset({"update": {"I1": {"replyTo/0": None}, "I5": {"name": "x"}}})
assert serr(r, "notUpdated", "I1") == ("invalidPatch", None), r
assert serr(r, "notUpdated", "I5") == ("notFound", None), r
r = iset({"update": {"I1": {"textSignature": big}}})
assert serr(r, "notUpdated", "I1") == ("tooLarge", None), r
assert ierr("Identity/set", {"ifInState": "i0", "update": {"I1": {"name": "Z"}}}) == "stateMismatch"
assert ierr("Identity/set", {"create": []}) == "invalidArguments"
assert ierr("Identity/set", {"accountId": "x"}) == "accountNotFound"
assert one("Identity/get", {})["list"][0]["name"] == "Joe"
EOF
	cmp "$MB/postern-identities" "$BATS_TEST_TMPDIR/before"
}

@test "jmap identity: a symlinked or broken identities file is refused, and nothing is written through it" {
	echo 'precious' > "$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$MB/postern-identities"
	py <<EOF
$PYHELP
assert ierr("Identity/get", {}) == "serverFail"
assert ierr("Identity/set", {"update": {"I1": {"name": "x"}}}) == "serverFail"
EOF
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = precious ]
	[ -L "$MB/postern-identities" ]
	rm "$MB/postern-identities"
	echo '{"state": "x"}' > "$MB/postern-identities"
	py <<EOF
$PYHELP
assert ierr("Identity/get", {}) == "serverFail"
EOF
	grep -q 'event=identities-unreadable' "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

@test "jmap identity: push tells an Identity change; submission takes a made Identity, not an unknown one" {
	( sleep 2; curl -sS -u joe@example.test:secret -H 'Content-Type: application/json' \
		--data-binary "{\"using\":[\"urn:ietf:params:jmap:core\",\"urn:ietf:params:jmap:submission\"],\"methodCalls\":[[\"Identity/set\",{\"accountId\":\"$ACC\",\"update\":{\"I1\":{\"name\":\"P\"}}},\"c\"]]}" \
		"$URL/jmap/api" >/dev/null ) &
	run curl -sS -N --max-time 8 -u joe@example.test:secret \
		"$URL/jmap/eventsource?types=Identity&closeafter=state&ping=0"
	[ "$status" -eq 0 ]
	grep -q "\"changed\":{\"$ACC\":{\"Identity\":\"i1\"}" <<<"$output"
	py <<'EOF'
b = boxes()
i2 = one("Identity/set", {"create": {"n": {"email": "joe@example.test", "name": "Joe N"}}})["created"]["n"]["id"]
email = {"mailboxIds": {b["drafts"]["id"] if "drafts" in b else b["inbox"]["id"]: True},
         "from": [{"name": "Joe N", "email": "joe@example.test"}],
         "to": [{"email": "ann@example.org"}], "subject": "hi",
         "textBody": [{"partId": "t", "type": "text/plain"}], "bodyValues": {"t": {"value": "hi\n"}}}
eid = one("Email/set", {"create": {"d": email}})["created"]["d"]["id"]
r = one("EmailSubmission/set", {"create": {"s": {"identityId": i2, "emailId": eid},
                                           "u": {"identityId": "I99", "emailId": eid}}})
assert "s" in r["created"] and r["notCreated"]["u"]["type"] == "invalidProperties", r
EOF
	[ "$(queue_count)" -eq 1 ]
}
