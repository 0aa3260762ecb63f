/* test_mutf7.c - lib/mutf7: modified UTF-7 mailbox names (RFC 3501
 * §5.1.3), decoded and encoded. */
#include "check.h"
#include "mutf7.h"
#include <string.h>

/* utf8 encodes to want, and want decodes back to utf8. */
static int both_ways(const char *utf8, const char *want)
{
	struct bytes e, d;
	bytes_init(&e, 4096);
	bytes_init(&d, 4096);
	int ok = mutf7_encode(utf8, strlen(utf8), &e) == 0 &&
		 !strcmp(bytes_str(&e), want) &&
		 mutf7_decode(bytes_str(&e), &d) == 0 &&
		 !strcmp(bytes_str(&d), utf8);
	if (!ok)
		fprintf(stderr, "%s: got %s / %s\n", utf8, bytes_str(&e),
			bytes_str(&d));
	bytes_free(&e);
	bytes_free(&d);
	return ok;
}

static int encodes(const char *utf8, size_t len)
{
	struct bytes e;
	bytes_init(&e, 4096);
	int rc = mutf7_encode(utf8, len, &e);
	bytes_free(&e);
	return rc == 0;
}

static void encode_examples(void)
{
	CHECK(both_ways("INBOX", "INBOX"));
	CHECK(both_ways("", ""));
	CHECK(both_ways("Tom & Jerry", "Tom &- Jerry"));
	/* RFC 3501 §5.1.3's example */
	CHECK(both_ways("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
			"~peter/mail/&U,BTFw-/&ZeVnLIqe-"));
	CHECK(both_ways("Entw\xc3\xbcrfe", "Entw&APw-rfe"));
	CHECK(both_ways("\xc3\xa9t\xc3\xa9", "&AOk-t&AOk-"));
	/* outside the BMP: a surrogate pair (U+1F600) */
	CHECK(both_ways("a\xf0\x9f\x98\x80", "a&2D3eAA-"));
	/* a control character is not printable: encoded */
	CHECK(both_ways("a\tb", "a&AAk-b"));
}

static void encode_long_run(void)
{
	char text[400];
	size_t n = 0;
	for (int i = 0; i < 100; i++) {         /* 100 x U+00E9 */
		text[n++] = (char)0xc3;
		text[n++] = (char)0xa9;
	}
	text[n] = '\0';
	struct bytes e, d;
	bytes_init(&e, 4096);
	bytes_init(&d, 4096);
	CHECK(mutf7_encode(text, n, &e) == 0);
	CHECK(mutf7_decode(bytes_str(&e), &d) == 0 && !strcmp(bytes_str(&d), text));
	bytes_free(&e);
	bytes_free(&d);
}

static void encode_refuses(void)
{
	CHECK(!encodes("\xff", 1));             /* not UTF-8 */
	CHECK(!encodes("\xc3", 1));             /* cut short */
	CHECK(!encodes("\xc0\xaf", 2));         /* overlong */
	CHECK(!encodes("\xed\xa0\x80", 3));     /* a surrogate */
	CHECK(!encodes("a\0b", 3));             /* NUL */
}

static void decode_refuses(void)
{
	struct bytes d;
	bytes_init(&d, 4096);
	CHECK(mutf7_decode("&AGE-", &d) < 0);   /* "a" encoded */
	CHECK(mutf7_decode("&2D0-", &d) < 0);   /* a lone surrogate */
	CHECK(mutf7_decode("&AOk", &d) < 0);    /* no '-' */
	CHECK(mutf7_decode("&AOl-", &d) < 0);   /* spare bits not 0 */
	bytes_free(&d);
}

static const struct check_case cases[] = {
	{ "encode_examples", encode_examples },
	{ "encode_long_run", encode_long_run },
	{ "encode_refuses", encode_refuses },
	{ "decode_refuses", decode_refuses },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
