/* test_maildirsize.c - the Maildir++ quota file (lib/maildirsize.h). */
#include "check.h"
#include "limits.h"
#include "maildirsize.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int root(void)
{
	int fd = open(check_tmpdir(), O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	unlinkat(fd, MAILDIRSIZE_FILE, 0);      /* each case from none */
	return fd;
}

static void put(int fd, const char *text)
{
	int f = openat(fd, MAILDIRSIZE_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(f >= 0 && write(f, text, strlen(text)) == (ssize_t)strlen(text));
	close(f);
}

static void read_sums_lines(void)
{
	struct maildirsize m;
	int fd = root();
	CHECK(maildirsize_read(fd, &m) == 0);
	put(fd, "1000S,5C\n  300    2\n-100 -1\n  50 1\n");
	CHECK(maildirsize_read(fd, &m) == 1 && !m.damaged);
	CHECK(m.quota.octets == 1000 && m.quota.messages == 5);
	CHECK(m.octets == 250 && m.messages == 2);
	put(fd, "7C\n1 1\n");
	CHECK(maildirsize_read(fd, &m) == 1 && !m.damaged);
	CHECK(m.quota.octets == 0 && m.quota.messages == 7);
	close(fd);
}

static void damaged_files(void)
{
	const char *bad[] = { "", "1000X\n1 1\n", "1000S\n1 1 1\n", "1000S\nx y\n",
			      "1000S\n1 1", "S\n", "1000S,,5C\n" };
	struct maildirsize m;
	struct maildir_quota q = { 1000, 0 };
	int fd = root();
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		put(fd, bad[i]);
		CHECK(maildirsize_read(fd, &m) == 1 && m.damaged);
		CHECK(maildirsize_stale(&m, &q, time(NULL)) == 1);
	}
	close(fd);
}

static void stale_rules(void)
{
	struct maildirsize m;
	struct maildir_quota q = { 1000, 5 }, other = { 2000, 5 };
	int fd = root();
	put(fd, "1000S,5C\n900 4\n");
	CHECK(maildirsize_read(fd, &m) == 1);
	CHECK(maildirsize_stale(&m, &q, time(NULL)) == 0);
	CHECK(maildirsize_stale(&m, &other, time(NULL)) == 1);
	put(fd, "1000S,5C\n1900 4\n");      /* over, but fresh */
	CHECK(maildirsize_read(fd, &m) == 1);
	CHECK(maildirsize_stale(&m, &q, time(NULL)) == 0);
	CHECK(maildirsize_stale(&m, &q, time(NULL) + MAILDIRSIZE_RECHECK) == 1);
	m.file_size = MAILDIRSIZE_MAX + 1;
	CHECK(maildirsize_stale(&m, &q, time(NULL)) == 1);
	close(fd);
}

static void write_and_append(void)
{
	struct maildirsize m;
	struct maildir_quota q = { 2048, 0 }, none = { 0, 0 };
	int fd = root();
	CHECK(maildirsize_append(fd, 10, 1) == 0);      /* no file: nothing */
	CHECK(maildirsize_read(fd, &m) == 0);
	CHECK(maildirsize_write(fd, &q, 100, 3) == 0);
	CHECK(maildirsize_append(fd, -40, -1) == 0);
	CHECK(maildirsize_read(fd, &m) == 1 && !m.damaged);
	CHECK(maildir_quota_equal(&m.quota, &q) && m.octets == 60 && m.messages == 2);
	CHECK(maildirsize_write(fd, &none, 0, 0) == 0);
	CHECK(maildirsize_read(fd, &m) == 1 && !m.damaged && m.quota.octets == 0);
	close(fd);
}

static const struct check_case cases[] = {
	{ "read_sums_lines", read_sums_lines },
	{ "damaged_files", damaged_files },
	{ "stale_rules", stale_rules },
	{ "write_and_append", write_and_append },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
