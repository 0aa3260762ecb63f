/* maildirsize.h - the Maildir++ quota file "maildirsize" at the root of
 * a Maildir: the one owner of its format (the store's quota accounting,
 * lib/store_quota.c, is its one user).
 *
 * FORMAT (Maildir++, as Courier and Dovecot write it):
 *   1000000S,500C          the quota definition: octets (S) and messages
 *                          (C); a part left out (or 0) is no limit
 *   123456 42              then lines "OCTETS MESSAGES", each a change
 *   -2345 -1               (signed); the usage is the sum of them all
 * A change is one line appended with one write(2) (O_APPEND), so
 * several writers never mix lines. The file is replaced whole (a
 * temporary, then rename) by a recalculation, which counts the messages
 * of every folder again; Maildir++ asks for one when the file is
 * missing or has grown past MAILDIRSIZE_MAX octets. Octets are those of
 * the files on disk (the ",S=" size hint), not the RFC822.SIZE. */
#ifndef POSTERN_MAILDIRSIZE_H
#define POSTERN_MAILDIRSIZE_H
#include <stdint.h>
#include <time.h>

#define MAILDIRSIZE_FILE "maildirsize"

/* A quota: the limits of a Maildir; 0 is no limit of that resource. */
struct maildir_quota {
	uint64_t octets;
	uint64_t messages;
};

/* The file as read. */
struct maildirsize {
	struct maildir_quota quota;     /* its definition line */
	int64_t octets, messages;       /* the sum of its lines */
	long long file_size;            /* octets of the file */
	time_t mtime;                   /* its last change */
	int damaged;                    /* a line that does not parse */
};

/* Read the file at the root of the Maildir rootfd (O_NOFOLLOW). 1 read
 * (a line that does not parse sets damaged), 0 no such file, -1 error
 * with errno. */
int maildirsize_read(int rootfd, struct maildirsize *m);

/* Must the file be recalculated before its sums are trusted? 1 when it
 * is damaged, past MAILDIRSIZE_MAX octets, or defines a quota other than
 * q; or (the Maildir++ rule for a file that drifted) when it says the
 * Maildir is over q and it has not changed for MAILDIRSIZE_RECHECK
 * seconds before now. 0 otherwise. */
int maildirsize_stale(const struct maildirsize *m,
		      const struct maildir_quota *q, time_t now);

/* Replace the file whole (atomically): q's definition and one line of
 * totals. 0, or -1 with errno and the old file in place. */
int maildirsize_write(int rootfd, const struct maildir_quota *q,
		      int64_t octets, int64_t messages);

/* Append a change of octets and messages (one write). A Maildir
 * without the file has no accounting to keep: 0, nothing written. 0,
 * or -1 with errno. */
int maildirsize_append(int rootfd, int64_t octets, int64_t messages);

/* Are two quotas the same? 1 / 0. */
int maildir_quota_equal(const struct maildir_quota *a,
			const struct maildir_quota *b);

#endif
