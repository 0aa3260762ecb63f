/* store_impl.h - the mail store's insides, shared by lib/store_*.c only
 * (the API is store.h). */
#ifndef POSTERN_STORE_IMPL_H
#define POSTERN_STORE_IMPL_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "store.h"

#define STORE_INDEX_FILE "postern-index"
#define STORE_OLD_INDEX_FILE "postern-uidlist"     /* imapd's, taken over */
#define STORE_LOCK_FILE "postern-lock"
#define STORE_KEYWORDS_FILE "dovecot-keywords"
#define STORE_VALIDITY_FILE "postern-uidvalidity"
#define STORE_LOG_FILE "postern-changes"
#define STORE_RECENT_FILE "postern-recent"

/* What a view last caught up with: the index file as it was (its
 * identity), how much of the change log, and the listing the two claim
 * (store_view_fast.c). Taken under the folder lock. */
struct store_mark {
	int known;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	ino_t log_ino;                  /* 0: no log then */
	size_t log_len;                 /* octets of whole records read */
	off_t log_size;                 /* octets of the file then */
	struct timespec listed[2];
	int listed_provisional;
};
/* One message in the index. */
struct store_entry {
	uint32_t uid;
	uint64_t modseq, created;
	char *unique;           /* malloc'd */
	char *file;             /* malloc'd: "cur/NAME" or "new/NAME" */
	int recent;             /* moved out of new/ by this sync, or (when
				 * not moving) still in new/ */
	long long wire;         /* octets on the wire learned for a name
				 * without ",W=" ("w" records), or -1 */
};

struct store_expunge {
	uint32_t uid;
	uint64_t modseq;
	char *unique;           /* malloc'd; NULL in records of old indexes */
};

/* A folder's index (store.h "THE INDEX"). */
struct store_index {
	uint32_t uidvalidity, uidnext;
	uint64_t highestmodseq, floor;
	char mailboxid[STORE_MAILBOXID_MAX + 1];
	size_t count, cap;
	struct store_entry *v;          /* ascending by uid */
	size_t nexpunged, capexpunged;
	struct store_expunge *x;        /* ascending by modseq */
	struct timespec listed[2];      /* mtimes of cur/ new/ recorded */
	int listed_provisional;         /* recorded before they settled
					 * ("L": store.h "THE CHANGE LOG") */
	int listed_new;                 /* listed set by this change: its
					 * records carry an "L" */
	/* as read (store_index_read): */
	uint64_t read_modseq;           /* HIGHESTMODSEQ, the log replayed */
	size_t index_len;               /* octets of the index file */
	size_t log_len;                 /* octets of the log's whole lines */
	struct store_mark mark;         /* as synced (store_sync) */
	int partial;                    /* only some entries: never written
					 * whole (store_partial_index) */
};

/* One record line of the index or the change log (store_record.c). */
struct store_record {
	char kind;              /* 'm' 'x' 'w' 'l' 'L' */
	uint32_t uid;           /* m x w */
	uint64_t modseq;        /* m x */
	uint64_t created;       /* m */
	const char *file;       /* m: "cur/..." or "new/...", in the line */
	const char *unique;     /* x: in the line, or NULL (older indexes) */
	long long octets;       /* w */
	struct timespec t[2];   /* l L: mtimes of cur/ and new/ */
};
/* Parse line (no newline) into r, whose strings point into line. 0, or
 * -1 (damaged). */
int store_record_parse(const char *line, struct store_record *r);
/* " SEC.NSEC SEC.NSEC" at *p into t, *p moved past. 0 or -1. */
int store_record_stamps(const char **p, struct timespec t[2]);

/* The mark of ix as just read or written by this process under the
 * lock. 0 or -1 (then m->known is 0). */
int store_mark_take(int dirfd, const struct store_index *ix,
		    struct store_mark *m);
/* Are a and b marks of one state of the index and log? */
int store_mark_same(const struct store_mark *a, const struct store_mark *b);
/* May the listing recorded as t (provisional or not) be trusted for
 * directories whose mtimes are now now[]? */
int store_listing_holds(const struct timespec t[2], int provisional,
			const struct timespec now[2]);

/* store_lock kinds: bytes of postern-lock (store.h "LOCKING"). */
enum store_lock_kind { STORE_LOCK_SHARED, STORE_LOCK_EXCLUSIVE,
		       STORE_LOCK_POP3, STORE_LOCK_VALIDITY,
		       STORE_LOCK_QUOTA };

/* Take a lock of the folder at dirfd (blocking, but POP3: EWOULDBLOCK
 * when held). An fd for store_unlock, or -1 with errno. */
int store_lock(int dirfd, enum store_lock_kind kind);
void store_unlock(int fd);

/* store_sync flags */
#define STORE_SYNC_MOVE_NEW 0x01        /* move new/ into cur/ (\Recent) */
#define STORE_SYNC_EXCLUSIVE 0x02       /* under the exclusive lock from
					 * the start (a listing to record) */

