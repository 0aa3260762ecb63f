#!/usr/bin/env bats
# lib/mime against the corpus in t/mime-corpus/ (see its README): each
# message, with LF and with CRLF line ends, must give exactly the
# hand-checked BODYSTRUCTURE, BODY, ENVELOPE, size and decoded text.

load helpers

corpus() {
	local name=$1 dir="$TOP/t/mime-corpus"
	run "$TOP/t/unit/test_mime" --dump "$dir/$name.eml"
	[ "$status" -eq 0 ]
	diff -u "$dir/$name.expected" <(printf '%s\n' "$output")
	perl -pe 's/\n/\r\n/' "$dir/$name.eml" > "$BATS_TEST_TMPDIR/crlf.eml"
	run "$TOP/t/unit/test_mime" --dump "$BATS_TEST_TMPDIR/crlf.eml"
	[ "$status" -eq 0 ]
	diff -u "$dir/$name.expected" <(printf '%s\n' "$output")
}

@test "mime corpus: simple text message" { corpus simple; }
@test "mime corpus: nested multiparts" { corpus nested; }
@test "mime corpus: message/rfc822 inside multipart" { corpus rfc822-in-multipart; }
@test "mime corpus: missing close delimiter" { corpus missing-close; }
@test "mime corpus: boundary in quotes, padding after delimiters" { corpus boundary-quoted; }
@test "mime corpus: RFC 2231 parameters" { corpus rfc2231; }
@test "mime corpus: encoded words, groups, routes, comments" { corpus encoded-words; }
@test "mime corpus: base64 with line breaks and junk" { corpus base64-junk; }
@test "mime corpus: quoted-printable soft breaks" { corpus qp-soft; }
@test "mime corpus: no Content-Type" { corpus no-content-type; }
@test "mime corpus: empty body" { corpus empty-body; }
@test "mime corpus: header only, no empty line" { corpus header-only; }
@test "mime corpus: multipart/digest defaults" { corpus digest; }
@test "mime corpus: broken multiparts degrade to text" { corpus broken-multipart; }
@test "mime corpus: nested multipart reusing the parent's boundary" { corpus reused-boundary; }

@test "mime corpus: every message has a test" {
	local f name
	for f in "$TOP"/t/mime-corpus/*.eml; do
		name=$(basename "$f" .eml)
		grep -q "{ corpus $name; }" "$BATS_TEST_FILENAME"
		[ -f "$TOP/t/mime-corpus/$name.expected" ]
	done
}
