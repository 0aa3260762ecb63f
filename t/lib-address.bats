#!/usr/bin/env bats
# t/address.bats - RFC 5321 paths and mailboxes (t/unit/test_address.c).

load helpers

setup() { instance_setup; }
teardown() { server_stop_all; }

@test "address: valid dot-string paths (RFC 5321 4.1.2)" {
	run "$TOP/t/unit/test_address" valid_paths
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: quoted local parts, escapes, unbalanced quotes" {
	run "$TOP/t/unit/test_address" quoted_local
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: invalid paths refused with the right reason" {
	run "$TOP/t/unit/test_address" invalid_paths
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: a NUL ends the address" {
	run "$TOP/t/unit/test_address" nul_byte
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: <> only with ADDRESS_ALLOW_NULL" {
	run "$TOP/t/unit/test_address" null_path
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: <Postmaster> only with ADDRESS_ALLOW_POSTMASTER" {
	run "$TOP/t/unit/test_address" postmaster
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: source routes accepted and ignored (4.1.2, Appendix C)" {
	run "$TOP/t/unit/test_address" source_routes
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: IPv4, IPv6 and general address literals (4.1.3)" {
	run "$TOP/t/unit/test_address" literals
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: local 64, domain 255, label 63, path 256 (4.5.3.1)" {
	run "$TOP/t/unit/test_address" lengths
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: UTF-8 only with SMTPUTF8, well-formed only (RFC 6531 3.3)" {
	run "$TOP/t/unit/test_address" utf8
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: bare mailboxes" {
	run "$TOP/t/unit/test_address" bare_mailbox
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: address_format round-trips through address_parse_mailbox" {
	run "$TOP/t/unit/test_address" format
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "address: at least 40 table rows" {
	run "$TOP/t/unit/test_address" row_count
	echo "$output"
	[ "$status" -eq 0 ]
}
