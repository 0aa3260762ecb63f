/* store_cache.c - a folder's cache of sizes, dates, IMAP structure and
 * JMAP summaries. See store_cache.h. */
#include "store_cache.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "limits.h"
#include "mime_header.h"

#define CACHE_FILE "postern-cache"
#define CACHE_VERSION 2
/* Records are written in chunks of about this many octets. */
#define CACHE_CHUNK (256 * 1024)
#define NUMBERS (3 + STORE_CACHE_STRINGS)

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
static int next_record(const char *f, size_t n, size_t *pos, uint32_t *uid,
		       struct store_cache_entry *e)
{
	const char *p = f + *pos, *end = f + n;
	long long v[NUMBERS];
	if (p == end)
		return 0;
	for (int i = 0; i < NUMBERS; i++)
		if (number(&p, end, i == 1 || i == 2, i == NUMBERS - 1,
			   &v[i]) < 0 || (i != 1 && i != 2 && v[i] < 0))
			return -1;
	if (v[0] == 0 || v[0] > UINT32_MAX)
		return -1;
	*uid = (uint32_t)v[0];
	e->size = v[1];
	e->mtime = v[2];
	size_t start = (size_t)(p - f), total = 0;
	for (int i = 0; i < STORE_CACHE_STRINGS; i++) {
		e->len[i] = (size_t)v[3 + i];
		e->s[i] = f + start + total;
		if (e->len[i] >= n)
			return -1;
		total += e->len[i];
	}
	if (total >= n - start || f[start + total] != '\n')
		return -1;
	*pos = start + total + 1;
	return 1;
}

/* Map the cache of c read-only: its text (length *n, first record at
 * *body), or NULL with errno (0: none usable, another version or
 * UIDVALIDITY). */
static char *map_file(struct store_cache *c, size_t *n, size_t *body)
{
	char head[64];
	struct stat st;
	int fd = openat(c->dirfd, CACHE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *f = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size > 0 &&
	    st.st_size <= STORE_CACHE_MAX)
		f = mmap(NULL, (size_t)st.st_size, PROT_READ,
			 MAP_PRIVATE | MAP_POPULATE, fd, 0);
	int e = errno;
	close(fd);
	errno = e;
	if (f == MAP_FAILED) {
		errno = errno == ENOMEM ? ENOMEM : 0;
		return NULL;
	}
	size_t len = (size_t)st.st_size;
	const char *nl = memchr(f, '\n', len < 63 ? len : 63);
	unsigned long validity;
	int version, used = 0;
	if (nl) {
		memcpy(head, f, (size_t)(nl - f) + 1);
		head[nl - f + 1] = '\0';
	}
	if (!nl || sscanf(head, "postern-cache %d %lu\n%n", &version,
			  &validity, &used) != 2 || used == 0 ||
	    version != CACHE_VERSION || validity != c->validity) {
		munmap(f, len);
		errno = 0;
		return NULL;
	}
	*n = len;
	*body = (size_t)used;
	return f;
}

int store_cache_load(struct store_cache *c, int dirfd, uint32_t validity,
		     size_t live, store_cache_take take, void *ctx)
{
	size_t n, pos, records = 0, dead = 0;
	struct store_cache_entry e;
	uint32_t uid;
	memset(c, 0, sizeof *c);
	c->dirfd = dirfd;
	c->validity = validity;
	c->rewrite = 1;         /* unless the file is sound */
	char *f = map_file(c, &n, &pos);
	if (!f)
		return errno == ENOENT || errno == 0 ? 0 : -1;
	int rc;
	while ((rc = next_record(f, n, &pos, &uid, &e)) > 0) {
		records++;      /* appended records come in any order */
		if (!take(ctx, uid, &e))
			dead++;
	}
	c->map = f;
	c->maplen = n;
	/* compact when many records are of expunged messages or repeats
	 * (imapd and httpd each add one per message: 4 leaves room) */
	c->rewrite = rc < 0 || records > 4 * live + 64 || dead * 4 > live;
	return rc < 0 ? -1 : 0;
}

void store_cache_close(struct store_cache *c)
{
	if (c->map)
		munmap(c->map, c->maplen);
	c->map = NULL;
	c->maplen = 0;
}

