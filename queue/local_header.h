/* local_header.h - the message transform of final delivery: the header
 * fields local delivery adds and the ones it removes, and the loop check
 * (as Postfix's local(8) does). Apart from the Maildir write, which
 * belongs to the store. */
#ifndef POSTERN_QUEUE_LOCAL_HEADER_H
#define POSTERN_QUEUE_LOCAL_HEADER_H
#include <sys/types.h>
#include "bytes.h"

enum local_header_result { LOCAL_HEADER_OK, LOCAL_HEADER_LOOP, LOCAL_HEADER_ERROR };

/* Build into out what goes before the rest of the message for one
 * recipient: "Return-Path: <sender>", "Delivered-To: rcpt", then the
 * message's own header section (of fd from offset) without any
 * Return-Path: field (RFC 5321 §4.4: only final delivery adds it, so an
 * incoming one is stale). *rest gets the offset in fd where the message
 * continues after that header section. LOCAL_HEADER_LOOP when the header
 * already holds "Delivered-To: rcpt" (case ignored): the message has
 * been here before (a mail loop; bounce with 5.4.6). LOCAL_HEADER_ERROR
 * when the message cannot be read (errno). Header bytes past
 * LOCAL_HEADER_MAX are left in the rest, as they are. */
enum local_header_result local_header(const char *sender, const char *rcpt,
				      int fd, off_t offset, struct bytes *out,
				      off_t *rest);

#endif
