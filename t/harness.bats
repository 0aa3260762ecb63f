#!/usr/bin/env bats
# The test helpers themselves: instance set-up and real-socket launchers.

load helpers

setup() { instance_setup; }
teardown() { server_stop_all; }

@test "harness: instance has control dir, spool and mailroot" {
	[ -d "$CONF" ] && [ -d "$SPOOL" ] && [ -d "$MAILROOT" ]
	[ "$(cat "$CONF/me")" = "mx.example.test" ]
	[ "$POSTERN_CONF" = "$CONF" ]
	add_user a@example.test pw
	grep -q '^a@example.test:\$6\$' "$CONF/users"
}

@test "harness: tcpserver serves a program on a free port" {
	server_start tcpserver sh -c 'echo "hello $TCPREMOTEIP"'
	run python3 -c "import socket;s=socket.create_connection(('127.0.0.1',$PORT));print(s.recv(100).decode().strip())"
	[ "$output" = "hello 127.0.0.1" ]
}

@test "harness: systemd-socket-activate serves a program on a free port" {
	server_start socket-activate sh -c 'read x; echo "got $x"'
	run python3 -c "import socket;s=socket.create_connection(('127.0.0.1',$PORT));s.sendall(b'ping\n');print(s.recv(100).decode().strip())"
	[ "$output" = "got ping" ]
}

@test "harness: servers stop" {
	server_start tcpserver echo x
	server_stop_all
	! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}
