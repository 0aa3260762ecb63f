/* cache.c - a folder's cache of sizes, dates and structure. See cache.h. */
#include "cache.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bytes.h"
#include "fsutil.h"
#include "limits.h"
#include "log.h"

#define CACHE_FILE "postern-cache"

/* One record as read from the file. */
struct record {
	uint32_t uid;
	long long size, mtime;
	const char *data;       /* envelope, structure, body in a row */
	size_t len[3];
};

static int cache_path(const struct mailbox *box, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/" CACHE_FILE, box->dir) >= (int)size
		? -1 : 0;
}

/* The next record at *pos in f[0..n); 1, 0 at the end, -1 damaged. */
static int next_record(const char *f, size_t n, size_t *pos, struct record *r)
{
	const char *nl = memchr(f + *pos, '\n', n - *pos);
	if (!nl)
		return *pos == n ? 0 : -1;
	char line[128];
	size_t l = (size_t)(nl - (f + *pos));
	if (l >= sizeof line)
		return -1;
	memcpy(line, f + *pos, l);
	line[l] = '\0';
	unsigned long uid;
	int used = 0;
	if (sscanf(line, "%lu %lld %lld %zu %zu %zu%n", &uid, &r->size,
		   &r->mtime, &r->len[0], &r->len[1], &r->len[2], &used) != 6 ||
	    (size_t)used != l || uid == 0 || uid > UINT32_MAX)
		return -1;
	r->uid = (uint32_t)uid;
	size_t start = *pos + l + 1, total = r->len[0] + r->len[1] + r->len[2];
	if (total > n - start || n - start - total < 1 || f[start + total] != '\n')
		return -1;
	r->data = f + start;
	*pos = start + total + 1;
	return 1;
}

/* Read the file of box; NULL (nothing usable) or its text, *n set,
 * *body the offset of the first record. */
static char *read_file(const struct mailbox *box, size_t *n, size_t *body)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	bytes_init(&b, IMAP_CACHE_MAX);
	if (cache_path(box, path, sizeof path) < 0 || file_read_all(path, &b) < 0) {
		bytes_free(&b);
		return NULL;
	}
	unsigned long validity;
	int used = 0;
	const char *t = bytes_str(&b);
	if (sscanf(t, "postern-cache 1 %lu\n%n", &validity, &used) != 1 ||
	    used == 0 || validity != box->validity) {
		bytes_free(&b);
		return NULL;
	}
	*n = b.len;
	*body = (size_t)used;
	return b.data;
}

static void take(struct message *m, const struct record *r)
{
	const char *p = r->data;
	const char **dst[3] = { &m->envelope, &m->structure, &m->body };
	size_t *dlen[3] = { &m->envelope_len, &m->structure_len, &m->body_len };
	static const unsigned bit[3] = { CACHED_ENVELOPE, CACHED_STRUCTURE,
		CACHED_BODY };
	if (r->size >= 0 && m->size < 0) {
		m->size = r->size;
		m->cached |= CACHED_SIZE;
	}
	if (r->mtime >= 0 && !(m->cached & CACHED_DATE)) {
		m->mtime = (time_t)r->mtime;
		m->cached |= CACHED_DATE;
	}
	for (int i = 0; i < 3; p += r->len[i], i++)
		if (r->len[i] && !(m->cached & bit[i])) {
			*dst[i] = p;
			*dlen[i] = r->len[i];
			m->cached |= bit[i];
		}
}

int cache_load(struct mailbox *box)
{
	size_t n, pos, i = 0;
	struct record r;
	if (box->cache_loaded)
		return 0;
	box->cache_loaded = 1;
	char *f = read_file(box, &n, &pos);
	if (!f)
		return errno == ENOENT ? 0 : -1;
	int rc;
	while ((rc = next_record(f, n, &pos, &r)) > 0) {
		while (i < box->count && box->msgs[i].uid < r.uid)
			i++;
		if (i < box->count && box->msgs[i].uid == r.uid)
			take(&box->msgs[i], &r);
	}
	box->cache_file = f;
	return rc < 0 ? -1 : 0;
}

