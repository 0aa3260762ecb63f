/* mutf7.h - IMAP mailbox names in modified UTF-7 (RFC 3501 §5.1.3):
 * printable US-ASCII stands for itself, "&-" for '&', and "&...-"
 * holds UTF-16 in a BASE64 with ',' for '/' and no padding. imapd
 * checks names with it; httpd shows them to JMAP as UTF-8 (RFC 8621
 * §2: Mailbox names are Unicode). */
#ifndef POSTERN_MUTF7_H
#define POSTERN_MUTF7_H
#include <stddef.h>
#include "bytes.h"

/* One "&...-" run starting after the '&' of s: the octets it takes
 * through the '-', or -1 when it is not one §5.1.3 allows (bad BASE64,
 * printable ASCII encoded, a lone surrogate, spare bits not 0). When
 * out is not NULL the characters are appended to it as UTF-8 (-1 also
 * when that fails). */
int mutf7_run(const char *s, struct bytes *out);

/* The name in modified UTF-7 as UTF-8, appended to out. 0, or -1 when
 * it is not modified UTF-7 (out then holds part of it). */
int mutf7_decode(const char *name, struct bytes *out);

/* The UTF-8 name[0..len) in modified UTF-7, appended to out: the inverse
 * of mutf7_decode ("&" becomes "&-", other printable ASCII stays, the
 * rest goes in "&...-" runs). 0, or -1 when name is not UTF-8 or holds
 * a character RFC 6855 §3 keeps out of mailbox names (C0/C1 controls,
 * DEL, U+2028, U+2029), or memory runs out. */
int mutf7_encode(const char *name, size_t len, struct bytes *out);

#endif
