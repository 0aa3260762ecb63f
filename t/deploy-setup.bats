#!/usr/bin/env bats
# postern-setup: the mail user and group, the control directory, the spool
# and the mailroot, with their owners and modes; idempotent; its errors.

load helpers
load deploy_helpers

SETUP="$BATS_TEST_DIRNAME/../scripts/postern-setup"

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	# A user name no other test uses, so that creating it is tested.
	export NEWUSER="pstsetup$$"
	BASE=$(mktemp -d /tmp/postern-setup.XXXXXX)
	chmod 755 "$BASE"
	export BASE
}

teardown_file() {
	[ -n "${NEWUSER:-}" ] || return 0
	getent passwd "$NEWUSER" >/dev/null && userdel "$NEWUSER"
	getent group "$NEWUSER" >/dev/null && groupdel "$NEWUSER"
	[ -n "${BASE:-}" ] && rm -rf "$BASE"
}

setup() {
	need_root
	ROOT="$BASE/root$BATS_TEST_NUMBER"
}

@test "setup: creates the user, group and tree under --root with owners and modes" {
	run "$SETUP" --user "$NEWUSER" --root "$ROOT"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"created group $NEWUSER"* ]]
	[[ $output == *"created user $NEWUSER"* ]]
	# a system account that cannot log in
	[ "$(getent passwd "$NEWUSER" | cut -d: -f7)" = /usr/sbin/nologin ]
	[ "$(id -u "$NEWUSER")" -lt 1000 ]
	[ "$(id -gn "$NEWUSER")" = "$NEWUSER" ]
	[ "$(mode_owner "$ROOT/etc/postern")" = "750 root:$NEWUSER" ]
	[ "$(mode_owner "$ROOT/etc/postern/users")" = "640 root:$NEWUSER" ]
	[ ! -s "$ROOT/etc/postern/users" ]
	[ "$(mode_owner "$ROOT/var/spool/postern")" = "700 $NEWUSER:$NEWUSER" ]
	for d in tmp queue state; do
		[ "$(mode_owner "$ROOT/var/spool/postern/$d")" = "700 $NEWUSER:$NEWUSER" ]
	done
	[ -p "$ROOT/var/spool/postern/trigger" ]
	[ "$(mode_owner "$ROOT/var/spool/postern/trigger")" = "600 $NEWUSER:$NEWUSER" ]
	[ "$(mode_owner "$ROOT/var/vmail")" = "700 $NEWUSER:$NEWUSER" ]
	# default paths: no spool or mailroot control file is written
	[ ! -e "$ROOT/etc/postern/spool" ] && [ ! -e "$ROOT/etc/postern/mailroot" ]
	# nothing else was made
	[ "$(find "$ROOT" | wc -l)" -eq 14 ]
}

@test "setup: a second run changes nothing and keeps the users file" {
	"$SETUP" --user "$NEWUSER" --root "$ROOT" >/dev/null
	echo 'alice@example.test:$6$x$y' >> "$ROOT/etc/postern/users"
	before=$(find "$ROOT" -printf '%p %m %u %g %s\n' | sort)
	run "$SETUP" --user "$NEWUSER" --root "$ROOT"
	[ "$status" -eq 0 ]
	[ "$output" = "postern-setup: ready: user $NEWUSER, group $NEWUSER, control $ROOT/etc/postern, spool $ROOT/var/spool/postern, mailroot $ROOT/var/vmail" ]
	[ "$(find "$ROOT" -printf '%p %m %u %g %s\n' | sort)" = "$before" ]
	[ "$(cat "$ROOT/etc/postern/users")" = 'alice@example.test:$6$x$y' ]
}

@test "setup: repairs wrong owners and modes and missing pieces" {
	"$SETUP" --user "$NEWUSER" --root "$ROOT" >/dev/null
	chmod 755 "$ROOT/var/spool/postern" "$ROOT/var/vmail"
	chmod 644 "$ROOT/etc/postern/users"
	chown root:root "$ROOT/var/spool/postern/queue"
	rmdir "$ROOT/var/spool/postern/state"
	rm "$ROOT/var/spool/postern/trigger"
	run "$SETUP" --user "$NEWUSER" --root "$ROOT"
	[ "$status" -eq 0 ]
	[ "$(mode_owner "$ROOT/var/spool/postern")" = "700 $NEWUSER:$NEWUSER" ]
	[ "$(mode_owner "$ROOT/var/vmail")" = "700 $NEWUSER:$NEWUSER" ]
	[ "$(mode_owner "$ROOT/etc/postern/users")" = "640 root:$NEWUSER" ]
	[ "$(mode_owner "$ROOT/var/spool/postern/queue")" = "700 $NEWUSER:$NEWUSER" ]
	[ "$(mode_owner "$ROOT/var/spool/postern/state")" = "700 $NEWUSER:$NEWUSER" ]
	[ -p "$ROOT/var/spool/postern/trigger" ]
}

