/* mail_thread.h - threading messages (RFC 5256 §3 THREAD: ORDEREDSUBJECT,
 * REFERENCES; REFS of draft-ietf-morg-inthread), for IMAP THREAD and
 * JMAP's Thread objects (RFC 8621 §3).
 *
 * Usage:
 *     struct mail_fields *v[n];        // mail_fields_read(..,
 *                                      //   MAIL_FIELDS_SUBJECT | DATE |
 *                                      //   THREAD), arrival and order set
 *     struct mail_thread t;
 *     mail_thread_build(&t, MAIL_THREAD_REFERENCES, v, n);
 *     for (struct mail_thread_node *r = t.roots; r; r = r->next) ...
 *     mail_thread_free(&t);
 *
 * The input must be in mailbox order (ascending order field): of two
 * messages with one Message-ID the first keeps it (§3 step 1.A). */
#ifndef POSTERN_MAIL_THREAD_H
#define POSTERN_MAIL_THREAD_H
#include <stddef.h>
#include "mail_sort.h"

enum mail_thread_algorithm {
	MAIL_THREAD_ORDEREDSUBJECT,     /* §3: by base subject, then date */
	MAIL_THREAD_REFERENCES,         /* §3: references, then subjects */
	MAIL_THREAD_REFS,               /* references only (no subject
					 * merging); threads in the order
					 * of their newest message */
};

struct mail_thread_node {
	const struct mail_fields *msg;  /* NULL: a dummy (only at the top) */
	struct mail_thread_node *child; /* first child, in date order */
	struct mail_thread_node *next;  /* next sibling */
	struct mail_thread_node *parent;
	const char *id;                 /* Message-ID (internal use) */
};

struct mail_thread {
	struct mail_thread_node *roots; /* the threads, in order */
	struct mail_thread_node *nodes; /* all nodes (one allocation) */
	size_t nnodes, cap;
};

/* Thread v[0..n) (see above); t->roots lists the threads. 0, or -1
 * (ENOMEM) with t empty. The nodes point at v's fields: keep them. */
int mail_thread_build(struct mail_thread *t, enum mail_thread_algorithm alg,
		      struct mail_fields *const *v, size_t n);
void mail_thread_free(struct mail_thread *t);

/* mail_fields_read's part for MAIL_FIELDS_THREAD: the normalized
 * Message-ID, and the references (the References field's message ids,
 * at most MAIL_REFERENCES_MAX of the last ones, else the first id of
 * In-Reply-To). 0 or -1 (ENOMEM). */
int mail_thread_ids_read(const char *h, size_t n, struct mail_fields *f);

#endif
