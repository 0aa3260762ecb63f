#!/usr/bin/env bats
# httpd: the JMAP core (RFC 8620) over real sockets: the session
# resource, requests with several calls, Core/echo, back-references,
# the request- and method-level errors, blobs, EventSource.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	instance_setup
	httpd_setup
	httpd_start
	CORE='"using":["urn:ietf:params:jmap:core"]'
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

@test "jmap core: the session resource (RFC 8620 section 2)" {
	run curl -sS -D "$BATS_TEST_TMPDIR/h" -u joe@example.test:secret "$URL/.well-known/jmap"
	grep -qi '^Content-Type: application/json' "$BATS_TEST_TMPDIR/h"
	grep -qi '^Cache-Control: no-store' "$BATS_TEST_TMPDIR/h"
	python3 - "$output" "$PORT" <<'PY'
import json, sys
j = json.loads(sys.argv[1])
core = j["capabilities"]["urn:ietf:params:jmap:core"]
for k in ("maxSizeUpload", "maxConcurrentUpload", "maxSizeRequest",
          "maxConcurrentRequests", "maxCallsInRequest", "maxObjectsInGet",
          "maxObjectsInSet", "collationAlgorithms"):
    assert k in core, k
assert core["maxCallsInRequest"] == 64 and core["maxSizeUpload"] == 36700160
(aid, acc), = j["accounts"].items()
assert acc["name"] == "joe@example.test" and acc["isPersonal"] is True
assert j["username"] == "joe@example.test"
base = "http://127.0.0.1:%s" % sys.argv[2]
assert j["apiUrl"] == base + "/jmap/api", j["apiUrl"]
assert j["uploadUrl"] == base + "/jmap/upload/{accountId}/"
for k, v in (("downloadUrl", ("{accountId}", "{blobId}", "{name}", "{type}")),
             ("uploadUrl", ("{accountId}",)),
             ("eventSourceUrl", ("{types}", "{closeafter}", "{ping}"))):
    assert all(x in j[k] for x in v), k
assert isinstance(j["state"], str) and j["state"]
PY
}

@test "jmap core: Core/echo as in RFC 8620 section 4.1.1; sessionState" {
	run jmap "{$CORE,\"methodCalls\":[[\"Core/echo\",{\"hello\":true,\"high\":5},\"b3ff\"]]}"
	[[ "$output" == '{"methodResponses":[["Core/echo",{"hello":true,"high":5},"b3ff"]],"sessionState":"'* ]]
	state=$(curl -sS -u joe@example.test:secret "$URL/.well-known/jmap" | json_get 'j["state"]')
	[ "$(json_get 'j["sessionState"]' <<<"$output")" = "$state" ]
}

@test "jmap core: several calls in order, unknown methods answered per call (RFC 8620 3.3.1)" {
	run jmap "{$CORE,\"methodCalls\":[[\"method1\",{\"arg1\":\"arg1data\",\"arg2\":\"arg2data\"},\"c1\"],[\"method2\",{\"arg1\":\"arg1data\"},\"c2\"],[\"Core/echo\",{},\"c3\"]]}"
	[[ "$output" == '{"methodResponses":[["error",{"type":"unknownMethod"},"c1"],["error",{"type":"unknownMethod"},"c2"],["Core/echo",{},"c3"]]'* ]]
	# a method of a capability not in "using" is unknown too
	run jmap '{"using":[],"methodCalls":[["Core/echo",{},"c1"]]}'
	[[ "$output" == '{"methodResponses":[["error",{"type":"unknownMethod"},"c1"]]'* ]]
}

