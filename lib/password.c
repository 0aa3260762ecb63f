/* password.c - login check against the "users" control file. */
#include "password.h"
#include "bytes.h"
#include "control.h"
#include "limits.h"
#include "settings.h"
#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int password_check(const char *user, const char *password)
{
	struct bytes stored;
	static struct crypt_data data;  /* large: keep it off the stack */
	bytes_init(&stored, USERS_LINE_MAX);
	int found = control_lookup("users", user, ':', &stored);
	if (found < 0) {
		bytes_free(&stored);
		return -1;
	}
	const char *hash = found == 1 && stored.len > 0 ? bytes_str(&stored) : dummy_hash;
	memset(&data, 0, sizeof data);
	const char *computed = crypt_r(password, hash, &data);
	int ok = found == 1 && computed && computed[0] != '*' &&
		 equal_constant_time(computed, hash);
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
