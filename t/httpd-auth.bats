#!/usr/bin/env bats
# httpd: who may do what. Basic, Bearer API tokens (postern-token), the
# login form's cookie; passwords only over TLS unless plaintextauth;
# failed logins delayed; cross-site requests refused (CSRF).

bats_require_minimum_version 1.5.0
load helpers
load httpd-helpers

setup() {
	instance_setup
	httpd_setup
	TOKEN="$TOP/httpd/postern-token"
	ECHO='{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{"x":1},"c"]]}'
}

teardown() {
	server_stop_all
	no_sanitizer_reports "$LOG" "$BATS_TEST_TMPDIR/server.log"
}

code() {       # code CURL-ARGS...: the status of a request
	curl -s -o /dev/null -w '%{http_code}' "$@"
}

@test "httpd auth: no credentials or wrong ones: 401 with both challenges, delayed" {
	http 'GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\n\r\n'
	grep -qx 'HTTP/1.1 401 Unauthorized' <<<"$output"
	grep -qx 'WWW-Authenticate: Basic realm="postern", charset="UTF-8"' <<<"$output"
	grep -qx 'WWW-Authenticate: Bearer realm="postern"' <<<"$output"
	! grep -q '"capabilities"' <<<"$output"
	# the page's own requests get no challenge a browser would answer
	# with a password dialog
	http 'GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nX-Postern-Page: 1\r\n\r\n'
	grep -qx 'WWW-Authenticate: Form realm="postern"' <<<"$output"
	! grep -q 'WWW-Authenticate: Basic' <<<"$output"
	bad=$(printf 'joe@example.test:wrong' | base64 -w0)
	start=$(date +%s%N)
	http "GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nAuthorization: Basic $bad\r\n\r\n"
	[ $(( ($(date +%s%N) - start) / 1000000 )) -ge 1000 ]
	grep -qx 'HTTP/1.1 401 Unauthorized' <<<"$output"
	grep -q 'event=login-failed how=basic user=joe@example.test' "$LOG"
	# three failures end the connection
	req="GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nAuthorization: Basic $bad\r\n\r\n"
	http "$req$req$req$req"
	[ "$(grep -o 'HTTP/1.1 401' <<<"$output" | wc -l)" -eq 3 ]
	for b in 'bm9jb2xvbg==' '!!!' "$(printf 'joe@example.test\0:secret' | base64 -w0)"; do
		http "GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nAuthorization: Basic $b\r\nConnection: close\r\n\r\n"
		grep -qx 'HTTP/1.1 401 Unauthorized' <<<"$output"
	done
}

@test "httpd auth: Basic works; ann cannot use joe's account" {
	httpd_start
	run curl -sS -u joe@example.test:secret "$URL/.well-known/jmap"
	[ "$(json_get 'j["username"]' <<<"$output")" = joe@example.test ]
	joe_account=$(account)
	run curl -sS -u ann@example.test:annpass "$URL/.well-known/jmap"
	[ "$(json_get 'j["username"]' <<<"$output")" = ann@example.test ]
	[ "$(json_get 'list(j["accounts"])' <<<"$output")" != "['$joe_account']" ]
	echo hi > "$BATS_TEST_TMPDIR/f"
	run curl -s -u ann@example.test:annpass -o /dev/null -w '%{http_code}' \
		--data-binary @"$BATS_TEST_TMPDIR/f" "$URL/jmap/upload/$joe_account/"
	[ "$output" = 404 ]
	[ ! -e "$MAILROOT/example.test/ann/postern-blobs" ]
	[ ! -e "$MB/postern-blobs" ]
}

@test "httpd auth: passwords and tokens only over TLS unless plaintextauth" {
	control plaintextauth 0
	http "GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nAuthorization: Basic $JOE\r\n\r\n"
	grep -qx 'HTTP/1.1 403 Forbidden' <<<"$output"
	grep -q 'only over TLS' <<<"$output"
	http 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 45\r\n\r\nusername=joe%40example.test&password=secret\r\n'
	grep -qx 'HTTP/1.1 403 Forbidden' <<<"$output"
	! grep -q 'Set-Cookie' <<<"$output"
	http_args=(-T)
	http "GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nAuthorization: Basic $JOE\r\n\r\n"
	grep -qx 'HTTP/1.1 200 OK' <<<"$output"
	grep -qx 'Strict-Transport-Security: max-age=31536000' <<<"$output"
	control plaintextauth garbage           # broken: fails closed
	http_args=()
	http "GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nAuthorization: Basic $JOE\r\n\r\n"
	grep -qx 'HTTP/1.1 403 Forbidden' <<<"$output"
}