void cache_set(struct mailbox *box, struct message *m, unsigned which,
	       const char *p, size_t n)
{
	const char **dst = which == CACHED_ENVELOPE ? &m->envelope :
			   which == CACHED_STRUCTURE ? &m->structure :
			   which == CACHED_BODY ? &m->body : NULL;
	size_t *dlen = which == CACHED_ENVELOPE ? &m->envelope_len :
		       which == CACHED_STRUCTURE ? &m->structure_len :
		       &m->body_len;
	if (dst) {
		char *copy = malloc(n ? n : 1);
		if (!copy || n == 0) {
			free(copy);
			return;
		}
		memcpy(copy, p, n);
		if (m->owned & which)
			free((char *)*dst);
		*dst = copy;
		*dlen = n;
		m->owned |= which;
	}
	m->cached |= which;
	box->cache_dirty = 1;
}

static int put(struct bytes *out, uint32_t uid, long long size,
	       long long mtime, const char *const *s, const size_t *len)
{
	if (bytes_appendf(out, "%" PRIu32 " %lld %lld %zu %zu %zu\n", uid,
			  size, mtime, len[0], len[1], len[2]) < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (len[i] && bytes_append(out, s[i], len[i]) < 0)
			return -1;
	return bytes_append_char(out, '\n');
}

static int put_message(struct bytes *out, const struct message *m)
{
	const char *s[3] = { m->envelope, m->structure, m->body };
	size_t len[3] = {
		m->cached & CACHED_ENVELOPE ? m->envelope_len : 0,
		m->cached & CACHED_STRUCTURE ? m->structure_len : 0,
		m->cached & CACHED_BODY ? m->body_len : 0 };
	return put(out, m->uid, m->cached & CACHED_SIZE ? m->size : -1,
		   m->cached & CACHED_DATE ? (long long)m->mtime : -1, s, len);
}

/* Records another session wrote for messages this one has not seen
 * yet (UIDs past its last), kept. */
static int put_foreign(struct mailbox *box, struct bytes *out)
{
	size_t n, pos;
	struct record r;
	uint32_t last = box->count ? box->msgs[box->count - 1].uid : 0;
	char *f = read_file(box, &n, &pos);
	int rc = 0;
	while (f && rc == 0 && next_record(f, n, &pos, &r) > 0)
		if (r.uid > last) {
			const char *s[3] = { r.data, r.data + r.len[0],
				r.data + r.len[0] + r.len[1] };
			rc = put(out, r.uid, r.size, r.mtime, s, r.len);
		}
	free(f);
	return rc;
}

int cache_save(struct mailbox *box)
{
	char path[PATH_MAX_POSTERN];
	struct bytes out;
	if (!box->cache_dirty || box->readonly)
		return 0;
	box->cache_dirty = 0;
	bytes_init(&out, IMAP_CACHE_MAX);
	int rc = cache_path(box, path, sizeof path) < 0 ||
		 bytes_appendf(&out, "postern-cache 1 %lu\n",
			       (unsigned long)box->validity) < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < box->count; i++)
		if (box->msgs[i].cached && !box->msgs[i].gone)
			rc = put_message(&out, &box->msgs[i]);
	if (rc == 0)
		rc = put_foreign(box, &out);
	if (rc == 0)
		rc = file_write_atomic(path, bytes_str(&out), out.len, 0600);
	bytes_free(&out);
	return rc;
}

void cache_message_free(struct message *m)
{
	if (m->owned & CACHED_ENVELOPE)
		free((char *)m->envelope);
	if (m->owned & CACHED_STRUCTURE)
		free((char *)m->structure);
	if (m->owned & CACHED_BODY)
		free((char *)m->body);
	m->owned = 0;
}
