/* store_recent.c - which messages are \Recent (RFC 3501 §2.3.2, §6.4.7),
 * kept by UID in the folder's "postern-recent" (store.h ON DISK), so
 * that a message appended or copied with flags (written straight into
 * cur/) is \Recent for the next session that selects the folder, as one
 * delivered into new/ is. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bytes.h"
#include "fsutil.h"
#include "store_impl.h"

/* "postern-recent 1 UID\n": 1 read, 0 none (or damaged: the folder then
 * goes by new/ until the next session takes the new messages), -1. */
static int recent_read(int dirfd, uint32_t *uid)
{
	struct bytes b;
	unsigned long v;
	int n = 0, rc = 0;
	*uid = 0;
	int fd = openat(dirfd, STORE_RECENT_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	bytes_init(&b, 64);
	if (fd_read_all(fd, &b) == 0 && b.data &&
	    sscanf(b.data, "postern-recent 1 %lu\n%n", &v, &n) == 1 && n &&
	    v <= UINT32_MAX) {
		*uid = (uint32_t)v;
		rc = 1;
	}
	bytes_free(&b);
	close(fd);
	return rc;
}

int store_recent_apply(int dirfd, struct store_index *ix, int take,
		       int shared)
{
	uint32_t seen;
	char line[48];
	int have = recent_read(dirfd, &seen);
	if (have < 0)
		return -1;
	if (have)       /* above the last UID a session took */
		for (size_t i = 0; i < ix->count; i++)
			ix->v[i].recent = ix->v[i].uid > seen;
	uint32_t last = ix->uidnext - 1;
	if (!take || (have && last <= seen))
		return 0;
	if (shared)
		return 1;       /* the caller comes back with the lock */
	int n = snprintf(line, sizeof line, "postern-recent 1 %lu\n",
			 (unsigned long)last);
	return file_write_atomic_at(dirfd, STORE_RECENT_FILE, line, (size_t)n,
				    0600) < 0 ? -1 : 0;
}

int store_recent_init(int dirfd)
{
	static const char line[] = "postern-recent 1 0\n";
	return file_write_atomic_at(dirfd, STORE_RECENT_FILE, line,
				    sizeof line - 1, 0600);
}
