/* smtp_client.h - relay one message to one domain by SMTP (RFC 5321). */
#ifndef POSTERN_QUEUE_SMTP_CLIENT_H
#define POSTERN_QUEUE_SMTP_CLIENT_H
#include "delivery.h"

/* Deliver d's recipients, all in domain, in one transaction: the hosts
 * of mx_resolve in turn until one takes the transaction. Every recipient
 * gets a result: sent (2xx after the data), bounced (5xx, a null MX, a
 * message the server cannot take: SMTPUTF8, 8BITMIME, SIZE), or deferred
 * (4xx, no host reachable, timeouts, a dropped connection). */
void smtp_deliver(struct delivery *d, const char *domain);

#endif
