/* test_bytes.c - the capped byte string. */
#include "bytes.h"
#include "check.h"
#include <errno.h>
#include <string.h>

static void append_and_cap(void)
{
	struct bytes b;
	bytes_init(&b, 10);
	CHECK(strcmp(bytes_str(&b), "") == 0);
	CHECK(bytes_append_str(&b, "hello") == 0 && b.len == 5);
	CHECK(bytes_appendf(&b, "%d%c", 42, '!') == 0 && strcmp(b.data, "hello42!") == 0);
	errno = 0;
	CHECK(bytes_append_str(&b, "xyz") == -1 && errno == E2BIG);
	CHECK(strcmp(b.data, "hello42!") == 0);     /* unchanged on failure */
	CHECK(bytes_append(&b, "ab", 2) == 0 && b.len == 10);
	CHECK(bytes_append_char(&b, 'c') == -1);
	bytes_free(&b);
}

static void set_clear_truncate(void)
{
	struct bytes b;
	bytes_init(&b, 1 << 20);
	for (int i = 0; i < 10000; i++)
		CHECK(bytes_append(&b, "0123456789", 10) == 0);
	CHECK(b.len == 100000);
	bytes_truncate(&b, 3);
	CHECK(strcmp(b.data, "012") == 0);
	bytes_clear(&b);
	CHECK(b.len == 0 && strcmp(bytes_str(&b), "") == 0);
	CHECK(bytes_set(&b, "a\0b", 3) == 0 && b.len == 3 && b.data[1] == '\0');
	CHECK(bytes_appendf(&b, "%s", "") == 0 && b.len == 3);
	bytes_free(&b);
	CHECK(b.data == NULL);
}

static void large_format(void)
{
	struct bytes b;
	char big[5000];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	bytes_init(&b, 6000);
	CHECK(bytes_appendf(&b, "<%s>", big) == 0 && b.len == 5001);
	CHECK(bytes_appendf(&b, "%s", big) == -1 && b.len == 5001);
	bytes_free(&b);
}

static const struct check_case cases[] = {
	{ "append_and_cap", append_and_cap },
	{ "set_clear_truncate", set_clear_truncate },
	{ "large_format", large_format },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
