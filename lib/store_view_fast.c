/* store_view_fast.c - catching a view up from the change log alone.
 * When the index is still the file the view last caught up with (same
 * identity: every write of it is a new file), everything another
 * session changed since is in the records appended to the log, and when
 * the directories are still as the last listing recorded (store.h "THE
 * CHANGE LOG": "l" and "L"), nothing changed behind the store's back:
 * the view takes those records, and no index is read, no directory
 * listed. Otherwise store_folder_sync does the full sync. */
#include "store_impl.h"
#include "limits.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What was read of the log past the mark. */
struct tail {
	char *data;
	size_t len;
};

int store_mark_take(int dirfd, const struct store_index *ix,
		    struct store_mark *m)
{
	struct stat st;
	memset(m, 0, sizeof *m);
	if (fstatat(dirfd, STORE_INDEX_FILE, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || (size_t)st.st_size != ix->index_len)
		return -1;
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->size = st.st_size;
	m->mtime = st.st_mtim;
	m->ctime = st.st_ctim;
	if (fstatat(dirfd, STORE_LOG_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode)) {
		m->log_ino = st.st_ino;
		m->log_size = st.st_size;
	} else if (ix->log_len) {
		return -1;
	}
	m->log_len = ix->log_len;
	m->listed[0] = ix->listed[0];
	m->listed[1] = ix->listed[1];
	m->listed_provisional = ix->listed_provisional;
	m->known = 1;
	return 0;
}

static int time_equal(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int store_mark_same(const struct store_mark *a, const struct store_mark *b)
{
	return a->known && b->known && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && time_equal(&a->mtime, &b->mtime) &&
	       time_equal(&a->ctime, &b->ctime) &&
	       a->log_ino == b->log_ino && a->log_size == b->log_size;
}

/* Is the index the file mk saw? */
static int same_index(int dirfd, const struct store_mark *mk)
{
	struct stat st;
	return fstatat(dirfd, STORE_INDEX_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       st.st_dev == mk->dev && st.st_ino == mk->ino &&
	       st.st_size == mk->size &&
	       time_equal(&st.st_mtim, &mk->mtime) &&
	       time_equal(&st.st_ctim, &mk->ctime);
}

/* The log's octets after mk->log_len, malloc'd into b (b->len of them,
 * a NUL after). 1 read (maybe none), 0 the log is not the one mk saw
 * (or too much was added since: a full sync costs no more), -1 error. */
static int tail_read(int dirfd, const struct store_mark *mk, struct tail *b)
{
	struct stat st;
	int fd = openat(dirfd, STORE_LOG_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT && !mk->log_ino ? 1 : 0;
	int rc = fstat(fd, &st) < 0 ? -1 :
		 (mk->log_ino && st.st_ino != mk->log_ino) ||
		 st.st_size < (off_t)mk->log_len ||
		 st.st_size - (off_t)mk->log_len > STORE_CATCH_UP_MAX ? 0 : 1;
	size_t want = rc == 1 ? (size_t)st.st_size - mk->log_len : 0;
	if (rc == 1 && !(b->data = malloc(want + 1)))
		rc = -1;
	while (rc == 1 && b->len < want) {
		ssize_t r = pread(fd, b->data + b->len, want - b->len,
				  (off_t)(mk->log_len + b->len));
		if (r < 0 && errno != EINTR)
			rc = -1;
		b->len += r > 0 ? (size_t)r : 0;
		if (r == 0)
			break;
	}
	if (rc == 1)
		b->data[b->len] = '\0';
	close(fd);
	return rc;
}

/* The records in b: the whole lines (a torn last one is not yet a
 * record), after the log's first line when the view has read none of
 * it. The count, *used the octets taken; -1 damaged (or another
 * UIDVALIDITY's log). */
static long split(struct tail *b, const struct store_folder *f,
		  const struct store_mark *mk, struct store_record **out,
		  size_t *used)
{
	size_t at = 0, n = 0;
	char *nl;
	for (size_t i = 0; i < b->len; i++)
		n += b->data[i] == '\n';
	*out = calloc(n + 1, sizeof **out);
	if (!*out)
		return -1;
	if (mk->log_len == 0 && b->len) {
		unsigned long validity;
		int k = 0;
		nl = memchr(b->data, '\n', b->len);
		if (!nl || (*nl = '\0', sscanf(b->data, "postern-changes 1 %lu%n",
					       &validity, &k) != 1) ||
		    b->data[k] || validity != f->uidvalidity)
			return -1;
		at = (size_t)(nl - b->data) + 1;
	}
	n = 0;
	while (at < b->len && (nl = memchr(b->data + at, '\n', b->len - at))) {
		*nl = '\0';
		if (store_record_parse(b->data + at, &(*out)[n++]) < 0)
			return -1;
		at = (size_t)(nl - b->data) + 1;
	}
	*used = at;
	return (long)n;
}

/* The view's message with this UID, or NULL (binary search). */
static struct store_message *view_find(struct store_folder *f, uint32_t uid)
{
	size_t lo = 0, hi = f->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->count && f->msgs[lo].uid == uid ? &f->msgs[lo] : NULL;
}

/* An "m" record: the message's new name and MODSEQ (a record of this
 * view's own change, already taken, is older than what it has). 1
 * changed, 0 not, -1 error. */
static int take_name(struct store_folder *f, const struct store_record *r)
{
	struct store_message *m = view_find(f, r->uid);
	if (!m || r->modseq <= m->modseq)
		return 0;
	char *file = strdup(r->file);
	if (!file)
		return -1;
	free(m->file);
	m->file = file;
	m->flags = store_flags_from_name(file);
	m->modseq = r->modseq;
	return 1;
}

static int uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int among(const uint32_t *v, size_t n, uint32_t uid)
{
	return bsearch(&uid, v, n, sizeof *v, uid_cmp) != NULL;
}

/* The messages with these UIDs (ascending) were expunged: they go,
 * reported, when allowed, else they are marked gone until they may. */
static void take_expunges(struct store_folder *f, const uint32_t *uids,
			  size_t n, int allow_expunge, struct store_changes *ch)
{
	size_t w = 0;
	for (size_t i = 0; i < f->count; i++) {
		struct store_message *m = &f->msgs[i];
		int out = among(uids, n, m->uid);
		if (out && allow_expunge) {
			store_view_expunge_one(ch, w + 1, m);
			continue;
		}
		m->gone |= out;
		f->msgs[w++] = *m;
	}
	f->count = w;
}

/* Apply the n records to the view and list its changes in ch (room for
 * n). uids: room for n. 0 or -1. */
static int apply(struct store_folder *f, const struct store_record *r,
		 size_t n, int allow_expunge, struct store_changes *ch,
		 uint32_t *uids)
{
	size_t nchanged = 0, ngone = n;
	for (size_t i = 0; i < n; i++) {
		if (r[i].modseq > f->highestmodseq)
			f->highestmodseq = r[i].modseq;
		int t = r[i].kind == 'm' ? take_name(f, &r[i]) : 0;
		if (t < 0)
			return -1;
		if (t)          /* changed UIDs from the front */
			uids[nchanged++] = r[i].uid;
		struct store_message *m = r[i].kind == 'x' ||
					  r[i].kind == 'w' ?
					  view_find(f, r[i].uid) : NULL;
		if (m && r[i].kind == 'x')      /* gone ones from the back */
			uids[--ngone] = r[i].uid;
		if (m && r[i].kind == 'w' && store_size_from_name(m->file) < 0)
			m->size_crlf = r[i].octets;
	}
	qsort(uids + ngone, n - ngone, sizeof *uids, uid_cmp);
	if (ngone < n)
		take_expunges(f, uids + ngone, n - ngone, allow_expunge, ch);
	qsort(uids, nchanged, sizeof *uids, uid_cmp);
	for (size_t i = 0; i < nchanged; i++) {
		struct store_message *m = view_find(f, uids[i]);
		if (m && (i == 0 || uids[i] != uids[i - 1]) && !m->gone)
			ch->changed[ch->nchanged++] = (size_t)(m - f->msgs);
	}
	return 0;
}

int store_log_since(struct store_folder *f, const struct store_mark *mk,
		    struct store_tail *t)
{
	memset(t, 0, sizeof *t);
	struct tail b = { NULL, 0 };
	int rc = same_index(f->dirfd, mk) ? tail_read(f->dirfd, mk, &b) : 0;
	t->buf = b.data;
	if (rc != 1)
		return rc;
	long k = split(&b, f, mk, &t->rec, &t->used);
	if (k < 0)
		return 0;       /* the full read says what it is */
	t->n = (size_t)k;
	t->listed[0] = mk->listed[0];
	t->listed[1] = mk->listed[1];
	t->provisional = mk->listed_provisional;
	for (size_t i = 0; i < t->n; i++)
		if (t->rec[i].kind == 'l' || t->rec[i].kind == 'L') {
			t->listed[0] = t->rec[i].t[0];
			t->listed[1] = t->rec[i].t[1];
			t->provisional = t->rec[i].kind == 'L';
		}
	return 1;
}

void store_tail_free(struct store_tail *t)
{
	free(t->rec);
	free(t->buf);
	memset(t, 0, sizeof *t);
}

/* Under the shared lock: the records since mk, when the view may take
 * them alone (1), or 0 (a full sync is needed), 2 (one under the
 * exclusive lock), -1. */
static int gather(struct store_folder *f, const struct store_mark *mk,
		  struct store_tail *t)
{
	struct timespec now[2];
	int rc = store_log_since(f, mk, t);
	if (rc != 1)
		return rc;
	if (store_dir_stamps(f->dirfd, now) < 0)
		return -1;
	if (store_listing_holds(t->listed, t->provisional, now))
		return 1;
	/* as recorded, provisionally, and settled since: one listing,
	 * under the exclusive lock, confirms it for every session */
	return store_stamps_equal(t->listed, now) ? 2 : 0;
}

/* Must the full sync look at the view's messages: one gone, not yet
 * reported, when it may be (expunged, or only renamed? the index says),
 * or one still in new/ for a view that takes new messages? */
static int needs_full(const struct store_folder *f, int allow_expunge)
{
	int take = (f->mode & STORE_TAKE_NEW) && !(f->mode & STORE_READONLY);
	for (size_t i = 0; i < f->count; i++)
		if ((allow_expunge && f->msgs[i].gone) ||
		    (take && !strncmp(f->msgs[i].file, "new/", 4)))
			return 1;
	return 0;
}

int store_view_catch_up(struct store_folder *f, struct store_mark *mk,
			int allow_expunge, struct store_changes *ch)
{
	struct store_tail t;
	if (!mk->known || needs_full(f, allow_expunge))
		return 0;
	int lock = store_lock(f->dirfd, STORE_LOCK_SHARED);
	if (lock < 0)
		return -1;
	int rc = gather(f, mk, &t);
	store_unlock(lock);
	uint32_t *uids = rc == 1 ? calloc(t.n + 1, sizeof *uids) : NULL;
	if (rc == 1 && (!uids || store_changes_alloc(ch, t.n) < 0))
		rc = -1;
	if (rc == 1 && apply(f, t.rec, t.n, allow_expunge, ch, uids) < 0) {
		store_changes_free(ch);
		rc = -1;
	}
	if (rc == 1) {
		mk->log_len += t.used;
		mk->log_size = (off_t)mk->log_len;
		mk->listed[0] = t.listed[0];
		mk->listed[1] = t.listed[1];
		mk->listed_provisional = t.provisional;
	}
	if (rc < 0)     /* the view may be half caught up: start again */
		mk->known = 0;
	free(uids);
	store_tail_free(&t);
	return rc;
}
