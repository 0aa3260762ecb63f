/* sha512_crypt.h - the SHA-512 crypt(3) hash, "$6$" (Drepper's
 * "Unix crypt using SHA-256 and SHA-512"), built in so that every libc
 * the programs are linked with checks the hashes `openssl passwd -6`
 * and every Linux distribution write, whether or not it has crypt(3). */
#ifndef POSTERN_SHA512_CRYPT_H
#define POSTERN_SHA512_CRYPT_H
#include <stddef.h>

/* Is setting a "$6$" string (the scheme this module computes)? */
int sha512_crypt_is_scheme(const char *setting);

/* Hash password with the salt and rounds of setting ("$6$SALT$..." or
 * "$6$rounds=N$SALT$...", as crypt(3) takes it) into out, in crypt(3)'s
 * form. Returns 0, or -1 when setting is not "$6$" or out (at least
 * SHA_CRYPT_HASH_MAX bytes is enough) is too small; out is then "". */
int sha512_crypt(const char *password, const char *setting, char *out,
		 size_t size);

#endif
