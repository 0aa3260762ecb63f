#!/usr/bin/env bats
# httpd: HTTP/1.1 framing (RFC 7230) through pipes: keep-alive, the
# bounds on lines, fields and bodies, the refusals, slow clients.

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	instance_setup
	httpd_setup
	mkdir -p "$BATS_TEST_TMPDIR/www/sub"
	echo '<p>home</p>' > "$BATS_TEST_TMPDIR/www/index.html"
	echo 'body{}' > "$BATS_TEST_TMPDIR/www/sub/a.css"
	echo 'secret outside' > "$BATS_TEST_TMPDIR/outside.txt"
	echo 'hidden' > "$BATS_TEST_TMPDIR/www/.hidden"
	ln -s "$BATS_TEST_TMPDIR/outside.txt" "$BATS_TEST_TMPDIR/www/link.txt"
	control webroot "$BATS_TEST_TMPDIR/www"
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

@test "httpd http: two requests on one connection, then close when asked" {
	http 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sub/a.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	[ "$status" -eq 0 ]
	[ "$(grep -c '^HTTP/1.1 200 OK$' <<<"$output")" -eq 2 ]
	grep -qx '<p>home</p>' <<<"$output"
	grep -qx 'Content-Type: text/css; charset=utf-8' <<<"$output"
	grep -qx 'Connection: close' <<<"$output"
	[ "$(grep -c '^Content-Security-Policy: ' <<<"$output")" -eq 2 ]
	grep -q 'event=request method=GET path=/sub/a.css status=200' "$LOG"
}

@test "httpd http: HTTP/1.0 closes after one request unless keep-alive" {
	http 'GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n'
	[ "$(grep -c '^HTTP/1.1 200 OK$' <<<"$output")" -eq 1 ]
	http 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n'
	[ "$(grep -c '^HTTP/1.1 200 OK$' <<<"$output")" -eq 2 ]
}

@test "httpd http: bad request lines and fields get their status and close" {
	long=$(head -c 9000 /dev/zero | tr '\0' a)
	check() {
		http "$1"
		[ "$status" -eq 0 ]
		[ "$(head -1 <<<"$output")" = "HTTP/1.1 $2" ] || { echo "$1 -> $output"; return 1; }
		grep -qx 'Connection: close' <<<"$output"
		[ "$(grep -c '^HTTP/1.1 ' <<<"$output")" -eq 1 ]
	}
	check "GET /$long HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n" '414 URI Too Long'
	check "GET / HTTP/1.1\r\nHost: x\r\nX: $long\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n" '431 Request Header Fields Too Large'
	many=$(for i in $(seq 1 101); do printf 'X-%d: y\\r\\n' "$i"; done)
	check "GET / HTTP/1.1\r\nHost: x\r\n$many\r\n" '431 Request Header Fields Too Large'
	check 'GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n  folded\r\n\r\n' '400 Bad Request'
	check 'GET / HTTP/1.1\r\nHost : x\r\n\r\n' '400 Bad Request'
	check 'GET / HTTP/1.1\r\n\r\n' '400 Bad Request'
	check 'GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n' '400 Bad Request'
	check 'GET / HTTP/2.0\r\nHost: x\r\n\r\n' '505 HTTP Version Not Supported'
	check 'GET / FTP/1.1\r\nHost: x\r\n\r\n' '400 Bad Request'
	check 'GET  / HTTP/1.1\r\nHost: x\r\n\r\n' '400 Bad Request'
	check 'GET /a\rb HTTP/1.1\r\nHost: x\r\n\r\n' '400 Bad Request'
	check 'GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n' '400 Bad Request'
	check 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n' '400 Bad Request'
	check 'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n' '501 Not Implemented'
	check 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n' '400 Bad Request'
	check 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n' '400 Bad Request'
	check 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\n' '413 Payload Too Large'
	check 'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n' '400 Bad Request'
	check 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab' '413 Payload Too Large'
}

@test "httpd http: unknown paths 404, wrong methods 405, HEAD has no body" {
	http 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /jmap/api HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	grep -qx 'HTTP/1.1 404 Not Found' <<<"$output"
	grep -qx 'HTTP/1.1 405 Method Not Allowed' <<<"$output"
	grep -qx 'Allow: GET, HEAD, POST' <<<"$output"
	grep -qx 'Content-Length: 12' <<<"$output"     # HEAD: the length,
	! grep -qx '<p>home</p>' <<<"$output"          # not the body
}

@test "httpd http: no path leaves the web root (.., %2e%2e, NUL, //, dot files, symlinks)" {
	for p in '/../outside.txt' '/%2e%2e/outside.txt' '/sub/..%2f..%2foutside.txt' \
		 '/sub/%2E%2E/%2E%2E/outside.txt' '/index.html%00.css' '//etc/passwd' \
		 "/$BATS_TEST_TMPDIR/outside.txt" '/.hidden' '/link.txt' '/sub/' \
		 '/sub\\..\\..\\outside.txt' '/%' '/%zz' 'http://x/../outside.txt'; do
		http "GET ${p//%/%%} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
		if ! grep -qx 'HTTP/1.1 404 Not Found' <<<"$output" &&
		   ! grep -qx 'HTTP/1.1 400 Bad Request' <<<"$output"; then
			echo "$p: $output"; return 1
		fi
		! grep -q 'secret outside\|hidden\|root:' <<<"$output"
	done
}

@test "httpd http: Expect 100-continue, and a chunked body" {
	body='{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{"a":1},"c"]]}'
	http "POST /jmap/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic $JOE\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${#body}\r\n\r\n$body"
	[ "$(sed -n 1p <<<"$output")" = 'HTTP/1.1 100 Continue' ]
	grep -qx 'HTTP/1.1 200 OK' <<<"$output"
	grep -q '"methodResponses":\[\["Core/echo",{"a":1},"c"\]\]' <<<"$output"
	half=$(( ${#body} / 2 ))
	chunked=$(printf '%x\r\n%s\r\n%x;ext=1\r\n%s\r\n0\r\nX-Trailer: t' \
		"$half" "${body:0:half}" $(( ${#body} - half )) "${body:half}")
	http "POST /jmap/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic $JOE\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n$chunked\r\n\r\n"
	grep -qx 'HTTP/1.1 200 OK' <<<"$output"
	grep -q '\["Core/echo",{"a":1},"c"\]' <<<"$output"
}

@test "httpd http: a slow client is dropped with 408 after the timeout" {
	control timeout 1
	httpd_start
	start=$(date +%s)
	run python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)
s.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n')     # and then nothing
data = b''
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
print(data.split(b'\r\n')[0].decode())
PY
	echo "$output"
	[ "$output" = 'HTTP/1.1 408 Request Timeout' ]
	[ $(( $(date +%s) - start )) -le 10 ]
}

@test "httpd http: a broken maxsize or timeout refuses service with 503" {
	control maxsize lots
	http 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
	grep -qx 'HTTP/1.1 503 Service Unavailable' <<<"$output"
	grep -q 'event=config-error file=maxsize' "$LOG"
	control maxsize 1000
	control timeout -5
	http 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
	grep -qx 'HTTP/1.1 503 Service Unavailable' <<<"$output"
}
