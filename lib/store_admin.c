/* store_admin.c - folders of a Maildir: create, delete, rename, exists,
 * status (store.h). Maildir++: the folder "A.B" is ROOT/.A.B with a
 * "maildirfolder" marker; INBOX is ROOT. */
#include "store_impl.h"
#include "fsutil.h"
#include "limits.h"
#include "maildir.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_inbox(const char *name)
{
	return !strcasecmp(name, "INBOX");
}

int store_folder_exists(struct store *st, const char *name)
{
	struct stat s;
	int fd = store_folder_dirfd(st->rootfd, name);
	if (fd < 0)
		return 0;
	int ok = fstatat(fd, "cur", &s, AT_SYMLINK_NOFOLLOW) == 0 &&
		 S_ISDIR(s.st_mode);
	close(fd);
	return ok;
}

int store_folder_create(struct store *st, const char *name)
{
	char rel[PATH_MAX_POSTERN];
	struct store_index ix;
	if (is_inbox(name) || store_folder_exists(st, name)) {
		errno = EEXIST;
		return -1;
	}
	if (snprintf(rel, sizeof rel, "%s/.%s", st->root, name) >= (int)sizeof rel) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (maildir_create(rel) < 0)
		return -1;
	int fd = store_folder_dirfd(st->rootfd, name);
	if (fd < 0)
		return -1;
	int marker = openat(fd, "maildirfolder", O_WRONLY | O_CREAT |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = marker < 0 ? -1 : 0;
	if (marker >= 0)
		close(marker);
	/* the index now: the UIDVALIDITY is given at creation, so a folder
	 * made again after a DELETE never gets its old one */
	if (rc == 0 && store_sync(st->rootfd, fd, 0, NULL, 0, &ix) == 0)
		store_index_free(&ix);
	else
		rc = -1;
	if (rc == 0)    /* everything that arrives is \Recent (store.h) */
		rc = store_recent_init(fd);
	int e = errno;
	close(fd);
	if (rc == 0 && fsync(st->rootfd) < 0)
		rc = -1;
	errno = rc < 0 ? e : 0;
	return rc;
}

/* Remove the files of dirfd/sub (sub "" : dirfd itself), then sub;
 * when freed is not NULL, add the octets and the count of the files
 * removed to it (the quota's messages). */
static void remove_files(int parent, const char *sub,
			 struct store_usage *freed)
{
	int fd = openat(parent, *sub ? sub : ".", O_RDONLY | O_DIRECTORY |
			O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		long long size = freed ? store_file_octets(dirfd(d), e->d_name) :
			       0;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0 && freed &&
		    e->d_name[0] != '.' && size >= 0) {
			freed->octets += (uint64_t)size;
			freed->messages++;
		}
	}
	closedir(d);
	if (*sub)
		unlinkat(parent, sub, AT_REMOVEDIR);
}

int store_folder_delete(struct store *st, const char *name)
{
	char rel[PATH_MAX_POSTERN], gone[64];
	struct store_usage freed = { 0, 0 };
	if (is_inbox(name) || !store_folder_exists(st, name)) {
		errno = is_inbox(name) ? EPERM : ENOENT;
		return -1;
	}
	/* out of sight first (".." never names a folder), then removed */
	snprintf(gone, sizeof gone, "..deleted.%ld", (long)getpid());
	if (snprintf(rel, sizeof rel, ".%s", name) >= (int)sizeof rel ||
	    renameat(st->rootfd, rel, st->rootfd, gone) < 0 ||
	    fsync(st->rootfd) < 0)
		return -1;
	int fd = openat(st->rootfd, gone, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd >= 0) {
		remove_files(fd, "cur", &freed);
		remove_files(fd, "new", &freed);
		remove_files(fd, "tmp", NULL);
		remove_files(fd, "", NULL);
		close(fd);
	}
	store_quota_charge(st->rootfd, &st->quota, -(int64_t)freed.octets,
			   -(int64_t)freed.messages);
	unlinkat(st->rootfd, gone, AT_REMOVEDIR);    /* debris: harmless */
	return 0;
}

/* §6.3.5: renaming INBOX moves its messages into the new folder and
 * leaves INBOX empty. */
