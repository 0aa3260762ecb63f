/* store.h - putting messages into a Maildir folder (APPEND, COPY, MOVE).
 * Each new file is named "UNIQUE,S=octets,W=crlf-octets" (Maildir++ size
 * hints, so RFC822.SIZE needs no read) and lands in new/ without flags or
 * in cur/ with ":2,FLAGS"; the rename is its commit point. */
#ifndef IMAPD_STORE_H
#define IMAPD_STORE_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define STORE_BASE_MAX 256     /* a unique name plus the size hints */

/* Write the message (CRLF on the wire, LF on disk) into dir: tmp/,
 * fsync, mtime = date (0: now), rename into new/ or cur/, fsync the
 * directory. base gets the new base name. 0, or -1 with nothing left. */
int store_message(const char *dir, const char *data, size_t len,
		  unsigned flags, time_t date, char *base, size_t size);

/* Put a copy of the file src into dir (a hard link when possible, else a
 * copy), keeping its flags; move = 1 renames instead (MOVE). base gets
 * the new base name. 0, or -1 with nothing left in dir. */
int store_copy(const char *dir, const char *src, const char *src_base,
	       unsigned flags, int move, char *base, size_t size);

/* Remove a file store_* made (undoing a failed COPY). */
void store_undo(const char *dir, const char *base, unsigned flags);

/* The UIDs the folder gave bases[0..n) (assigning them now if needed,
 * in that order) into uids, and its UIDVALIDITY. 0 or -1. */
int store_uids(const char *dir, char *const *bases, size_t n,
	       uint32_t *uids, uint32_t *validity);

#endif
