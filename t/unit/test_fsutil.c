/* test_fsutil.c - atomic writes, mkdir -p, whole-file reads. */
#include "check.h"
#include "fsutil.h"
#include <errno.h>
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

static const struct check_case cases[] = {
	{ "atomic_write_and_read", atomic_write_and_read },
	{ "atomic_write_failure_keeps_old", atomic_write_failure_keeps_old },
	{ "make_dirs", make_dirs },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
