/* test_base64.c - RFC 4648 base64: the §10 vectors, strict refusals,
 * the MIME-lenient decoder (RFC 2045 §6.8) and the cap of struct bytes. */
#include "check.h"
#include "base64.h"
#include <string.h>

static const char *const plain[] = {
	"", "f", "fo", "foo", "foob", "fooba", "foobar",
};
static const char *const coded[] = {
	"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy",
};

/* RFC 4648 §10, both ways. */
static void rfc4648_vectors(void)
{
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		struct bytes b;
		bytes_init(&b, 64);
		CHECK(base64_encode(plain[i], strlen(plain[i]), &b) == 0);
		CHECK(strcmp(bytes_str(&b), coded[i]) == 0);
		bytes_clear(&b);
		CHECK(base64_decode(coded[i], strlen(coded[i]), &b) == 0);
		CHECK(b.len == strlen(plain[i]));
		CHECK(strcmp(bytes_str(&b), plain[i]) == 0);
		bytes_clear(&b);
		CHECK(base64_decode_lenient(coded[i], strlen(coded[i]), &b)
		      == 0);
		CHECK(strcmp(bytes_str(&b), plain[i]) == 0);
		bytes_free(&b);
	}
}

/* Every octet value, every length up to 600 (past the 256-octet chunk),
 * round trip; output appends to what is already there. */
static void round_trip(void)
{
	unsigned char data[600];
	struct bytes enc, dec;

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (size_t n = 0; n <= sizeof data; n += (n < 10 ? 1 : 37)) {
		bytes_init(&enc, 1024);
		bytes_init(&dec, 1024);
		CHECK(bytes_append_str(&dec, "pre") == 0);
		CHECK(base64_encode(data, n, &enc) == 0);
		CHECK(enc.len == (n + 2) / 3 * 4);
		CHECK(base64_decode(enc.data ? enc.data : "", enc.len, &dec)
		      == 0);
		CHECK(dec.len == n + 3 && memcmp(dec.data, "pre", 3) == 0);
		CHECK(memcmp(dec.data + 3, data, n) == 0);
		bytes_free(&enc);
		bytes_free(&dec);
	}
}

/* Strict decode refuses s and leaves the string as it was. */
static void refused(const char *s, size_t n)
{
	struct bytes b;
	bytes_init(&b, 64);
	CHECK(bytes_append_str(&b, "keep") == 0);
	if (base64_decode(s, n, &b) != -1 || b.len != 4 ||
	    strcmp(bytes_str(&b), "keep") != 0) {
		fprintf(stderr, "accepted: %.*s\n", (int)n, s);
		CHECK(!"strict decode accepted bad input");
	}
	bytes_free(&b);
}

static void bad_padding(void)
{
	static const char *const t[] = {
		"Zg", "Zg=", "Zm8", "Zm9vY", "Z===", "====", "Zg=a", "=Zg=",
		"Zg==Zg==", "Zm9v=", "Zm9v====", "Zm8=Zm8=", "Zg===", "Z=g=",
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		refused(t[i], strlen(t[i]));
}

static void bad_characters(void)
{
	static const char *const t[] = {
		"Zm9v\n", "Zm 9v", "Zm9v\r\n", "Zm9vYmF-", "Zm9vYmF_",
		"Zm9v.mFy", "Zm9vYmF\x80", "Zm9vYm\xc3\xa9", " Zm9",
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		refused(t[i], strlen(t[i]));
	refused("Zm\0v", 4);            /* a NUL inside the given length */
}

static void cap_overflow(void)
{
	struct bytes b;
	char big[400];

	bytes_init(&b, 3);
	CHECK(base64_decode("Zm9v", 4, &b) == 0 && b.len == 3);
	CHECK(base64_decode("Zg==", 4, &b) == -1 && b.len == 3);
	bytes_free(&b);
	bytes_init(&b, 2);
	CHECK(base64_decode("Zm9v", 4, &b) == -1 && b.len == 0);
	CHECK(base64_decode_lenient("Zm9v", 4, &b) == -1 && b.len == 0);
	CHECK(base64_encode("f", 1, &b) == -1 && b.len == 0);
	bytes_free(&b);
	bytes_init(&b, 4);
	CHECK(base64_encode("foo", 3, &b) == 0 && b.len == 4);
	CHECK(base64_encode("", 0, &b) == 0 && b.len == 4);
	CHECK(base64_encode("f", 1, &b) == -1 && b.len == 4);
	bytes_free(&b);
	/* a cap hit after a chunk was flushed undoes the flushed part too */
	memset(big, 'A', sizeof big);
	bytes_init(&b, 290);
	CHECK(bytes_append_str(&b, "x") == 0);
	CHECK(base64_decode(big, sizeof big, &b) == -1);
	CHECK(b.len == 1 && strcmp(bytes_str(&b), "x") == 0);
	CHECK(base64_encode(big, 250, &b) == -1);
	CHECK(b.len == 1 && strcmp(bytes_str(&b), "x") == 0);
	bytes_free(&b);
}

static void expect_lenient(const char *in, const char *out)
{
	struct bytes b;
	bytes_init(&b, 64);
	CHECK(base64_decode_lenient(in, strlen(in), &b) == 0);
	if (strcmp(bytes_str(&b), out) != 0) {
		fprintf(stderr, "lenient %s gave %s\n", in, bytes_str(&b));
		CHECK(!"lenient decode");
	}
	bytes_free(&b);
}

static void lenient(void)
{
	expect_lenient("Zm9v\r\nYmFy\r\n", "foobar");
	expect_lenient("Zm 9v\tYm-F_y!", "foobar");
	expect_lenient("Zm9vYg==\r\n", "foob");
	expect_lenient("Zm9vYmE=", "fooba");
	expect_lenient("Zm9vYmE=Zm9v", "fooba");        /* stops at '=' */
	expect_lenient("Zm9vYg", "foo");        /* dangling quantum dropped */
	expect_lenient("Zm9vY", "foo");
	expect_lenient("Zm9vY=", "foo");        /* 6 bits make no octet */
	expect_lenient("=Zm9v", "");
	expect_lenient("\xc3\xa9Zm9v\x80", "foo");
	expect_lenient("", "");
}

static const struct check_case cases[] = {
	{ "rfc4648_vectors", rfc4648_vectors },
	{ "round_trip", round_trip },
	{ "bad_padding", bad_padding },
	{ "bad_characters", bad_characters },
	{ "cap_overflow", cap_overflow },
	{ "lenient", lenient },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
