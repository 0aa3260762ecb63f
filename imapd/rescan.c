/* rescan.c - the quick catch-up of the selected folder. When the UID
 * file is still the one this session read, the only changes another
 * session can have made without new UIDs are renames (flag changes) and
 * unlinks; listing cur/ and new/ against the messages already known
 * tells them apart without reading the UID file or copying every name.
 * Anything else (an unknown file, a missing one, the same name twice)
 * is left to the full sync (uidlist_sync). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "mailbox.h"
#include "uidlist.h"

/* A rename found: message index and its new file name. */
struct rename {
	size_t i;
	char *file;
};

struct rescan {
	struct mailbox *box;
	size_t *slot, mask;     /* hash of the messages by base name */
	unsigned char *seen;
	struct rename *v;
	size_t n, cap;
};

static size_t hash_prefix(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return (size_t)h;
}

static int index_build(struct rescan *r)
{
	size_t n = 16;
	while (n < 2 * r->box->count)
		n *= 2;
	r->slot = calloc(n, sizeof *r->slot);
	r->seen = calloc(r->box->count + 1, 1);
	if (!r->slot || !r->seen)
		return -1;
	r->mask = n - 1;
	for (size_t i = 0; i < r->box->count; i++) {
		const char *b = r->box->msgs[i].base;
		size_t h = hash_prefix(b, strlen(b)) & r->mask;
		while (r->slot[h])
			h = (h + 1) & r->mask;
		r->slot[h] = i + 1;
	}
	return 0;
}

/* The message whose base is name[0..n), or -1. */
static long lookup(const struct rescan *r, const char *name, size_t n)
{
	for (size_t h = hash_prefix(name, n) & r->mask; r->slot[h];
	     h = (h + 1) & r->mask) {
		const char *b = r->box->msgs[r->slot[h] - 1].base;
		if (!strncmp(b, name, n) && b[n] == '\0')
			return (long)(r->slot[h] - 1);
	}
	return -1;
}

/* One directory entry: 0 known (rename noted), 1 give up, -1 error. */
static int entry(struct rescan *r, const char *sub, const char *name)
{
	long i = lookup(r, name, strcspn(name, ":"));
	if (i < 0 || r->seen[i])
		return 1;       /* a new file, or one name twice */
	r->seen[i] = 1;
	const char *f = r->box->msgs[i].file;
	if (!strncmp(f, sub, 3) && f[3] == '/' && !strcmp(f + 4, name))
		return 0;
	if (r->n == r->cap) {
		size_t c = r->cap ? r->cap * 2 : 16;
		struct rename *v = realloc(r->v, c * sizeof *v);
		if (!v)
			return -1;
		r->v = v;
		r->cap = c;
	}
	size_t len = strlen(name) + 5;
	if (!(r->v[r->n].file = malloc(len)))
		return -1;
	snprintf(r->v[r->n].file, len, "%s/%s", sub, name);
	r->v[r->n++].i = (size_t)i;
	return 0;
}

static int list(struct rescan *r, const char *sub)
{
	char path[PATH_MAX_POSTERN];
	if (snprintf(path, sizeof path, "%s/%s", r->box->dir, sub) >=
	    (int)sizeof path)
		return -1;
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)))
		if (e->d_name[0] != '.')
			rc = entry(r, sub, e->d_name);
	closedir(d);
	return rc;
}

/* Take the renames found: new names, new flags, FETCH FLAGS to out. */
static void apply(struct rescan *r, struct output *out)
{
	for (size_t k = 0; k < r->n; k++) {
		struct message *m = &r->box->msgs[r->v[k].i];
		unsigned f = flags_from_file(r->v[k].file);
		free(m->file);
		m->file = r->v[k].file;
		r->v[k].file = NULL;
		if (f != m->flags && out) {
			output_printf(out, "* %zu FETCH (FLAGS ", r->v[k].i + 1);
			write_flags(out, &r->box->kw, f, m->recent);
			output_str(out, ")\r\n");
		}
		m->flags = f;
	}
}

int mailbox_rescan(struct mailbox *box, struct output *out)
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	struct rescan r = { .box = box };
	if (snprintf(path, sizeof path, "%s/postern-uidlist", box->dir) >=
	    (int)sizeof path || stat(path, &st) < 0 ||
	    st.st_ino != box->uidlist_ino || st.st_size != box->uidlist_size ||
	    st.st_mtim.tv_sec != box->uidlist_mtime.tv_sec ||
	    st.st_mtim.tv_nsec != box->uidlist_mtime.tv_nsec)
		return 1;
	int rc = index_build(&r);
	int lock = rc < 0 ? -1 : uidlist_lock_shared(box->dir);
	if (lock < 0)
		rc = -1;
	if (rc == 0)
		rc = list(&r, "cur");
	if (rc == 0)
		rc = list(&r, "new");
	uidlist_unlock(lock);
	for (size_t i = 0; rc == 0 && i < box->count; i++)
		if (!r.seen[i])
			rc = 1;         /* gone, or renamed while listed */
	if (rc == 0)
		apply(&r, out);
	for (size_t k = 0; k < r.n; k++)
		free(r.v[k].file);
	free(r.v);
	free(r.slot);
	free(r.seen);
	return rc;
}
