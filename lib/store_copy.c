/* store_copy.c - local delivery, COPY and MOVE (store.h "new
 * messages"). */
#include "store_impl.h"
#include "fsutil.h"
#include "limits.h"
#include "maildir.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copy fd from offset to its end into out, counting the octets (*lf) and
 * the line feeds not after a CR (*bare: each one more octet on the
 * wire). prev is the octet before (for the first LF). */
static int copy_counting(int out, int fd, off_t offset, char prev,
			 size_t *lf, size_t *bare)
{
	char buf[65536];
	for (;;) {
		ssize_t r = pread(fd, buf, sizeof buf, offset);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return (int)r;
		for (ssize_t i = 0; i < r; i++) {
			*bare += buf[i] == '\n' && prev != '\r';
			prev = buf[i];
		}
		if (write_all(out, buf, (size_t)r) < 0)
			return -1;
		*lf += (size_t)r;
		offset += r;
	}
}

static size_t bare_lfs(const char *p, size_t n, char *last)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += p[i] == '\n' && (i == 0 ? *last : p[i - 1]) != '\r';
	if (n)
		*last = p[n - 1];
	return c;
}

/* May the message (header, then fd from offset) be added to the
 * Maildir at dirfd under quota (NULL: none)? 0, or -1 with errno. */
static int deliver_admit(int dirfd, const struct maildir_quota *quota,
			 size_t header_len, int fd, off_t offset)
{
	struct stat s;
	if (!quota)
		return 0;
	if (fstat(fd, &s) < 0)
		return -1;
	uint64_t octets = header_len + (uint64_t)(s.st_size > offset ?
						  s.st_size - offset : 0);
	return store_quota_admit(dirfd, quota, octets, 1);
}

int store_deliver(const char *dir, const struct maildir_quota *quota,
		  const char *header, size_t header_len, int fd, off_t offset,
		  char *unique, size_t size, store_deliver_hook hook,
		  void *ctx)
{
	static const struct maildir_quota none;
	char tmp[PATH_MAX_POSTERN], dst[PATH_MAX_POSTERN];
	char u[STORE_UNIQUE_MAX], last = '\n';
	size_t lf = header ? header_len : 0;
	size_t bare = header ? bare_lfs(header, header_len, &last) : 0;
	if (maildir_create(dir) < 0)
		return -1;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return -1;
	if (deliver_admit(dirfd, quota, header ? header_len : 0, fd,
			  offset) < 0) {
		int e = errno;
		close(dirfd);
		errno = e;
		return -1;
	}
	int out = store_tmp_create(dirfd, u, sizeof u, tmp, sizeof tmp);
	int rc = out < 0 ? -1 : 0;
	if (rc == 0 && ((header && write_all(out, header, header_len) < 0) ||
			copy_counting(out, fd, offset, last, &lf, &bare) < 0 ||
			snprintf(unique, size, "%s,S=%zu,W=%zu", u, lf,
				 lf + bare) >= (int)size ||
			snprintf(dst, sizeof dst, "new/%s", unique) >=
			(int)sizeof dst ||
			(hook && hook(ctx, dir, unique) != 0))) {
		int e = errno;
		close(out);
		unlinkat(dirfd, tmp, 0);
		errno = e ? e : ENAMETOOLONG;
		rc = -1;
	}
	if (rc == 0)
		rc = file_commit(out, dirfd, tmp, dirfd, dst);
	if (rc == 0)
		store_quota_charge(dirfd, quota ? quota : &none, (int64_t)lf, 1);
	int e = errno;
	close(dirfd);
	errno = e;
	return rc;
}

/* The keywords of the messages, named in the destination (added as
 * needed): map[i] is source letter i's letter there, or -1. */
static int keyword_map(struct store_folder *f, const size_t *idx, size_t n,
		       int destfd, int map[STORE_KEYWORDS_MAX])
{
	unsigned used = 0, bits;
	char *names[STORE_KEYWORDS_MAX];
	size_t k = 0;
	struct store_keywords kw = { 0 };
	for (int i = 0; i < STORE_KEYWORDS_MAX; i++)
		map[i] = -1;
	for (size_t i = 0; i < n; i++)
		used |= f->msgs[idx[i]].flags & ~STORE_SYSTEM;
	for (size_t i = 0; i < f->kw.count; i++)
		if ((used & STORE_KEYWORD(i)) && f->kw.name[i])
			names[k++] = f->kw.name[i];
	if (k == 0)
		return 0;
	int lock = store_lock(destfd, STORE_LOCK_EXCLUSIVE);
	if (lock < 0)
		return -1;
	int rc = store_keywords_resolve_locked(destfd, names, k, 1, &kw, &bits);
	int e = errno;
	store_unlock(lock);
	for (size_t i = 0; rc == 0 && i < f->kw.count; i++)
		if ((used & STORE_KEYWORD(i)) && f->kw.name[i])
			map[i] = store_keywords_index(&kw, f->kw.name[i]);
	store_keywords_free(&kw);
	errno = e;
	return rc;
}

static unsigned remap(const int map[STORE_KEYWORDS_MAX], unsigned flags)
{
	unsigned out = flags & STORE_SYSTEM;
	for (int i = 0; i < STORE_KEYWORDS_MAX; i++)
		if ((flags & STORE_KEYWORD(i)) && map[i] >= 0)
			out |= STORE_KEYWORD(map[i]);
	return out;
}

