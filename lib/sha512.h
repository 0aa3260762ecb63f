/* sha512.h - SHA-512 (FIPS 180-4), for the SHA-crypt password hash. */
#ifndef POSTERN_SHA512_H
#define POSTERN_SHA512_H
#include <stddef.h>
#include <stdint.h>

#define SHA512_DIGEST_SIZE 64
#define SHA512_BLOCK_SIZE 128

struct sha512 {
	uint64_t state[8];
	uint64_t length;                        /* bytes hashed so far */
	unsigned char block[SHA512_BLOCK_SIZE]; /* the partial block */
};

/* Start a new hash. */
void sha512_init(struct sha512 *h);
/* Hash n more bytes. Messages up to 2^61 bytes. */
void sha512_update(struct sha512 *h, const void *p, size_t n);
/* Write the digest to out and wipe h. */
void sha512_final(struct sha512 *h, unsigned char out[SHA512_DIGEST_SIZE]);

#endif