/* The file anew: a temporary beside it, renamed over it at the end. */
static int begin_rewrite(struct store_cache_writer *w)
{
	snprintf(w->tmp, sizeof w->tmp, "%s.tmp.%ld", CACHE_FILE,
		 (long)getpid());
	w->all = 1;
	w->fd = openat(w->c->dirfd, w->tmp, O_WRONLY | O_CREAT | O_TRUNC |
		       O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return -1;
	return bytes_appendf(&w->out, "postern-cache %d %lu\n", CACHE_VERSION,
			     (unsigned long)w->c->validity);
}

int store_cache_save_begin(struct store_cache *c, struct store_cache_writer *w)
{
	memset(w, 0, sizeof *w);
	w->c = c;
	bytes_init(&w->out, STORE_CACHE_MAX);
	w->fd = c->rewrite ? -1 : openat(c->dirfd, CACHE_FILE, O_WRONLY |
					 O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (w->fd < 0 && (c->rewrite || errno == ENOENT) && begin_rewrite(w) < 0) {
		int e = errno;
		if (w->fd >= 0) {
			close(w->fd);
			unlinkat(c->dirfd, w->tmp, 0);
		}
		bytes_free(&w->out);
		errno = e;
		return -1;
	}
	if (w->fd < 0) {
		bytes_free(&w->out);
		return -1;
	}
	return 0;
}

void store_cache_save_put(struct store_cache_writer *w, uint32_t uid,
			  const struct store_cache_entry *e)
{
	int any = e->size >= 0 || e->mtime >= 0;
	for (int i = 0; i < STORE_CACHE_STRINGS; i++)
		any |= e->len[i] > 0;
	if (!any || w->failed)
		return;
	size_t mark = w->out.len;
	int rc = bytes_appendf(&w->out, "%" PRIu32 " %lld %lld %zu %zu %zu %zu\n",
			       uid, e->size < 0 ? -1 : e->size,
			       e->mtime < 0 ? -1 : e->mtime, e->len[0],
			       e->len[1], e->len[2], e->len[3]);
	for (int i = 0; rc == 0 && i < STORE_CACHE_STRINGS; i++)
		if (e->len[i])
			rc = bytes_append(&w->out, e->s[i], e->len[i]);
	if (rc == 0)
		rc = bytes_append_char(&w->out, '\n');
	if (rc < 0) {
		bytes_truncate(&w->out, mark);  /* a whole record or none */
		w->failed = 1;
		return;
	}
	if (w->out.len >= CACHE_CHUNK) {
		if (write_all(w->fd, bytes_str(&w->out), w->out.len) < 0)
			w->failed = 1;
		bytes_clear(&w->out);
	}
}

int store_cache_save_end(struct store_cache_writer *w)
{
	int rc = w->failed ? -1 : 0;
	if (rc == 0 && w->out.len &&
	    write_all(w->fd, bytes_str(&w->out), w->out.len) < 0)
		rc = -1;
	if (close(w->fd) < 0)
		rc = -1;
	if (w->all && (rc < 0 || renameat(w->c->dirfd, w->tmp, w->c->dirfd,
					  CACHE_FILE) < 0)) {
		unlinkat(w->c->dirfd, w->tmp, 0);
		rc = -1;
	}
	if (w->all && rc == 0)
		w->c->rewrite = 0;
	bytes_free(&w->out);
	return rc;
}

/* --- the summary ---------------------------------------------------- */

static const char *const summary_fields[] = {
	"From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
	"References",
};

static int summary_field(const struct mime_field *f)
{
	for (size_t i = 0; i < sizeof summary_fields / sizeof *summary_fields; i++)
		if (strlen(summary_fields[i]) == f->name_len &&
		    !strncasecmp(summary_fields[i], f->name, f->name_len))
			return (int)i;
	return -1;
}

/* Append field f as it stands ("Name:" and its value, folds kept: lib/
 * mime reads it as from the message). 1 when it is too long to keep,
 * 0, -1 ENOMEM. */
static int put_field(struct bytes *out, const struct mime_field *f, int refs)
{
	if (f->name_len + f->value_len > (refs ? STORE_SUMMARY_REFERENCES
					       : STORE_SUMMARY_FIELD_MAX))
		return 1;
	if (bytes_append(out, f->name, f->name_len) < 0 ||
	    bytes_append_char(out, ':') < 0 ||
	    bytes_append(out, f->value, f->value_len) < 0 ||
	    bytes_append(out, "\r\n", 2) < 0)
		return -1;
	return 0;
}

int store_summary_make(const char *h, size_t n, int has_attachment,
		       const char *preview, size_t preview_len,
		       struct bytes *out)
{
	struct mime_field f;
	size_t pos = 0;
	int too_long = 0;
	size_t usable = out->len + 1;   /* where '+' or '!' goes */
	if (bytes_append_str(out, has_attachment ? "a+ " : "-+ ") < 0)
		return -1;
	for (size_t i = 0; i < preview_len && i < 4 * PREVIEW_MAX; i++)
		if (bytes_append_char(out, preview[i] == '\n' ||
				      preview[i] == '\r' ? ' ' : preview[i]) < 0)
			return -1;
	if (bytes_append_char(out, '\n') < 0)
		return -1;
	while (mime_header_next(h, n, &pos, &f)) {
		int k = summary_field(&f);
		int rc = k < 0 ? 0 : put_field(out, &f, !strcmp(summary_fields[k],
								"References"));
		if (rc < 0)
			return -1;
		too_long |= rc;
	}
	if (bytes_append(out, "\r\n", 2) < 0)
		return -1;
	if (too_long)
		out->data[usable] = '!';
	return 0;
}

int store_summary_parse(const char *s, size_t n, struct store_summary *out)
{
	memset(out, 0, sizeof *out);
	if (n < 6 || (s[0] != 'a' && s[0] != '-') ||
	    (s[1] != '+' && s[1] != '!') || s[2] != ' ')
		return -1;
	out->has_attachment = s[0] == 'a';
	out->usable = s[1] == '+';
	size_t p = 3;
	const char *nl = memchr(s + p, '\n', n - p);
	if (!nl || s[n - 2] != '\r' || s[n - 1] != '\n')
		return -1;
	out->preview = s + p;
	out->preview_len = (size_t)(nl - (s + p));
	out->header = nl + 1;
	out->header_len = n - (size_t)(nl + 1 - s);
	return 0;
}