@test "jmap core: back-references with /list/*/id, and their errors (RFC 8620 3.7)" {
	first='["Core/echo",{"list":[{"id":"a","t":["x"]},{"id":"b","t":["y","z"]}]},"c1"]'
	ref() { printf '{"resultOf":"%s","name":"%s","path":"%s"}' "$1" "$2" "$3"; }
	run jmap "{$CORE,\"methodCalls\":[$first,[\"Core/echo\",{\"#ids\":$(ref c1 Core/echo /list/*/id),\"#t\":$(ref c1 Core/echo /list/*/t),\"#one\":$(ref c1 Core/echo /list/1/id)},\"c2\"]]}"
	[ "$(json_get 'j["methodResponses"][1]' <<<"$output")" = "['Core/echo', {'ids': ['a', 'b'], 't': ['x', 'y', 'z'], 'one': 'b'}, 'c2']" ]
	for bad in "\"#ids\":$(ref c9 Core/echo /list/*/id)" "\"#ids\":$(ref c1 Foo/get /list/*/id)" \
		   "\"#ids\":$(ref c1 Core/echo /nothing)"; do
		run jmap "{$CORE,\"methodCalls\":[$first,[\"Core/echo\",{$bad},\"c2\"]]}"
		[ "$(json_get 'j["methodResponses"][1][1]["type"]' <<<"$output")" = invalidResultReference ]
	done
	for bad in "\"ids\":[],\"#ids\":$(ref c1 Core/echo /list/*/id)" '"#ids":{"resultOf":"c1"}' '"#ids":5'; do
		run jmap "{$CORE,\"methodCalls\":[$first,[\"Core/echo\",{$bad},\"c2\"]]}"
		[ "$(json_get 'j["methodResponses"][1][1]["type"]' <<<"$output")" = invalidArguments ]
	done
	# createdIds come back as sent
	run jmap "{$CORE,\"methodCalls\":[],\"createdIds\":{\"k1\":\"x\"}}"
	[ "$(json_get 'j["createdIds"]' <<<"$output")" = "{'k1': 'x'}" ]
}

@test "jmap core: request-level errors are RFC 7807 problems (RFC 8620 3.6.1)" {
	problem() {   # problem STATUS TYPE CURL-ARGS...
		local want=$1 type=$2; shift 2
		run curl -s -w '\n%{http_code}' -u joe@example.test:secret "$@" "$URL/jmap/api"
		[ "$(tail -1 <<<"$output")" = "$want" ] || { echo "$output"; return 1; }
		head -1 <<<"$output" | json_get 'j["type"]' | grep -qx "urn:ietf:params:jmap:error:$type"
	}
	J=(-H 'Content-Type: application/json')
	problem 400 notJSON -H 'Content-Type: text/plain' --data-binary "{$CORE,\"methodCalls\":[]}"
	problem 400 notJSON "${J[@]}" --data-binary '{"using":'
	problem 400 notJSON "${J[@]}" --data-binary $'{"a":"\xff"}'
	problem 400 notRequest "${J[@]}" --data-binary '[1]'
	problem 400 notRequest "${J[@]}" --data-binary '{"using":["urn:ietf:params:jmap:core"]}'
	problem 400 notRequest "${J[@]}" --data-binary "{$CORE,\"methodCalls\":[[\"Core/echo\",{}]]}"
	problem 400 notRequest "${J[@]}" --data-binary "{$CORE,\"methodCalls\":[[\"Core/echo\",[],\"c\"]]}"
	problem 400 unknownCapability "${J[@]}" --data-binary '{"using":["urn:example:nope"],"methodCalls":[]}'
	calls=$(for i in $(seq 1 65); do printf '["Core/echo",{},"c%d"],' "$i"; done)
	problem 400 limit "${J[@]}" --data-binary "{$CORE,\"methodCalls\":[${calls%,}]}"
	[ "$(head -1 <<<"$output" | json_get 'j["limit"]')" = maxCallsInRequest ]
	head -c 10485761 /dev/zero | tr '\0' ' ' > "$BATS_TEST_TMPDIR/big"
	problem 413 limit "${J[@]}" --data-binary @"$BATS_TEST_TMPDIR/big"
	[ "$(head -1 <<<"$output" | json_get 'j["limit"]')" = maxSizeRequest ]
	deep=$(printf '[%.0s' $(seq 1 70))
	problem 400 notJSON "${J[@]}" --data-binary "{$CORE,\"methodCalls\":[[\"Core/echo\",{\"a\":$deep},\"c\"]]}"
}

