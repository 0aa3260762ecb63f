/* test_mime_encoding.c - lib/mime_encoding: CRLF sizes, QP, RFC 2047,
 * charsets. */
#include <string.h>
#include "bytes.h"
#include "check.h"
#include "mime_encoding.h"

static struct bytes out;

static const char *qp(const char *s, int header)
{
	bytes_free(&out);
	bytes_init(&out, 1 << 20);
	CHECK(mime_qp_decode(s, strlen(s), header, &out) == 0);
	return bytes_str(&out);
}

static const char *ew(const char *s)
{
	bytes_free(&out);
	bytes_init(&out, 1 << 20);
	CHECK(mime_rfc2047_decode(s, strlen(s), &out) == 0);
	return bytes_str(&out);
}

static const char *conv(const char *charset, const char *s)
{
	bytes_free(&out);
	bytes_init(&out, 1 << 20);
	CHECK(mime_charset_to_utf8(charset, s, strlen(s), &out) == 0);
	return bytes_str(&out);
}

static void crlf_size_and_lines(void)
{
	CHECK(mime_crlf_size("", 0) == 0);
	CHECK(mime_crlf_size("a\nb\n", 4) == 6);
	CHECK(mime_crlf_size("a\r\nb\r\n", 6) == 6);
	CHECK(mime_crlf_size("a\rb\n", 4) == 5);          /* bare CR stays */
	CHECK(mime_crlf_size("\n\n", 2) == 4);
	CHECK(mime_crlf_lines("a\nb\n", 4) == 2);
	CHECK(mime_crlf_lines("a\nb", 3) == 1);           /* as Dovecot counts */
	CHECK(mime_crlf_lines("", 0) == 0);
	CHECK(mime_crlf_lines("x\r\n", 3) == 1);
}

static void crlf_append(void)
{
	static const char *const in[] = { "a\nb\n", "a\r\nb", "\n", "x\ry", "\r\n\n" };
	static const char *const want[] = { "a\r\nb\r\n", "a\r\nb", "\r\n", "x\ry",
					    "\r\n\r\n" };
	for (size_t k = 0; k < 5; k++) {
		struct bytes b;
		bytes_init(&b, 100);
		CHECK(mime_crlf_append(&b, in[k], strlen(in[k])) == 0);
		CHECK(strcmp(bytes_str(&b), want[k]) == 0);
		CHECK(b.len == mime_crlf_size(in[k], strlen(in[k])));
		bytes_free(&b);
	}
	struct bytes small;
	bytes_init(&small, 3);
	CHECK(mime_crlf_append(&small, "ab\n", 3) == -1);  /* cap */
	bytes_free(&small);
}

/* Every slice of the CRLF form equals the same bytes of mime_crlf_append. */
static void crlf_slice(void)
{
	static const char *const in[] = { "a\nb\r\nc\n", "\n\n", "x\ry\n", "", "abc" };
	for (size_t k = 0; k < 5; k++) {
		size_t n = strlen(in[k]);
		struct bytes whole, part;
		bytes_init(&whole, 100);
		bytes_init(&part, 100);
		CHECK(mime_crlf_append(&whole, in[k], n) == 0);
		for (size_t start = 0; start <= whole.len + 1; start++)
			for (size_t len = 0; len <= whole.len + 1; len++) {
				size_t want = start > whole.len ? 0
					: len < whole.len - start ? len : whole.len - start;
				bytes_clear(&part);
				CHECK(mime_crlf_slice(&part, in[k], n, start, len) == 0);
				CHECK(part.len == want);
				CHECK(want == 0 || memcmp(part.data, whole.data + start, want) == 0);
			}
		bytes_free(&whole);
		bytes_free(&part);
	}
}

static void quoted_printable(void)
{
	CHECK(strcmp(qp("Caf=E9", 0), "Caf\xe9") == 0);
	CHECK(strcmp(qp("caf=e9", 0), "caf\xe9") == 0);   /* lower case hex */
	CHECK(strcmp(qp("soft=\nbreak", 0), "softbreak") == 0);
	CHECK(strcmp(qp("soft=\r\nbreak\r\n", 0), "softbreak\n") == 0);
	CHECK(strcmp(qp("soft= \t\nbreak", 0), "softbreak") == 0);
	CHECK(strcmp(qp("trail   \nx", 0), "trail\nx") == 0);
	CHECK(strcmp(qp("a=ZZb", 0), "a=ZZb") == 0);      /* malformed kept */
	CHECK(strcmp(qp("end=", 0), "end") == 0);
	CHECK(strcmp(qp("a=4", 0), "a=4") == 0);
	CHECK(strcmp(qp("=3D=3d", 0), "==") == 0);
	CHECK(strcmp(qp("a_b=5Fc", 1), "a b_c") == 0);    /* RFC 2047 Q */
	CHECK(strcmp(qp("=", 1), "=") == 0);
}

