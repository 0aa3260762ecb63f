/* spool.h - the spool of DESIGN.md and postern-spool(5).
 *
 *   tmp/ID     being written by smtpd or sendmail
 *   queue/ID   committed: envelope lines, a blank line, the message (LF)
 *   state/ID   the runner's per-recipient progress (runner only)
 *   trigger    FIFO; one byte wakes the runner
 *
 * A message is durable once spool_commit returns 0: tmp/ID was written,
 * fsynced, renamed to queue/ID and queue/ fsynced. */
#ifndef POSTERN_SPOOL_H
#define POSTERN_SPOOL_H
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "limits.h"

struct spool {
	char dir[PATH_MAX_POSTERN];
};

/* RFC 3461 §4.1 NOTIFY values; 0 when the client gave none. */
#define DSN_NOTIFY_NEVER   0x01
#define DSN_NOTIFY_SUCCESS 0x02
#define DSN_NOTIFY_FAILURE 0x04
#define DSN_NOTIFY_DELAY   0x08

/* A recipient's DSN parameters (RFC 3461 §4.1, §4.2). */
struct rcpt_dsn {
	unsigned notify;                    /* DSN_NOTIFY_* bits, 0: not given */
	char *orcpt;                        /* "addr-type;xtext", or NULL */
};

/* The envelope of one message. */
struct envelope {
	time_t arrival;
	char sender[ADDRESS_PATH_MAX + 1];  /* "" for the null sender <> */
	size_t rcpt_count;
	char **rcpt;                        /* each "local@domain" */
	struct rcpt_dsn *dsn;               /* one per rcpt */
	char ret;                           /* RET= (RFC 3461 §4.3): 'F', 'H' or 0 */
	char envid[DSN_ENVID_MAX + 1];      /* ENVID= as xtext (§4.4), or "" */
	int smtputf8;                       /* MAIL ... SMTPUTF8 */
	int eightbit;                       /* BODY=8BITMIME or BINARYMIME */
	int binarymime;                     /* BODY=BINARYMIME (RFC 3030) */
	char client[64];                    /* client address or "local" */
	char helo[256];                     /* HELO/EHLO argument, sanitized */
	char auth[ADDRESS_PATH_MAX + 1];    /* authenticated user, or "" */
};

/* An empty envelope (arrival now). */
void envelope_init(struct envelope *env);
/* Add a recipient (copied), without DSN parameters. 0, or -1 on ENOMEM. */
int envelope_add_rcpt(struct envelope *env, const char *rcpt);
/* Set the DSN parameters of recipient i (orcpt copied; NULL for none).
 * 0, or -1 on ENOMEM. */
int envelope_set_dsn(struct envelope *env, size_t i, unsigned notify,
		     const char *orcpt);
void envelope_free(struct envelope *env);

/* Open the spool at dir, creating tmp/ queue/ state/ and the trigger FIFO
 * when missing. dir NULL: the "spool" control file (default
 * /var/spool/postern). Returns 0, or -1 with errno. */
int spool_open(struct spool *sp, const char *dir);
/* Only name the spool (dir, or as spool_open finds it), touching nothing
 * on disk: for a program that may never write to it (smtpd per
 * connection); spool_free_space and spool_begin then create what is
 * missing. 0, or -1 with errno. */
int spool_locate(struct spool *sp, const char *dir);
/* Free bytes for unprivileged writers on the spool's file system, into
 * *avail; the spool's directories are created first if missing. 0, or -1
 * with errno (ENOTDIR when the spool is not a directory). */
int spool_free_space(struct spool *sp, unsigned long long *avail);

/* A new queue ID: unique on this host, filename-safe, sorting by arrival
 * ("SSSSSSSSSSUUUUUU.PID.N", seconds and microseconds zero-padded). */
void spool_new_id(char id[SPOOL_ID_MAX]);

struct spool_writer {
	struct spool *sp;
	char id[SPOOL_ID_MAX];
	char tmp_path[PATH_MAX_POSTERN];
	int fd;
	int error;              /* errno of the first failure, sticky */
	size_t used;
	off_t size;             /* message bytes written so far */
	char buf[65536];
};

/* Create tmp/ID for a new message, mode 0600; when run by root, owned by
 * the owner of the spool directory (so the runner can read what root's
 * sendmail wrote). 0, or -1 with errno (nothing left). */
int spool_begin(struct spool *sp, struct spool_writer *w);
/* Write the envelope block and its blank line. Call once, first. */
int spool_put_envelope(struct spool_writer *w, const struct envelope *env);
/* Append message bytes (LF line ends). 0, or -1 (error kept for commit). */
int spool_put(struct spool_writer *w, const void *p, size_t n);
/* Make the message durable in queue/ID. 0, or -1 with errno, in which
 * case tmp/ID has been removed and queue/ holds nothing of it. */
int spool_commit(struct spool_writer *w);
/* Give up: remove tmp/ID. */
void spool_abort(struct spool_writer *w);

/* Read the envelope of queue/ID. *message_offset (may be NULL) gets the
 * offset of the message in the file. 0, or -1 with errno (ENOENT: gone;
 * EINVAL: malformed). env must be freed with envelope_free. */
int spool_read_envelope(struct spool *sp, const char *id,
			struct envelope *env, off_t *message_offset);

/* Path of queue/ID, state/ID, tmp/ID into buf. 0 or -1 if too long. */
int spool_path(struct spool *sp, const char *sub, const char *id,
	       char *buf, size_t size);

/* The IDs in queue/, sorted (oldest first). Returns the count, or -1.
 * Free with spool_list_free. */
struct spool_list {
	size_t count;
	char **ids;
};
int spool_list(struct spool *sp, struct spool_list *list);
void spool_list_free(struct spool_list *list);

/* Wake the runner: one byte into the trigger FIFO without blocking.
 * A runner that is not running is not an error. 0, or -1 with errno. */
int spool_trigger(struct spool *sp);

#endif
