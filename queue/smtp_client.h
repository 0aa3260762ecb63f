/* smtp_client.h - relay one message to one domain by SMTP (RFC 5321). */
#ifndef POSTERN_QUEUE_SMTP_CLIENT_H
#define POSTERN_QUEUE_SMTP_CLIENT_H
#include "delivery.h"

/* Deliver n messages d[0..n), all of whose recipients are in domain,
 * one transaction per message, over one connection while the server
 * keeps it usable: the hosts of mx_resolve in turn until one takes each
 * transaction. Every recipient gets a result: sent (2xx after the data),
 * bounced (5xx, a null MX, a message the server cannot take: SMTPUTF8,
 * 8BITMIME, SIZE), or deferred (4xx, no host reachable, timeouts, a
 * dropped connection). */
void smtp_deliver(struct delivery **d, size_t n, const char *domain);

#endif
