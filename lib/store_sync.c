/* store_sync.c - bringing a folder's index up to date with its
 * directories (store_impl.h store_sync). */
#include "store_impl.h"
#include "limits.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A file found in new/ or cur/. */
struct found {
	char *unique, *file;
	int in_new;
	int used;
};

struct scan {
	size_t count, cap;
	struct found *v;
	size_t *slot;           /* hash index: v[slot[h] - 1], 0 empty */
	size_t mask;
};

/* FNV-1a: unique names share long prefixes, so a hash beats comparing. */
static size_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static int scan_push(struct scan *sc, const char *sub, const char *name)
{
	if (sc->count == sc->cap) {
		size_t c = sc->cap ? sc->cap * 2 : 64;
		struct found *v = realloc(sc->v, c * sizeof *v);
		if (!v)
			return -1;
		sc->v = v;
		sc->cap = c;
	}
	struct found *f = &sc->v[sc->count];
	size_t len = strlen(name) + 5;
	f->unique = strndup(name, store_unique_len(name));
	f->file = malloc(len);
	if (!f->unique || !f->file) {
		free(f->unique);
		free(f->file);
		return -1;
	}
	snprintf(f->file, len, "%s/%s", sub, name);
	f->in_new = sub[0] == 'n';
	f->used = 0;
	sc->count++;
	return 0;
}

/* Is the entry of sub ("cur", "new") a message file? Not a hidden file
 * or a directory, nor a name in new/ too long to take ":2,". */
static int is_message(const char *sub, const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && store_unique_len(e->d_name) > 0 &&
	       e->d_type != DT_DIR &&
	       (sub[0] != 'n' || n + 3 <= STORE_FILE_NAME_MAX);
}

/* List dirfd/sub; a symlinked sub is refused (O_NOFOLLOW). */
static int scan_dir(int dirfd, const char *sub, struct scan *sc)
{
	int fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (errno = 0, e = readdir(d)))
		if (is_message(sub, e))
			rc = scan_push(sc, sub, e->d_name);
	if (rc == 0 && errno)
		rc = -1;
	closedir(d);
	return rc;
}

/* Delivery order: a Maildir name starts with the delivery time in
 * seconds (numbers of different lengths compare as numbers); the whole
 * name breaks ties. */
static int found_cmp(const void *a, const void *b)
{
	const char *x = (*(struct found *const *)a)->unique;
	const char *y = (*(struct found *const *)b)->unique;
	size_t nx = strspn(x, "0123456789"), ny = strspn(y, "0123456789");
	if (nx && ny && nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x, y);
}

/* The file with this unique name (the first listed, if two), or NULL. */
static struct found *scan_find(struct scan *sc, const char *unique)
{
	if (!sc->slot)
		return NULL;
	for (size_t h = hash_name(unique) & sc->mask; sc->slot[h];
	     h = (h + 1) & sc->mask)
		if (!strcmp(sc->v[sc->slot[h] - 1].unique, unique))
			return &sc->v[sc->slot[h] - 1];
	return NULL;
}

static void scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->count; i++) {
		free(sc->v[i].unique);
		free(sc->v[i].file);
	}
	free(sc->v);
	free(sc->slot);
	memset(sc, 0, sizeof *sc);
}

static int scan_index(struct scan *sc)
{
	size_t n = 16;
	while (n < 2 * sc->count)
		n *= 2;
	sc->slot = calloc(n, sizeof *sc->slot);
	if (!sc->slot)
		return -1;
	sc->mask = n - 1;
	for (size_t i = 0; i < sc->count; i++) {
		size_t h = hash_name(sc->v[i].unique) & sc->mask;
		while (sc->slot[h])
			h = (h + 1) & sc->mask;
		sc->slot[h] = i + 1;
	}
	return 0;
}

/* List new/ and cur/ into sc, indexed by unique name. */
static int scan_all(int dirfd, struct scan *sc)
{
	if (scan_dir(dirfd, "cur", sc) < 0 || scan_dir(dirfd, "new", sc) < 0)
		return -1;
	return scan_index(sc);
}

/* Does some known message seem to have no file? Another program (a mail
 * reader renaming a file to change its flags) may have moved it while
 * readdir ran; a second listing tells that from an expunge. */
static int scan_consistent(int dirfd, const struct store_index *ix,
			   struct scan *sc)
{
	for (size_t i = 0; i < ix->count; i++) {
		if (scan_find(sc, ix->v[i].unique))
			continue;
		scan_free(sc);
		return scan_all(dirfd, sc);
	}
	return 0;
}

/* Attach found files to known entries: a file whose flags differ from
 * the index's gets a new MODSEQ; an entry without a file is expunged. */
