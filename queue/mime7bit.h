/* mime7bit.h - an 8-bit message made 7-bit for a server without
 * 8BITMIME (RFC 6152 §3), as Postfix does: every leaf part whose body
 * holds 8-bit octets and is not already base64 or quoted-printable gets
 * a quoted-printable body (RFC 2045 §6.7) and its
 * Content-Transfer-Encoding rewritten; a multipart or message part that
 * held such a part is marked 7bit. */
#ifndef POSTERN_QUEUE_MIME7BIT_H
#define POSTERN_QUEUE_MIME7BIT_H
#include <stddef.h>
#include "bytes.h"

/* Convert the message buf[0..len) (LF line ends) into out (LF line
 * ends). Returns 1 when out holds the converted message, 0 when the body
 * has no 8-bit octet to convert (out untouched: send buf as it is), or
 * -1 (ENOMEM, or out's cap) with out's contents unspecified. */
int mime_to_7bit(const char *buf, size_t len, struct bytes *out);

#endif
