/* addrlist.h - the addresses of an RFC 5322 §3.4 address-list header
 * body (To:, Cc:, Bcc:), for sendmail -t. */
#ifndef POSTERN_QUEUE_ADDRLIST_H
#define POSTERN_QUEUE_ADDRLIST_H
#include <stddef.h>

/* Call found(addr, ctx) for each address in s[0..n): the addr-spec
 * inside <...> when there is one, else the mailbox text with comments
 * and white space removed; groups ("name: a, b;") give their members;
 * a source route in <@a,@b:x@y> is dropped. Unfolded CRLF/LF count as
 * white space. Addresses longer than ADDRESS_PATH_MAX are passed cut,
 * so that the caller's validation refuses them. Returns the number of
 * addresses, or -1 when found returns -1 (stops). */
int addrlist_parse(const char *s, size_t n,
		   int (*found)(const char *addr, void *ctx), void *ctx);

#endif
