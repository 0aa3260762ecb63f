/* test_local.c - local domains, users, aliases, +tags. */
#include "check.h"
#include "local.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_control(const char *name, const char *text)
{
	char path[512];
	setenv("POSTERN_CONF", check_tmpdir(), 1);
	snprintf(path, sizeof path, "%s/%s", check_tmpdir(), name);
	if (!text) {
		unlink(path);
		return;
	}
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void domains(void)
{
	write_control("me", "mx.example.test\n");
	write_control("domains", NULL);
	CHECK(local_domain("MX.example.test") == 1);
	CHECK(local_domain("example.test") == 0);
	write_control("domains", "example.test\nexample.org\n");
	CHECK(local_domain("example.ORG") == 1);
	CHECK(local_domain("mx.example.test") == 0);
}

static void users_and_aliases(void)
{
	write_control("users", "alice@example.test:$6$x$y\n");
	write_control("aliases", "postmaster@example.test: alice@example.test\n");
	struct bytes t;
	bytes_init(&t, 4096);
	CHECK(local_user("alice@EXAMPLE.test") == 1);
	CHECK(local_user("bob@example.test") == 0);
	CHECK(local_alias("Postmaster@example.test", &t) == 1);
	CHECK(strcmp(bytes_str(&t), "alice@example.test") == 0);
	CHECK(local_alias("alice@example.test", &t) == 0);
	bytes_free(&t);
}

static void base_address(void)
{
	char buf[300];
	CHECK(local_base_address("Alice+Lists@Example.Test", buf, sizeof buf) == 0);
	CHECK(strcmp(buf, "alice@example.test") == 0);
	CHECK(local_base_address("bob@example.test", buf, sizeof buf) == 0);
	CHECK(strcmp(buf, "bob@example.test") == 0);
	CHECK(local_base_address("+x@example.test", buf, sizeof buf) == 0);
	CHECK(strcmp(buf, "+x@example.test") == 0);
	CHECK(local_base_address("a+b+c@d", buf, sizeof buf) == 0 && strcmp(buf, "a@d") == 0);
	CHECK(local_base_address("alice@example.test", buf, 5) == -1);
}

static const struct check_case cases[] = {
	{ "domains", domains },
	{ "users_and_aliases", users_and_aliases },
	{ "base_address", base_address },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
