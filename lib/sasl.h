/* sasl.h - the PLAIN mechanism (RFC 4616) shared by smtpd, pop3d, imapd. */
#ifndef POSTERN_SASL_H
#define POSTERN_SASL_H
#include <stddef.h>

#define SASL_FIELD_MAX 256

struct sasl_plain {
	char authzid[SASL_FIELD_MAX];
	char authcid[SASL_FIELD_MAX];
	char password[SASL_FIELD_MAX];
};

/* Decode the base64 initial response or continuation b64 (without CRLF)
 * into its three fields. Returns 0, or -1 for bad base64, a missing NUL,
 * a field over 255 octets or containing NUL, an empty authcid or password
 * (RFC 4616 §2). A non-empty authzid different
 * from authcid is refused (-1): postern does not proxy identities.
 * On -1 *out is zeroed; the decoded password is wiped from the heap. */
int sasl_plain_decode(const char *b64, struct sasl_plain *out);

#endif