static int rename_inbox(struct store *st, const char *to)
{
	static const char *const subs[] = { "new", "cur" };
	char a[PATH_MAX_POSTERN], b[PATH_MAX_POSTERN];
	if (store_folder_create(st, to) < 0)
		return -1;
	int dst = store_folder_dirfd(st->rootfd, to);
	if (dst < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		int fd = openat(st->rootfd, subs[i], O_RDONLY | O_DIRECTORY |
				O_NOFOLLOW | O_CLOEXEC);
		DIR *d = fd < 0 ? NULL : fdopendir(fd);
		if (!d) {
			rc = -1;
			break;
		}
		struct dirent *e;
		while (rc == 0 && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (snprintf(a, sizeof a, "%s/%s", subs[i], e->d_name) >=
			    (int)sizeof a ||
			    snprintf(b, sizeof b, "%s/%s", subs[i], e->d_name) >=
			    (int)sizeof b) {
				errno = ENAMETOOLONG;
				rc = -1;
			} else if (renameat(st->rootfd, a, dst, b) < 0 &&
				   errno != ENOENT) {
				rc = -1;
			}
		}
		closedir(d);
	}
	close(dst);
	return rc;
}

int store_folder_rename(struct store *st, const char *from, const char *to)
{
	char a[PATH_MAX_POSTERN], b[PATH_MAX_POSTERN];
	size_t n = strlen(from);
	if (!store_folder_exists(st, from)) {
		errno = ENOENT;
		return -1;
	}
	if (is_inbox(to) || store_folder_exists(st, to)) {
		errno = EEXIST;
		return -1;
	}
	if (is_inbox(from))
		return rename_inbox(st, to);
	int fd = dup(st->rootfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d)
		return -1;
	rewinddir(d);
	struct dirent *e;
	int rc = 0;
	/* the folder and every folder below it: ".from" and ".from.*" */
	while (rc == 0 && (e = readdir(d))) {
		const char *x = e->d_name;
		if (x[0] != '.' || strncmp(x + 1, from, n) ||
		    (x[n + 1] && x[n + 1] != '.'))
			continue;
		if (snprintf(b, sizeof b, ".%s%s", to, x + n + 1) >= (int)sizeof b)
			rc = -1;
		else if (snprintf(a, sizeof a, "%s", x) >= (int)sizeof a ||
			 renameat(st->rootfd, a, st->rootfd, b) < 0)
			rc = -1;
	}
	closedir(d);
	return rc == 0 ? fsync(st->rootfd) : -1;
}

/* RFC822.SIZE of file in the folder at dirfd when its name has no ",W="
 * hint: its octets with each bare LF counted as CRLF. 0 when unreadable
 * (gone meanwhile). */
static uint64_t crlf_size_of_file(int dirfd, const char *file)
{
	char buf[65536], last = 0;
	uint64_t n = 0;
	ssize_t r;
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((r = read(fd, buf, sizeof buf)) > 0 ||
	       (r < 0 && errno == EINTR))
		for (ssize_t i = 0; i < r; i++) {
			n += 1 + (buf[i] == '\n' && last != '\r');
			last = buf[i];
		}
	close(fd);
	return n;
}

static int folder_status(struct store *st, const char *name,
			 struct store_status *out, int with_size)
{
	struct store_index ix;
	memset(out, 0, sizeof *out);
	int fd = store_folder_dirfd(st->rootfd, name);
	if (fd < 0)
		return -1;
	if (store_sync(st->rootfd, fd, 0, NULL, 0, &ix) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	out->messages = (uint32_t)ix.count;
	out->uidvalidity = ix.uidvalidity;
	out->uidnext = ix.uidnext;
	out->highestmodseq = ix.highestmodseq;
	snprintf(out->mailboxid, sizeof out->mailboxid, "%s", ix.mailboxid);
	for (size_t i = 0; i < ix.count; i++) {
		unsigned f = store_flags_from_name(ix.v[i].file);
		long long w = store_size_from_name(ix.v[i].file);
		if (w < 0)
			w = ix.v[i].wire;
		out->recent += ix.v[i].recent;
		out->unseen += !(f & STORE_SEEN);
		if (f & STORE_DELETED) {        /* what EXPUNGE would free */
			long long o = store_file_octets(fd, ix.v[i].file);
			out->deleted++;
			out->deleted_octets += o > 0 ? (uint64_t)o : 0;
		}
		/* RFC 8438 §3: the sum of RFC822.SIZE */
		if (with_size)
			out->size += w >= 0 ? (uint64_t)w :
				     crlf_size_of_file(fd, ix.v[i].file);
	}
	close(fd);
	store_index_free(&ix);
	return 0;
}

int store_folder_status(struct store *st, const char *name,
			struct store_status *out)
{
	return folder_status(st, name, out, 1);
}

int store_folder_counts(struct store *st, const char *name,
			struct store_status *out)
{
	return folder_status(st, name, out, 0);
}
