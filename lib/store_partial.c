/* store_partial.c - a flag change without reading the whole index: the
 * entries of the messages it changes, as the session's view and the
 * change log appended since the view's mark say they are now. Its
 * records are appended to the log like any change's; being partial, it
 * is never written as the index (store_log_commit), so it is made only
 * while the log is short of being folded. */
#include "store_impl.h"
#include "limits.h"
#include <stdlib.h>
#include <string.h>

static int uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The view's messages idx[0..n) as entries of ix (ascending, once). */
static int entries(struct store_folder *f, const size_t *idx, size_t n,
		   struct store_index *ix)
{
	uint32_t *uids = calloc(n + 1, sizeof *uids);
	size_t k = 0;
	if (!uids)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (idx[i] < f->count)
			uids[k++] = f->msgs[idx[i]].uid;
	qsort(uids, k, sizeof *uids, uid_cmp);
	int rc = 0;
	for (size_t i = 0, j = 0; rc == 0 && i < k; i++) {
		if (i && uids[i] == uids[i - 1])
			continue;
		while (f->msgs[j].uid < uids[i])
			j++;    /* both ascending */
		const struct store_message *m = &f->msgs[j];
		char *file = strdup(m->file);
		rc = file ? store_index_push(ix, m->uid, m->modseq, m->created,
					     m->unique, file) : -1;
		if (rc < 0)
			free(file);
	}
	free(uids);
	return rc;
}

/* The log's records since the mark, on ix's entries. 0 or -1. */
static int replay(struct store_index *ix, const struct store_tail *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct store_record *r = &t->rec[i];
		struct store_entry *e = r->uid ? store_index_find(ix, r->uid) :
					NULL;
		if (r->modseq > ix->highestmodseq)
			ix->highestmodseq = r->modseq;
		if (!e || r->modseq <= e->modseq)
			continue;
		if (r->kind == 'x') {           /* gone: dropped below */
			free(e->file);
			e->file = NULL;
		} else if (r->kind == 'm') {
			char *file = strdup(r->file);
			if (!file)
				return -1;
			free(e->file);
			e->file = file;
			e->modseq = r->modseq;
		}
	}
	store_index_compact(ix);
	return 0;
}

/* Would records of n more changes bring the log to its fold? */
static int near_fold(const struct store_mark *mk, const struct store_tail *t,
		     size_t n)
{
	size_t after = mk->log_len + t->used + (n + 1) * (STORE_FILE_NAME_MAX + 64);
	return after > STORE_LOG_MIN && after > (size_t)mk->size / 4;
}

int store_partial_index(struct store_folder *f, const size_t *idx, size_t n,
			struct store_index *ix)
{
	struct store_tail t;
	const struct store_mark *mk = store_view_mark(f);
	memset(ix, 0, sizeof *ix);
	if (!mk->known)
		return 0;
	int rc = store_log_since(f, mk, &t);
	if (rc == 1 && near_fold(mk, &t, n))
		rc = 0;
	if (rc == 1) {
		ix->partial = 1;
		ix->uidvalidity = f->uidvalidity;
		ix->uidnext = f->uidnext;
		/* the view's is the index's and log's as of the mark, or
		 * more (its own changes); the tail's records are the rest */
		ix->highestmodseq = f->highestmodseq;
		ix->index_len = (size_t)mk->size;
		ix->log_len = mk->log_len + t.used;
		ix->listed[0] = t.listed[0];
		ix->listed[1] = t.listed[1];
		ix->listed_provisional = t.provisional;
		if (entries(f, idx, n, ix) < 0 || replay(ix, &t) < 0)
			rc = -1;
		ix->read_modseq = ix->highestmodseq;
	}
	if (rc != 1)
		store_index_free(ix);
	store_tail_free(&t);
	return rc;
}