/* Copy the bytes (and mtime) of the message file at srcfd/src into a new
 * tmp file of destfd; commit it as dst. 0, or -1 with nothing left. */
static int copy_file(int srcfd, const char *src, int destfd, const char *dst)
{
	char u[STORE_UNIQUE_MAX], tmp[PATH_MAX_POSTERN];
	struct stat st;
	int in = openat(srcfd, src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = store_tmp_create(destfd, u, sizeof u, tmp, sizeof tmp);
	size_t lf = 0, bare = 0;
	int ok = out >= 0 && fstat(in, &st) == 0 &&
		 copy_counting(out, in, 0, '\n', &lf, &bare) == 0;
	struct timespec ts[2] = { st.st_mtim, st.st_mtim };
	ok = ok && futimens(out, ts) == 0;
	int e = errno;
	close(in);
	if (!ok) {
		if (out >= 0) {
			close(out);
			unlinkat(destfd, tmp, 0);
		}
		errno = e;
		return -1;
	}
	return file_commit(out, destfd, tmp, destfd, dst);
}

/* Put message m of f into destfd (its name kept in *name): a copy gets
 * a new unique name, as a hard link when possible, else a copy of the
 * file; a move renames and keeps the unique name, so the message's
 * stable id (JMAP Email id, store.h) survives it. 0 or -1. */
static int put_one(struct store_folder *f, struct store_message *m,
		   int destfd, unsigned flags, int move, char **name,
		   char *dst, size_t dsize)
{
	char unique[STORE_UNIQUE_MAX], base[STORE_UNIQUE_MAX];
	const char *hint = strstr(m->unique, ",S=");
	if ((move ? snprintf(base, sizeof base, "%s", m->unique) >=
		    (int)sizeof base :
	     maildir_unique_name(unique, sizeof unique) < 0 ||
	     snprintf(base, sizeof base, "%s%s", unique, hint ? hint : "") >=
	     (int)sizeof base) ||
	    store_name_file(base, NULL, flags, flags == 0, dst, dsize) < 0 ||
	    !(*name = strdup(base))) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = store_message_open(f, (size_t)(m - f->msgs));
	if (fd < 0)
		return -1;      /* found again by name, or gone */
	close(fd);
	if (move) {
		if (renameat(f->dirfd, m->file, destfd, dst) < 0)
			return -1;
		m->gone = 1;    /* reported at the next sync */
		return 0;
	}
	if (linkat(f->dirfd, m->file, destfd, dst, 0) == 0)
		return file_commit_link(destfd, dst);
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return -1;
	return copy_file(f->dirfd, m->file, destfd, dst);
}

/* fsync both folders' directories after a move. 0 or -1. */
static int move_durable(int srcfd, int destfd)
{
	static const char *const subs[2] = { "cur", "new" };
	int rc = 0;
	for (int i = 0; i < 2; i++) {
		int a = openat(srcfd, subs[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		int b = openat(destfd, subs[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (a < 0 || fsync(a) < 0 || b < 0 || fsync(b) < 0)
			rc = -1;
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
	}
	return rc;
}

/* Octets on disk of msgs[idx[0..n)] (a gone one counts nothing). */
static uint64_t copy_octets(struct store_folder *f, const size_t *idx,
			    size_t n)
{
	uint64_t sum = 0;
	for (size_t k = 0; k < n; k++) {
		const struct store_message *m = &f->msgs[idx[k]];
		long long o = m->size_lf >= 0 ? m->size_lf :
			      store_file_octets(f->dirfd, m->file);
		sum += o > 0 ? (uint64_t)o : 0;
	}
	return sum;
}

int store_copy(struct store_folder *f, const size_t *idx, size_t n,
	       const char *dest, int move, struct store_added *out)
{
	const struct maildir_quota *q = &f->store->quota;
	char (*dst)[PATH_MAX_POSTERN] = calloc(n + 1, sizeof *dst);
	int map[STORE_KEYWORDS_MAX];
	/* a move stays in the Maildir: the usage does not change */
	uint64_t octets = move ? 0 : copy_octets(f, idx, n);
	int destfd = store_folder_dirfd(f->store->rootfd, dest);
	int rc = dst && destfd >= 0 && store_added_alloc(out, n) == 0 &&
		 (move || store_quota_admit(f->store->rootfd, q, octets,
					    n) == 0) &&
		 keyword_map(f, idx, n, destfd, map) == 0 ? 0 : -1;
	for (; rc == 0 && out->n < n; out->n++) {
		struct store_message *m = &f->msgs[idx[out->n]];
		if (put_one(f, m, destfd, remap(map, m->flags), move,
			    &out->uniques[out->n], dst[out->n],
			    sizeof dst[out->n]) < 0) {
			rc = -1;
			break;
		}
	}
	int e = errno;
	if (rc < 0 && !move)    /* a COPY is all or nothing */
		for (size_t i = 0; destfd >= 0 && i < out->n; i++)
			unlinkat(destfd, dst[i], 0);
	if (move && out->n && move_durable(f->dirfd, destfd) < 0)
		rc = -1;
	if (!move && rc == 0)
		store_quota_charge(f->store->rootfd, q, (int64_t)octets,
				   (int64_t)n);
	if (rc == 0 && store_added_uids(f->store->rootfd, destfd, out) < 0)
		rc = -1;
	if (rc < 0)
		e = errno ? errno : e;
	if (destfd >= 0)
		close(destfd);
	free(dst);
	if (rc < 0 && !move)
		store_added_free(out);
	errno = e;
	return rc;
}
