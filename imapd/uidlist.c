/* uidlist.c - persistent UIDs for a Maildir folder. See uidlist.h. */
#include "uidlist.h"
#include "uidlist_hint.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "bytes.h"
#include "fsutil.h"
#include "limits.h"

/* A file found in new/ or cur/. */
struct found {
	char *base, *file;
	int in_new;
	int used;
};

struct scan {
	size_t count, cap;
	struct found *v;
	size_t *slot;           /* hash index: v[slot[h] - 1], 0 empty */
	size_t mask;
};

/* FNV-1a: base names share long prefixes, so a hash beats comparing. */
static size_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static int lock_mode(const char *dir, int mode)
{
	char path[PATH_MAX_POSTERN];
	if (snprintf(path, sizeof path, "%s/postern-uidlist.lock", dir) >=
	    (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (flock(fd, mode) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

int uidlist_lock(const char *dir)
{
	return lock_mode(dir, LOCK_EX);
}

int uidlist_lock_shared(const char *dir)
{
	return lock_mode(dir, LOCK_SH);
}

void uidlist_unlock(int fd)
{
	if (fd >= 0)
		close(fd);      /* closing the only descriptor drops the flock */
}

void uidlist_free(struct uidlist *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->v[i].base);
		free(list->v[i].file);
	}
	free(list->v);
	memset(list, 0, sizeof *list);
}

static int list_push(struct uidlist *l, size_t *cap, uint32_t uid,
		     const char *base)
{
	if (l->count == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct uid_entry *v = realloc(l->v, c * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		*cap = c;
	}
	char *b = strdup(base);
	if (!b)
		return -1;
	l->v[l->count++] = (struct uid_entry){ uid, b, NULL, 0 };
	return 0;
}

/* Parse the file; a missing or damaged one starts a new UIDVALIDITY. */
static int read_file(const char *dir, struct uidlist *l, size_t *cap)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	snprintf(path, sizeof path, "%s/postern-uidlist", dir);
	bytes_init(&b, IMAP_UIDLIST_MAX);
	unsigned long validity, next;
	int n = 0;
	if (file_read_all(path, &b) < 0 || !b.data ||
	    sscanf(b.data, "postern-uidlist 1 %lu %lu%n", &validity, &next,
		   &n) != 2 || validity == 0 || validity > UINT32_MAX ||
	    next == 0 || next > UINT32_MAX || !uidlist_read_stamps(b.data, &n, l)) {
		bytes_free(&b);
		if (errno != ENOENT)
			errno = 0;
		l->validity = (uint32_t)time(NULL);
		l->next = 1;
		return 1;       /* changed: write it */
	}
	l->validity = (uint32_t)validity;
	l->next = (uint32_t)next;
	char *save, *line;
	uint32_t last = 0;
	for (line = strtok_r(b.data + n, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end, *hint = NULL;
		unsigned long uid = strtoul(line, &end, 10);
		char *sp = *end == ' ' ? strrchr(end + 1, ' ') : NULL;
		if (sp && sp[1] == ':' && !strchr(sp, '/')) {
			hint = sp + 1;
			*sp = '\0';
		}
		if (*end != ' ' || uid <= last || uid >= l->next ||
		    strchr(end + 1, '/') || strchr(end + 1, ':') || !end[1])
			continue;
		if (list_push(l, cap, (uint32_t)uid, end + 1) < 0 ||
		    (hint && uidlist_hint_set(&l->v[l->count - 1], hint) < 0)) {
			bytes_free(&b);
			return -1;
		}
		last = (uint32_t)uid;
	}
	bytes_free(&b);
	return 0;
}

static int scan_dir(const char *dir, const char *sub, struct scan *sc)
{
	char path[PATH_MAX_POSTERN];
	snprintf(path, sizeof path, "%s/%s", dir, sub);
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (sc->count == sc->cap) {
			size_t c = sc->cap ? sc->cap * 2 : 64;
			struct found *v = realloc(sc->v, c * sizeof *v);
			if (!v) {
				rc = -1;
				break;
			}
			sc->v = v;
			sc->cap = c;
		}
		struct found *f = &sc->v[sc->count];
		size_t blen = strcspn(e->d_name, ":");
		f->base = strndup(e->d_name, blen);
		f->file = malloc(strlen(e->d_name) + 5);
		if (!f->base || !f->file) {
			free(f->base);
			free(f->file);
			rc = -1;
			break;
		}
		snprintf(f->file, strlen(e->d_name) + 5, "%s/%s", sub,
			 e->d_name);
		f->in_new = sub[0] == 'n';
		f->used = 0;
		sc->count++;
	}
	closedir(d);
	return rc;
}

static int found_cmp(const void *a, const void *b)
{
	return strcmp((*(struct found *const *)a)->base,
		      (*(struct found *const *)b)->base);
}

/* The file with this base name (the first listed, if two), or NULL. */
static struct found *scan_find(struct scan *sc, const char *base)
{
	if (!sc->slot)
		return NULL;
	for (size_t h = hash_name(base) & sc->mask; sc->slot[h];
	     h = (h + 1) & sc->mask)
		if (!strcmp(sc->v[sc->slot[h] - 1].base, base))
			return &sc->v[sc->slot[h] - 1];
	return NULL;
}

static void scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->count; i++) {
		free(sc->v[i].base);
		free(sc->v[i].file);
	}
	free(sc->v);
	free(sc->slot);
}

