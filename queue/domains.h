/* domains.h - spool/domains: the runner's per-destination state (issue
 * 15; postern-spool(5), "Destinations"). This module owns the format.
 *
 * Text, one item per line, fields separated by one TAB:
 *
 *   postern-domains 1
 *   domain NAME FAILURES NEXT LAST LAST-ERROR
 *
 * One line per remote domain whose last delivery failed: FAILURES the
 * deliveries in a row that no server answered for any recipient (every
 * recipient deferred), NEXT the Unix time before which no message is
 * tried there (the domain's backoff), LAST the time of the last failure,
 * LAST-ERROR its reply, made printable. A domain that answers again is
 * removed. Only the runner writes it, whole, with file_write_atomic;
 * postern-queue stats reads it. */
#ifndef POSTERN_QUEUE_DOMAINS_H
#define POSTERN_QUEUE_DOMAINS_H
#include <time.h>
#include "limits.h"
#include "spool.h"

struct domain_state {
	char name[ADDRESS_DOMAIN_MAX + 1];
	int failures;                   /* in a row; 0: healthy */
	time_t next;                    /* no attempt before (failures > 0) */
	time_t last;                    /* time of the last failure */
	char error[STATE_REPLY_MAX];    /* reply of the last failure */
	int running;                    /* jobs running now (not stored) */
	unsigned long failed_seq;       /* the runner's failure count at its
					 * last failure (not stored) */
	struct domain_state *next_state;
};

/* Read spool/domains into *list (prepended). 0 (a missing file is an
 * empty list), or -1 with errno (EINVAL: malformed) and *list unchanged. */
int domains_read(struct spool *sp, struct domain_state **list);

/* Write the domains of list that have failures, whole and atomically.
 * 0, or -1 with errno and the old file untouched. */
int domains_write(struct spool *sp, const struct domain_state *list);

/* The entry for name (case-insensitive), or NULL. */
struct domain_state *domains_find(struct domain_state *list, const char *name);

/* The entry for name, created healthy when missing. NULL: ENOMEM. */
struct domain_state *domains_get(struct domain_state **list, const char *name);

/* Remove entries that are healthy and idle. */
void domains_prune(struct domain_state **list);

void domains_free(struct domain_state **list);

#endif
