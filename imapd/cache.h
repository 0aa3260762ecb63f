/* cache.h - imapd's side of the folder cache (lib/store_cache.h, which
 * owns the file and its format): what of it goes into struct message
 * (RFC822.SIZE, INTERNALDATE, ENVELOPE, BODYSTRUCTURE, BODY; the JMAP
 * summary is carried along untouched). The cache is read once per
 * session when first needed; after a command that learnt something the
 * new records are saved (appended, or the file written anew). */
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
