/* store_flags.c - flag changes and expunges: each a read-modify-write
 * under the folder's exclusive lock against the names on disk now, each
 * change with a new MODSEQ (store.h). */
#include "store_impl.h"
#include "limits.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef POSTERN_FAULTS
#include <signal.h>
void store_kill_point(const char *step)
{
	const char *at = getenv("POSTERN_KILL_AT");
	if (at && !strcmp(at, step))
		raise(SIGKILL);
}
#endif

/* The folder locked and its index read (for the messages idx[0..n),
 * when idx, only their entries when the view's mark allows:
 * store_partial.c). Every name postern gives a file is recorded in the
 * index under this lock, so the index names the files as they are, but
 * for renames by other programs, which current_name finds; a missing or
 * damaged index is made by a full sync. The lock fd, or -1. */
static int begin_for(struct store_folder *f, const size_t *idx, size_t n,
		     struct store_index *ix)
{
	int lock = store_lock(f->dirfd, STORE_LOCK_EXCLUSIVE);
	if (lock < 0)
		return -1;
	/* a change of a few messages needs only theirs */
	int r = idx ? store_partial_index(f, idx, n, ix) : 0;
	if (r < 0) {
		store_unlock(lock);
		return -1;
	}
	r = r == 1 ? 0 : store_index_read(f->dirfd, ix);
	if (r != 0)
		store_index_free(ix);
	if (r != 0 && store_sync_locked(f->store->rootfd, f->dirfd, 0, NULL, 0,
					ix) < 0) {
		int e = errno;
		store_unlock(lock);
		errno = e;
		return -1;
	}
	/* the directories are as the index's listing says (provisional or
	 * not: a listing left unconfirmed stays so): the change's own
	 * renames then keep it (finish) */
	struct timespec now[2];
	ix->listed_new = store_dir_stamps(f->dirfd, now) == 0 &&
			 ix->listed[0].tv_sec &&
			 store_stamps_equal(ix->listed, now);
	return lock;
}

static int begin(struct store_folder *f, struct store_index *ix)
{
	return begin_for(f, NULL, 0, ix);
}

/* After the change's renames: when the listing held before them and
 * every one is in ix (sure), its records say the directories are as
 * they left them, provisionally ("L": store_listing_holds), so other
 * sessions need not list them. */
static void keep_listing(struct store_folder *f, struct store_index *ix,
			 int sure)
{
	struct timespec now[2];
	if (!ix->listed_new || !sure || store_dir_stamps(f->dirfd, now) < 0) {
		ix->listed_new = 0;
		return;
	}
	ix->listed[0] = now[0];
	ix->listed[1] = now[1];
	ix->listed_provisional = 1;
}

/* Write the index when changed, fsync cur/, unlock. sure: every rename
 * and unlink done is in ix. 0 or -1. */
static int finish(struct store_folder *f, struct store_index *ix,
		  int changed, int sure, int lock)
{
	int rc = 0;
	if (changed) {
		keep_listing(f, ix, sure);
		store_kill_point("before-index");
		rc = store_log_commit(f->dirfd, ix);
		store_kill_point("after-index");
		int cur = openat(f->dirfd, "cur", O_RDONLY | O_DIRECTORY |
				 O_NOFOLLOW | O_CLOEXEC);
		if (cur < 0 || fsync(cur) < 0)
			rc = -1;
		if (cur >= 0)
			close(cur);
	}
	int e = errno;
	store_unlock(lock);
	f->highestmodseq = ix->highestmodseq;
	f->uidnext = ix->uidnext;
	store_index_free(ix);
	errno = e;
	return rc;
}

/* e's file as it is on disk now: another program may have renamed it
 * (its flag change then gets a MODSEQ of its own). 1, or 0 gone. */