@test "setup: other paths are written to the spool and mailroot control files" {
	run "$SETUP" --user "$NEWUSER" --conf "$ROOT/c" --spool "$ROOT/s" --mailroot "$ROOT/m"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$ROOT/c/spool")" = "$ROOT/s" ]
	[ "$(cat "$ROOT/c/mailroot")" = "$ROOT/m" ]
	[ "$(mode_owner "$ROOT/s/queue")" = "700 $NEWUSER:$NEWUSER" ]
	[ "$(mode_owner "$ROOT/m")" = "700 $NEWUSER:$NEWUSER" ]
	# and again: the files already say so
	run "$SETUP" --user "$NEWUSER" --conf "$ROOT/c" --spool "$ROOT/s" --mailroot "$ROOT/m"
	[ "$status" -eq 0 ]
}

@test "setup: a spool control file naming another spool is an error, nothing changed" {
	mkdir -p "$ROOT/c"
	printf '# elsewhere\n/var/spool/other\n' > "$ROOT/c/spool"
	run "$SETUP" --user "$NEWUSER" --conf "$ROOT/c" --spool "$ROOT/s" --mailroot "$ROOT/m"
	echo "$output"
	[ "$status" -eq 100 ]
	[[ $output == *"postern-setup: fatal: $ROOT/c/spool says /var/spool/other, not $ROOT/s"* ]]
	[ ! -e "$ROOT/s" ] && [ ! -e "$ROOT/m" ]
	[ "$(cat "$ROOT/c/spool")" = "$(printf '# elsewhere\n/var/spool/other')" ]
}

@test "setup: a file in the way of the spool is an error" {
	mkdir -p "$ROOT"
	echo x > "$ROOT/s"
	run "$SETUP" --user "$NEWUSER" --conf "$ROOT/c" --spool "$ROOT/s" --mailroot "$ROOT/m"
	[ "$status" -eq 100 ]
	[[ $output == *"$ROOT/s is in the way (not a directory)"* ]]
	[ "$(cat "$ROOT/s")" = x ]
	[ ! -e "$ROOT/m" ]
}

@test "setup: usage errors exit 64 and make nothing" {
	run "$SETUP" --bogus
	[ "$status" -eq 64 ]
	[[ $output == *"usage: postern-setup"* ]]
	run "$SETUP" --root "$ROOT" --spool relative/path
	[ "$status" -eq 64 ]
	[[ $output == *"paths must be absolute"* ]]
	run "$SETUP" --root "$ROOT" --user 'Bad;Name'
	[ "$status" -eq 64 ]
	[[ $output == *"bad user name"* ]]
	run "$SETUP" --root "$ROOT" --conf
	[ "$status" -eq 64 ]
	[ ! -e "$ROOT" ]
}

@test "setup: --no-useradd needs the user to exist" {
	run "$SETUP" --no-useradd --user pstnosuchuser --root "$ROOT"
	[ "$status" -eq 100 ]
	[[ $output == *"group pstnosuchuser does not exist"* ]]
	! getent passwd pstnosuchuser
	[ ! -e "$ROOT" ]
}

@test "setup: refuses to run as an ordinary user" {
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$SETUP" --root "$ROOT"
	[ "$status" -eq 100 ]
	[ "$output" = "postern-setup: fatal: must run as root (it creates a user and sets owners)" ]
	[ ! -e "$ROOT" ]
}

@test "setup: a self-signed certificate for the me host, root-only, kept on a second run" {
	mkdir -p "$ROOT/etc/postern"
	echo mail.example.test > "$ROOT/etc/postern/me"
	run "$SETUP" --user "$NEWUSER" --root "$ROOT"
	[ "$status" -eq 0 ]
	pem="$ROOT/etc/postern/tls/server.pem"
	[ "$(mode_owner "$ROOT/etc/postern/tls")" = "700 root:root" ]
	[ "$(mode_owner "$pem")" = "600 root:root" ]
	openssl x509 -in "$pem" -noout -subject | grep -q 'CN *= *mail.example.test'
	openssl pkey -in "$pem" -noout
	sum=$(md5sum < "$pem")
	"$SETUP" --user "$NEWUSER" --root "$ROOT" >/dev/null
	[ "$(md5sum < "$pem")" = "$sum" ]
}

@test "setup: --cert and --key install a given certificate; --no-tls makes none" {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$BASE/k$BATS_TEST_NUMBER.pem" -out "$BASE/c$BATS_TEST_NUMBER.pem" \
		-days 2 -subj /CN=given.example.test 2>/dev/null
	run "$SETUP" --user "$NEWUSER" --root "$ROOT" \
		--cert "$BASE/c$BATS_TEST_NUMBER.pem" --key "$BASE/k$BATS_TEST_NUMBER.pem"
	[ "$status" -eq 0 ]
	pem="$ROOT/etc/postern/tls/server.pem"
	[ "$(cat "$BASE/k$BATS_TEST_NUMBER.pem" "$BASE/c$BATS_TEST_NUMBER.pem")" = "$(cat "$pem")" ]
	[ "$(mode_owner "$pem")" = "600 root:root" ]
	run "$SETUP" --user "$NEWUSER" --root "$ROOT.notls" --no-tls
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT.notls/etc/postern/tls" ]
	run "$SETUP" --user "$NEWUSER" --root "$ROOT.x" --cert "$BASE/c$BATS_TEST_NUMBER.pem"
	[ "$status" -eq 64 ]
	[ ! -e "$ROOT.x" ]
}
