/* store_quota.c - the store's quota accounting (store.h "QUOTA"): the
 * usage of a whole Maildir kept in its Maildir++ "maildirsize" (the
 * format is lib/maildirsize.c's), checked before a message is added and
 * changed after every add and removal, under ROOT's quota lock. */
#include "store_impl.h"
#include "maildirsize.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void store_set_quota(struct store *st, const struct maildir_quota *q)
{
	st->quota = *q;
}

static int limited(const struct maildir_quota *q)
{
	return q->octets || q->messages;
}

long long store_file_octets(int dirfd, const char *file)
{
	long long n = store_lf_size_from_name(file);
	struct stat s;
	if (n >= 0)
		return n;
	if (fstatat(dirfd, file, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return (long long)s.st_size;
}

/* Add the messages of parent/sub ("cur", "new") to u. */
static void count_dir(int parent, const char *sub, struct store_usage *u)
{
	int fd = openat(parent, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		long long n = store_file_octets(dirfd(d), e->d_name);
		if (n < 0)
			continue;       /* gone meanwhile */
		u->octets += (uint64_t)n;
		u->messages++;
	}
	closedir(d);
}

/* Count every message of the Maildir: INBOX and each folder ".NAME"
 * (not "..": a folder being deleted, store_folder_delete). 0 or -1. */
static int count_all(int rootfd, struct store_usage *u)
{
	memset(u, 0, sizeof *u);
	count_dir(rootfd, "cur", u);
	count_dir(rootfd, "new", u);
	int fd = dup(rootfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	rewinddir(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] != '.' || e->d_name[1] == '.' ||
		    !e->d_name[1])
			continue;
		int sub = openat(rootfd, e->d_name, O_RDONLY | O_DIRECTORY |
				 O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;       /* a file, or a symlink: no folder */
		count_dir(sub, "cur", u);
		count_dir(sub, "new", u);
		close(sub);
	}
	closedir(d);
	return 0;
}

/* With the quota lock held: the usage, recalculated (and the file
 * rewritten, when q limits anything) when the file is missing or stale.
 * *fresh says it was recalculated. 0 or -1. */
static int usage_locked(int rootfd, const struct maildir_quota *q,
			struct store_usage *u, int *fresh)
{
	struct maildirsize m;
	int r = maildirsize_read(rootfd, &m);
	*fresh = 0;
	if (r < 0)
		return -1;
	if (r == 1 && (!limited(q) || !maildirsize_stale(&m, q, time(NULL)))) {
		u->octets = m.octets > 0 ? (uint64_t)m.octets : 0;
		u->messages = m.messages > 0 ? (uint64_t)m.messages : 0;
		return 0;
	}
	if (count_all(rootfd, u) < 0)
		return -1;
	*fresh = 1;
	if (!limited(q))
		return 0;       /* no quota: no file to keep */
	return maildirsize_write(rootfd, q, (int64_t)u->octets,
				 (int64_t)u->messages);
}

int store_quota_usage(struct store *st, struct store_usage *u)
{
	int fresh;
	int lock = store_lock(st->rootfd, STORE_LOCK_QUOTA);
	if (lock < 0)
		return -1;
	int rc = usage_locked(st->rootfd, &st->quota, u, &fresh);
	int e = errno;
	store_unlock(lock);
	errno = e;
	return rc;
}

int store_quota_admit(int rootfd, const struct maildir_quota *q,
		      uint64_t octets, uint64_t messages)
{
	struct store_usage u;
	int fresh;
	if (!limited(q))
		return 0;
	int lock = store_lock(rootfd, STORE_LOCK_QUOTA);
	if (lock < 0)
		return -1;
	int rc = usage_locked(rootfd, q, &u, &fresh);
	int e = errno;
	store_unlock(lock);
	if (rc < 0) {
		errno = e;
		return -1;
	}
	/* RFC 9208 §4.3.1: refused when the addition puts the Maildir
	 * over any one of its limits */
	if ((q->octets && u.octets + octets > q->octets) ||
	    (q->messages && u.messages + messages > q->messages)) {
		errno = EDQUOT;
		return -1;
	}
	return 0;
}

void store_quota_charge(int rootfd, const struct maildir_quota *q,
			int64_t octets, int64_t messages)
{
	struct store_usage u;
	int fresh = 0;
	if (!octets && !messages)
		return;
	int lock = store_lock(rootfd, STORE_LOCK_QUOTA);
	if (lock < 0)
		return;
	/* a recalculation counts what was just done; else one line */
	if (!limited(q) || usage_locked(rootfd, q, &u, &fresh) < 0 || !fresh)
		maildirsize_append(rootfd, octets, messages);
	store_unlock(lock);
}
