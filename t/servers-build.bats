#!/usr/bin/env bats
# How the per-connection servers are built (Makefile, issue 17): linked
# statically with musl or glibc in a release build, dynamically with the
# sanitizers in `make test`; what that changes for password hashes.
# `make test-release` runs this file against the release build.

load helpers
load smtpd-helpers

# The libc make linked the servers with: musl, glibc (static) or
# glibc-dynamic (sanitizer builds), as recorded in .build-flags.
server_libc() {
	sed -n 's/.* servers=\([a-z-]*\)$/\1/p' "$TOP/.build-flags"
}

# `python3 -c "import crypt; print(crypt.crypt('secret', '\$y\$j9T\$abcdefghijklmnop\$'))"`
YESCRYPT_SECRET='$y$j9T$abcdefghijklmnop$3dL1LkYnZM.OVXuVdnnaKVDlLYT92dRwOzDZ5XiVCe.'
# `python3 -c "import crypt; print(crypt.crypt('secret', 'ab'))"`
DES_SECRET='abNANd1rDfiNc'

setup() {
	smtpd_setup
	echo "yes@example.test:$YESCRYPT_SECRET" >> "$CONF/users"
	echo "des@example.test:$DES_SECRET" >> "$CONF/users"
}
teardown() { smtpd_teardown; }

# auth_as USER PASSWORD: EHLO, AUTH PLAIN, QUIT over -T.
auth_as() {
	dialog -T <<EOF
EHLO c.test
AUTH PLAIN $(b64 "\\0$1\\0$2")
QUIT
EOF
}

@test "the servers are linked as make says: static in a release build" {
	local libc p
	libc=$(server_libc)
	[ -n "$libc" ]
	for p in smtpd/smtpd pop3d/pop3d imapd/imapd httpd/httpd; do
		case $libc in
		musl | glibc)
			file "$TOP/$p" | grep -q 'statically linked' ;;
		glibc-dynamic)
			file "$TOP/$p" | grep -q 'dynamically linked' ;;
		*)
			false ;;
		esac
	done
}

@test "a \$6\$ (SHA-512) hash is checked by every build" {
	auth_as bob@example.test secret
	expect_reply 3 "235 2.7.0 Authentication successful"
}

@test "a yescrypt hash: accepted where libc has crypt(3), else refused with a log line" {
	auth_as yes@example.test secret
	if [ "$(server_libc)" = musl ]; then
		expect_reply 3 "535 5.7.8 Authentication credentials invalid"
		grep -qF 'event=password-scheme-unsupported user=yes@example.test scheme=$y$ reason="this build checks only $6$ (SHA-512) hashes"' "$SMTPD_LOG"
	else
		expect_reply 3 "235 2.7.0 Authentication successful"
		! grep -q 'password-scheme-unsupported' "$SMTPD_LOG"
	fi
}

@test "a wrong password against a yescrypt hash is refused by every build" {
	auth_as yes@example.test guess
	expect_reply 3 "535 5.7.8 Authentication credentials invalid"
}

@test "a DES hash (no \$id\$): accepted with crypt(3), else refused as scheme=ab" {
	auth_as des@example.test secret
	if [ "$(server_libc)" = musl ]; then
		expect_reply 3 "535 5.7.8 Authentication credentials invalid"
		grep -qF 'event=password-scheme-unsupported user=des@example.test scheme=ab ' "$SMTPD_LOG"
	else
		expect_reply 3 "235 2.7.0 Authentication successful"
	fi
}

@test "a hash no build can check: refused, and logged with its scheme" {
	echo 'odd@example.test:$9$salt$nonsense' >> "$CONF/users"
	auth_as odd@example.test secret
	expect_reply 3 "535 5.7.8 Authentication credentials invalid"
	grep -qF 'event=password-scheme-unsupported user=odd@example.test scheme=$9$ reason=' "$SMTPD_LOG"
}
