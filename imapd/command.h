/* command.h - reading one IMAP command: its lines and literals. */
#ifndef IMAPD_COMMAND_H
#define IMAPD_COMMAND_H
#include "bytes.h"

struct session;

enum command_status {
	COMMAND_OK,             /* buf holds the command (see parse.h) */
	COMMAND_BAD,            /* refused and drained: *why says why */
	COMMAND_TOOBIG,         /* a literal over the bound: refused, drained */
	COMMAND_BINARY,         /* a NUL in a literal8 (RFC 3516): refused,
				 * drained */
	COMMAND_NOSPACE,        /* an APPEND literal could not be stored:
				 * refused, drained */
	COMMAND_EOF,
	COMMAND_TIMEOUT,
	COMMAND_ERROR,
};

/* Read the next command into buf (cleared first). Sends "+ " for each
 * synchronizing literal it accepts, never for one it refuses. A literal
 * over its bound (IMAP_LITERAL_MAX, or "maxsize" for APPEND), text over
 * IMAP_COMMAND_MAX or a NUL anywhere is refused without storing it: the
 * rest of the command is read and thrown away (non-synchronizing literals
 * skipped), and COMMAND_BAD/COMMAND_TOOBIG returned with buf holding as
 * much of the first line as is needed to find the tag. */
enum command_status command_read(struct session *s, struct bytes *buf,
				  const char **why);
/* The literals of an APPEND are held in buf while their total stays
 * within IMAP_LITERAL_MAX; beyond it each is streamed into the Maildir's
 * tmp/ (store_upload) and listed in s->uploads (parse.h parse_upload),
 * so that no message is ever held whole. command_read drops the previous
 * command's; command_uploads_clear removes those not committed. */
void command_uploads_clear(struct session *s);

/* The tag at the start of buf into tag (size bytes), "" when there is no
 * valid one. */
void command_tag(const struct bytes *buf, char *tag, size_t size);

#endif
