#!/usr/bin/env bats
# t/sasl.bats - SASL PLAIN (RFC 4616) (t/unit/test_sasl.c).

load helpers

setup() { instance_setup; }
teardown() { server_stop_all; }

@test "sasl: good PLAIN messages" {
	run "$TOP/t/unit/test_sasl" good
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sasl: authzid equal to authcid accepted" {
	run "$TOP/t/unit/test_sasl" authzid_same
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sasl: a different authzid refused" {
	run "$TOP/t/unit/test_sasl" authzid_different
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sasl: missing NULs and NUL in the password refused" {
	run "$TOP/t/unit/test_sasl" missing_nul
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sasl: empty password or authcid refused" {
	run "$TOP/t/unit/test_sasl" empty_fields
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sasl: 255-octet fields accepted, 256 refused" {
	run "$TOP/t/unit/test_sasl" lengths
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sasl: bad base64 refused" {
	run "$TOP/t/unit/test_sasl" bad_base64
	echo "$output"
	[ "$status" -eq 0 ]
}
