/* sizecache.h - message sizes kept between sessions.
 *
 * A POP3 session needs every message's size as sent (STAT, LIST), which
 * means reading every file. The sizes learned are kept in
 * "postern-pop3.sizes" in the Maildir's top directory, one "UNIQUE SIZE"
 * line per message, sorted by UNIQUE (the file name up to ':'). A
 * Maildir message never
 * changes once delivered, so an entry stays true for as long as its
 * message exists. Only the session that holds the mailbox lock reads or
 * writes the file; it is replaced atomically. A file that cannot be read
 * or parsed is ignored: it is only a cache. */
#ifndef POSTERN_POP3D_SIZECACHE_H
#define POSTERN_POP3D_SIZECACHE_H
#include "mailbox.h"

/* Give the messages of mb whose sizes are not known the sizes the cache
 * holds for them. Never fails: what cannot be read is computed later. */
void size_cache_load(struct mailbox *mb);

/* When mb learned sizes or lost messages this session, write the sizes
 * of its messages (those removed at UPDATE left out). 0, or -1 with
 * errno (the old cache then stays). */
int size_cache_save(struct mailbox *mb);

#endif
