/* test_password.c - crypt(3) check against the users file. */
#include "check.h"
#include "password.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* `openssl passwd -6 -salt postern.test secret` */
#define SECRET_HASH "$6$postern.test$3iq1Z9jW48H4KV1nUbrhCkDxGTpJRE9OmgdBHYE2zaUofZGF3qCZN0htktKFhGm9c8WdN5D5unlxvO6n1CKvq."

static void write_users(const char *text)
{
	char path[512];
	setenv("POSTERN_CONF", check_tmpdir(), 1);
	snprintf(path, sizeof path, "%s/users", check_tmpdir());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void right_and_wrong(void)
{
	write_users("# users\nalice@example.test:" SECRET_HASH "\nlocked@example.test:!\n");
	CHECK(password_check("alice@example.test", "secret") == 1);
	CHECK(password_check("ALICE@Example.Test", "secret") == 1);
	CHECK(password_check("alice@example.test", "Secret") == 0);
	CHECK(password_check("alice@example.test", "") == 0);
	CHECK(password_check("bob@example.test", "secret") == 0);
	CHECK(password_check("locked@example.test", "!") == 0);
	CHECK(password_check("locked@example.test", "") == 0);
}

/* CPU time, not wall time: the work done, whatever else the machine
 * runs meanwhile. */
static double time_check(const char *user, const char *pass)
{
	struct timespec a, b;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (int i = 0; i < 5; i++)
		password_check(user, pass);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	return (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

static void unknown_user_costs_the_same(void)
{
	write_users("alice@example.test:" SECRET_HASH "\n");
	double known = time_check("alice@example.test", "wrong");
	double unknown = time_check("nobody@example.test", "wrong");
	/* Both run one SHA-512 crypt; allow generous noise. */
	CHECK(unknown > known * 0.5 && unknown < known * 2.0);
}

static void missing_users_file(void)
{
	setenv("POSTERN_CONF", "/nonexistent-postern-conf", 1);
	CHECK(password_check("alice@example.test", "secret") == 0);
}

static void write_control(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", check_tmpdir(), name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void plaintext_policy(void)
{
	setenv("POSTERN_CONF", check_tmpdir(), 1);
	unsetenv("SSL_PROTOCOL");
	CHECK(password_link_encrypted(0) == 0);
	CHECK(password_link_encrypted(1) == 1);
	setenv("SSL_PROTOCOL", "TLSv1.3", 1);
	CHECK(password_link_encrypted(0) == 1);
	unsetenv("SSL_PROTOCOL");
	CHECK(password_allowed(0) == 0);        /* no plaintextauth file */
	CHECK(password_allowed(1) == 1);
	write_control("plaintextauth", "1\n");
	CHECK(password_allowed(0) == 1);
	write_control("plaintextauth", "0\n");
	CHECK(password_allowed(0) == 0);
	write_control("plaintextauth", "yes\n");
	CHECK(password_allowed(0) == -1);       /* fails closed in callers */
	CHECK(password_allowed(1) == 1);
}

static const struct check_case cases[] = {
	{ "plaintext_policy", plaintext_policy },
	{ "right_and_wrong", right_and_wrong },
	{ "unknown_user_costs_the_same", unknown_user_costs_the_same },
	{ "missing_users_file", missing_users_file },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
