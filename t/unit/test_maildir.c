/* test_maildir.c - Maildir paths, names, delivery. */
#include "check.h"
#include "maildir.h"
#include "store.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void paths(void)
{
	char buf[512];
	CHECK(maildir_path(buf, sizeof buf, "/vmail", "Alice@Example.TEST") == 0);
	CHECK(strcmp(buf, "/vmail/example.test/alice") == 0);
	const char *bad[] = { "noat", "@example.test", "alice@", "../x@example.test",
			      ".hidden@example.test", "a/b@example.test", "a@ex/ample",
			      "a@..", "a\n@example.test" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		errno = 0;
		CHECK(maildir_path(buf, sizeof buf, "/vmail", bad[i]) == -1 && errno == EINVAL);
	}
	CHECK(maildir_path(buf, 10, "/vmail", "alice@example.test") == -1);
}

static void unique_names(void)
{
	char a[256], b[256];
	CHECK(maildir_unique_name(a, sizeof a) == 0);
	CHECK(maildir_unique_name(b, sizeof b) == 0);
	CHECK(strcmp(a, b) != 0 && strchr(a, '/') == NULL && strchr(a, ':') == NULL);
	CHECK(maildir_unique_name(a, 5) == -1);
}

static int count(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void deliver(void)
{
	char dir[512], src[512], path[800], name[256], got[256];
	snprintf(dir, sizeof dir, "%s/vmail/example.test/bob", check_tmpdir());
	CHECK(maildir_create(dir) == 0);
	CHECK(maildir_create(dir) == 0);
	snprintf(src, sizeof src, "%s/source", check_tmpdir());
	int fd = open(src, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(write(fd, "ENVELOPE\n\nSubject: hi\n\nbody\n", 28) == 28);
	const char hdr[] = "Delivered-To: bob@example.test\n";
	CHECK(store_deliver(dir, NULL, hdr, sizeof hdr - 1, fd, 10, name, sizeof name, NULL, NULL) == 0);
	/* the size hints APPEND gives: octets on disk, on the wire (CRLF) */
	CHECK(strstr(name, ",S=49,W=53") && name[strlen(name) - 1] == '3');
	snprintf(path, sizeof path, "%s/new/%s", dir, name);
	int in = open(path, O_RDONLY);
	ssize_t n = read(in, got, sizeof got);
	CHECK(n == (ssize_t)(sizeof hdr - 1 + 18));
	CHECK(memcmp(got, hdr, sizeof hdr - 1) == 0);
	CHECK(memcmp(got + sizeof hdr - 1, "Subject: hi\n\nbody\n", 18) == 0);
	close(in);
	snprintf(path, sizeof path, "%s/tmp", dir);
	CHECK(count(path) == 0);
	close(fd);
}

static void deliver_failure_leaves_nothing(void)
{
	char dir[512], path[800], name[256];
	snprintf(dir, sizeof dir, "%s/vmail/example.test/carol", check_tmpdir());
	CHECK(maildir_create(dir) == 0);
	snprintf(path, sizeof path, "%s/new", dir);
	CHECK(rmdir(path) == 0);
	int f = open(path, O_WRONLY | O_CREAT, 0600);     /* new/ not a directory */
	CHECK(f >= 0);
	close(f);
	int fd = open("/dev/null", O_RDONLY);
	CHECK(store_deliver(dir, NULL, "x", 1, fd, 0, name, sizeof name, NULL, NULL) == -1);
	snprintf(path, sizeof path, "%s/tmp", dir);
	CHECK(count(path) == 0);
	close(fd);
}

/* A directory fsync that fails after the rename takes the file back. */
static void deliver_fsync_failure_leaves_nothing(void)
{
	char dir[512], path[800], name[256];
	snprintf(dir, sizeof dir, "%s/vmail/example.test/dave", check_tmpdir());
	CHECK(maildir_create(dir) == 0);
	int fd = open("/dev/null", O_RDONLY);
	setenv("POSTERN_FAULT", "fsync-dir", 1);
	CHECK(store_deliver(dir, NULL, "x", 1, fd, 0, name, sizeof name, NULL, NULL) == -1);
	unsetenv("POSTERN_FAULT");
	snprintf(path, sizeof path, "%s/tmp", dir);
	CHECK(count(path) == 0);
	snprintf(path, sizeof path, "%s/new", dir);
	CHECK(count(path) == 0);
	close(fd);
}

static const struct check_case cases[] = {
	{ "deliver_fsync_failure_leaves_nothing", deliver_fsync_failure_leaves_nothing },
	{ "paths", paths },
	{ "unique_names", unique_names },
	{ "deliver", deliver },
	{ "deliver_failure_leaves_nothing", deliver_failure_leaves_nothing },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
