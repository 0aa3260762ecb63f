/* cache.c - a folder's cache of sizes, dates and structure. See cache.h. */
#include "cache.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bytes.h"
#include "fsutil.h"
#include "limits.h"
#include "log.h"

#define CACHE_FILE "postern-cache"
/* Records are written in chunks of about this many octets. */
#define CACHE_CHUNK (256 * 1024)

/* One record as read from the file. */
struct record {
	uint32_t uid;
	long long size, mtime;
	const char *data;       /* envelope, structure, body in a row */
	size_t len[3];
};

/* The cache's name relative to the folder (opened with openat and
 * O_NOFOLLOW: DESIGN.md, no symlink in a Maildir is followed). */
static int cache_path(const struct mailbox *box, char *buf, size_t size)
{
	(void)box;
	return snprintf(buf, size, "%s", CACHE_FILE) >= (int)size ? -1 : 0;
}

/* A decimal number (or "-1" when sign) at *p, ending before a space
 * (more) or a newline (last). 0, or -1 when malformed. */
static int number(const char **p, const char *end, int sign, int last,
		  long long *v)
{
	const char *q = *p;
	int neg = sign && q < end && *q == '-';
	q += neg;
	long long n = 0;
	const char *digits = q;
	while (q < end && *q >= '0' && *q <= '9' && q - digits < 18)
		n = n * 10 + (*q++ - '0');
	if (q == digits || q >= end || *q != (last ? '\n' : ' '))
		return -1;
	*v = neg ? -n : n;
	*p = q + 1;
	return 0;
}

/* The next record at *pos in f[0..n); 1, 0 at the end, -1 damaged.
 * Parsed by hand: a folder's cache has a record per message. */
static int next_record(const char *f, size_t n, size_t *pos, struct record *r)
{
	const char *p = f + *pos, *end = f + n;
	long long v[6];
	if (p == end)
		return 0;
	for (int i = 0; i < 6; i++)
		if (number(&p, end, i == 1 || i == 2, i == 5, &v[i]) < 0 ||
		    (i != 1 && i != 2 && v[i] < 0))
			return -1;
	if (v[0] == 0 || v[0] > UINT32_MAX)
		return -1;
	r->uid = (uint32_t)v[0];
	r->size = v[1];
	r->mtime = v[2];
	size_t start = (size_t)(p - f), total = 0;
	for (int i = 0; i < 3; i++) {
		r->len[i] = (size_t)v[3 + i];
		total += r->len[i];
	}
	if (total >= n - start || f[start + total] != '\n')
		return -1;
	r->data = f + start;
	*pos = start + total + 1;
	return 1;
}

/* Map the file of box read-only; NULL (nothing usable) or its text,
 * *n its length, *body the offset of the first record. */
