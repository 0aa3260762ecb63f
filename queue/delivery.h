/* delivery.h - what a delivery child is given and what it reports back.
 * Shared by the runner, local delivery and the SMTP client. */
#ifndef POSTERN_QUEUE_DELIVERY_H
#define POSTERN_QUEUE_DELIVERY_H
#include <stddef.h>
#include <sys/types.h>
#include "limits.h"
#include "spool.h"

/* A recipient's outcome of one attempt. */
enum result { RESULT_NONE = 0, RESULT_SENT = 's', RESULT_DEFERRED = 'd',
	      RESULT_BOUNCED = 'b' };

struct delivery_rcpt {
	long index;                     /* in the message's state */
	const char *address;
	enum result result;
	char relay[256];                /* who answered, "" if nobody */
	char reply[STATE_REPLY_MAX];    /* the reply, one printable line */
};

struct delivery {
	const char *id;
	const struct envelope *env;
	int fd;                         /* queue/ID, open for reading */
	off_t offset;                   /* where the message starts */
	off_t size;                     /* message bytes (LF line ends) */
	const char *me;                 /* our name: EHLO, Received */
	int timeout_cap;                /* seconds, caps every wait; 0 none */
	size_t count;
	struct delivery_rcpt *rcpt;
};

/* Give one recipient its result; relay and reply are made printable. */
void delivery_set(struct delivery_rcpt *r, enum result result,
		  const char *relay, const char *reply);

/* Set every recipient still without a result to result and reply. */
void delivery_set_rest(struct delivery *d, enum result result,
		       const char *relay, const char *reply);

/* Report the results on fd, one line per recipient with a result:
 * "PART INDEX RESULT\tRELAY\tREPLY\n", PART the delivery's place in its
 * job. 0 or -1. */
int delivery_report(const struct delivery *d, int part, int fd);

#endif
