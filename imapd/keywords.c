/* keywords.c - a folder's keyword names. See keywords.h. */
#include "keywords.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "bytes.h"
#include "fsutil.h"
#include "mailbox.h"
#include "uidlist.h"

#define KEYWORDS_FILE "dovecot-keywords"
/* The file holds 26 short lines; a bigger one is not ours. */
#define KEYWORDS_FILE_MAX 65536

void keywords_free(struct keywords *k)
{
	for (size_t i = 0; i < KEYWORDS_MAX; i++)
		free(k->name[i]);
	memset(k, 0, sizeof *k);
}

static int path_of(const char *dir, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/" KEYWORDS_FILE, dir) >= (int)size
		? -1 : 0;
}

/* One "N name" line. Lines that are not are skipped. */
static void parse_line(struct keywords *k, char *line)
{
	char *end;
	long n = strtol(line, &end, 10);
	if (end == line || *end != ' ' || n < 0 || n >= KEYWORDS_MAX ||
	    !end[1] || k->name[n])
		return;
	k->name[n] = strdup(end + 1);
	if (k->name[n] && (size_t)n + 1 > k->count)
		k->count = (size_t)n + 1;
}

int keywords_read(const char *dir, struct keywords *k)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	memset(k, 0, sizeof *k);
	if (path_of(dir, path, sizeof path) < 0)
		return -1;
	bytes_init(&b, KEYWORDS_FILE_MAX);
	if (file_read_all(path, &b) < 0) {
		bytes_free(&b);
		return errno == ENOENT ? 0 : -1;
	}
	char *save, *text = b.data ? b.data : (char *)"";
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		parse_line(k, l);
	bytes_free(&b);
	return 0;
}

int keywords_index(const struct keywords *k, const char *name)
{
	for (size_t i = 0; i < k->count; i++)
		if (k->name[i] && !strcasecmp(k->name[i], name))
			return (int)i;
	return -1;
}

static int write_file(const char *dir, const struct keywords *k)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	bytes_init(&b, KEYWORDS_FILE_MAX);
	int rc = path_of(dir, path, sizeof path);
	for (size_t i = 0; rc == 0 && i < k->count; i++)
		if (k->name[i])
			rc = bytes_appendf(&b, "%zu %s\n", i, k->name[i]);
	if (rc == 0)
		rc = file_write_atomic(path, bytes_str(&b), b.len, 0600);
	bytes_free(&b);
	return rc;
}

/* A free letter for a new name, or -1. */
static int free_slot(const struct keywords *k)
{
	for (int i = 0; i < KEYWORDS_MAX; i++)
		if (!k->name[i])
			return i;
	return -1;
}

int keywords_resolve(const char *dir, char *const *names, size_t n, int add,
		     struct keywords *k, unsigned *bits)
{
	struct keywords fresh;
	int changed = 0;
	if (keywords_read(dir, &fresh) < 0)
		return -1;
	*bits = 0;
	for (size_t i = 0; i < n; i++) {
		int at = keywords_index(&fresh, names[i]);
		if (at < 0 && add) {
			if ((at = free_slot(&fresh)) < 0) {
				keywords_free(&fresh);
				errno = E2BIG;
				return -1;
			}
			if (!(fresh.name[at] = strdup(names[i]))) {
				keywords_free(&fresh);
				return -1;
			}
			if ((size_t)at + 1 > fresh.count)
				fresh.count = (size_t)at + 1;
			changed = 1;
		}
		if (at >= 0)
			*bits |= FLAG_KEYWORD(at);
	}
	if (changed && write_file(dir, &fresh) < 0) {
		keywords_free(&fresh);
		return -1;
	}
	keywords_free(k);
	*k = fresh;
	return 0;
}

int keywords_resolve_unlocked(const char *dir, char *const *names,
			      size_t n, int add, struct keywords *k,
			      unsigned *bits)
{
	int lock = uidlist_lock(dir);
	if (lock < 0)
		return -1;
	int rc = keywords_resolve(dir, names, n, add, k, bits);
	int e = errno;
	uidlist_unlock(lock);
	errno = e;
	return rc;
}