/* Bring the index of the folder at dirfd up to date with its
 * directories, writing it when anything changed: unknown files get the
 * next UIDs (the names first[0..nfirst) first, in that order, then the
 * rest in name order), vanished files are recorded as expunged, a file
 * whose flags differ from the index gets a new MODSEQ. rootfd is the
 * Maildir's (for a new UIDVALIDITY). Takes the lock itself (shared,
 * exclusive only when it must write). 0, or -1 with errno and out empty. */
int store_sync(int rootfd, int dirfd, int flags, char *const *first,
	       size_t nfirst, struct store_index *out);
/* The same with the exclusive lock already held. */
int store_sync_locked(int rootfd, int dirfd, int flags, char *const *first,
		      size_t nfirst, struct store_index *out);

/* \Recent (store_recent.c): mark ix's entries above the folder's last
 * taken UID (when postern-recent exists; else they keep the new/ rule);
 * when take (a session that moves new/ and owns what is \Recent),
 * record UIDNEXT-1 as taken, or return 1 when shared (a shared lock
 * cannot write: the caller retries under the exclusive). 0, 1 or -1. */
int store_recent_apply(int dirfd, struct store_index *ix, int take,
		       int shared);
/* A new folder's postern-recent: nothing taken yet. 0 or -1. */
int store_recent_init(int dirfd);

/* index file: read, the change log replayed (0 read, 1 none or
 * damaged: a new one begun with uidvalidity 0 for the caller to fill,
 * -1 error) and write whole (the log then removed: the index holds it;
 * ix's "as read" fields are brought up to date). */
int store_index_read(int dirfd, struct store_index *ix);
int store_index_write(int dirfd, struct store_index *ix,
		      const struct timespec *stamps);
/* The "w" line of e into b when its size is known and its name does
 * not carry it. 0 or -1. */
struct bytes;
int store_index_wire_record(struct bytes *b, const struct store_entry *e);
/* Is f a file name as the index holds it ("cur/..." or "new/...")? */
int store_index_good_file(const char *f);
/* Record uid (its unique name, or NULL) expunged with this MODSEQ (the
 * oldest forgotten past STORE_EXPUNGED_MAX, raising the floor). 0 or -1. */
int store_index_push_expunge(struct store_index *ix, uint32_t uid,
			     uint64_t modseq, const char *unique);
/* A unique name as an "x" line may carry it. */
int store_index_good_unique(const char *u);
/* The change log (store_log.c, store.h "THE CHANGE LOG"). Replay the
 * log into ix just read (records above its HIGHESTMODSEQ), setting
 * ix->log_len. 0, or -1 on a read error. */
int store_log_replay(int dirfd, struct store_index *ix);
/* With the exclusive lock held: make every change of ix since it was
 * read (MODSEQ above read_modseq) durable, appended to the log, or the
 * whole index written when the log has grown past its share. 0 or -1. */
int store_log_commit(int dirfd, struct store_index *ix);
/* With the exclusive lock held: record in the log that the index (as
 * read, log replayed) is the listing of cur/ and new/ with mtimes t,
 * provisional or not (store_listing_holds); not synced (a lost record
 * costs one listing). ix->listed is set. 0 or -1. */
int store_log_listed(int dirfd, struct store_index *ix,
		     const struct timespec t[2], int provisional);
/* Remove the log (after a whole index write). */
void store_log_remove(int dirfd);
void store_index_free(struct store_index *ix);
/* Drop the entries whose file is NULL (removed). */
void store_index_compact(struct store_index *ix);
/* Append an entry (unique copied, file taken). 0 or -1. */
int store_index_push(struct store_index *ix, uint32_t uid, uint64_t modseq,
		     uint64_t created, const char *unique, char *file);
/* Record uid (unique name unique, copied) as expunged now (a new
 * MODSEQ). 0 or -1. */
int store_index_expunged(struct store_index *ix, uint32_t uid,
			 const char *unique);
/* The entry with this uid, or NULL (binary search). */
struct store_entry *store_index_find(const struct store_index *ix,
				     uint32_t uid);

/* A new UIDVALIDITY for the Maildir at rootfd: max(now, last + 1), kept
 * in ROOT/postern-uidvalidity under ROOT's lock. 0 on error. */
uint32_t store_new_uidvalidity(int rootfd);
/* A new MAILBOXID into buf (STORE_MAILBOXID_MAX + 1). */
void store_new_mailboxid(uint32_t uidvalidity, char *buf);

/* Directory mtimes (store_sync's trusted listing). */
int store_dir_stamps(int dirfd, struct timespec t[2]);
int store_stamps_equal(const struct timespec *a, const struct timespec *b);
int store_settled(const struct timespec *t);

/* names (store_name.c) */
long long store_lf_size_from_name(const char *file);
size_t store_unique_len(const char *name);
/* May the file's flags be changed: no info, or ":2," (a file with
 * another info, e.g. the experimental ":1,", is left as it is)? 1 / 0. */
