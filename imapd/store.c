/* store.c - new messages in a Maildir folder. See store.h. */
#include "store.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "limits.h"
#include "mailbox.h"
#include "maildir.h"
#include "message.h"
#include "uidlist.h"

static void info_letters(unsigned flags, char *buf)
{
	size_t n = 0;
	if (flags & FLAG_DRAFT) buf[n++] = 'D';
	if (flags & FLAG_FLAGGED) buf[n++] = 'F';
	if (flags & FLAG_ANSWERED) buf[n++] = 'R';
	if (flags & FLAG_SEEN) buf[n++] = 'S';
	if (flags & FLAG_DELETED) buf[n++] = 'T';
	for (int i = 0; i < KEYWORDS_MAX; i++)  /* keywords: a..z */
		if (flags & FLAG_KEYWORD(i))
			buf[n++] = (char)('a' + i);
	buf[n] = '\0';
}

/* dir/new/BASE or dir/cur/BASE:2,FLAGS. 0, or -1 when it does not fit. */
static int final_path(const char *dir, const char *base, unsigned flags,
		      char *buf, size_t size)
{
	char info[8 + KEYWORDS_MAX];
	info_letters(flags, info);
	int n = flags ? snprintf(buf, size, "%s/cur/%s:2,%s", dir, base, info)
		      : snprintf(buf, size, "%s/new/%s", dir, base);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Write data with CRLF turned into LF. */
static int write_lf(int fd, const char *data, size_t len, size_t *written)
{
	size_t start = 0;
	*written = 0;
	for (size_t i = 0; i + 1 < len; i++) {
		if (data[i] != '\r' || data[i + 1] != '\n')
			continue;
		if (write_all(fd, data + start, i - start) < 0)
			return -1;
		*written += i - start;
		start = i + 1;
	}
	if (write_all(fd, data + start, len - start) < 0)
		return -1;
	*written += len - start;
	return 0;
}

int store_message(const char *dir, const char *data, size_t len,
		  unsigned flags, time_t date, char *base, size_t size)
{
	char unique[STORE_BASE_MAX], tmp[PATH_MAX_POSTERN], dst[PATH_MAX_POSTERN];
	size_t lf;
	if (maildir_unique_name(unique, sizeof unique) < 0 ||
	    snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, unique) >= (int)sizeof tmp)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	if (fd < 0)
		return -1;
	struct timespec ts[2] = { { date, 0 }, { date, 0 } };
	if (write_lf(fd, data, len, &lf) < 0 || (date && futimens(fd, ts) < 0) ||
	    snprintf(base, size, "%s,S=%zu,W=%zu", unique, lf,
		     crlf_size(data, len)) >= (int)size ||
	    final_path(dir, base, flags, dst, sizeof dst) < 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	return file_commit(fd, AT_FDCWD, tmp, AT_FDCWD, dst);
}

/* Copy the bytes of src (and its mtime) into a new file tmp; the fd of
 * tmp for file_commit, or -1 with nothing left. */
static int copy_bytes(const char *src, const char *tmp)
{
	char buf[16384];
	int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		       O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return -1;
	}
	ssize_t r;
	while ((r = read(in, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || write_all(out, buf, (size_t)r) < 0)
			break;
	}
	struct stat st;
	int ok = r == 0 && fstat(in, &st) == 0;
	struct timespec ts[2] = { st.st_mtim, st.st_mtim };
	ok = ok && futimens(out, ts) == 0;
	close(in);
	if (!ok) {
		close(out);
		unlink(tmp);
		return -1;
	}
	return out;
}

int store_copy(const char *dir, const char *src, const char *src_base,
	       unsigned flags, int move, char *base, size_t size)
{
	char unique[STORE_BASE_MAX], dst[PATH_MAX_POSTERN];
	char tmp[PATH_MAX_POSTERN];
	if (maildir_unique_name(unique, sizeof unique) < 0)
		return -1;
	const char *hint = strstr(src_base, ",S=");
	if (!hint)
		hint = "";
	/* the copy goes to cur/ so that its flags stay with it */
	if ((size_t)snprintf(base, size, "%s%s", unique, hint) >= size ||
	    final_path(dir, base, flags, dst, sizeof dst) < 0)
		return -1;
	if (move) {
		/* a move cannot be undone by removing dst: the fsync of
		 * its new directory is all that is left to do */
		return rename(src, dst) == 0 ? fsync_parent(dst) : -1;
	}
	if (link(src, dst) == 0)
		return file_commit_link(AT_FDCWD, dst);
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return -1;
	if (snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, base) >= (int)sizeof tmp)
		return -1;
	int fd = copy_bytes(src, tmp);
	return fd < 0 ? -1 : file_commit(fd, AT_FDCWD, tmp, AT_FDCWD, dst);
}

void store_undo(const char *dir, const char *base, unsigned flags)
{
	char path[PATH_MAX_POSTERN];
	if (final_path(dir, base, flags, path, sizeof path) == 0)
		unlink(path);
}

int store_uids(const char *dir, char *const *bases, size_t n,
	       uint32_t *uids, uint32_t *validity)
{
	struct uidlist l;
	if (uidlist_sync(dir, 0, bases, n, &l) < 0)
		return -1;
	*validity = l.validity;
	for (size_t i = 0; i < n; i++) {
		const struct uid_entry *e = uidlist_find(&l, bases[i]);
		uids[i] = e ? e->uid : 0;
	}
	uidlist_free(&l);
	return 0;
}
