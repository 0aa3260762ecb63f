/* store_add.c - new messages: APPEND, local delivery, COPY and MOVE
 * (store.h "new messages"). Every file goes through the one commit
 * (fsutil.h file_commit) and is named with its size hints. */
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

void store_added_free(struct store_added *a)
{
	for (size_t i = 0; a->uniques && i < a->n; i++)
		free(a->uniques[i]);
	free(a->uniques);
	free(a->uids);
	memset(a, 0, sizeof *a);
}

int store_added_alloc(struct store_added *a, size_t n)
{
	memset(a, 0, sizeof *a);
	a->uids = calloc(n + 1, sizeof *a->uids);
	a->uniques = calloc(n + 1, sizeof *a->uniques);
	if (a->uids && a->uniques)
		return 0;
	store_added_free(a);
	return -1;
}

/* The UIDs of a->uniques[0..n) in the folder at dirfd, given now in
 * that order when new. 0 or -1. */
int store_added_uids(int rootfd, int dirfd, struct store_added *a)
{
	struct store_index ix;
	if (store_sync(rootfd, dirfd, 0, a->uniques, a->n, &ix) < 0)
		return -1;
	a->uidvalidity = ix.uidvalidity;
	for (size_t k = 0; k < a->n; k++)
		for (size_t i = ix.count; i-- > 0;)
			if (!strcmp(ix.v[i].unique, a->uniques[k])) {
				a->uids[k] = ix.v[i].uid;
				break;
			}
	store_index_free(&ix);
	return 0;
}

/* Write data (CRLF) with LF line ends; *lf the octets written, *crlf
 * the octets on the wire. */
static int write_lf(int fd, const char *data, size_t len, size_t *lf,
		    size_t *crlf)
{
	size_t start = 0;
	*lf = 0;
	*crlf = len;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			(*crlf)++;      /* a bare LF goes out as CRLF */
		if (i + 1 >= len || data[i] != '\r' || data[i + 1] != '\n')
			continue;
		if (write_all(fd, data + start, i - start) < 0)
			return -1;
		*lf += i - start;
		start = i + 1;
	}
	if (write_all(fd, data + start, len - start) < 0)
		return -1;
	*lf += len - start;
	return 0;
}

int store_tmp_create(int dirfd, char *unique, size_t usize, char *tmp,
		      size_t tsize)
{
	if (maildir_unique_name(unique, usize) < 0 ||
	    snprintf(tmp, tsize, "tmp/%s", unique) >= (int)tsize) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		      O_CLOEXEC, 0600);
}

static int resolve_keywords(int dirfd, char *const *kw, size_t n,
			    unsigned *bits)
{
	struct store_keywords k = { 0 };
	*bits = 0;
	if (n == 0)
		return 0;
	int lock = store_lock(dirfd, STORE_LOCK_EXCLUSIVE);
	if (lock < 0)
		return -1;
	int rc = store_keywords_resolve_locked(dirfd, kw, n, 1, &k, bits);
	int e = errno;
	store_unlock(lock);
	store_keywords_free(&k);
	errno = e;
	return rc;
}