int store_name_flaggable(const char *file);
/* "new/UNIQUE" (in_new) or "cur/UNIQUE:2,INFO" into buf. 0 or -1. */
int store_name_file(const char *unique, const char *old, unsigned flags,
		    int in_new, char *buf, size_t size);

/* The folder's directory: ROOT for INBOX, ROOT/.NAME else, opened
 * O_DIRECTORY|O_NOFOLLOW relative to rootfd. An fd or -1 (ELOOP: a
 * symlink; ENOENT). */
int store_folder_dirfd(int rootfd, const char *name);

/* keywords (store_keywords.c): read the file at dirfd into k (empty when
 * none); with the exclusive lock held, resolve names as
 * store_keywords_resolve says. */
int store_keywords_read(int dirfd, struct store_keywords *k);
void store_keywords_free(struct store_keywords *k);
int store_keywords_resolve_locked(int dirfd, char *const *names, size_t n,
				  int add, struct store_keywords *k,
				  unsigned *bits);

/* A new file tmp/UNIQUE in the folder at dirfd (O_EXCL, O_NOFOLLOW):
 * its fd, with the unique name and "tmp/UNIQUE" in the buffers; -1. */
int store_tmp_create(int dirfd, char *unique, size_t usize, char *tmp,
		     size_t tsize);

/* store_added (store_add.c): room for n; the UIDs of a->uniques[0..a->n)
 * in the folder at dirfd, given now in that order when new. 0 or -1. */
int store_added_alloc(struct store_added *a, size_t n);
int store_added_uids(int rootfd, int dirfd, struct store_added *a);

/* The file "cur/UNIQUE:2,..." of a message renamed by another program,
 * malloc'd, or NULL (store_view.c). */
char *store_find_file(int dirfd, const char *unique);

/* Test builds (POSTERN_FAULTS): $POSTERN_KILL_AT names a step of a
 * change ("after-rename", "before-index", "log-append", "after-index")
 * at which the process dies (SIGKILL), for the crash tests. */
#ifdef POSTERN_FAULTS
void store_kill_point(const char *step);
#else
#define store_kill_point(step) ((void)0)
#endif

/* quota (store_quota.c, store.h "QUOTA") */
/* Octets of a message file on disk: its ",S=", else its size (-1: gone). */
long long store_file_octets(int dirfd, const char *file);
/* May octets and messages be added to the Maildir at rootfd under q?
 * 0, or -1 with errno (EDQUOT: over q). */
int store_quota_admit(int rootfd, const struct maildir_quota *q,
		      uint64_t octets, uint64_t messages);
/* Record that octets and messages (negative: removed) were added. */
void store_quota_charge(int rootfd, const struct maildir_quota *q,
			int64_t octets, int64_t messages);

/* views (store_folder.c, store_view.c, store_view_fast.c) */
/* ch emptied, with room for n expunges and n flag changes. 0 or -1. */
int store_changes_alloc(struct store_changes *ch, size_t n);
/* The records appended to the log since a view's mark. */
struct store_tail {
	char *buf;                      /* malloc'd: the octets read */
	struct store_record *rec;       /* malloc'd, pointing into buf */
	size_t n, used;                 /* records; octets of whole ones */
	struct timespec listed[2];      /* the listing they leave */
	int provisional;
};
/* Under a lock: the tail of the log since mk. 1 read, 0 the index or
 * log is not the one mk saw (or much was added: a full read is
 * needed), -1 error. store_tail_free it in any case. */
int store_log_since(struct store_folder *f, const struct store_mark *mk,
		    struct store_tail *t);
void store_tail_free(struct store_tail *t);
/* Under the exclusive lock: ix for a change of msgs[idx[0..n)] only, as
 * the view and the log since its mark say they are now (a partial
 * index: store_log_commit appends its records, never writes it whole).
 * 1 made, 0 a full read is needed, -1 error (store_partial.c). */
int store_partial_index(struct store_folder *f, const size_t *idx, size_t n,
			struct store_index *ix);
/* The view's mark (what it last caught up with). */
struct store_mark *store_view_mark(struct store_folder *f);
/* Catch f up from the change log alone when it can (see
 * store_view_fast.c): 1 done (ch filled, mk advanced), 0 a full sync
 * is needed (nothing changed), 2 one with STORE_SYNC_EXCLUSIVE (it
 * confirms a provisional listing for every session), -1 error (mk
 * forgotten). */
int store_view_catch_up(struct store_folder *f, struct store_mark *mk,
			int allow_expunge, struct store_changes *ch);
/* Note the folder's stamps as they are before a sync (for poll). */
void store_view_note(struct store_folder *f);
/* Record msgs m (sequence number seq) expunged in ch and free its
 * strings (the caller then drops it from msgs). */
void store_view_expunge_one(struct store_changes *ch, size_t seq,
			    struct store_message *m);

#endif
