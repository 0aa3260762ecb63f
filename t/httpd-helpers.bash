# t/httpd-helpers.bash - shared by the t/httpd*.bats files.
#
# httpd_setup      users joe@example.test ("secret") and ann@example.test
#                  ("annpass"), plaintext allowed; $HTTPD, $LOG, $MB (joe's
#                  Maildir), $JOE (his Basic credentials, base64)
# http TEXT        printf TEXT into httpd (http_args=(...) adds options);
#                  run-style: $status, $output (CRs removed)
# httpd_start      httpd under tcpserver on $PORT; $URL is its base
# jmap JSON        POST JSON to /jmap/api as joe (curl); prints the body
# account          joe's accountId (from the session resource)
# py               Python on stdin with jmap(calls), one(name, args), query(),
#                  boxes() as joe (needs $URL and $ACC exported)

httpd_setup() {
	HTTPD="$TOP/httpd/httpd"
	LOG="$BATS_TEST_TMPDIR/httpd.log"
	MB="$MAILROOT/example.test/joe"
	add_user joe@example.test secret
	add_user ann@example.test annpass
	control plaintextauth 1
	JOE=$(printf 'joe@example.test:secret' | base64 -w0)
	http_args=()
}

http_raw() {
	set -o pipefail
	printf "$1" | "$HTTPD" "${http_args[@]}" 2>>"$LOG" | tr -d '\r'
}

http() {
	run http_raw "$1"
}

httpd_start() {
	server_start tcpserver "$HTTPD" "$@"
	URL="http://127.0.0.1:$PORT"
}

jmap() {
	curl -sS -u joe@example.test:secret -H 'Content-Type: application/json' \
		--data-binary "$1" "$URL/jmap/api"
}

account() {
	curl -sS -u joe@example.test:secret "$URL/.well-known/jmap" |
		python3 -c 'import json,sys; print(list(json.load(sys.stdin)["accounts"])[0])'
}

# json_get EXPR: evaluate a Python expression over the JSON on stdin (j).
json_get() {
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# py: run Python with a jmap(calls) helper (joe's Basic credentials).
py() {
	python3 - "$@" <<PY
import base64, json, os, sys, urllib.request
URL, ACC = os.environ["URL"], os.environ["ACC"]
USING = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail",
         "urn:ietf:params:jmap:submission"]
def jmap(calls, user="joe@example.test", password="secret"):
    req = urllib.request.Request(URL + "/jmap/api",
        data=json.dumps({"using": USING, "methodCalls": calls}).encode(),
        headers={"Content-Type": "application/json", "Authorization":
                 "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()})
    return json.load(urllib.request.urlopen(req))["methodResponses"]
def one(name, args, user="joe@example.test", password="secret"):
    args = dict(args)
    args.setdefault("accountId", ACC)
    r = jmap([[name, args, "c"]], user, password)
    assert r[0][0] == name, r
    return r[0][1]
def query(**kw):
    return one("Email/query", kw)["ids"]
def boxes():
    return {m["role"] or m["name"]: m for m in one("Mailbox/get", {"ids": None})["list"]}
$(cat)
PY
}
