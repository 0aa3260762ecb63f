/* jobspec.h - the job the runner hands a delivery process
 * (postern-deliver) on its standard input. This module owns the format.
 *
 * Text, one item per line, fields separated by one TAB:
 *
 *   job DOMAIN ME TIMEOUT-CAP          (DOMAIN "-": local delivery)
 *   part ID                            (one per message, in order)
 *   rcpt INDEX ATTEMPT DSN-INDEX ADDRESS
 *
 * rcpt lines belong to the part line before them. INDEX and ATTEMPT are
 * as in the journal (journal.h); DSN-INDEX is the envelope recipient
 * whose NOTIFY and ORCPT apply (state_envelope_index), or -1. The
 * delivery process reads each message's envelope from queue/ID itself. */
#ifndef POSTERN_QUEUE_JOBSPEC_H
#define POSTERN_QUEUE_JOBSPEC_H
#include <stddef.h>
#include "bytes.h"
#include "limits.h"

struct jobspec_rcpt {
	long index;
	int attempt;
	long dsn_index;
	const char *address;
};

struct jobspec_part {
	const char *id;
	size_t count;
	struct jobspec_rcpt *rcpt;
};

struct jobspec {
	int local;
	const char *domain;             /* "" when local */
	const char *me;
	int timeout_cap;
	size_t parts;
	struct jobspec_part part[JOB_BATCH_MAX];
};

/* Append the job line to b. 0 or -1 (the cap of b). */
int jobspec_format_job(struct bytes *b, const char *domain, const char *me,
		       int timeout_cap);
/* Append a part line. 0 or -1. */
int jobspec_format_part(struct bytes *b, const char *id);
/* Append a rcpt line. 0 or -1. */
int jobspec_format_rcpt(struct bytes *b, long index, int attempt, long dsn_index,
			const char *address);

/* Parse text (NUL-terminated, split in place) into js, whose strings
 * point into text. 0, or -1 with errno EINVAL (not a job) or ENOMEM.
 * Free with jobspec_free either way. */
int jobspec_parse(char *text, struct jobspec *js);
void jobspec_free(struct jobspec *js);

#endif
