/* test_control.c - control files: missing, comments, blanks, numbers. */
#include "check.h"
#include "bytes.h"
#include "control.h"
#include "limits.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_control(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", check_tmpdir(), name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void use_tmpdir(void)
{
	setenv("POSTERN_CONF", check_tmpdir(), 1);
}

static void missing_file(void)
{
	use_tmpdir();
	char buf[64];
	long n;
	struct control_list list;
	CHECK(control_value("nothing", buf, sizeof buf, "dflt") == 0 && strcmp(buf, "dflt") == 0);
	CHECK(control_value("nothing", buf, sizeof buf, NULL) == 0 && buf[0] == '\0');
	CHECK(control_number("nothing", 300, &n) == 0 && n == 300);
	CHECK(control_list("nothing", &list) == 0 && list.count == 0);
	CHECK(control_lookup("nothing", "a", ':', NULL) == 0);
	CHECK(control_member("nothing", "a") == CONTROL_MISSING);
}

static void comments_and_blank_lines(void)
{
	use_tmpdir();
	write_control("domains", "# local domains\n\n   \n  example.test   # main\n\t# x\nOTHER.test\n");
	char buf[64];
	struct control_list list;
	CHECK(control_value("domains", buf, sizeof buf, "x") == 1 && strcmp(buf, "example.test") == 0);
	CHECK(control_list("domains", &list) == 1 && list.count == 2);
	CHECK(list.count == 2 && strcmp(list.items[1], "OTHER.test") == 0);
	control_list_free(&list);
	CHECK(control_contains("domains", "other.TEST") == 1);
	CHECK(control_contains("domains", "example") == 0);
	CHECK(control_member("domains", "other.TEST") == 1);
	CHECK(control_member("domains", "example") == 0);
}

static void numbers(void)
{
	use_tmpdir();
	long n;
	write_control("maxsize", "  1048576 \n");
	CHECK(control_number("maxsize", 5, &n) == 0 && n == 1048576);
	write_control("maxsize", "# comment only\n\n");
	CHECK(control_number("maxsize", 5, &n) == 0 && n == 5);
	const char *bad[] = { "ten\n", "10k\n", "-5\n", "1.5\n", "0x10\n",
			      "99999999999999999999999\n", "12 34\n" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		write_control("maxsize", bad[i]);
		errno = 0;
		CHECK(control_number("maxsize", 5, &n) == -1 && errno == EINVAL && n == 5);
	}
}

static void lookup_key_value(void)
{
	use_tmpdir();
	write_control("aliases", "# aliases\npostmaster: root@example.test\n"
		      "Team@Example.Test :  a@example.test, b@remote.test \nbroken line\n");
	struct bytes v;
	bytes_init(&v, 1024);
	CHECK(control_lookup("aliases", "team@example.test", ':', &v) == 1);
	CHECK(strcmp(bytes_str(&v), "a@example.test, b@remote.test") == 0);
	CHECK(control_lookup("aliases", "team", ':', &v) == 0);
	CHECK(control_lookup("aliases", "broken line", ':', &v) == 0);
	bytes_free(&v);
}

static void overlong_line(void)
{
	use_tmpdir();
	char *text = malloc(10000);
	memset(text, 'a', 9998);
	text[9998] = '\n';
	text[9999] = '\0';
	write_control("users", text);
	CHECK(control_lookup("users", "x", ':', NULL) == -1);
	free(text);
}

/* A users file of many blocks (CONTROL_READ_BLOCK): lines that straddle
 * a block boundary, the longest line allowed, a last line without a
 * newline. */
static void file_of_many_blocks(void)
{
	use_tmpdir();
	struct bytes text, value;
	bytes_init(&text, 1 << 20);
	bytes_init(&value, CONTROL_LINE_MAX);
	for (int i = 0; i < 3000; i++)
		bytes_appendf(&text, "user%d@example.test:hash%d\n", i, i);
	bytes_append_str(&text, "long@example.test:");
	while (text.len < 3000 * 30 + CONTROL_LINE_MAX)
		bytes_append_char(&text, 'h');
	bytes_append_str(&text, "\nlast@example.test:end");
	write_control("users", bytes_str(&text));
	CHECK(control_lookup("users", "user0@example.test", ':', &value) == 1);
	CHECK(strcmp(bytes_str(&value), "hash0") == 0);
	CHECK(control_lookup("users", "user2999@example.test", ':', &value) == 1);
	CHECK(strcmp(bytes_str(&value), "hash2999") == 0);
	for (int i = 0; i < 3000; i += 97) {
		char key[64], want[32];
		snprintf(key, sizeof key, "user%d@example.test", i);
		snprintf(want, sizeof want, "hash%d", i);
		CHECK(control_lookup("users", key, ':', &value) == 1);
		CHECK(strcmp(bytes_str(&value), want) == 0);
	}
	CHECK(control_lookup("users", "last@example.test", ':', &value) == 1);
	CHECK(strcmp(bytes_str(&value), "end") == 0);
	CHECK(control_lookup("users", "nobody@example.test", ':', NULL) == 0);
	bytes_free(&text);
	bytes_free(&value);
}

/* CONTROL_LINE_MAX octets before the newline is the longest line. */
static void longest_line(void)
{
	use_tmpdir();
	char *text = malloc(CONTROL_LINE_MAX + 3);
	memset(text, 'a', CONTROL_LINE_MAX + 1);
	memcpy(text, "k:", 2);
	text[CONTROL_LINE_MAX] = '\n';
	text[CONTROL_LINE_MAX + 1] = '\0';
	write_control("users", text);
	CHECK(control_lookup("users", "k", ':', NULL) == 1);
	text[CONTROL_LINE_MAX] = 'a';
	text[CONTROL_LINE_MAX + 1] = '\n';
	text[CONTROL_LINE_MAX + 2] = '\0';
	write_control("users", text);
	CHECK(control_lookup("users", "k", ':', NULL) == -1);
	free(text);
}

static void value_too_long_for_buffer(void)
{
	use_tmpdir();
	write_control("me", "a-very-long-host-name.example.test\n");
	char buf[8];
	CHECK(control_value("me", buf, sizeof buf, "d") == -1 && strcmp(buf, "d") == 0);
}

static void me_defaults_to_hostname(void)
{
	use_tmpdir();
	char buf[256];
	CHECK(control_me(buf, sizeof buf) == 0 && buf[0] != '\0');
	write_control("me", "mx.example.test\n");
	CHECK(control_me(buf, sizeof buf) == 0 && strcmp(buf, "mx.example.test") == 0);
}

static const struct check_case cases[] = {
	{ "missing_file", missing_file },
	{ "comments_and_blank_lines", comments_and_blank_lines },
	{ "numbers", numbers },
	{ "lookup_key_value", lookup_key_value },
	{ "overlong_line", overlong_line },
	{ "file_of_many_blocks", file_of_many_blocks },
	{ "longest_line", longest_line },
	{ "value_too_long_for_buffer", value_too_long_for_buffer },
	{ "me_defaults_to_hostname", me_defaults_to_hostname },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
