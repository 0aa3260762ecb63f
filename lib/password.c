/* password.c - login check against the "users" control file. */
#include "password.h"
#include "bytes.h"
#include "control.h"
#include "limits.h"
#include "log.h"
#include "settings.h"
#include "sha512_crypt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef POSTERN_WITHOUT_CRYPT
#include <crypt.h>
#endif

/* Compare two strings in time that depends only on their lengths. */
static int equal_constant_time(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t n = la > lb ? la : lb;
	unsigned char diff = (unsigned char)(la != lb);
	for (size_t i = 0; i < n; i++) {
		unsigned char ca = i < la ? (unsigned char)a[i] : 0;
		unsigned char cb = i < lb ? (unsigned char)b[i] : 0;
		diff |= (unsigned char)(ca ^ cb);
	}
	return diff == 0;
}

/* A SHA-512 crypt hash with default rounds, as `openssl passwd -6` makes:
 * hashing against it costs what a real check costs. */
static const char dummy_hash[] =
	"$6$postern.dummy$0000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000";

/* Log that user's hash is of a scheme this build cannot compute (a
 * locked entry, "!..." or "*...", is no hash and is not logged): the
 * scheme is the hash's "$id$" prefix, or its first two characters. */
static void log_unsupported(const char *user, const char *hash)
{
	char scheme[16], quoted_user[2 * ADDRESS_PATH_MAX], quoted_scheme[64];
	size_t n = hash[0] == '$' ? strcspn(hash + 1, "$") + 2 : 2;

#ifdef POSTERN_WITHOUT_CRYPT
	static const char why[] = "this build checks only $6$ (SHA-512) hashes";
#else
	static const char why[] = "crypt(3) cannot check this hash";
#endif
	snprintf(scheme, sizeof scheme, "%.*s", (int)n, hash);
	log_event("event=password-scheme-unsupported user=%s scheme=%s reason=\"%s\"",
		  log_quote(user, quoted_user, sizeof quoted_user),
		  log_quote(scheme, quoted_scheme, sizeof quoted_scheme), why);
}

/* crypt(3) of password with the setting hash into out: "$6$" by the
 * built-in SHA-crypt, any other scheme by libc's crypt_r where the build
 * has it. Returns 0, or -1 when the scheme cannot be computed here. */
static int hash_password(const char *password, const char *hash, char *out,
			 size_t size)
{
	if (sha512_crypt_is_scheme(hash))
		return sha512_crypt(password, hash, out, size);
#ifdef POSTERN_WITHOUT_CRYPT
	return -1;
#else
	static struct crypt_data data;  /* large: keep it off the stack */
	memset(&data, 0, sizeof data);
	const char *computed = crypt_r(password, hash, &data);
	if (!computed || computed[0] == '*')
		return -1;
	snprintf(out, size, "%s", computed);
	return 0;
#endif
}

int password_check(const char *user, const char *password)
{
	struct bytes stored;
	char computed[SHA_CRYPT_HASH_MAX + USERS_LINE_MAX];
	bytes_init(&stored, USERS_LINE_MAX);
	int found = control_lookup("users", user, ':', &stored);
	if (found < 0) {
		bytes_free(&stored);
		return -1;
	}
	const char *hash = found == 1 && stored.len > 0 ? bytes_str(&stored) : dummy_hash;
	int hashed = hash_password(password, hash, computed, sizeof computed);
	if (hashed < 0 && found == 1 && hash[0] != '!' && hash[0] != '*')
		log_unsupported(user, hash);
	int ok = found == 1 && hashed == 0 && equal_constant_time(computed, hash);
	bytes_free(&stored);
	return ok;
}

int password_link_encrypted(int flag)
{
	return flag || getenv("SSL_PROTOCOL") != NULL;
}

int password_allowed(int encrypted)
{
	long plaintext;
	if (encrypted)
		return 1;
	if (setting_load(SETTING_PLAINTEXTAUTH, &plaintext) < 0)
		return -1;
	return plaintext == 1;
}

void password_failure_delay(void)
{
	struct timespec ts = {
		.tv_sec = AUTH_FAILURE_DELAY_MS / 1000,
		.tv_nsec = (AUTH_FAILURE_DELAY_MS % 1000) * 1000000L,
	};
	while (nanosleep(&ts, &ts) < 0)
		;
}
