/* mailbox.h - a Maildir as one POP3 session sees it (RFC 1939 §4-§6).
 *
 * At login the mailbox is locked for the session (flock on the file
 * "postern-pop3.lock" in the Maildir: RFC 1939 §8 exclusive access),
 * new/ is moved into cur/, and the list of messages is fixed for the session.
 * Messages are numbered from 1 in order of delivery. A message file that
 * another process renames meanwhile (a flag change after the ':') is
 * found again by its unique name; deletions happen only in
 * mailbox_update (the UPDATE state). */
#ifndef POSTERN_POP3D_MAILBOX_H
#define POSTERN_POP3D_MAILBOX_H
#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "limits.h"

#define MESSAGE_DELETED    0x01     /* DELE'd in this session */
#define MESSAGE_SIZE_KNOWN 0x02     /* size is computed */
#define MESSAGE_REMOVED    0x04     /* its file was removed at UPDATE */
#define MESSAGE_RETRIEVED  0x08     /* RETRieved: gets the Seen flag at UPDATE */

struct message {
	size_t name;            /* offset of the file name in names */
	uint64_t size;          /* octets as sent (CRLF), once known */
	unsigned flags;
};

struct mailbox {
	char dir[PATH_MAX_POSTERN];
	int lock_fd;            /* -1 when not open */
	size_t count;           /* messages, deleted ones included */
	size_t alloc;
	struct message *messages;
	struct bytes names;     /* the file names in cur/, NUL-separated */
	size_t deleted;         /* how many carry MESSAGE_DELETED */
	int cache_dirty;        /* the size cache wants rewriting */
};

enum mailbox_status {
	MAILBOX_OK = 0,
	MAILBOX_IN_USE,         /* another session holds the lock */
	MAILBOX_ERROR,          /* errno says why */
};

/* An empty, closed mailbox. */
void mailbox_init(struct mailbox *mb);

/* Open the Maildir dir (created when missing): take the lock, move new/
 * into cur/, list cur/. MAILBOX_OK; MAILBOX_IN_USE (nothing held); or
 * MAILBOX_ERROR with errno (nothing held, the mailbox is closed). */
enum mailbox_status mailbox_open(struct mailbox *mb, const char *dir);

/* The size of message i (0-based) as sent on the wire: LF line ends as
 * CRLF, a missing final line end added, byte-stuffing not counted
 * (RFC 1939 §11). Computed on first use and kept. 0, or -1 with errno
 * (ENOENT: the message vanished). */
int mailbox_message_size(struct mailbox *mb, size_t i, uint64_t *size);

/* The same for a file of message i already open at offset 0 (fd from
 * mailbox_message_open); leaves fd at offset 0. */
int mailbox_message_size_fd(struct mailbox *mb, size_t i, int fd,
			    uint64_t *size);

/* Open message i for reading, finding it again by its unique name when
 * its file was renamed. A file descriptor, or -1 with errno (ENOENT: the
 * message vanished). */
int mailbox_message_open(struct mailbox *mb, size_t i);

/* The file name of message i in cur/, as last seen. */
const char *mailbox_file_name(const struct mailbox *mb, size_t i);

/* dir/cur/name of the mailbox into buf ("" names cur/ itself). 0, or -1
 * (ENAMETOOLONG). */
int mailbox_cur_path(const struct mailbox *mb, const char *name, char *buf,
		     size_t size);

/* The file of message i was renamed by another process (flags changed):
 * find it in cur/ by its unique part and remember the new name. 0, or -1
 * with errno (ENOENT: no such unique name any more). */
int mailbox_relocate(struct mailbox *mb, size_t i);

/* Remember name as the file name of message i (after a rename). 0, or
 * -1 (ENOMEM) with the old name kept. */
int mailbox_file_renamed(struct mailbox *mb, size_t i, const char *name);

/* The unique-id of message i (RFC 1939 §7) into buf, which must hold
 * POP3_UNIQUE_ID_MAX + 1 bytes: the part of the file name before ':',
 * or, when that is longer than 70 octets or holds octets outside
 * 0x21..0x7E, "H" and 32 hex digits of a hash of it. Returns buf. */
const char *mailbox_unique_id(const struct mailbox *mb, size_t i, char *buf);

/* update.c - the UPDATE state: remove every message marked deleted, give those
 * marked retrieved (and kept) the Seen flag, then fsync cur/. Returns
 * how many deleted messages could not be removed (0 on full success); a
 * message already gone counts as removed. A failed flag change is only
 * logged. */
size_t mailbox_update(struct mailbox *mb);

/* Save the size cache (sizecache.h) when the lock is held, release the
 * lock and the memory; mb is closed (mailbox_init state). */
void mailbox_close(struct mailbox *mb);

#endif