static int match_known(struct store_index *ix, struct scan *sc)
{
	size_t w = 0;
	int changed = 0;
	for (size_t i = 0; i < ix->count; i++) {
		struct store_entry *e = &ix->v[i];
		struct found *f = scan_find(sc, e->unique);
		if (!f || f->used) {
			if (store_index_expunged(ix, e->uid, e->unique) < 0)
				return -1;
			free(e->unique);
			free(e->file);
			changed = 1;
			continue;
		}
		f->used = 1;
		if (!e->file || strcmp(e->file, f->file)) {
			if (!e->file || store_flags_from_name(e->file) !=
			    store_flags_from_name(f->file))
				e->modseq = ++ix->highestmodseq;
			changed = 1;
		}
		free(e->file);
		e->file = f->file;
		e->recent = f->in_new;
		f->file = NULL;
		ix->v[w++] = *e;
	}
	ix->count = w;
	return changed;
}

/* Give f the next UID. 1 given, 0 already had one, -1 error. */
static int assign(struct store_index *ix, struct found *f)
{
	if (f->used)
		return 0;
	if (ix->uidnext == UINT32_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	uint64_t m = ++ix->highestmodseq;
	if (store_index_push(ix, ix->uidnext++, m, m, f->unique, f->file) < 0)
		return -1;
	f->used = 1;
	ix->v[ix->count - 1].recent = f->in_new;
	f->file = NULL;
	return 1;
}

/* UIDs for the files no entry has: first[0..nfirst) in that order, then
 * the rest in name order (for Maildir names, delivery order). */
static int assign_unknown(struct store_index *ix, struct scan *sc,
			  char *const *first, size_t nfirst)
{
	int changed = 0;
	for (size_t i = 0; i < nfirst; i++) {
		struct found *f = scan_find(sc, first[i]);
		int r = f ? assign(ix, f) : 0;
		if (r < 0)
			return -1;
		changed |= r;
	}
	size_t n = 0;
	for (size_t i = 0; i < sc->count; i++)
		n += !sc->v[i].used;
	if (n == 0)
		return changed;
	struct found **v = malloc(n * sizeof *v);
	if (!v)
		return -1;
	n = 0;
	for (size_t i = 0; i < sc->count; i++)
		if (!sc->v[i].used)
			v[n++] = &sc->v[i];
	qsort(v, n, sizeof *v, found_cmp);
	for (size_t i = 0; i < n && changed >= 0; i++) {
		int r = assign(ix, v[i]);
		changed = r < 0 ? -1 : changed | r;
	}
	free(v);
	return changed;
}

/* new/UNIQUE -> cur/UNIQUE:2, for each entry still in new/, then one
 * fsync of cur/ (the moves change no flags: no new MODSEQ). */
static void move_new_files(int dirfd, struct store_index *ix)
{
	int moved = 0;
	for (size_t i = 0; i < ix->count; i++) {
		struct store_entry *e = &ix->v[i];
		if (strncmp(e->file, "new/", 4))
			continue;
		size_t n = strlen(e->file) + 4;
		char *file = malloc(n);
		if (!file)
			continue;
		snprintf(file, n, "cur/%s%s", e->file + 4,
			 strchr(e->file, ':') ? "" : ":2,");
		/* ENOENT: another session moved it; found at the next sync */
		if (renameat(dirfd, e->file, dirfd, file) < 0) {
			free(file);
			if (errno != ENOENT)
				e->recent = 0;
			continue;
		}
		free(e->file);
		e->file = file;
		moved = 1;
	}
	for (int i = 0; moved && i < 2; i++) {
		/* both directories: the entry made in cur/, the one gone
		 * from new/ (best effort: the moves are done) */
		int fd = openat(dirfd, i ? "new" : "cur", O_RDONLY |
				O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
}

static int any_new(const struct store_index *ix)
{
	for (size_t i = 0; i < ix->count; i++)
		if (!strncmp(ix->v[i].file, "new/", 4))
			return 1;
	return 0;
}

/* A listing to record ("l", or "L" when provisional) beside what a sync
 * wrote. */
struct listing {
	struct timespec t[2];
	int provisional;
	int pending;
};

/* The index's listing holds: no directory read. */
static int trusted(int dirfd, int flags, int shared, struct store_index *out)
{
	for (size_t i = 0; i < out->count; i++)
		out->v[i].recent = !strncmp(out->v[i].file, "new/", 4);
	int r = store_recent_apply(dirfd, out, flags & STORE_SYNC_MOVE_NEW,
				   shared);
	if (r == 0)     /* none taken: the next catch-up syncs fully */
		store_mark_take(dirfd, out, &out->mark);
	else
		store_index_free(out);
	return r;
}

/* The listing just made (stamps before it, after[] after it and any
 * move) is worth recording when sound (nothing changed in cur/ or new/
 * while it ran) and not what the index already says: settled, an "l"
 * (no later change can leave the mtimes as they are); else a
 * provisional "L", trusted only until they settle (a change in the same
 * clock tick could hide behind it), then checked by one more listing. */
static void listing_to_record(const struct store_index *ix, int sound,
			      int settled, const struct timespec after[2],
			      struct listing *rec)
{
	rec->pending = sound && (!store_stamps_equal(ix->listed, after) ||
				 ix->listed_provisional != !settled);
	rec->t[0] = after[0];
	rec->t[1] = after[1];
	rec->provisional = !settled;
}

/* Under a lock: shared = 1 writes nothing and returns 1 (out empty)
 * when it must write a change, or 2 (out filled) when it has only a
 * listing to record (rec), which store_sync then records under the
 * exclusive lock. */
static int sync_locked(int rootfd, int dirfd, int flags, char *const *first,
		       size_t nfirst, int shared, struct store_index *out,
		       struct listing *rec)
{
	struct scan sc = { 0 };
	struct timespec before[2], after[2];
	rec->pending = 0;
	int changed = store_index_read(dirfd, out);
	if (changed < 0)
		goto fail;
	int stamped = store_dir_stamps(dirfd, before) == 0;
	if (!changed && stamped && nfirst == 0 &&
	    store_listing_holds(out->listed, out->listed_provisional, before) &&
	    !((flags & STORE_SYNC_MOVE_NEW) && any_new(out)))
		return trusted(dirfd, flags, shared, out);
	if (scan_all(dirfd, &sc) < 0 || scan_consistent(dirfd, out, &sc) < 0)
		goto fail;
	int r = match_known(out, &sc);
	if (r < 0)
		goto fail;
	changed |= r;
	if ((r = assign_unknown(out, &sc, first, nfirst)) < 0)
		goto fail;
	changed |= r;
	scan_free(&sc);
	int move = (flags & STORE_SYNC_MOVE_NEW) && any_new(out);
	int sound = stamped && store_dir_stamps(dirfd, after) == 0 &&
		    store_stamps_equal(before, after);
	int settled = sound && !move && store_settled(&after[0]) &&
		      store_settled(&after[1]);
	if (shared && (changed || move)) {
		store_index_free(out);
		return 1;
	}
	if (out->uidvalidity == 0) {    /* a new index */
		if (!(out->uidvalidity = store_new_uidvalidity(rootfd)))
			goto fail;
		store_new_mailboxid(out->uidvalidity, out->mailboxid);
	}
	if (move) {     /* the mtimes its own renames left */
		move_new_files(dirfd, out);
		sound = sound && store_dir_stamps(dirfd, after) == 0;
	}
	/* a change writes a new index (settled stamps in its header), a
	 * listing alone is a record of the change log (cheap) */
	if ((changed || move) &&
	    store_index_write(dirfd, out, settled ? after : NULL) < 0)
		goto fail;
	listing_to_record(out, sound, settled, after, rec);
	int taken = store_recent_apply(dirfd, out,
				       flags & STORE_SYNC_MOVE_NEW, shared);
	if (taken < 0)
		goto fail;
	if (taken > 0) {
		store_index_free(out);
		return 1;
	}
	if (rec->pending && !shared) {
		if (store_log_listed(dirfd, out, rec->t, rec->provisional) < 0)
			goto fail;
		rec->pending = 0;
	}
	store_mark_take(dirfd, out, &out->mark);
	return rec->pending ? 2 : 0;
fail:
	scan_free(&sc);
	store_index_free(out);
	return -1;
}

int store_sync_locked(int rootfd, int dirfd, int flags, char *const *first,
		      size_t nfirst, struct store_index *out)
{
	struct listing rec;
	return sync_locked(rootfd, dirfd, flags, first, nfirst, 0, out, &rec);
}

/* Under the exclusive lock: record the listing a shared sync made, when
 * neither the index, nor the log, nor the directories moved since (a
 * lost record costs one listing: errors are not the sync's). */
static void record_listing(int dirfd, struct store_index *ix,
			   const struct listing *rec)
{
	struct store_mark now;
	struct timespec t[2];
	if (store_mark_take(dirfd, ix, &now) < 0 ||
	    !store_mark_same(&now, &ix->mark) ||
	    store_dir_stamps(dirfd, t) < 0 || !store_stamps_equal(t, rec->t) ||
	    store_log_listed(dirfd, ix, rec->t, rec->provisional) < 0)
		return;
	store_mark_take(dirfd, ix, &ix->mark);
}

int store_sync(int rootfd, int dirfd, int flags, char *const *first,
	       size_t nfirst, struct store_index *out)
{
	/* most syncs change nothing: they run under a shared lock, side
	 * by side; one that must write starts again under the exclusive,
	 * one that has only a listing to note takes it to note it */
	struct listing rec;
	int shared = !(flags & STORE_SYNC_EXCLUSIVE);
	int fd = store_lock(dirfd, shared ? STORE_LOCK_SHARED :
			    STORE_LOCK_EXCLUSIVE);
	if (fd < 0)
		return -1;
	int rc = sync_locked(rootfd, dirfd, flags, first, nfirst, shared, out,
			     &rec);
	if (rc > 0) {
		store_unlock(fd);
		if ((fd = store_lock(dirfd, STORE_LOCK_EXCLUSIVE)) < 0) {
			if (rc == 2)
				store_index_free(out);
			return -1;
		}
		if (rc == 2)
			record_listing(dirfd, out, &rec);
		else
			rc = sync_locked(rootfd, dirfd, flags, first, nfirst,
					 0, out, &rec);
		rc = rc == 2 ? 0 : rc;
	}
	int e = errno;
	store_unlock(fd);
	errno = e;
	return rc;
}