/* The hash index of sc: a power of two at least twice the entries. */
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
		size_t h = hash_name(sc->v[i].base) & sc->mask;
		while (sc->slot[h])
			h = (h + 1) & sc->mask;
		sc->slot[h] = i + 1;
	}
	return 0;
}

/* List new/ and cur/ into sc, indexed by base name. */
static int scan_all(const char *dir, struct scan *sc)
{
	if (scan_dir(dir, "cur", sc) < 0 || scan_dir(dir, "new", sc) < 0)
		return -1;
	return scan_index(sc);
}

/* Give UIDs to the files no entry has, in name order (for Maildir
 * names, delivery order). 1 when some were given, 0 none, -1 error. */
static int assign(struct uidlist *l, size_t *cap, struct found *f);
static int assign_unknown(struct uidlist *l, size_t *cap, struct scan *sc)
{
	size_t n = 0;
	for (size_t i = 0; i < sc->count; i++)
		n += !sc->v[i].used;
	if (n == 0)
		return 0;
	struct found **v = malloc(n * sizeof *v);
	if (!v)
		return -1;
	n = 0;
	for (size_t i = 0; i < sc->count; i++)
		if (!sc->v[i].used)
			v[n++] = &sc->v[i];
	qsort(v, n, sizeof *v, found_cmp);
	int changed = 0;
	for (size_t i = 0; i < n && changed >= 0; i++) {
		int r = assign(l, cap, v[i]);
		changed = r < 0 ? -1 : changed | r;
	}
	free(v);
	return changed;
}

/* Does some known message seem to have no file? Another program (a mail
 * reader renaming a file to change its flags) may have moved it while
 * readdir ran; a second listing tells that from an expunge. */
static int scan_consistent(const char *dir, const struct uidlist *l,
			   struct scan *sc)
{
	for (size_t i = 0; i < l->count; i++) {
		if (scan_find(sc, l->v[i].base))
			continue;
		scan_free(sc);
		memset(sc, 0, sizeof *sc);
		return scan_all(dir, sc);
	}
	return 0;
}

/* Attach found files to known entries; drop entries without a file. */
static int match_known(struct uidlist *l, struct scan *sc)
{
	size_t w = 0;
	int changed = 0;
	for (size_t i = 0; i < l->count; i++) {
		struct found *f = scan_find(sc, l->v[i].base);
		if (!f || f->used) {
			free(l->v[i].base);
			free(l->v[i].file);
			changed = 1;
			continue;
		}
		f->used = 1;
		free(l->v[i].file);     /* the hint, if any */
		l->v[i].file = f->file;
		l->v[i].recent = f->in_new;
		f->file = NULL;
		l->v[w++] = l->v[i];
	}
	l->count = w;
	return changed;
}

static int assign(struct uidlist *l, size_t *cap, struct found *f)
{
	if (f->used)
		return 0;
	if (l->next == UINT32_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	if (list_push(l, cap, l->next++, f->base) < 0)
		return -1;
	f->used = 1;
	l->v[l->count - 1].file = f->file;
	l->v[l->count - 1].recent = f->in_new;
	f->file = NULL;
	return 1;
}

/* The file; with the listing as hints when stamps is not NULL. */
static int write_file(const char *dir, const struct uidlist *l,
		      const struct timespec *stamps)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	snprintf(path, sizeof path, "%s/postern-uidlist", dir);
	bytes_init(&b, IMAP_UIDLIST_MAX);
	int rc = bytes_appendf(&b, "postern-uidlist 1 %lu %lu",
			       (unsigned long)l->validity,
			       (unsigned long)l->next);
	if (rc == 0 && stamps)
		rc = bytes_appendf(&b, " %lld.%09ld %lld.%09ld",
				   (long long)stamps[0].tv_sec, stamps[0].tv_nsec,
				   (long long)stamps[1].tv_sec, stamps[1].tv_nsec);
	if (rc == 0)
		rc = bytes_append_char(&b, '\n');
	for (size_t i = 0; rc == 0 && i < l->count; i++)
		rc = bytes_appendf(&b, "%lu %s%s%s\n",
				   (unsigned long)l->v[i].uid, l->v[i].base,
				   stamps ? " " : "", stamps ? l->v[i].file + 4 +
				   strlen(l->v[i].base) : "");
	if (rc == 0)
		rc = file_write_atomic(path, b.data, b.len, 0600);
	bytes_free(&b);
	return rc;
}

