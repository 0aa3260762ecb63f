#!/usr/bin/env bats
# lib/sha512_crypt: the C unit cases of t/unit/test_sha512_crypt.c, one test each.
# Made by t/unit/gen-bats sha512_crypt.

load helpers

@test "sha512_crypt: sha512 known digests" {
	run "$TOP/t/unit/test_sha512_crypt" sha512_known_digests
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sha512_crypt: crypt specification examples" {
	run "$TOP/t/unit/test_sha512_crypt" crypt_specification_examples
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sha512_crypt: crypt agrees with libc" {
	run "$TOP/t/unit/test_sha512_crypt" crypt_agrees_with_libc
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "sha512_crypt: crypt refuses other schemes" {
	run "$TOP/t/unit/test_sha512_crypt" crypt_refuses_other_schemes
	echo "$output"
	[ "$status" -eq 0 ]
}

