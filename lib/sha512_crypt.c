/* sha512_crypt.c - "$6$" crypt(3) hashes, following the steps of Ulrich
 * Drepper's specification "Unix crypt using SHA-256 and SHA-512" (the
 * step numbers below are its numbers). */
#include "sha512_crypt.h"
#include "limits.h"
#include "sha512.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "$6$"
#define ROUNDS_PREFIX "rounds="

struct sha_crypt_input {
	const char *key;
	size_t key_len;
	char salt[SHA_CRYPT_SALT_MAX + 1];
	size_t salt_len;
	long rounds;
	int rounds_given;       /* "rounds=" was in the setting: repeat it */
};

int sha512_crypt_is_scheme(const char *setting)
{
	return strncmp(setting, PREFIX, strlen(PREFIX)) == 0;
}

/* The salt and rounds of a "$6$" setting. */
static void parse_setting(const char *setting, struct sha_crypt_input *in)
{
	const char *p = setting + strlen(PREFIX);
	char *end;

	in->rounds = SHA_CRYPT_ROUNDS_DEFAULT;
	in->rounds_given = 0;
	if (strncmp(p, ROUNDS_PREFIX, strlen(ROUNDS_PREFIX)) == 0) {
		unsigned long r = strtoul(p + strlen(ROUNDS_PREFIX), &end, 10);
		if (*end == '$' && end > p + strlen(ROUNDS_PREFIX)) {
			in->rounds = r < SHA_CRYPT_ROUNDS_MIN ? SHA_CRYPT_ROUNDS_MIN
				: r > SHA_CRYPT_ROUNDS_MAX ? SHA_CRYPT_ROUNDS_MAX
				: (long)r;
			in->rounds_given = 1;
			p = end + 1;
		}
	}
	in->salt_len = strcspn(p, "$");
	if (in->salt_len > SHA_CRYPT_SALT_MAX)
		in->salt_len = SHA_CRYPT_SALT_MAX;
	memcpy(in->salt, p, in->salt_len);
	in->salt[in->salt_len] = '\0';
}

/* Add n bytes of a digest repeated as needed (steps 11 and 16-21's P, S). */
static void add_repeated(struct sha512 *h, const unsigned char *digest, size_t n)
{
	for (; n > SHA512_DIGEST_SIZE; n -= SHA512_DIGEST_SIZE)
		sha512_update(h, digest, SHA512_DIGEST_SIZE);
	sha512_update(h, digest, n);
}

/* Steps 1-12: digest A. */
static void digest_a(const struct sha_crypt_input *in, unsigned char a[SHA512_DIGEST_SIZE])
{
	struct sha512 h;
	unsigned char b[SHA512_DIGEST_SIZE];

	sha512_init(&h);                                /* steps 4-8: B */
	sha512_update(&h, in->key, in->key_len);
	sha512_update(&h, in->salt, in->salt_len);
	sha512_update(&h, in->key, in->key_len);
	sha512_final(&h, b);
	sha512_init(&h);                                /* steps 1-3 */
	sha512_update(&h, in->key, in->key_len);
	sha512_update(&h, in->salt, in->salt_len);
	add_repeated(&h, b, in->key_len);               /* steps 9-10 */
	for (size_t n = in->key_len; n > 0; n >>= 1)    /* step 11 */
		if (n & 1)
			sha512_update(&h, b, sizeof b);
		else
			sha512_update(&h, in->key, in->key_len);
	sha512_final(&h, a);                            /* step 12 */
	memset(b, 0, sizeof b);
}

/* Steps 13-20: the byte sequences P (from the key) and S (from the salt),
 * as digests DP and DS that get repeated to the key's and salt's length. */
static void digests_p_s(const struct sha_crypt_input *in, unsigned char a0,
			unsigned char dp[SHA512_DIGEST_SIZE],
			unsigned char ds[SHA512_DIGEST_SIZE])
{
	struct sha512 h;

	sha512_init(&h);
	for (size_t i = 0; i < in->key_len; i++)
		sha512_update(&h, in->key, in->key_len);
	sha512_final(&h, dp);
	sha512_init(&h);
	for (unsigned i = 0; i < 16u + a0; i++)
		sha512_update(&h, in->salt, in->salt_len);
	sha512_final(&h, ds);
}

/* Step 21: the rounds, leaving the final digest in c. */
static void rounds(const struct sha_crypt_input *in, unsigned char c[SHA512_DIGEST_SIZE])
{
	unsigned char dp[SHA512_DIGEST_SIZE], ds[SHA512_DIGEST_SIZE];
	struct sha512 h;

	digest_a(in, c);
	digests_p_s(in, c[0], dp, ds);
	for (long i = 0; i < in->rounds; i++) {
		sha512_init(&h);
		if (i & 1)
			add_repeated(&h, dp, in->key_len);
		else
			sha512_update(&h, c, SHA512_DIGEST_SIZE);
		if (i % 3)
			add_repeated(&h, ds, in->salt_len);
		if (i % 7)
			add_repeated(&h, dp, in->key_len);
		if (i & 1)
			sha512_update(&h, c, SHA512_DIGEST_SIZE);
		else
			add_repeated(&h, dp, in->key_len);
		sha512_final(&h, c);
	}
	memset(dp, 0, sizeof dp);
}

/* Step 22e: the digest in crypt's base-64, four characters for each
 * three bytes, the bytes taken in the specification's order. */
static void encode_digest(const unsigned char *c, char *out)
{
	static const char alphabet[] =
		"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	static const unsigned char order[21][3] = {
		{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45},
		{25, 46, 4}, {47, 5, 26}, {6, 27, 48}, {28, 49, 7},
		{50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32},
		{12, 33, 54}, {34, 55, 13}, {56, 14, 35}, {15, 36, 57},
		{37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19},
		{62, 20, 41},
	};
	unsigned long w;

	for (int i = 0; i < 21; i++) {
		w = (unsigned long)c[order[i][0]] << 16 |
		    (unsigned long)c[order[i][1]] << 8 | c[order[i][2]];
		for (int k = 0; k < 4; k++, w >>= 6)
			*out++ = alphabet[w & 0x3f];
	}
	w = c[63];
	for (int k = 0; k < 2; k++, w >>= 6)
		*out++ = alphabet[w & 0x3f];
	*out = '\0';
}

int sha512_crypt(const char *password, const char *setting, char *out, size_t size)
{
	struct sha_crypt_input in;
	unsigned char c[SHA512_DIGEST_SIZE];
	size_t n;

	if (size > 0)
		out[0] = '\0';
	if (!sha512_crypt_is_scheme(setting) || size < SHA_CRYPT_HASH_MAX)
		return -1;
	in.key = password;
	in.key_len = strlen(password);
	parse_setting(setting, &in);
	rounds(&in, c);
	if (in.rounds_given)
		n = (size_t)snprintf(out, size, PREFIX ROUNDS_PREFIX "%ld$%s$",
				     in.rounds, in.salt);
	else
		n = (size_t)snprintf(out, size, PREFIX "%s$", in.salt);
	encode_digest(c, out + n);
	memset(c, 0, sizeof c);
	return 0;
}
