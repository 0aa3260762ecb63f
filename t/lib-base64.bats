#!/usr/bin/env bats
# t/base64.bats - RFC 4648 base64 (t/unit/test_base64.c).

load helpers

setup() { instance_setup; }
teardown() { server_stop_all; }

@test "base64: RFC 4648 section 10 vectors" {
	run "$TOP/t/unit/test_base64" rfc4648_vectors
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "base64: every octet and length round-trips" {
	run "$TOP/t/unit/test_base64" round_trip
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "base64: bad padding refused, output untouched" {
	run "$TOP/t/unit/test_base64" bad_padding
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "base64: characters outside the alphabet refused" {
	run "$TOP/t/unit/test_base64" bad_characters
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "base64: the cap of the byte string is kept" {
	run "$TOP/t/unit/test_base64" cap_overflow
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "base64: MIME-lenient decoding (RFC 2045 6.8)" {
	run "$TOP/t/unit/test_base64" lenient
	echo "$output"
	[ "$status" -eq 0 ]
}