static void encoded_words(void)
{
	CHECK(strcmp(ew("plain text"), "plain text") == 0);
	CHECK(strcmp(ew("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "Andr\xc3\xa9 Pirard") == 0);
	CHECK(strcmp(ew("=?UTF-8?B?w6lsw6h2ZQ==?="), "\xc3\xa9l\xc3\xa8ve") == 0);
	/* RFC 2047 §8 examples: white space between words disappears */
	CHECK(strcmp(ew("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)") == 0);
	CHECK(strcmp(ew("(=?ISO-8859-1?Q?a?=  \r\n  =?ISO-8859-1?Q?b?=)"), "(ab)") == 0);
	CHECK(strcmp(ew("(=?ISO-8859-1?Q?a?= b)"), "(a b)") == 0);
	CHECK(strcmp(ew("(=?ISO-8859-1?Q?a_b?=)"), "(a b)") == 0);
	CHECK(strcmp(ew("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)") == 0);
	/* a UTF-8 character split between two words survives */
	CHECK(strcmp(ew("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?="), "caf\xc3\xa9") == 0);
	CHECK(strcmp(ew("=?utf-8*en?q?hi?="), "hi") == 0);       /* RFC 2231 §5 */
	/* malformed words stay as they are */
	CHECK(strcmp(ew("=?UTF-8?X?abc?="), "=?UTF-8?X?abc?=") == 0);
	CHECK(strcmp(ew("=?UTF-8?Q?a b?="), "=?UTF-8?Q?a b?=") == 0);
	CHECK(strcmp(ew("=?UTF-8?Q?unterminated"), "=?UTF-8?Q?unterminated") == 0);
	CHECK(strcmp(ew("=??Q?x?="), "=??Q?x?=") == 0);
	CHECK(strcmp(ew("=?"), "=?") == 0);
	/* junk inside base64 is skipped, unknown charset falls back */
	CHECK(strcmp(ew("=?x-unknown?B?aGk=?="), "hi") == 0);
	CHECK(strcmp(ew("x =?UTF-8?Q?y?= z"), "x y z") == 0);
}

static void charsets(void)
{
	CHECK(strcmp(conv("ISO-8859-1", "caf\xe9"), "caf\xc3\xa9") == 0);
	CHECK(strcmp(conv("latin1", "\xa3"), "\xc2\xa3") == 0);
	CHECK(strcmp(conv("windows-1252", "\x80"), "\xe2\x82\xac") == 0);
	CHECK(strcmp(conv("iso-8859-15", "\xa4"), "\xe2\x82\xac") == 0);
	CHECK(strcmp(conv("ISO-8859-1", "\xa4"), "\xc2\xa4") == 0);
	CHECK(strcmp(conv("UTF-8", "caf\xc3\xa9"), "caf\xc3\xa9") == 0);
	CHECK(strcmp(conv("us-ascii", "abc"), "abc") == 0);
	/* invalid UTF-8 octets are read as Windows-1252 */
	CHECK(strcmp(conv("utf-8", "caf\xe9!"), "caf\xc3\xa9!") == 0);
	CHECK(strcmp(conv("utf-8", "\xc0\xaf"), "\xc3\x80\xc2\xaf") == 0);  /* overlong */
	CHECK(strcmp(conv("utf-8", "\xed\xa0\x80"), "\xc3\xad\xc2\xa0\xe2\x82\xac") == 0);
	CHECK(strcmp(conv(NULL, "\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80") == 0);
	CHECK(strcmp(conv("x-made-up", "\xe9"), "\xc3\xa9") == 0);
	struct bytes b;
	bytes_init(&b, 100);
	CHECK(mime_charset_to_utf8("utf-8", "a\0b", 3, &b) == 0);      /* NUL dropped */
	CHECK(b.len == 2 && memcmp(b.data, "ab", 2) == 0);
	bytes_free(&b);
}

static void utf8_codec(void)
{
	unsigned cp = 0;
	CHECK(mime_utf8_decode("\xe2\x82\xac", 3, &cp) == 3 && cp == 0x20ac);
	CHECK(mime_utf8_decode("\xe2\x82", 2, &cp) == 0);
	CHECK(mime_utf8_decode("\xf4\x90\x80\x80", 4, &cp) == 0);     /* > U+10FFFF */
	CHECK(mime_utf8_decode("\x80", 1, &cp) == 0);
	struct bytes b;
	bytes_init(&b, 100);
	CHECK(mime_utf8_append(&b, 0x1f600) == 0 && mime_utf8_append(&b, 0xe9) == 0);
	CHECK(strcmp(bytes_str(&b), "\xf0\x9f\x98\x80\xc3\xa9") == 0);
	bytes_free(&b);
}

static void cleanup(void)
{
	bytes_free(&out);
}

static const struct check_case cases[] = {
	{ "crlf_size_and_lines", crlf_size_and_lines },
	{ "crlf_append", crlf_append },
	{ "crlf_slice", crlf_slice },
	{ "quoted_printable", quoted_printable },
	{ "encoded_words", encoded_words },
	{ "charsets", charsets },
	{ "utf8_codec", utf8_codec },
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	int r = check_main(argc, argv, cases);
	cleanup();
	return r;
}
