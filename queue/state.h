/* state.h - spool/state/ID: the runner's per-recipient progress.
 *
 * Text, one item per line, fields separated by one TAB (postern-spool(5)):
 *
 *   postern-state 1
 *   dsn BOUNCE-ID                      (only once a DSN was begun)
 *   delay-warned                       (once the delay warning was sent)
 *   rcpt STATUS ATTEMPTS NEXT PARENT ADDRESS RELAY REPLY
 *
 * STATUS is pending, sent, relayed (sent, owing a "relayed" DSN), bounced
 * or expanded (an alias: its targets
 * follow as rcpt lines whose PARENT is its index). NEXT is the Unix time
 * of the next attempt; PARENT the index of the alias it came from or -1;
 * RELAY the host that answered ("-" if none); REPLY the last reply, made
 * printable. Only the runner writes it, whole, with file_write_atomic. */
#ifndef POSTERN_QUEUE_STATE_H
#define POSTERN_QUEUE_STATE_H
#include <stddef.h>
#include <time.h>
#include "limits.h"
#include "spool.h"

/* RCPT_RELAYED: sent to a server without DSN for a recipient that asked
 * for NOTIFY=SUCCESS: we owe the sender a "relayed" DSN (RFC 3461 §6.2.7.2). */
enum rcpt_status { RCPT_PENDING, RCPT_SENT, RCPT_BOUNCED, RCPT_EXPANDED,
		   RCPT_RELAYED };

struct rcpt_state {
	char *address;
	enum rcpt_status status;
	int attempts;
	time_t next;            /* next attempt (pending) */
	long parent;            /* alias it came from, or -1 */
	char relay[256];        /* host that gave the last reply, or "" */
	char reply[STATE_REPLY_MAX];
};

struct msg_state {
	size_t count, alloc;
	struct rcpt_state *rcpt;
	char dsn_id[SPOOL_ID_MAX];      /* "" until a DSN is begun */
	int delay_warned;               /* the delay warning DSN was sent */
};

/* The state of a message that has none yet: every envelope recipient
 * pending, due now. 0, or -1 (ENOMEM) with st empty. */
int state_from_envelope(struct msg_state *st, const struct envelope *env);

/* Append a recipient (address copied), pending and due now. Returns its
 * index, or -1 (ENOMEM, or E2BIG past ALIAS_EXPANSION_MAX). */
long state_add(struct msg_state *st, const char *address, long parent);

/* Read state/ID. 1 read, 0 no such file (st empty), -1 error with errno
 * (EINVAL: malformed). st must be freed with state_free either way. */
int state_read(struct spool *sp, const char *id, struct msg_state *st);

/* Write state/ID whole and atomically. 0, or -1 with errno and the old
 * file untouched. */
int state_write(struct spool *sp, const char *id, const struct msg_state *st);

/* Counts of recipients per status (expanded ones are not counted;
 * relayed ones count as sent). */
void state_counts(const struct msg_state *st, size_t *pending, size_t *sent,
		  size_t *bounced);

/* Copy text into dst (size bytes), making it one printable ASCII line:
 * CR/LF become spaces, other control or non-ASCII bytes '?', TABs a space. */
void state_clean_text(char *dst, size_t size, const char *text);

/* Split line at TABs into at most max fields (in place; anything
 * after a max-th TAB is dropped: ask for one more field than expected to
 * notice extra ones). Returns the count. */
size_t state_split_tabs(char *line, char **field, size_t max);

/* The name of a status ("pending", ...). */
const char *state_status_name(enum rcpt_status s);

void state_free(struct msg_state *st);

/* The envelope recipient that recipient i came from through aliases:
 * its index in env, or -1. */
long state_envelope_index(const struct msg_state *st, const struct envelope *env,
			  size_t i);

/* The DSN parameters (RFC 3461) that apply to recipient i: those of the
 * envelope recipient it came from through aliases. Never NULL. */
const struct rcpt_dsn *state_envelope_dsn(const struct msg_state *st,
					  const struct envelope *env, size_t i);

#endif
