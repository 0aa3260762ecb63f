/* base64.h - RFC 4648 base64, for SASL (RFC 4954, RFC 5034) and MIME. */
#ifndef POSTERN_BASE64_H
#define POSTERN_BASE64_H
#include <stddef.h>
#include <stdint.h>
#include "bytes.h"

/* Append the base64 of p[0..n) to out. 0, or -1 (cap or ENOMEM). */
int base64_encode(const void *p, size_t n, struct bytes *out);
/* Strict decode (padding required, no white space) into out. 0, or -1 on
 * bad input or cap. */
int base64_decode(const char *s, size_t n, struct bytes *out);
/* MIME-tolerant decode (RFC 2045 §6.8): characters outside the alphabet
 * are skipped, decoding stops at '=' padding, a dangling partial quantum
 * is dropped. Appends to out. 0, or -1 only on cap or ENOMEM. */
int base64_decode_lenient(const char *s, size_t n, struct bytes *out);

/* The same in pieces, for a body read a window at a time: the state
 * carries a partial quantum from one piece to the next. */
struct base64_state {
	uint32_t v;             /* the sextets of the partial quantum */
	int count;              /* how many */
	int done;               /* '=' seen: the rest is ignored */
};
/* Decode s[0..n) leniently, continuing st (zeroed at the start), into
 * out, which has room for n / 4 * 3 + 3 octets. Returns the octets
 * written. */
size_t base64_decode_step(struct base64_state *st, const char *s, size_t n,
			  char *out);

#endif
