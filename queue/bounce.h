/* bounce.h - the delivery status notification (RFC 3464) the runner
 * sends for a message's failed recipients. */
#ifndef POSTERN_QUEUE_BOUNCE_H
#define POSTERN_QUEUE_BOUNCE_H
#include <sys/types.h>
#include "spool.h"
#include "state.h"

/* The header field that marks a bounce sent to the postmaster because a
 * message with the null sender failed; such a bounce is never bounced. */
#define BOUNCE_DOUBLE_FIELD "X-Postern-Double-Bounce"

enum bounce_outcome { BOUNCE_WRITTEN, BOUNCE_DISCARD, BOUNCE_ERROR };

/* Write (but do not commit) into a new spool file of w one multipart/report
 * DSN for the recipients of st that bounce_needed counts (with delay: a
 * warning, Action: delayed, for the pending ones), Original-Envelope-Id
 * and Original-Recipient from ENVID and ORCPT, the whole message for a
 * failure under RET=FULL, else its header: envelope sender <>, From
 * MAILER-DAEMON@me, to the message's sender; for a message with the null
 * sender, to postmaster (of me when me is a local domain, else of the
 * first local domain), marked with BOUNCE_DOUBLE_FIELD. fd/offset is the
 * original message; its header is quoted. Returns BOUNCE_WRITTEN (commit
 * with spool_commit), BOUNCE_DISCARD (a double bounce failed: nothing to
 * send, nothing left) or BOUNCE_ERROR (errno; nothing left). */
enum bounce_outcome bounce_write(struct spool *sp, struct spool_writer *w,
				 const char *id, const struct envelope *env,
				 const struct msg_state *st, int fd, off_t offset,
				 int delay);

/* Does the message owe its sender a report (RFC 3461 NOTIFY): a failed
 * recipient (unless NOTIFY said NEVER or left out FAILURE), a delivered
 * or relayed one that asked SUCCESS; with delay set, a pending one that
 * did not leave out DELAY (a delay warning). 1/0. */
int bounce_needed(const struct envelope *env, const struct msg_state *st, int delay);

#endif
