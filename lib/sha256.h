/* sha256.h - SHA-256 (FIPS 180-4), for hashing API tokens and session
 * cookies before they are stored, and for content-addressed blob ids. */
#ifndef POSTERN_SHA256_H
#define POSTERN_SHA256_H
#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32

struct sha256 {
	uint32_t h[8];
	uint64_t total;         /* bytes hashed so far */
	size_t used;            /* bytes waiting in block */
	unsigned char block[64];
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *p, size_t n);
void sha256_final(struct sha256 *c, unsigned char digest[SHA256_SIZE]);
/* sha256_final, as 64 lowercase hex digits and a NUL. */
void sha256_final_hex(struct sha256 *c, char hex[2 * SHA256_SIZE + 1]);
/* The digest of p[0..n) as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *p, size_t n, char hex[2 * SHA256_SIZE + 1]);

#endif
