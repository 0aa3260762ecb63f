/* delivery.h - what a delivery child is given and what it reports back.
 * Shared by the runner, local delivery and the SMTP client. */
#ifndef POSTERN_QUEUE_DELIVERY_H
#define POSTERN_QUEUE_DELIVERY_H
#include <stddef.h>
#include <sys/types.h>
#include "limits.h"
#include "spool.h"

/* A recipient's outcome of one attempt. */
/* RESULT_RELAYED: sent to a server without DSN although the recipient
 * asked NOTIFY=SUCCESS (RFC 3461 §6.2.7.2). */
enum result { RESULT_NONE = 0, RESULT_SENT = 's', RESULT_DEFERRED = 'd',
	      RESULT_BOUNCED = 'b', RESULT_RELAYED = 'r' };

struct delivery_rcpt {
	long index;                     /* in the message's state */
	int attempt;                    /* the state's ATTEMPTS + 1 */
	const char *address;
	const struct rcpt_dsn *dsn;     /* NOTIFY, ORCPT of the envelope recipient */
	enum result result;
	int recorded;                   /* the result is in the journal */
	char relay[256];                /* who answered, "" if nobody */
	char reply[STATE_REPLY_MAX];    /* the reply, one printable line */
};

struct delivery {
	struct spool *sp;               /* journal: state/ID.journal */
	const char *id;
	int part;                       /* its place in the job */
	int report_fd;                  /* the runner's pipe */
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

/* Record every result not recorded yet: appended to the journal (see
 * journal.h) and fsynced, then the same lines, each after "PART\t", on
 * report_fd. Call it the moment results are known. 0, or -1 when the
 * journal could not be written (logged; the pipe still carries them). */
int delivery_record(struct delivery *d);

/* hold 1: from here SIGTERM (the runner died: PR_SET_PDEATHSIG, or a
 * stop) waits, for a step that must not be cut between another server's
 * taking the message and delivery_record; hold 0: it acts again. */
void delivery_hold_signals(int hold);

#endif
