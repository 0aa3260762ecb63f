#!/usr/bin/env bats
# lib/peer: the C unit cases of t/unit/test_peer.c, one test each.
# Made by t/unit/gen-bats peer.

load helpers

@test "peer: environment fallbacks" {
	run "$TOP/t/unit/test_peer" environment_fallbacks
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "peer: from socket" {
	run "$TOP/t/unit/test_peer" from_socket
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "peer: networks" {
	run "$TOP/t/unit/test_peer" networks
	echo "$output"
	[ "$status" -eq 0 ]
}

