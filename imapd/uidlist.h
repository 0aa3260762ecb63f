/* uidlist.h - persistent UIDs for a Maildir folder (RFC 3501 §2.3.1.1).
 *
 * The file "postern-uidlist" in the folder's directory:
 *     postern-uidlist 1 UIDVALIDITY UIDNEXT [CUR-MTIME NEW-MTIME]
 *     UID BASENAME [:2,INFO]
 *     ...
 * one line per message, ascending UIDs; BASENAME is the Maildir file name
 * without its ":2,FLAGS" info. When the header carries the mtimes of
 * cur/ and new/ (seconds.nanoseconds), every line also has the rest of
 * its file name in cur/: the listing of the folder at those mtimes,
 * recorded only when they were settled (uidlist_settled: no later change
 * can leave them as they were) and the file is UIDLIST_RECORD_AGE old. While cur/ and new/ still have them, a
 * sync takes the listing from the file and reads no directory. It is only ever replaced whole
 * (file_write_atomic) while flock(LOCK_EX) is held on
 * "postern-uidlist.lock" beside it, so any number of imapd processes give
 * each message one UID, unique and ascending in order of discovery. */
#ifndef IMAPD_UIDLIST_H
#define IMAPD_UIDLIST_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct uid_entry {
	uint32_t uid;
	char *base;             /* the unique name, without ":2,..." */
	char *file;             /* "cur/BASE:2,FLAGS" or "new/BASE" */
	int recent;             /* moved out of new/ by this sync, or (when
				 * not moving) still in new/ */
};

struct uidlist {
	uint32_t validity, next;
	size_t count;
	struct uid_entry *v;    /* ascending by uid */
	struct timespec listed[2];      /* the mtimes of the listing hints */
};

/* Take the folder's lock (blocking). Returns an fd for uidlist_unlock,
 * or -1. Held around every rename or unlink in cur/ by imapd so that a
 * directory scan under the lock sees each message exactly once. */
int uidlist_lock(const char *dir);
void uidlist_unlock(int fd);
/* The same lock shared: for looking only. */
int uidlist_lock_shared(const char *dir);

/* Under the lock: read the UID file, scan new/ and cur/, forget the
 * messages whose files are gone, give the next UIDs to unknown files
 * (the names in first[0..nfirst) first, in that order, then the rest in
 * name order, which for Maildir names is delivery order), and when
 * move_new is set rename new/ files into cur/ ("recent" for this caller,
 * §2.3.2). Writes the file back when anything changed. Fills out; 0, or
 * -1 with errno and out empty. It looks under a shared lock, and takes
 * the exclusive one (looking again) only when it must write or move. */
int uidlist_sync(const char *dir, int move_new, char *const *first,
		 size_t nfirst, struct uidlist *out);

/* The same with the lock already held (lockfd from uidlist_lock). */
int uidlist_sync_locked(const char *dir, int move_new, char *const *first,
			size_t nfirst, struct uidlist *out);

void uidlist_free(struct uidlist *list);

/* Is the directory mtime t old enough that any later change in the
 * directory must give it another mtime? Timestamps come from a coarse
 * clock (a few ms); UIDLIST_SETTLE_MS is ten times that. A time in
 * whole seconds may come from a file system with 1 s times: then over
 * two seconds. 1 / 0. */
int uidlist_settled(const struct timespec *t);

/* The entry with this base name, or NULL (binary search is not possible:
 * the list is in UID order; linear). */
const struct uid_entry *uidlist_find(const struct uidlist *list,
				     const char *base);

#endif