@test "httpd auth: Bearer tokens made, listed and revoked with postern-token; only hashes kept" {
	httpd_start
	run "$TOKEN" add nobody@example.test
	[ "$status" -eq 100 ]
	run "$TOKEN" add joe@example.test 'bad label'
	[ "$status" -eq 64 ]
	t=$("$TOKEN" add joe@example.test phone)
	[[ "$t" =~ ^postern_[0-9a-f]{64}$ ]]
	! grep -q "$t" "$CONF/tokens"
	grep -q "$(printf %s "$t" | sha256sum | cut -c1-64) joe@example.test [0-9]* phone" "$CONF/tokens"
	run curl -sS -H "Authorization: Bearer $t" "$URL/.well-known/jmap"
	[ "$(json_get 'j["username"]' <<<"$output")" = joe@example.test ]
	[ "$(code -H "Authorization: Bearer ${t%?}0" "$URL/.well-known/jmap")" = 401 ] ||
	[ "${t: -1}" = 0 ]
	[ "$(code -H 'Authorization: Bearer nonsense' "$URL/.well-known/jmap")" = 401 ]
	run "$TOKEN" list joe@example.test
	[[ "$output" == *" joe@example.test "*" phone" ]]
	prefix=$(cut -c1-12 <<<"$output")
	run "$TOKEN" revoke joe@example.test "$prefix"
	[ "$output" = "1 revoked" ]
	[ "$(code -H "Authorization: Bearer $t" "$URL/.well-known/jmap")" = 401 ]
	run "$TOKEN" revoke joe@example.test all
	[ "$status" -eq 100 ]
	# a token of a user taken out of "users" stops working
	t2=$("$TOKEN" add ann@example.test)
	[ "$(code -H "Authorization: Bearer $t2" "$URL/.well-known/jmap")" = 200 ]
	sed -i '/^ann@/d' "$CONF/users"
	[ "$(code -H "Authorization: Bearer $t2" "$URL/.well-known/jmap")" = 401 ]
}

@test "httpd auth: the login form sets a HttpOnly SameSite=Strict cookie; logout ends it" {
	httpd_start
	jar="$BATS_TEST_TMPDIR/jar"
	run curl -sS -D - -o /dev/null -c "$jar" -d 'username=joe%40example.test&password=secret' "$URL/login"
	grep -q '^HTTP/1.1 303' <<<"$output"
	grep -q '^Location: /' <<<"$output"
	cookie=$(grep -i '^Set-Cookie:' <<<"$output" | tr -d '\r')
	[[ "$cookie" =~ ^Set-Cookie:\ postern_session=[0-9a-f]{64}\;\ Path=/\;\ HttpOnly\;\ SameSite=Strict$ ]]
	value=$(sed -E 's/.*postern_session=([0-9a-f]+).*/\1/' <<<"$cookie")
	# only the hash of the cookie is on disk
	ls "$MAILROOT/.postern-http-sessions" | grep -qx "$(printf %s "$value" | sha256sum | cut -c1-64)"
	! grep -rq "$value" "$MAILROOT"
	run curl -sS -b "$jar" "$URL/.well-known/jmap"
	[ "$(json_get 'j["username"]' <<<"$output")" = joe@example.test ]
	# a POST with the cookie needs our Origin
	[ "$(code -b "$jar" -H 'Content-Type: application/json' -d "$ECHO" "$URL/jmap/api")" = 403 ]
	[ "$(code -b "$jar" -H 'Origin: http://evil.example' -H 'Content-Type: application/json' -d "$ECHO" "$URL/jmap/api")" = 403 ]
	[ "$(code -b "$jar" -H "Origin: $URL" -H 'Content-Type: application/json' -d "$ECHO" "$URL/jmap/api")" = 200 ]
	[ "$(code -b "$jar" -H 'Origin: http://evil.example' -X POST "$URL/logout")" = 403 ]
	[ "$(code -b "$jar" -H "Origin: $URL" -X POST "$URL/logout")" = 303 ]
	[ "$(code -b "$jar" "$URL/.well-known/jmap")" = 401 ]
	# wrong password: back to the page, no cookie
	run curl -sS -D - -o /dev/null -d 'username=joe%40example.test&password=nope' "$URL/login"
	grep -q '^Location: /?login=failed' <<<"$output"
	! grep -qi '^Set-Cookie' <<<"$output"
	[ "$(code -d 'username=joe%40example.test&password=secret' -H 'Origin: http://evil.example' "$URL/login")" = 403 ]
	[ "$(code -H 'Content-Type: text/plain' -d 'username=joe' "$URL/login")" = 415 ]
}

@test "httpd auth: the cookie is Secure under TLS; an idle session expires" {
	http_args=(-T)
	http 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 43\r\n\r\nusername=joe%%40example.test&password=secret'
	grep -q '^Set-Cookie: postern_session=[0-9a-f]*; Path=/; HttpOnly; SameSite=Strict; Secure$' <<<"$output"
	value=$(sed -nE 's/^Set-Cookie: postern_session=([0-9a-f]+).*/\1/p' <<<"$output")
	http "GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nCookie: a=b; postern_session=$value\r\n\r\n"
	grep -qx 'HTTP/1.1 200 OK' <<<"$output"
	touch -d '13 hours ago' "$MAILROOT/.postern-http-sessions/"*
	http "GET /.well-known/jmap HTTP/1.1\r\nHost: x\r\nCookie: postern_session=$value\r\n\r\n"
	grep -qx 'HTTP/1.1 401 Unauthorized' <<<"$output"
	[ -z "$(ls "$MAILROOT/.postern-http-sessions")" ]
}

@test "httpd auth: a request from another site's page is refused even with Basic" {
	httpd_start
	[ "$(code -u joe@example.test:secret -H 'Origin: http://evil.example' -H 'Content-Type: application/json' -d "$ECHO" "$URL/jmap/api")" = 403 ]
	[ "$(code -u joe@example.test:secret -H "Origin: $URL" -H 'Content-Type: application/json' -d "$ECHO" "$URL/jmap/api")" = 200 ]
	# a form can only send text/plain or urlencoded: the API wants JSON
	run curl -s -u joe@example.test:secret -H 'Content-Type: text/plain' -d "$ECHO" "$URL/jmap/api"
	[ "$(json_get 'j["type"]' <<<"$output")" = urn:ietf:params:jmap:error:notJSON ]
}
