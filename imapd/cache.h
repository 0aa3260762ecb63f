/* cache.h - a folder's cache of what FETCH and SEARCH would otherwise
 * read and parse each message for, in every session: RFC822.SIZE,
 * INTERNALDATE, ENVELOPE, BODYSTRUCTURE and BODY.
 *
 * The file "postern-cache" in the folder's directory:
 *     postern-cache 1 UIDVALIDITY
 *     UID SIZE MTIME ENVLEN STRUCTLEN BODYLEN
 *     <ENVLEN octets><STRUCTLEN octets><BODYLEN octets>
 *     ...
 records in any order, several for one UID adding to each other; SIZE
 * and MTIME are -1 and a length 0 when unknown. A message's file never
 * changes while it has its UID (only its name does, for flags), so a
 * record is valid for as long as the UIDVALIDITY is. It is read once per
 * session when first needed. After a command that learnt something the
 * new records are appended in one write(2) (O_APPEND, so sessions do not
 * interleave); the file is written anew (a temporary renamed over it)
 * when it is missing, damaged, of another UIDVALIDITY, or holds more than
 * twice as many records as the folder has messages (expunged and
 * duplicate records dropped). It is not fsynced: a cache lost or torn in
 * a crash is ignored and rebuilt as messages are fetched. UIDs and flags
 * are not here: the store's index (lib/store.h) and the file names keep
 * them. */
#ifndef IMAPD_CACHE_H
#define IMAPD_CACHE_H
#include <stddef.h>
#include "mailbox.h"

/* Read the cache into the messages of box (once; later calls return at
 * once). 0, or -1 when unreadable (box works on without it). */
int cache_load(struct mailbox *box);

/* Record what m now knows: which is one CACHED_* bit; for the strings
 * p[0..n) is copied. Marks the cache dirty. */
void cache_set(struct mailbox *box, struct message *m, unsigned which,
	       const char *p, size_t n);

/* Write the cache when dirty. 0 or -1 (logged by the caller). */
int cache_save(struct mailbox *box);

/* Unmap the file of box (mailbox_free; after its messages are freed). */
void cache_close(struct mailbox *box);

/* Free what the messages of box own of the cache (mailbox_free). */
void cache_message_free(struct message *m);

#endif
