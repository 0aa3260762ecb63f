/* journal.h - spool/state/ID.journal: each recipient's outcome, appended
 * by the delivery child the moment it is known, so that a crash of the
 * runner or of the child repeats at most the one delivery in progress
 * (postern-spool(5), "Journals"). This module owns the format.
 *
 * Text, one item per line, fields separated by one TAB:
 *
 *   result INDEX ATTEMPT RESULT ADDRESS RELAY REPLY
 *   maildir INDEX ATTEMPT ADDRESS DIR NAME
 *
 * INDEX is the recipient's line in state/ID (counting from 0), ATTEMPT
 * the number its attempt will have once recorded (the state's ATTEMPTS
 * plus one), RESULT sent, deferred or bounced, RELAY and REPLY as in the
 * state file. A maildir line is written just before the message is
 * renamed into DIR/new/NAME: if no result line follows it, the delivery
 * happened exactly when that file (or DIR/cur/NAME:...) exists.
 *
 * The runner folds the journal into state/ID (an entry counts only for
 * the attempt it names, so folding twice changes nothing) and removes
 * it after the state file is written. */
#ifndef POSTERN_QUEUE_JOURNAL_H
#define POSTERN_QUEUE_JOURNAL_H
#include <stddef.h>
#include "bytes.h"
#include "delivery.h"
#include "spool.h"

struct journal_entry {
	int maildir;                    /* a maildir line (else result) */
	long index;
	int attempt;
	enum result result;             /* result lines */
	const char *address;
	const char *relay, *reply;      /* result lines */
	const char *dir, *name;         /* maildir lines */
};

/* Append one result line to b. 0 or -1 (the cap of b). */
int journal_format_result(struct bytes *b, long index, int attempt,
			  enum result result, const char *address,
			  const char *relay, const char *reply);

/* Append one maildir line to b. 0 or -1. */
int journal_format_maildir(struct bytes *b, long index, int attempt,
			   const char *address, const char *dir,
			   const char *name);

/* Parse one line (without its LF, split in place) into e, whose strings
 * point into line. 0, or -1 when it is not a journal line. */
int journal_parse_line(char *line, struct journal_entry *e);

/* Append len bytes of whole lines to state/ID.journal (created when
 * missing) with one write(2), so a kill cannot cut a line; with sync,
 * fdatasync it (and the state directory when the file is new). 0 or -1
 * with errno. */
int journal_append(struct spool *sp, const char *id, const char *lines,
		   size_t len, int sync);

/* Call fn for every result line of state/ID.journal, in order; then,
 * for each maildir line that no result line answers, fn with a made-up
 * "sent" result if the file it names was delivered. A cut last line (a
 * kill during the write) is ignored. 0 (no journal is fine), or -1 with
 * errno and fn never called (EINVAL: a line that cannot be parsed). */
typedef void journal_fn(void *ctx, const struct journal_entry *e);
int journal_replay(struct spool *sp, const char *id, journal_fn *fn, void *ctx);

/* Remove state/ID.journal. 0, or -1 with errno (ENOENT is success). */
int journal_remove(struct spool *sp, const char *id);

/* Is file (a name in state/) a journal? Then its queue ID goes into id
 * (size bytes) and 1 is returned; else 0. */
int journal_file_id(const char *file, char *id, size_t size);

#endif
