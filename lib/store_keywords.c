/* store_keywords.c - a folder's keyword names (store.h: the file
 * "dovecot-keywords", "N name" a line, letter 'a' + N; Dovecot's name
 * and format, so Dovecot and mutt share the store). Replaced whole with
 * the folder's exclusive lock held. */
#include "store_impl.h"
#include "bytes.h"
#include "fsutil.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The file holds 26 short lines; a bigger one is not ours. */
#define KEYWORDS_FILE_MAX 65536

void store_keywords_free(struct store_keywords *k)
{
	for (size_t i = 0; i < STORE_KEYWORDS_MAX; i++)
		free(k->name[i]);
	memset(k, 0, sizeof *k);
}

/* One "N name" line. Lines that are not are skipped. */
static void parse_line(struct store_keywords *k, char *line)
{
	char *end;
	long n = strtol(line, &end, 10);
	if (end == line || *end != ' ' || n < 0 || n >= STORE_KEYWORDS_MAX ||
	    !end[1] || k->name[n])
		return;
	k->name[n] = strdup(end + 1);
	if (k->name[n] && (size_t)n + 1 > k->count)
		k->count = (size_t)n + 1;
}

int store_keywords_read(int dirfd, struct store_keywords *k)
{
	struct bytes b;
	memset(k, 0, sizeof *k);
	int fd = openat(dirfd, STORE_KEYWORDS_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)     /* ELOOP: a symlink is not followed, nor believed */
		return errno == ENOENT || errno == ELOOP ? 0 : -1;
	bytes_init(&b, KEYWORDS_FILE_MAX);
	int r = fd_read_all(fd, &b);
	int e = errno;
	close(fd);
	if (r < 0) {
		bytes_free(&b);
		errno = e;
		return -1;
	}
	char *save, *text = b.data ? b.data : (char *)"";
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		parse_line(k, l);
	bytes_free(&b);
	return 0;
}

int store_keywords_index(const struct store_keywords *k, const char *name)
{
	for (size_t i = 0; i < k->count; i++)
		if (k->name[i] && !strcasecmp(k->name[i], name))
			return (int)i;
	return -1;
}

static int write_file(int dirfd, const struct store_keywords *k)
{
	struct bytes b;
	int rc = 0;
	bytes_init(&b, KEYWORDS_FILE_MAX);
	for (size_t i = 0; rc == 0 && i < k->count; i++)
		if (k->name[i])
			rc = bytes_appendf(&b, "%zu %s\n", i, k->name[i]);
	if (rc == 0)
		rc = file_write_atomic_at(dirfd, STORE_KEYWORDS_FILE,
					  bytes_str(&b), b.len, 0600);
	bytes_free(&b);
	return rc;
}

/* A free letter for a new name, or -1. */
static int free_slot(const struct store_keywords *k)
{
	for (int i = 0; i < STORE_KEYWORDS_MAX; i++)
		if (!k->name[i])
			return i;
	return -1;
}

/* Give name a letter in k. Its index, or -1 with errno (E2BIG). */
static int add_name(struct store_keywords *k, const char *name)
{
	int at = free_slot(k);
	if (at < 0) {
		errno = E2BIG;
		return -1;
	}
	if (!(k->name[at] = strdup(name)))
		return -1;
	if ((size_t)at + 1 > k->count)
		k->count = (size_t)at + 1;
	return at;
}

int store_keywords_resolve_locked(int dirfd, char *const *names, size_t n,
				  int add, struct store_keywords *k,
				  unsigned *bits)
{
	struct store_keywords fresh;
	int changed = 0;
	if (store_keywords_read(dirfd, &fresh) < 0)
		return -1;
	*bits = 0;
	for (size_t i = 0; i < n; i++) {
		int at = store_keywords_index(&fresh, names[i]);
		if (at < 0 && add) {
			if ((at = add_name(&fresh, names[i])) < 0) {
				store_keywords_free(&fresh);
				return -1;
			}
			changed = 1;
		}
		if (at >= 0)
			*bits |= STORE_KEYWORD(at);
	}
	if (changed && write_file(dirfd, &fresh) < 0) {
		store_keywords_free(&fresh);
		return -1;
	}
	store_keywords_free(k);
	*k = fresh;
	return 0;
}

int store_keywords_resolve(struct store_folder *f, char *const *names,
			   size_t n, int add, unsigned *bits)
{
	int lock = store_lock(f->dirfd, STORE_LOCK_EXCLUSIVE);
	if (lock < 0)
		return -1;
	int rc = store_keywords_resolve_locked(f->dirfd, names, n, add, &f->kw,
					       bits);
	int e = errno;
	store_unlock(lock);
	errno = e;
	return rc;
}
