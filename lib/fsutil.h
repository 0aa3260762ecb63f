/* fsutil.h - the few file-system moves every durable write is made of. */
#ifndef POSTERN_FSUTIL_H
#define POSTERN_FSUTIL_H
#include <stddef.h>
#include <sys/types.h>
#include "bytes.h"

/* fsync a directory (after a rename or create in it). 0 or -1. */
int fsync_dir(const char *dir);
/* fsync the directory that holds path. 0 or -1. */
int fsync_parent(const char *path);
/* mkdir -p with mode for the directories it creates. 0 or -1. */
int mkdir_p(const char *path, mode_t mode);
/* THE commit of postern: every durable file goes through it. fd is a
 * file written at tmpdir/tmp (tmpdir and dstdir are directory fds or
 * AT_FDCWD; tmp and dst may hold '/'): fsync fd, close it, rename tmp to
 * dstdir/dst, fsync the directory dst is in. fd is closed in every case.
 * On failure at any step the file is removed from wherever it then is
 * (tmp, or dst after the rename) and -1 returned with errno: a failed
 * commit leaves nothing behind, a successful one survives a crash.
 * In SAN builds (POSTERN_FAULTS) $POSTERN_FAULT = "fsync", "rename" or
 * "fsync-dir" makes that step fail with EIO, for the tests. 0 or -1. */
int file_commit(int fd, int tmpdir, const char *tmp, int dstdir,
		const char *dst);
/* The same for a file that is already in place under another name, made
 * by link(2): fsync the directory of dstdir/dst, or unlink dst and fail. */
int file_commit_link(int dstdir, const char *dst);
/* Write a whole file atomically: a temporary beside it (".tmp.PID"),
 * write, file_commit over dir/name (dir: a directory fd or AT_FDCWD;
 * the temporary is opened O_NOFOLLOW|O_EXCL). 0, or -1 with errno and
 * name untouched. */
int file_write_atomic_at(int dir, const char *name, const void *data,
			 size_t len, mode_t mode);
/* file_write_atomic_at(AT_FDCWD, path, ...). */
int file_write_atomic(const char *path, const void *data, size_t len,
		      mode_t mode);
/* Read a whole file (up to out->max bytes) into out. 0, or -1 with errno
 * (E2BIG when larger than the cap). */
int file_read_all(const char *path, struct bytes *out);
/* write(2) all of p, retrying on EINTR and short writes. 0 or -1. */
int write_all(int fd, const void *p, size_t n);

#endif
