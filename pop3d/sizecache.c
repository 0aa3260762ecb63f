/* sizecache.c - message sizes kept between sessions: see sizecache.h. */
#include "sizecache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

#define CACHE_NAME "postern-pop3.sizes"
/* A line: a file name, a space, 20 digits, LF. */
#define CACHE_LINE_MAX (POP3_FILE_NAME_MAX + 23)

struct entry {
	const char *unique;
	uint64_t size;
};

static int cache_path(const struct mailbox *mb, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", mb->dir, CACHE_NAME);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Compare two unique names, each ending at ':' or NUL, as strcmp would
 * compare them cut there. */
static int unique_cmp(const char *x, const char *y)
{
	for (;; x++, y++) {
		unsigned char a = *x == ':' ? 0 : (unsigned char)*x;
		unsigned char b = *y == ':' ? 0 : (unsigned char)*y;

		if (a != b || a == 0)
			return (a > b) - (a < b);
	}
}

/* Parse the cache text (modified in place) into entries, which must be
 * sorted and unique. Returns the count, or -1 when malformed. */
static long parse(char *p, char *end, struct entry *e, size_t max)
{
	long n = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *sp, *digits;

		if (nl == NULL || (size_t)n == max)
			return -1;
		*nl = '\0';
		sp = strrchr(p, ' ');
		if (sp == NULL || sp == p || sp[1] == '\0')
			return -1;
		*sp = '\0';
		for (digits = sp + 1; *digits; digits++)
			if (*digits < '0' || *digits > '9' || digits - sp > 20)
				return -1;
		e[n].unique = p;
		e[n].size = strtoull(sp + 1, NULL, 10);
		if (n > 0 && strcmp(e[n - 1].unique, p) >= 0)
			return -1;
		n++;
		p = nl + 1;
	}
	return n;
}

static int entry_cmp(const void *key, const void *elem)
{
	return unique_cmp(key, ((const struct entry *)elem)->unique);
}

/* Give each message without a size its entry's. Returns how many
 * entries matched a message. */
static size_t apply(struct mailbox *mb, const struct entry *e, size_t n)
{
	size_t i, matched = 0;

	for (i = 0; i < mb->count; i++) {
		struct message *m = &mb->messages[i];
		const struct entry *hit = bsearch(mb->names.data + m->name, e, n,
						  sizeof *e, entry_cmp);

		if (hit == NULL)
			continue;
		matched++;
		if (!(m->flags & MESSAGE_SIZE_KNOWN)) {
			m->size = hit->size;
			m->flags |= MESSAGE_SIZE_KNOWN;
		}
	}
	return matched;
}

void size_cache_load(struct mailbox *mb)
{
	char path[PATH_MAX_POSTERN];
	struct bytes text;
	struct entry *e = NULL;
	long n = -1;

	bytes_init(&text, (size_t)POP3_MESSAGES_MAX * CACHE_LINE_MAX);
	if (mb->count > 0 && cache_path(mb, path, sizeof path) == 0 &&
	    file_read_all(path, &text) == 0 && text.len > 0) {
		/* at most one entry per line, and a line has at least 4 octets */
		size_t max = text.len / 4 + 1;

		e = malloc(max * sizeof *e);
		if (e != NULL)
			n = parse(text.data, text.data + text.len, e, max);
	}
	/* Entries of messages gone since: the file wants rewriting. */
	if (n > 0 && apply(mb, e, (size_t)n) < (size_t)n)
		mb->cache_dirty = 1;
	free(e);
	bytes_free(&text);
}

/* Sort order of the file; qsort has no context argument. */
static const char *sort_names;

static int by_unique(const void *a, const void *b)
{
	return unique_cmp(sort_names + ((const struct message *)a)->name,
			  sort_names + ((const struct message *)b)->name);
}

/* Is message m worth a line: size known, still there, a name fit for
 * the line format? */
static int cacheable(const struct mailbox *mb, const struct message *m)
{
	const char *name = mb->names.data + m->name;
	size_t base = strcspn(name, ":");

	return (m->flags & MESSAGE_SIZE_KNOWN) && !(m->flags & MESSAGE_REMOVED) &&
	       base > 0 && strcspn(name, " \n") >= base;
}

int size_cache_save(struct mailbox *mb)
{
	char path[PATH_MAX_POSTERN];
	const char *last = NULL;
	struct message *sorted;
	struct bytes text;
	size_t i;
	int r = 0;

	if (!mb->cache_dirty)
		return 0;
	if (cache_path(mb, path, sizeof path) < 0)
		return -1;
	sorted = malloc((mb->count ? mb->count : 1) * sizeof *sorted);
	if (sorted == NULL)
		return -1;
	memcpy(sorted, mb->messages, mb->count * sizeof *sorted);
	sort_names = mb->names.data;
	qsort(sorted, mb->count, sizeof *sorted, by_unique);
	bytes_init(&text, (size_t)POP3_MESSAGES_MAX * CACHE_LINE_MAX);
	for (i = 0; r == 0 && i < mb->count; i++) {
		const char *name = mb->names.data + sorted[i].name;

		if (!cacheable(mb, &sorted[i]) ||
		    (last && unique_cmp(last, name) == 0))
			continue;       /* one line per unique name */
		r = bytes_appendf(&text, "%.*s %llu\n", (int)strcspn(name, ":"),
				  name, (unsigned long long)sorted[i].size);
		last = name;
	}
	if (r == 0)
		r = file_write_atomic(path, text.data ? text.data : "", text.len, 0600);
	bytes_free(&text);
	free(sorted);
	if (r == 0)
		mb->cache_dirty = 0;
	return r;
}
