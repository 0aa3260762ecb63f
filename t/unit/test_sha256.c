/* test_sha256.c - lib/sha256 against FIPS 180-4's examples and
 * sha256sum, across the block boundaries. */
#include "check.h"
#include "sha256.h"
#include <stdio.h>
#include <string.h>

static void fips_vectors(void)
{
	char hex[65];
	sha256_hex("abc", 3, hex);
	CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223"
			   "b00361a396177a9cb410ff61f20015ad"));
	sha256_hex("", 0, hex);
	CHECK(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			   "27ae41e4649b934ca495991b7852b855"));
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), hex);
	CHECK(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039"
			   "a33ce45964ff2167f6ecedd419db06c1"));
}

/* A million 'a' fed in odd pieces (FIPS 180-2 appendix B.3). */
static void million_a(void)
{
	static char a[1001];
	unsigned char d[SHA256_SIZE];
	struct sha256 c;
	memset(a, 'a', sizeof a);
	sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sha256_update(&c, a, i % 2 ? 999 : 1001);
	sha256_final(&c, d);
	CHECK(d[0] == 0xcd && d[1] == 0xc7 && d[30] == 0x2c && d[31] == 0xd0);
}

static const struct check_case cases[] = {
	{ "fips_vectors", fips_vectors },
	{ "million_a", million_a },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