/* new/BASE -> cur/BASE:2, for each entry still in new/; then cur/ is
 * fsynced once, so the moves are durable (as Dovecot does). */
static void move_new_files(const char *dir, struct uidlist *l)
{
	char from[PATH_MAX_POSTERN], to[PATH_MAX_POSTERN];
	int moved = 0;
	for (size_t i = 0; i < l->count; i++) {
		struct uid_entry *e = &l->v[i];
		if (strncmp(e->file, "new/", 4))
			continue;
		size_t n = strlen(e->base) + 8;
		char *file = malloc(n);
		if (!file)
			continue;
		snprintf(file, n, "cur/%s:2,", e->base);
		snprintf(from, sizeof from, "%s/%s", dir, e->file);
		snprintf(to, sizeof to, "%s/%s", dir, file);
		/* ENOENT: someone else moved it; the file name is then
		 * found again by mailbox_locate when it is needed. */
		if (rename(from, to) < 0 && errno != ENOENT) {
			free(file);
			e->recent = 0;
			continue;
		}
		free(e->file);
		e->file = file;
		moved = 1;
	}
	snprintf(to, sizeof to, "%s/cur", dir);
	if (moved)
		fsync_dir(to);  /* best effort: the moves are done */
}

/* Does some entry still lie in new/? */
static int any_new(const struct uidlist *l)
{
	for (size_t i = 0; i < l->count; i++)
		if (!strncmp(l->v[i].file, "new/", 4))
			return 1;
	return 0;
}

/* The sync; with shared set (a shared lock held) it writes nothing and
 * returns 1 with out empty when it would have to. */
static int sync_locked(const char *dir, int move_new, char *const *first,
		       size_t nfirst, int shared, struct uidlist *out)
{
	struct scan sc = { 0 };
	struct timespec before[2], after[2];
	size_t cap = 0;
	memset(out, 0, sizeof *out);
	int changed = read_file(dir, out, &cap);
	if (changed < 0)
		goto fail;
	int stamped = uidlist_dir_stamps(dir, before) == 0;
	if (!changed && stamped && nfirst == 0 && out->listed[0].tv_sec &&
	    uidlist_stamps_equal(out->listed, before) && uidlist_hintable(out))
		return 0;       /* the file's listing is the folder's */
	if (scan_all(dir, &sc) < 0 || scan_consistent(dir, out, &sc) < 0)
		goto fail;
	changed |= match_known(out, &sc);
	for (size_t i = 0; i < nfirst; i++) {
		struct found *f = scan_find(&sc, first[i]);
		int r = f ? assign(out, &cap, f) : 0;
		if (r < 0)
			goto fail;
		changed |= r;
	}
	int r = assign_unknown(out, &cap, &sc);
	if (r < 0)
		goto fail;
	changed |= r;
	/* record the listing when it is settled (see uidlist.h) */
	int record = stamped && uidlist_dir_stamps(dir, after) == 0 &&
		     uidlist_stamps_equal(before, after) && uidlist_hintable(out) &&
		     uidlist_settled(&before[0]) && uidlist_settled(&before[1]) &&
		     uidlist_file_age(dir) >= UIDLIST_RECORD_AGE;
	changed |= record && !uidlist_stamps_equal(out->listed, before);
	if (shared && (changed || (move_new && any_new(out)))) {
		scan_free(&sc);
		uidlist_free(out);
		return 1;
	}
	if (changed && write_file(dir, out, record ? before : NULL) < 0)
		goto fail;
	if (move_new)
		move_new_files(dir, out);
	scan_free(&sc);
	return 0;
fail:
	scan_free(&sc);
	uidlist_free(out);
	return -1;
}

int uidlist_sync_locked(const char *dir, int move_new, char *const *first,
			size_t nfirst, struct uidlist *out)
{
	return sync_locked(dir, move_new, first, nfirst, 0, out);
}

int uidlist_sync(const char *dir, int move_new, char *const *first,
		 size_t nfirst, struct uidlist *out)
{
	/* most syncs change nothing: they run under a shared lock, side
	 * by side; one that must write starts again under the exclusive */
	int fd = lock_mode(dir, LOCK_SH);
	if (fd < 0)
		return -1;
	int rc = sync_locked(dir, move_new, first, nfirst, 1, out);
	if (rc == 1) {
		uidlist_unlock(fd);
		if ((fd = uidlist_lock(dir)) < 0)
			return -1;
		rc = sync_locked(dir, move_new, first, nfirst, 0, out);
	}
	int e = errno;
	uidlist_unlock(fd);
	errno = e;
	return rc;
}

const struct uid_entry *uidlist_find(const struct uidlist *list,
				     const char *base)
{
	for (size_t i = list->count; i-- > 0;)
		if (!strcmp(list->v[i].base, base))
			return &list->v[i];
	return NULL;
}
