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
/* Write a whole file atomically: a temporary beside it, write, fsync,
 * rename over path, fsync the directory. 0, or -1 with errno and path
 * untouched (the temporary removed). */
int file_write_atomic(const char *path, const void *data, size_t len,
		      mode_t mode);
/* Read a whole file (up to out->max bytes) into out. 0, or -1 with errno
 * (E2BIG when larger than the cap). */
int file_read_all(const char *path, struct bytes *out);
/* write(2) all of p, retrying on EINTR and short writes. 0 or -1. */
int write_all(int fd, const void *p, size_t n);

#endif