static char *map_file(const struct mailbox *box, size_t *n, size_t *body)
{
	char path[PATH_MAX_POSTERN], head[64];
	struct stat st;
	int fd = cache_path(box, path, sizeof path) < 0 ? -1 :
		 openat(box->f->dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *f = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size > 0 &&
	    st.st_size <= IMAP_CACHE_MAX)
		f = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	errno = e;
	if (f == MAP_FAILED)
		return NULL;
	size_t len = (size_t)st.st_size;
	const char *nl = memchr(f, '\n', len < 63 ? len : 63);
	unsigned long validity;
	int used = 0;
	if (nl) {
		memcpy(head, f, (size_t)(nl - f) + 1);
		head[nl - f + 1] = '\0';
	}
	if (!nl || sscanf(head, "postern-cache 1 %lu\n%n", &validity,
			  &used) != 1 || used == 0 || validity != box->validity) {
		munmap(f, len);
		errno = 0;
		return NULL;
	}
	*n = len;
	*body = (size_t)used;
	return f;
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
	size_t n, pos, records = 0, dead = 0;
	struct record r;
	if (box->cache_loaded)
		return 0;
	box->cache_loaded = 1;
	box->cache_rewrite = 1;         /* unless the file is sound */
	char *f = map_file(box, &n, &pos);
	if (!f)
		return errno == ENOENT || errno == 0 ? 0 : -1;
	int rc;
	while ((rc = next_record(f, n, &pos, &r)) > 0) {
		records++;      /* appended records come in any order */
		long i = mailbox_find_uid(box, r.uid);
		if (i >= 0)
			take(&box->msgs[i], &r);
		else
			dead++;
	}
	box->cache_file = f;
	box->cache_len = n;
	/* compact when many records are of expunged messages or repeats */
	box->cache_rewrite = rc < 0 || records > 2 * box->count + 64 ||
			     dead * 4 > box->count;
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
	m->unsaved |= which;
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

/* m's record with the parts in bits (CACHED_*). */
static int put_message(struct bytes *out, const struct message *m,
		       unsigned bits)
{
	bits &= m->cached;
	const char *s[3] = { m->envelope, m->structure, m->body };
	size_t len[3] = {
		bits & CACHED_ENVELOPE ? m->envelope_len : 0,
		bits & CACHED_STRUCTURE ? m->structure_len : 0,
		bits & CACHED_BODY ? m->body_len : 0 };
	return put(out, m->uid, bits & CACHED_SIZE ? m->size : -1,
		   bits & CACHED_DATE ? (long long)m->mtime : -1, s, len);
}

/* Write the records of box's messages to fd: all they know (all set)
 * or what is unsaved, in chunks of whole records (appends of other
 * sessions may fall between records, never inside one). 0 or -1. */
static int put_all(struct mailbox *box, int fd, int all, struct bytes *out)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < box->count; i++) {
		const struct message *m = &box->msgs[i];
		unsigned bits = all ? m->cached : m->unsaved;
		if (bits && !m->gone)
			rc = put_message(out, m, bits);
		if (rc == 0 && (out->len >= CACHE_CHUNK || i + 1 == box->count)) {
			rc = write_all(fd, bytes_str(out), out->len);
			bytes_clear(out);
		}
	}
	return rc;
}

/* The whole file anew: a temporary beside it, renamed over it. Not
 * fsynced: a cache lost in a crash is rebuilt, a torn one ignored. */
static int rewrite(struct mailbox *box, const char *path)
{
	char tmp[PATH_MAX_POSTERN + 32];
	struct bytes out;
	bytes_init(&out, IMAP_CACHE_MAX);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	int fd = openat(box->f->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC |
			O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = fd < 0 || bytes_appendf(&out, "postern-cache 1 %lu\n",
					 (unsigned long)box->validity) < 0 ||
		 put_all(box, fd, 1, &out) < 0 ||
		 write_all(fd, bytes_str(&out), out.len) < 0 ? -1 : 0;
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (fd >= 0 && (rc < 0 ||
			renameat(box->f->dirfd, tmp, box->f->dirfd, path) < 0)) {
		unlinkat(box->f->dirfd, tmp, 0);
		rc = -1;
	}
	bytes_free(&out);
	return rc;
}

/* The records of what was learnt, appended (O_APPEND). -1 with errno
 * ENOENT when there is no file to append to. */
static int append(struct mailbox *box, const char *path)
{
	struct bytes out;
	int fd = openat(box->f->dirfd, path, O_WRONLY | O_APPEND | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)
		return -1;
	bytes_init(&out, IMAP_CACHE_MAX);
	int rc = put_all(box, fd, 0, &out);
	if (close(fd) < 0)
		rc = -1;
	bytes_free(&out);
	return rc;
}

int cache_save(struct mailbox *box)
{
	char path[PATH_MAX_POSTERN];
	if (!box->cache_dirty || box->readonly)
		return 0;
	box->cache_dirty = 0;
	if (cache_path(box, path, sizeof path) < 0)
		return -1;
	int rc = box->cache_rewrite ? -1 : append(box, path);
	if (box->cache_rewrite || (rc < 0 && errno == ENOENT))
		rc = rewrite(box, path);
	box->cache_rewrite = 0;
	for (size_t i = 0; i < box->count; i++)
		box->msgs[i].unsaved = 0;
	return rc;
}

void cache_close(struct mailbox *box)
{
	if (box->cache_file)
		munmap(box->cache_file, box->cache_len);
	box->cache_file = NULL;
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
