/* sasl.c - the PLAIN mechanism, RFC 4616 §2:
 *     message = [authzid] UTF8NUL authcid UTF8NUL passwd
 * Each field "MUST accept up to 255 octets" and none may hold NUL.
 * authcid and passwd are 1*SAFE, and "if preparation ... results in an
 * empty string, verification SHALL fail": both must be non-empty.
 * The decoded message holds a password: it is wiped before it is freed,
 * and a failed decode leaves *out zeroed. */
#include "sasl.h"
#include "base64.h"
#include "bytes.h"
#include "limits.h"
#include <string.h>

/* Copy the field [p, p+n) into dst (SASL_FIELD_MAX bytes). 0 or -1. */
static int field(char *dst, const char *p, size_t n)
{
	if (n >= SASL_FIELD_MAX)
		return -1;
	memcpy(dst, p, n);
	dst[n] = 0;
	return 0;
}

/* Split the decoded message m[0..n) into out's three fields. 0 or -1. */
static int split(const char *m, size_t n, struct sasl_plain *out)
{
	const char *end = m + n;
	const char *nul1 = memchr(m, 0, n), *nul2;

	if (!nul1)
		return -1;
	nul2 = memchr(nul1 + 1, 0, (size_t)(end - nul1 - 1));
	if (!nul2 || memchr(nul2 + 1, 0, (size_t)(end - nul2 - 1)))
		return -1;      /* a NUL missing, or one in the password */
	if (field(out->authzid, m, (size_t)(nul1 - m)) < 0 ||
	    field(out->authcid, nul1 + 1, (size_t)(nul2 - nul1 - 1)) < 0 ||
	    field(out->password, nul2 + 1, (size_t)(end - nul2 - 1)) < 0)
		return -1;
	if (!out->authcid[0] || !out->password[0])
		return -1;
	/* postern does not let one identity act as another. */
	if (out->authzid[0] && strcmp(out->authzid, out->authcid) != 0)
		return -1;
	return 0;
}

int sasl_plain_decode(const char *b64, struct sasl_plain *out)
{
	struct bytes m;
	int r = -1;

	memset(out, 0, sizeof *out);
	bytes_init(&m, SASL_PLAIN_MAX);
	if (base64_decode(b64, strlen(b64), &m) == 0)
		r = split(m.data ? m.data : "", m.len, out);
	if (m.data)
		explicit_bzero(m.data, m.alloc);
	bytes_free(&m);
	if (r < 0)
		explicit_bzero(out, sizeof *out);
	return r;
}
