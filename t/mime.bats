#!/usr/bin/env bats
# lib/mime and its modules: the C unit cases of t/unit/test_mime*.c, one
# test each (the corpus is in t/mime-corpus.bats). The fuzz case mutates
# the corpus at random (fixed seed, bounded count) under ASan.
# Made by t/mime-corpus/gen-mime-bats.

load helpers

setup() { export MIME_CORPUS="$TOP/t/mime-corpus"; }

@test "mime: sections" {
	run "$TOP/t/unit/test_mime" sections
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: sections single part" {
	run "$TOP/t/unit/test_mime" sections_single_part
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: header fields" {
	run "$TOP/t/unit/test_mime" header_fields
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: imap strings" {
	run "$TOP/t/unit/test_mime" imap_strings
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: envelopes" {
	run "$TOP/t/unit/test_mime" envelopes
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: defaults and extensions" {
	run "$TOP/t/unit/test_mime" defaults_and_extensions
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: message global" {
	run "$TOP/t/unit/test_mime" message_global
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: limits" {
	run "$TOP/t/unit/test_mime" limits
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: pathological inputs" {
	run "$TOP/t/unit/test_mime" pathological_inputs
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime: fuzz" {
	run "$TOP/t/unit/test_mime" fuzz
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_encoding: crlf size and lines" {
	run "$TOP/t/unit/test_mime_encoding" crlf_size_and_lines
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_encoding: crlf append" {
	run "$TOP/t/unit/test_mime_encoding" crlf_append
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_encoding: crlf slice" {
	run "$TOP/t/unit/test_mime_encoding" crlf_slice
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_encoding: quoted printable" {
	run "$TOP/t/unit/test_mime_encoding" quoted_printable
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_encoding: encoded words" {
	run "$TOP/t/unit/test_mime_encoding" encoded_words
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_encoding: charsets" {
	run "$TOP/t/unit/test_mime_encoding" charsets
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_encoding: utf8 codec" {
	run "$TOP/t/unit/test_mime_encoding" utf8_codec
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_header: header length" {
	run "$TOP/t/unit/test_mime_header" header_length
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_header: fields and folding" {
	run "$TOP/t/unit/test_mime_header" fields_and_folding
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_header: content type" {
	run "$TOP/t/unit/test_mime_header" content_type
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_header: rfc2231" {
	run "$TOP/t/unit/test_mime_header" rfc2231
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_header: many params" {
	run "$TOP/t/unit/test_mime_header" many_params
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_header: address lists" {
	run "$TOP/t/unit/test_mime_header" address_lists
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_date: rfc5322 forms" {
	run "$TOP/t/unit/test_mime_date" rfc5322_forms
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_date: obsolete forms" {
	run "$TOP/t/unit/test_mime_date" obsolete_forms
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_date: bad dates" {
	run "$TOP/t/unit/test_mime_date" bad_dates
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_date: instants and days" {
	run "$TOP/t/unit/test_mime_date" instants_and_days
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_date: date field" {
	run "$TOP/t/unit/test_mime_date" date_field
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_search: case folding" {
	run "$TOP/t/unit/test_mime_search" case_folding
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_search: header search" {
	run "$TOP/t/unit/test_mime_search" header_search
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_search: body search" {
	run "$TOP/t/unit/test_mime_search" body_search
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_search: a file parsed and searched through a window, base64 and quoted-printable, a needle across pieces" {
	run "$TOP/t/unit/test_mime_search" file_search
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "mime_search: decode parts" {
	run "$TOP/t/unit/test_mime_search" decode_parts
	echo "$output"
	[ "$status" -eq 0 ]
}

