/* test_mutf7.c - modified UTF-7 mailbox names (RFC 3501 §5.1.3): the
 * encoder against the RFC's example and the decoder, round trips, and
 * the characters RFC 6855 §3 keeps out of names. */
#include "check.h"
#include "mutf7.h"
#include <string.h>

static void expect_encode(const char *utf8, const char *want)
{
	struct bytes b;
	bytes_init(&b, 1024);
	CHECK(mutf7_encode(utf8, strlen(utf8), &b) == 0);
	CHECK(strcmp(bytes_str(&b), want) == 0);
	if (strcmp(bytes_str(&b), want))
		fprintf(stderr, "  %s -> %s, want %s\n", utf8, bytes_str(&b),
			want);
	bytes_free(&b);
}

/* RFC 3501 §5.1.3's example, '&', ASCII, a surrogate pair (U+1F600). */
static void encode_examples(void)
{
	expect_encode("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		      "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
	expect_encode("Tom & Jerry", "Tom &- Jerry");
	expect_encode("INBOX", "INBOX");
	expect_encode("", "");
	expect_encode("Entw\xc3\xbc" "rfe", "Entw&APw-rfe");
	expect_encode("\xf0\x9f\x98\x80", "&2D3eAA-");
	expect_encode("\xc3\xa4\xc3\xb6.x", "&AOQA9g-.x");
}

/* Whatever is encoded decodes to itself. */
static void round_trip(void)
{
	static const char *const names[] = {
		"caf\xc3\xa9", "\xd0\x9e\xd1\x82\xd0\xbf\xd1\x83\xd1\x81\xd0\xba",
		"a&b&&c", "\xe2\x82\xac.\xe2\x82\xac\xe2\x82\xac",
		"x\xf0\x9f\x98\x80y\xc3\xa9", "Sent",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct bytes e, d;
		bytes_init(&e, 1024);
		bytes_init(&d, 1024);
		CHECK(mutf7_encode(names[i], strlen(names[i]), &e) == 0);
		CHECK(mutf7_decode(bytes_str(&e), &d) == 0);
		CHECK(strcmp(bytes_str(&d), names[i]) == 0);
		bytes_free(&e);
		bytes_free(&d);
	}
}

/* Not UTF-8, or a character no name may hold: refused. */
static void refused(void)
{
	static const char *const bad[] = {
		"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "tab\there",
		"del\x7f", "c1\xc2\x85", "ls\xe2\x80\xa8", "ps\xe2\x80\xa9",
		"nl\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct bytes b;
		bytes_init(&b, 1024);
		CHECK(mutf7_encode(bad[i], strlen(bad[i]), &b) < 0);
		bytes_free(&b);
	}
}

static const struct check_case cases[] = {
	{ "encode_examples", encode_examples },
	{ "round_trip", round_trip },
	{ "refused", refused },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
