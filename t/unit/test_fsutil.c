/* test_fsutil.c - atomic writes, mkdir -p, whole-file reads. */
#include "check.h"
#include "fsutil.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void atomic_write_and_read(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/state", check_tmpdir());
	CHECK(file_write_atomic(path, "one\n", 4, 0600) == 0);
	CHECK(file_write_atomic(path, "two\n", 4, 0600) == 0);
	struct bytes b;
	bytes_init(&b, 100);
	CHECK(file_read_all(path, &b) == 0 && strcmp(bytes_str(&b), "two\n") == 0);
	bytes_free(&b);
	bytes_init(&b, 2);
	CHECK(file_read_all(path, &b) == -1 && errno == E2BIG);
	bytes_free(&b);
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
}

static void atomic_write_failure_keeps_old(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/nodir/state", check_tmpdir());
	CHECK(file_write_atomic(path, "x", 1, 0600) == -1 && errno == ENOENT);
}

static void make_dirs(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/a/b/c", check_tmpdir());
	CHECK(mkdir_p(path, 0700) == 0);
	CHECK(mkdir_p(path, 0700) == 0);
	CHECK(fsync_dir(path) == 0 && fsync_parent(path) == 0);
	snprintf(path, sizeof path, "%s/state", check_tmpdir());
	file_write_atomic(path, "x", 1, 0600);
	CHECK(mkdir_p(path, 0700) == -1);
}

/* How many entries (besides . and ..) the directory holds. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* file_commit of a fresh tmp/x into new/x with $POSTERN_FAULT = step. */
static int commit_with_fault(const char *step, char *tmpdir, char *newdir)
{
	char tmp[600], dst[600];
	snprintf(tmpdir, 512, "%s/tmp", check_tmpdir());
	snprintf(newdir, 512, "%s/new", check_tmpdir());
	mkdir(tmpdir, 0700);
	mkdir(newdir, 0700);
	snprintf(tmp, sizeof tmp, "%s/x", tmpdir);
	snprintf(dst, sizeof dst, "%s/x", newdir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, "hello\n", 6) != 6)
		return -2;
	if (step)
		setenv("POSTERN_FAULT", step, 1);
	int r = file_commit(fd, AT_FDCWD, tmp, AT_FDCWD, dst);
	unsetenv("POSTERN_FAULT");
	return r;
}

static void commit_success(void)
{
	char t[512], n[512];
	CHECK(commit_with_fault(NULL, t, n) == 0);
	CHECK(entries(t) == 0 && entries(n) == 1);
}

/* Every step that fails leaves nothing in tmp/ or new/. */
static void commit_failure_leaves_nothing(void)
{
	static const char *const steps[] = { "fsync", "rename", "fsync-dir" };
	char t[512], n[512];
	for (size_t i = 0; i < 3; i++) {
		errno = 0;
		CHECK(commit_with_fault(steps[i], t, n) == -1 && errno == EIO);
		CHECK(entries(t) == 0 && entries(n) == 0);
	}
}

static void atomic_write_at_dirfd(void)
{
	int dir = open(check_tmpdir(), O_RDONLY | O_DIRECTORY);
	CHECK(dir >= 0);
	CHECK(file_write_atomic_at(dir, "index", "a\n", 2, 0600) == 0);
	setenv("POSTERN_FAULT", "fsync-dir", 1);
	CHECK(file_write_atomic_at(dir, "other", "b\n", 2, 0600) == -1);
	unsetenv("POSTERN_FAULT");
	CHECK(faccessat(dir, "other", F_OK, 0) == -1 && errno == ENOENT);
	CHECK(entries(check_tmpdir()) == 1);
	/* a symlink in place of the temporary is not followed */
	char tmp[64];
	snprintf(tmp, sizeof tmp, "index.tmp.%ld", (long)getpid());
	CHECK(symlinkat("/nonexistent/postern", dir, tmp) == 0);
	CHECK(file_write_atomic_at(dir, "index", "c\n", 2, 0600) == 0);
	close(dir);
}

static const struct check_case cases[] = {
	{ "commit_success", commit_success },
	{ "commit_failure_leaves_nothing", commit_failure_leaves_nothing },
	{ "atomic_write_at_dirfd", atomic_write_at_dirfd },
	{ "atomic_write_and_read", atomic_write_and_read },
	{ "atomic_write_failure_keeps_old", atomic_write_failure_keeps_old },
	{ "make_dirs", make_dirs },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
