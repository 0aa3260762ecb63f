/* store_special_use.c - a folder's special uses (RFC 6154), recorded in
 * its directory (store.h "SPECIAL USE"). */
#include "store_impl.h"
#include "fsutil.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define STORE_SPECIAL_USE_FILE "postern-special-use"

/* The attributes a folder may be given (RFC 6154 §2); \All and
 * \Flagged are virtual folders, which the store has not. */
static const struct { unsigned bit; const char *attr; } uses[] = {
	{ STORE_USE_ARCHIVE, "\\Archive" }, { STORE_USE_DRAFTS, "\\Drafts" },
	{ STORE_USE_JUNK, "\\Junk" }, { STORE_USE_SENT, "\\Sent" },
	{ STORE_USE_TRASH, "\\Trash" },
};
#define NUSES (sizeof uses / sizeof uses[0])

unsigned store_special_use_bit(const char *attr, size_t len)
{
	for (size_t i = 0; i < NUSES; i++)
		if (strlen(uses[i].attr) == len &&
		    !strncasecmp(attr, uses[i].attr, len))
			return uses[i].bit;
	return 0;
}

int store_special_use_format(unsigned bits, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NUSES; i++) {
		if (!(bits & uses[i].bit))
			continue;
		int w = snprintf(buf + n, size - n, "%s%s", n ? " " : "",
				 uses[i].attr);
		if (w < 0 || (size_t)w >= size - n)
			return -1;
		n += (size_t)w;
	}
	return 0;
}

int store_special_use_get(struct store *st, const char *name,
			  unsigned *bits)
{
	char buf[256];
	*bits = 0;
	int dirfd = store_folder_dirfd(st->rootfd, name);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	int fd = openat(dirfd, STORE_SPECIAL_USE_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	int e = errno;
	close(dirfd);
	if (fd < 0) {
		errno = e;
		return e == ENOENT ? 0 : -1;
	}
	ssize_t r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	/* one attribute a line; a line not known is skipped */
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		*bits |= store_special_use_bit(l, strlen(l));
	return 1;
}

int store_special_use_set(struct store *st, const char *name, unsigned bits)
{
	char list[256];
	if (store_special_use_format(bits, list, sizeof list) < 0)
		return -1;
	for (char *p = list; (p = strchr(p, ' ')); )
		*p = '\n';
	size_t n = strlen(list);
	if (n)
		list[n++] = '\n';
	int dirfd = store_folder_dirfd(st->rootfd, name);
	if (dirfd < 0)
		return -1;
	int rc = file_write_atomic_at(dirfd, STORE_SPECIAL_USE_FILE, list, n,
				      0600);
	int e = errno;
	close(dirfd);
	errno = e;
	return rc;
}
