/* test_sha512_crypt.c - SHA-512 (FIPS 180-4) and the "$6$" crypt hash. */
#include "check.h"
#include "limits.h"
#include "sha512.h"
#include "sha512_crypt.h"
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex_digest(const void *p, size_t n, size_t repeat, char *hex)
{
	struct sha512 h;
	unsigned char d[SHA512_DIGEST_SIZE];

	sha512_init(&h);
	for (size_t i = 0; i < repeat; i++)
		sha512_update(&h, p, n);
	sha512_final(&h, d);
	for (int i = 0; i < SHA512_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* FIPS 180-4 examples (NIST's SHA512.pdf) and the one-million-'a' one. */
static void sha512_known_digests(void)
{
	char hex[2 * SHA512_DIGEST_SIZE + 1];

	hex_digest("abc", 3, 1, hex);
	CHECK(strcmp(hex, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f") == 0);
	hex_digest("", 0, 1, hex);
	CHECK(strcmp(hex, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
		     "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e") == 0);
	hex_digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		   "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112, 1, hex);
	CHECK(strcmp(hex, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
		     "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909") == 0);
	hex_digest("aaaaaaaaaa", 10, 100000, hex);
	CHECK(strcmp(hex, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		     "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b") == 0);
}

/* The examples of the SHA-crypt specification. */
static void crypt_specification_examples(void)
{
	static const char *const v[][3] = {
		{"$6$saltstring", "Hello world!",
		 "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJ"
		 "uesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
		{"$6$rounds=10000$saltstringsaltstring", "Hello world!",
		 "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0s"
		 "bHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
		{"$6$rounds=1400$anotherlongsaltstring",
		 "a very much longer text to encrypt.  This one even stretches over "
		 "morethan one line.",
		 "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.w"
		 "PvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1"},
		{"$6$rounds=10$roundstoolow", "the minimum number is still observed",
		 "$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1x"
		 "hLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX."},
	};
	char out[SHA_CRYPT_HASH_MAX];

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		CHECK(sha512_crypt(v[i][1], v[i][0], out, sizeof out) == 0);
		CHECK(strcmp(out, v[i][2]) == 0);
	}
}

/* The same hash as libc's crypt(3) for passwords and salts of every
 * length around the digest and block sizes. */
static void crypt_agrees_with_libc(void)
{
	char out[SHA_CRYPT_HASH_MAX], again[SHA_CRYPT_HASH_MAX];
	char password[200], setting[64];
	struct crypt_data data;

	for (size_t len = 0; len < sizeof password - 1; len += 7) {
		for (size_t i = 0; i < len; i++)
			password[i] = (char)('!' + (i * 31 + len) % 90);
		password[len] = '\0';
		snprintf(setting, sizeof setting, "$6$%s%.*s$",
			 len % 3 ? "rounds=1001$" : "", (int)(len % 17), "0123456789abcdefXYZ");
		memset(&data, 0, sizeof data);
		const char *want = crypt_r(password, setting, &data);
		CHECK(sha512_crypt(password, setting, out, sizeof out) == 0);
		CHECK(want && strcmp(out, want) == 0);
		/* a whole stored hash as the setting gives the hash again */
		CHECK(sha512_crypt(password, out, again, sizeof again) == 0);
		CHECK(want && strcmp(again, want) == 0);
	}
}

static void crypt_refuses_other_schemes(void)
{
	char out[SHA_CRYPT_HASH_MAX] = "x";

	CHECK(sha512_crypt("secret", "$y$j9T$abc$", out, sizeof out) == -1);
	CHECK(out[0] == '\0');
	CHECK(sha512_crypt("secret", "ab", out, sizeof out) == -1);
	CHECK(sha512_crypt("secret", "$6$salt$", out, 20) == -1);
	CHECK(sha512_crypt_is_scheme("$6$x") == 1);
	CHECK(sha512_crypt_is_scheme("$5$x") == 0);
}

static const struct check_case cases[] = {
	{ "sha512_known_digests", sha512_known_digests },
	{ "crypt_specification_examples", crypt_specification_examples },
	{ "crypt_agrees_with_libc", crypt_agrees_with_libc },
	{ "crypt_refuses_other_schemes", crypt_refuses_other_schemes },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
