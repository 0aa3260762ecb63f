/* cache.c - imapd's adaptation of the folder cache. See cache.h. */
#include "cache.h"
#include <stdlib.h>
#include <string.h>
#include "store_cache.h"

/* The strings of m in the cache's order, and their CACHED_* bits. */
static const unsigned string_bit[STORE_CACHE_STRINGS] = {
	CACHED_ENVELOPE, CACHED_STRUCTURE, CACHED_BODY, CACHED_SUMMARY };

static const char **string_of(struct message *m, int i, size_t **len)
{
	const char **s[STORE_CACHE_STRINGS] = { &m->envelope, &m->structure,
						&m->body, &m->summary };
	size_t *l[STORE_CACHE_STRINGS] = { &m->envelope_len,
		&m->structure_len, &m->body_len, &m->summary_len };
	*len = l[i];
	return s[i];
}

/* A record of the file for the message of its UID (if any). */
static int take(void *ctx, uint32_t uid, const struct store_cache_entry *e)
{
	struct mailbox *box = ctx;
	long i = mailbox_find_uid(box, uid);
	if (i < 0)
		return 0;
	struct message *m = &box->msgs[i];
	if (e->size >= 0) {     /* kept (for a rewrite) even when known */
		if (m->size < 0)
			m->size = e->size;
		m->cached |= CACHED_SIZE;
	}
	if (e->mtime >= 0 && !(m->cached & CACHED_DATE)) {
		m->mtime = (time_t)e->mtime;
		m->cached |= CACHED_DATE;
	}
	for (int k = 0; k < STORE_CACHE_STRINGS; k++)
		if (e->len[k] && !(m->cached & string_bit[k])) {
			size_t *len;
			*string_of(m, k, &len) = e->s[k];
			*len = e->len[k];
			m->cached |= string_bit[k];
		}
	return 1;
}

int cache_load(struct mailbox *box)
{
	if (box->cache_loaded)
		return 0;
	box->cache_loaded = 1;
	return store_cache_load(&box->cache, box->f->dirfd, box->validity,
				box->count, take, box);
}

void cache_set(struct mailbox *box, struct message *m, unsigned which,
	       const char *p, size_t n)
{
	for (int k = 0; k < STORE_CACHE_STRINGS; k++) {
		size_t *len;
		const char **dst = string_of(m, k, &len);
		char *copy;
		if (which != string_bit[k])
			continue;
		if (n == 0 || !(copy = malloc(n)))
			return;
		memcpy(copy, p, n);
		if (m->owned & which)
			free((char *)*dst);
		*dst = copy;
		*len = n;
		m->owned |= which;
	}
	m->cached |= which;
	m->unsaved |= which;
	box->cache_dirty = 1;
}

/* m's record with what bits (CACHED_*) say. */
static void put_message(struct store_cache_writer *w, struct message *m,
			unsigned bits)
{
	struct store_cache_entry e;
	bits &= m->cached;
	e.size = bits & CACHED_SIZE ? m->size : -1;
	e.mtime = bits & CACHED_DATE ? (long long)m->mtime : -1;
	for (int k = 0; k < STORE_CACHE_STRINGS; k++) {
		size_t *len;
		e.s[k] = *string_of(m, k, &len);
		e.len[k] = bits & string_bit[k] ? *len : 0;
	}
	store_cache_save_put(w, m->uid, &e);
}

int cache_save(struct mailbox *box)
{
	struct store_cache_writer w;
	if (!box->cache_dirty || box->readonly)
		return 0;
	box->cache_dirty = 0;
	box->cache.dirfd = box->f->dirfd;
	box->cache.validity = box->validity;
	int rc = store_cache_save_begin(&box->cache, &w);
	for (size_t i = 0; rc == 0 && i < box->count; i++) {
		struct message *m = &box->msgs[i];
		if (!m->gone)
			put_message(&w, m, w.all ? m->cached : m->unsaved);
	}
	if (rc == 0)
		rc = store_cache_save_end(&w);
	for (size_t i = 0; i < box->count; i++)
		box->msgs[i].unsaved = 0;
	return rc;
}

void cache_close(struct mailbox *box)
{
	store_cache_close(&box->cache);
}

void cache_message_free(struct message *m)
{
	for (int k = 0; k < STORE_CACHE_STRINGS; k++) {
		size_t *len;
		const char **s = string_of(m, k, &len);
		if (m->owned & string_bit[k])
			free((char *)*s);
	}
	m->owned = 0;
}