static int current_name(struct store_folder *f, struct store_index *ix,
			struct store_entry *e)
{
	struct stat st;
	if (fstatat(f->dirfd, e->file, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	char *file = store_find_file(f->dirfd, e->unique);
	if (!file)
		return 0;
	if (store_flags_from_name(file) != store_flags_from_name(e->file))
		e->modseq = ++ix->highestmodseq;
	free(e->file);
	e->file = file;
	return 1;
}

/* The view's message takes the entry's name, flags and MODSEQ. */
static int view_update(struct store_message *m, const struct store_entry *e)
{
	char *file = strdup(e->file);
	if (!file)
		return -1;
	free(m->file);
	m->file = file;
	m->flags = store_flags_from_name(file);
	m->modseq = e->modseq;
	return 0;
}

static unsigned apply(enum store_flag_op op, unsigned now, unsigned flags)
{
	return op == STORE_FLAGS_SET ? flags :
	       op == STORE_FLAGS_ADD ? now | flags : now & ~flags;
}

/* Rename e's file to carry want. 1 renamed, 0 gone, -1 error. */
static int rename_entry(struct store_folder *f, struct store_entry *e,
			unsigned want)
{
	char name[PATH_MAX_POSTERN];
	if (store_name_file(e->unique, e->file, want, 0, name, sizeof name) < 0)
		return -1;
	if (renameat(f->dirfd, e->file, f->dirfd, name) < 0)
		return errno == ENOENT ? 0 : -1;
	char *file = strdup(name);
	if (!file)
		return -1;      /* renamed: the next sync records it */
	free(e->file);
	e->file = file;
	return 1;
}

long store_set_flags(struct store_folder *f, const size_t *idx, size_t n,
		     enum store_flag_op op, unsigned flags,
		     uint64_t unchangedsince, size_t **failed,
		     size_t *nfailed)
{
	struct store_index ix;
	long gone = 0;
	int changed = 0, sure = 1;
	if (failed) {
		*nfailed = 0;
		if (!(*failed = calloc(n + 1, sizeof **failed)))
			return -1;
	}
	int lock = begin_for(f, idx, n, &ix);
	if (lock < 0)
		return -1;
	for (size_t k = 0; k < n; k++) {
		struct store_message *m = &f->msgs[idx[k]];
		struct store_entry *e = store_index_find(&ix, m->uid);
		int r = 0;
		if (e && !current_name(f, &ix, e))
			e = NULL;
		if (e && unchangedsince && e->modseq > unchangedsince) {
			if (failed)     /* RFC 7162 §3.1.3 */
				(*failed)[(*nfailed)++] = idx[k];
			view_update(m, e);
			continue;
		}
		unsigned now = e ? store_flags_from_name(e->file) : 0;
		unsigned want = apply(op, now, flags);
		if (e && !store_name_flaggable(e->file))
			r = 2;          /* not ours to rename */
		else if (e && (want != now || !strncmp(e->file, "new/", 4)))
			r = rename_entry(f, e, want);
		else if (e)
			r = 2;          /* nothing to change */
		sure &= r >= 0;
		if (r == 1) {
			store_kill_point("after-rename");
			e->modseq = ++ix.highestmodseq;
			changed = 1;
		}
		if (r > 0 && view_update(m, e) == 0)
			continue;
		m->gone = r == 0 || !e;
		gone += m->gone;
	}
	if (finish(f, &ix, changed, sure, lock) < 0)
		return -1;
	return gone;
}

/* Is uid in uids[0..n) (ascending)? */
static int among(const uint32_t *uids, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && uids[lo] == uid;
}

/* Remove the entry (unlink its file); it becomes an expunge record and
 * its octets on disk and one message are added to freed[0] and
 * freed[1] (the quota's, store.h) when this removed it. 0, or -1 with the file still there. */
static int remove_entry(struct store_folder *f, struct store_index *ix,
			struct store_entry *e, int64_t freed[2])
{
	long long size = store_file_octets(f->dirfd, e->file);
	if (unlinkat(f->dirfd, e->file, 0) < 0) {
		if (errno != ENOENT)
			return -1;
	} else {
		freed[0] += size > 0 ? size : 0;
		freed[1]++;
	}
	if (store_index_expunged(ix, e->uid, e->unique) < 0)
		return -1;
	free(e->file);
	e->file = NULL;         /* dropped by store_index_compact */
	return 0;
}

/* The common part of expunge and remove: which = 0 every message whose
 * file on disk has \Deleted (and a UID among uids, when set), else the
 * messages marked in pick[]. Returns the failures, -1 on error. */
static long take_out(struct store_folder *f, const uint32_t *uids,
		     size_t nuids, const unsigned char *pick,
		     struct store_changes *ch)
{
	struct store_index ix;
	long failures = 0;
	size_t w = 0;
	int64_t freed[2] = { 0, 0 };    /* octets, messages */
	if (store_changes_alloc(ch, f->count) < 0)
		return -1;
	int lock = begin(f, &ix);
	if (lock < 0) {
		store_changes_free(ch);
		return -1;
	}
	for (size_t i = 0; i < f->count; i++) {
		struct store_message *m = &f->msgs[i];
		struct store_entry *e = store_index_find(&ix, m->uid);
		if (e && !current_name(f, &ix, e))
			e = NULL;
		int go = pick ? pick[i] : e &&
			 (store_flags_from_name(e->file) & STORE_DELETED) &&
			 (!uids || among(uids, nuids, m->uid));
		if (go && e && remove_entry(f, &ix, e, freed) < 0) {
			failures++;
			go = 0;
		}
		if (!go) {
			f->msgs[w++] = *m;
			continue;
		}
		store_view_expunge_one(ch, w + 1, m);
	}
	f->count = w;
	store_index_compact(&ix);
	/* a failed index write or fsync changes nothing of what was done:
	 * the files are gone and the view reports them; the next sync
	 * records the expunges the index missed */
	finish(f, &ix, ch->nexpunged > 0, failures == 0, lock);
	store_quota_charge(f->store->rootfd, &f->store->quota, -freed[0],
			   -freed[1]);
	return failures;
}

/* take_out with ch, or with changes nobody asked for when ch is NULL. */
static long take_out_reporting(struct store_folder *f, const uint32_t *uids,
			       size_t nuids, const unsigned char *pick,
			       struct store_changes *ch)
{
	struct store_changes unasked;
	long r = take_out(f, uids, nuids, pick, ch ? ch : &unasked);
	if (!ch)
		store_changes_free(&unasked);
	return r;
}

int store_expunge(struct store_folder *f, const uint32_t *uids,
		  size_t nuids, struct store_changes *ch)
{
	return take_out_reporting(f, uids, nuids, NULL, ch) < 0 ? -1 : 0;
}

long store_remove(struct store_folder *f, const size_t *idx, size_t n,
		  struct store_changes *ch)
{
	unsigned char *pick = calloc(f->count + 1, 1);
	if (!pick)
		return -1;
	for (size_t k = 0; k < n; k++)
		if (idx[k] < f->count)
			pick[idx[k]] = 1;
	long r = take_out_reporting(f, NULL, 0, pick, ch);
	free(pick);
	return r;
}
