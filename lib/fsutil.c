/* fsutil.c - durable file-system moves. */
#include "fsutil.h"
#include "limits.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int fsync_parent(const char *path)
{
	char dir[PATH_MAX_POSTERN];
	const char *slash = strrchr(path, '/');
	if (!slash)
		return fsync_dir(".");
	size_t n = (size_t)(slash - path);
	if (n == 0)
		return fsync_dir("/");
	if (n >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
	return fsync_dir(dir);
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX_POSTERN];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = c;
		if (c == '\0')
			break;
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

#ifdef POSTERN_FAULTS
/* Test builds: does $POSTERN_FAULT ask this step to fail? */
static int fault(const char *step)
{
	const char *f = getenv("POSTERN_FAULT");
	if (!f || strcmp(f, step))
		return 0;
	errno = EIO;
	return 1;
}
#else
#define fault(step) 0
#endif

/* fsync the directory that holds dir/name. 0 or -1. */
static int fsync_parent_at(int dir, const char *name)
{
	const char *slash = strrchr(name, '/');
	if (fault("fsync-dir"))
		return -1;
	if (!slash && dir != AT_FDCWD)
		return fsync(dir);
	if (!slash)
		return fsync_dir(".");
	char path[PATH_MAX_POSTERN];
	size_t n = (size_t)(slash - name);
	if (n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, name, n);
	path[n] = '\0';
	int fd = openat(dir, n ? path : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* unlinkat keeping errno. */
static void remove_keeping_errno(int dir, const char *name)
{
	int saved = errno;
	unlinkat(dir, name, 0);
	errno = saved;
}

int file_commit(int fd, int tmpdir, const char *tmp, int dstdir,
		const char *dst)
{
	if (fault("fsync") || fsync(fd) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		remove_keeping_errno(tmpdir, tmp);
		return -1;
	}
	if (close(fd) < 0 || fault("rename") ||
	    renameat(tmpdir, tmp, dstdir, dst) < 0) {
		remove_keeping_errno(tmpdir, tmp);
		return -1;
	}
	return file_commit_link(dstdir, dst);
}

int file_commit_link(int dstdir, const char *dst)
{
	if (fsync_parent_at(dstdir, dst) == 0)
		return 0;
	/* not known durable: take it back, so that success is never
	 * claimed for a file a crash could lose (nor a retry duplicate) */
	remove_keeping_errno(dstdir, dst);
	return -1;
}

int file_write_atomic_at(int dir, const char *name, const void *data,
			 size_t len, mode_t mode)
{
	char tmp[PATH_MAX_POSTERN];
	int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", name, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	unlinkat(dir, tmp, 0);  /* debris of an earlier crash of this pid */
	int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0) {
		int saved = errno;
		close(fd);
		unlinkat(dir, tmp, 0);
		errno = saved;
		return -1;
	}
	return file_commit(fd, dir, tmp, dir, name);
}

int file_write_atomic(const char *path, const void *data, size_t len,
		      mode_t mode)
{
	return file_write_atomic_at(AT_FDCWD, path, data, len, mode);
}

int file_read_all(const char *path, struct bytes *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[8192];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || bytes_append(out, buf, (size_t)r) < 0) {
			int saved = errno;
			close(fd);
			errno = saved;
			return r == 0 ? 0 : -1;
		}
	}
}
