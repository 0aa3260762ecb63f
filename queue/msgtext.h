/* msgtext.h - small pieces of RFC 5322 text shared by the runner's
 * bounces and sendmail. */
#ifndef POSTERN_QUEUE_MSGTEXT_H
#define POSTERN_QUEUE_MSGTEXT_H
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "bytes.h"

/* An RFC 5322 §3.3 date-time for t in local time ("Sun, 22 Nov 2026
 * 07:12:25 +0000") into buf. 0, or -1 if it does not fit. */
int msgtext_date(char *buf, size_t size, time_t t);

/* The header block of the message in fd from offset (through the blank
 * line that ends it, or the end) into out, at most max bytes, cut at a
 * line end. 0, or -1 with errno. */
int msgtext_read_header(int fd, off_t offset, size_t max, struct bytes *out);

/* The whole message of fd from offset into out, at most max bytes, cut
 * at a line end. 0, or -1 with errno. */
int msgtext_read_all(int fd, off_t offset, size_t max, struct bytes *out);

/* Does the header block hold a field named name (case ignored)? 1/0. */
int msgtext_has_field(const char *header, size_t len, const char *name);

#endif