@test "jmap core: blobs: upload, download with name and type, other accounts' refused" {
	acc=$(account)
	printf 'hello\0blob\n' > "$BATS_TEST_TMPDIR/data"
	run curl -sS -u joe@example.test:secret -H 'Content-Type: image/png' \
		--data-binary @"$BATS_TEST_TMPDIR/data" "$URL/jmap/upload/$acc/"
	[ "$(json_get 'j["accountId"], j["type"], j["size"]' <<<"$output")" = "('$acc', 'image/png', 11)" ]
	blob=$(json_get 'j["blobId"]' <<<"$output")
	[[ "$blob" =~ ^U[0-9a-f]{64}$ ]]
	curl -sS -D "$BATS_TEST_TMPDIR/h" -u joe@example.test:secret -o "$BATS_TEST_TMPDIR/back" \
		"$URL/jmap/download/$acc/$blob/caf%C3%A9%20%22x%22.png?accept=image/png"
	cmp "$BATS_TEST_TMPDIR/data" "$BATS_TEST_TMPDIR/back"
	tr -d '\r' < "$BATS_TEST_TMPDIR/h" > "$BATS_TEST_TMPDIR/h2"
	grep -qx 'Content-Type: image/png' "$BATS_TEST_TMPDIR/h2"
	grep -qx "Content-Disposition: attachment; filename\*=UTF-8''caf%C3%A9%20%22x%22.png" "$BATS_TEST_TMPDIR/h2"
	grep -qx "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; sandbox" "$BATS_TEST_TMPDIR/h2"
	# a type that could smuggle a header is replaced
	curl -sS -D "$BATS_TEST_TMPDIR/h" -u joe@example.test:secret -o /dev/null \
		"$URL/jmap/download/$acc/$blob/x?accept=text/html%0d%0aX-Evil:%201"
	tr -d '\r' < "$BATS_TEST_TMPDIR/h" | grep -qx 'Content-Type: application/octet-stream'
	! grep -qi '^X-Evil' "$BATS_TEST_TMPDIR/h"
	code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
	[ "$(code -u ann@example.test:annpass "$URL/jmap/download/$acc/$blob/x")" = 404 ]
	ann=$(curl -sS -u ann@example.test:annpass "$URL/.well-known/jmap" | json_get 'list(j["accounts"])[0]')
	[ "$(code -u ann@example.test:annpass "$URL/jmap/download/$ann/$blob/x")" = 404 ]
	[ "$(code -u joe@example.test:secret "$URL/jmap/download/$acc/U../x")" = 404 ]
	[ "$(code -u joe@example.test:secret "$URL/jmap/download/$acc/U$(printf '%064d' 0)/x")" = 404 ]
	control maxsize 10
	[ "$(code -u joe@example.test:secret --data-binary @"$BATS_TEST_TMPDIR/data" "$URL/jmap/upload/$acc/")" = 413 ]
}

@test "jmap core: an upload removes crashed uploads' temporary files: a day old, pid dead, unlocked; nothing else" {
	acc=$(account)
	blobs="$MB/postern-blobs"
	mkdir -p "$blobs"
	sleep 0 & dead=$!
	wait "$dead"
	kill -0 "$dead" 2>/dev/null && skip "pid $dead reused at once"
	old='2 days ago'
	for n in stale:$dead.0 young:$dead.1 alive:$$.2 locked:$dead.3 bad:x$dead.4; do
		printf 'partial' > "$blobs/.tmp.${n#*:}"
	done
	printf 'partial' > "$blobs/.tmpx"
	printf 'keep me' > "$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$blobs/.tmp.$dead.5"
	for f in "$blobs"/.tmp*; do
		[ "$f" = "$blobs/.tmp.$dead.1" ] || touch -h -d "$old" "$f"
	done
	# a live upload holds its lock (from another pid namespace, say)
	python3 -c 'import fcntl, sys, time
f = open(sys.argv[1])
fcntl.flock(f, fcntl.LOCK_EX)
time.sleep(60)' "$blobs/.tmp.$dead.3" & holder=$!
	SERVER_PIDS+=("$holder")
	for _ in $(seq 50); do
		flock -n -x "$blobs/.tmp.$dead.3" true || break
		sleep 0.1
	done
	run curl -sS -u joe@example.test:secret --data-binary 'new' "$URL/jmap/upload/$acc/"
	blob=$(json_get 'j["blobId"]' <<<"$output")
	kill "$holder"
	diff <(ls -A "$blobs" | sort) <(printf '%s\n' ".tmp.$dead.1" ".tmp.$dead.3" ".tmp.$dead.5" \
		".tmp.$$.2" ".tmp.x$dead.4" .tmpx "$blob" | sort)
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = 'keep me' ]
	grep -q "event=blob-tmp-removed name=.tmp.$dead.0\$" "$BATS_TEST_TMPDIR/server.log"
	[ "$(grep -c 'event=blob-tmp-removed' "$BATS_TEST_TMPDIR/server.log")" -eq 1 ]
}

@test "jmap core: EventSource answers text/event-stream with pings" {
	run curl -sS -N --max-time 3 -D - -u joe@example.test:secret \
		"$URL/jmap/eventsource?types=*&closeafter=no&ping=1"
	[ "$status" -eq 28 ]            # curl's timeout: the stream stayed open
	grep -qi '^Content-Type: text/event-stream' <<<"$output"
	grep -q '^event: ping' <<<"$output"
	grep -q '^data: {"interval":1}' <<<"$output"
}
