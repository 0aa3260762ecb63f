/* mailbox.h - the user's inbox as one POP3 session sees it (RFC 1939
 * §4-§6), a protocol layer over the mail store (lib/store.h).
 *
 * At login the folder is opened with the store's POP3 session lock (RFC
 * 1939 §8 exclusive access: a second session gets MAILBOX_IN_USE), new/
 * is taken into cur/, and the list of messages is fixed for the session
 * in UID order (the order of delivery). A message file that another
 * process renames meanwhile is found again by the store; deletions and
 * the Seen flag happen only in mailbox_update (the UPDATE state). */
#ifndef POSTERN_POP3D_MAILBOX_H
#define POSTERN_POP3D_MAILBOX_H
#include <stddef.h>
#include <stdint.h>
#include "store.h"

#define MESSAGE_DELETED    0x01     /* DELE'd in this session */
#define MESSAGE_SIZE_KNOWN 0x02     /* size is known */
#define MESSAGE_RETRIEVED  0x04     /* RETRieved: gets the Seen flag at UPDATE */
#define MESSAGE_SIZE_LEARNED 0x08   /* computed here: for the store's index */

/* POP3's own state of one message; the store's is folder->msgs[i]. */
struct message {
	uint64_t size;          /* octets as sent (CRLF), once known */
	unsigned flags;
};

struct mailbox {
	struct store store;
	struct store_folder *folder;    /* NULL when not open */
	size_t count;           /* messages, deleted ones included */
	struct message *messages;
	size_t deleted;         /* how many carry MESSAGE_DELETED */
};

enum mailbox_status {
	MAILBOX_OK = 0,
	MAILBOX_IN_USE,         /* another POP3 session holds the folder */
	MAILBOX_ERROR,          /* errno says why */
};

/* An empty, closed mailbox. */
void mailbox_init(struct mailbox *mb);

/* Open the Maildir dir (created when missing) for this session: take
 * the POP3 lock, move new/ into cur/, fix the list. MAILBOX_OK;
 * MAILBOX_IN_USE (nothing held); or MAILBOX_ERROR with errno (nothing
 * held, the mailbox is closed). */
enum mailbox_status mailbox_open(struct mailbox *mb, const char *dir);

/* The size of message i (0-based) as sent on the wire: LF line ends as
 * CRLF, a missing final line end added, byte-stuffing not counted
 * (RFC 1939 §11). The ",W=" of its name when it has one (the store
 * names what it writes so) or the size the store's index keeps for it,
 * else computed on first use; sizes computed are given to the store
 * (store_set_sizes) at the end of the session, for the next one. 0, or
 * -1 with errno (ENOENT: the message vanished). */
int mailbox_message_size(struct mailbox *mb, size_t i, uint64_t *size);

/* The same for a file of message i already open at offset 0 (fd from
 * mailbox_message_open); leaves fd at offset 0. */
int mailbox_message_size_fd(struct mailbox *mb, size_t i, int fd,
			    uint64_t *size);

/* Open message i for reading. A file descriptor, or -1 with errno
 * (ENOENT: the message vanished). */
int mailbox_message_open(struct mailbox *mb, size_t i);

/* The unique-id of message i (RFC 1939 §7) into buf, which must hold
 * POP3_UNIQUE_ID_MAX + 1 bytes: the store's unique name of the message
 * (its file name up to ':'), or, when that is longer than 70 octets or
 * holds octets outside 0x21..0x7E, "H" and 32 hex digits of a hash of
 * it. Returns buf. */
const char *mailbox_unique_id(const struct mailbox *mb, size_t i, char *buf);

/* The UPDATE state (RFC 1939 §6): messages RETRieved and kept get the
 * Seen flag (store_set_flags), then every message marked deleted is
 * removed (store_remove). Returns how many deleted messages could not
 * be removed (0 on full success); a message already gone counts as
 * removed. A failed flag change is only logged. */
size_t mailbox_update(struct mailbox *mb);

/* Release the POP3 lock and the memory; mb is closed (mailbox_init
 * state). */
void mailbox_close(struct mailbox *mb);

#endif