/* The file of a new message into the folder at dirfd. 0 or -1. */
static int append_file(int dirfd, const char *data, size_t len,
		       unsigned flags, time_t date, char *base, size_t bsize,
		       char *dst, size_t dsize)
{
	char unique[STORE_UNIQUE_MAX], tmp[PATH_MAX_POSTERN];
	size_t lf, crlf;
	int fd = store_tmp_create(dirfd, unique, sizeof unique, tmp, sizeof tmp);
	if (fd < 0)
		return -1;
	struct timespec ts[2] = { { date, 0 }, { date, 0 } };
	if (write_lf(fd, data, len, &lf, &crlf) < 0 ||
	    (date && futimens(fd, ts) < 0) ||
	    snprintf(base, bsize, "%s,S=%zu,W=%zu", unique, lf, crlf) >=
	    (int)bsize ||
	    store_name_file(base, NULL, flags, flags == 0, dst, dsize) < 0) {
		int e = errno;
		close(fd);
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	return file_commit(fd, dirfd, tmp, dirfd, dst);
}

/* Commit an ended upload (in the tmp/ of the Maildir at u->rootfd) into
 * the folder at dirfd, like append_file; when this fails the file stays
 * for store_upload_abort. 0 or -1. */
static int append_upload(int dirfd, struct store_upload *u, unsigned flags,
			 time_t date, char *base, size_t bsize, char *dst,
			 size_t dsize)
{
	struct timespec ts[2] = { { date, 0 }, { date, 0 } };
	if (snprintf(base, bsize, "%s,S=%zu,W=%zu", u->unique, u->lf,
		     u->crlf) >= (int)bsize) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (store_name_file(base, NULL, flags, flags == 0, dst, dsize) < 0)
		return -1;
	int fd = openat(u->rootfd, u->tmp, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (date && futimens(fd, ts) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	u->live = 0;    /* file_commit removes it when it fails */
	return file_commit(fd, u->rootfd, u->tmp, dirfd, dst);
}

/* Remove the files dst[0..n) of the folder at dirfd (an append undone). */
static void append_undo(int dirfd, char (*dst)[PATH_MAX_POSTERN], size_t n)
{
	for (size_t i = 0; i < n; i++)
		unlinkat(dirfd, dst[i], 0);
	if (n)
		fsync(dirfd);
}

/* Write v[0..n) into the folder at dirfd (of the Maildir at rootfd),
 * their names and UIDs into out; on a failure none stays. 0 or -1. */
static int append_files(int rootfd, int dirfd, const struct store_new *v,
			size_t n, struct store_added *out)
{
	char base[STORE_UNIQUE_MAX];
	char (*dst)[PATH_MAX_POSTERN] = calloc(n ? n : 1, sizeof *dst);
	unsigned bits;
	int rc = dst ? 0 : -1;
	size_t written = 0;     /* dst[0..written) are committed */
	for (; rc == 0 && written < n; written++) {
		const struct store_new *m = &v[written];
		if (resolve_keywords(dirfd, m->keywords, m->nkw, &bits) < 0)
			break;
		bits |= m->flags & STORE_SYSTEM;
		if ((m->upload ?
		     append_upload(dirfd, m->upload, bits, m->date, base,
				   sizeof base, dst[written], sizeof *dst) :
		     append_file(dirfd, m->data, m->len, bits, m->date, base,
				 sizeof base, dst[written], sizeof *dst)) < 0)
			break;
		if (!(out->uniques[written] = strdup(base)))
			rc = -1;        /* dst[written] counts as written */
	}
	out->n = written;        /* what store_added_free frees */
	if (rc == 0 && written == n)
		rc = store_added_uids(rootfd, dirfd, out);
	else
		rc = -1;
	if (rc < 0 && dst) {
		int e = errno;  /* all or nothing: take them back */
		append_undo(dirfd, dst, written);
		errno = e;
	}
	free(dst);
	return rc;
}

/* Octets v[0..n) take on disk (LF line ends). */
static uint64_t append_octets(const struct store_new *v, size_t n)
{
	uint64_t sum = 0;
	for (size_t k = 0; k < n; k++) {
		if (v[k].upload) {
			sum += v[k].upload->lf;
			continue;
		}
		sum += v[k].len;
		for (size_t i = 0; i + 1 < v[k].len; i++)
			sum -= v[k].data[i] == '\r' && v[k].data[i + 1] == '\n';
	}
	return sum;
}

int store_append(struct store *st, const char *name,
		 const struct store_new *v, size_t n, struct store_added *out)
{
	if (store_added_alloc(out, n) < 0)
		return -1;
	uint64_t octets = append_octets(v, n);
	int dirfd = store_folder_dirfd(st->rootfd, name);
	int rc = dirfd < 0 ? -1 :
		 store_quota_admit(st->rootfd, &st->quota, octets, n) < 0 ? -1 :
		 append_files(st->rootfd, dirfd, v, n, out);
	if (rc == 0)
		store_quota_charge(st->rootfd, &st->quota, (int64_t)octets,
				   (int64_t)n);
	int e = errno;
	if (dirfd >= 0)
		close(dirfd);
	if (rc < 0)
		store_added_free(out);
	errno = e;
	return rc;
}
