/* postern_user.c - postern-user: the "users" control file's lines
 * ("user@domain:HASH", postern-control(5)), managed without openssl.
 *
 *   postern-user add ADDRESS      a new user; the password from stdin
 *   postern-user passwd ADDRESS   a new password for a user
 *   postern-user del ADDRESS      remove a user
 *   postern-user list             the users, one address a line
 *
 * A password is read from standard input, one line (asked twice, without
 * echo, on a terminal). The hash is SHA-512 crypt ("$6$", RFC-less but
 * the format glibc, libxcrypt and musl all check) with a 16-character
 * salt from getrandom(2), so a musl build checks it too. The file is
 * replaced whole (file_write_atomic), keeping its owner, group and mode.
 * The subcommands are a table: more (API tokens for httpd) are a row
 * each. See postern-user(8). */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include "address.h"
#include "bytes.h"
#include "control.h"
#include "fsutil.h"
#include "log.h"

/* The users file, read whole; edits make a new copy. */
struct users {
	char path[PATH_MAX_POSTERN];
	struct bytes text;
	struct stat st;
	int exists;
};

static int users_load(struct users *u)
{
	if (control_path("users", u->path, sizeof u->path) < 0)
		log_fatal(111, "the control directory path is too long");
	bytes_init(&u->text, USERS_FILE_MAX);
	u->exists = stat(u->path, &u->st) == 0;
	if (u->exists && file_read_all(u->path, &u->text) < 0)
		log_fatal(111, "cannot read %s: %s", u->path, strerror(errno));
	if (!u->exists && errno != ENOENT)
		log_fatal(111, "cannot stat %s: %s", u->path, strerror(errno));
	return 0;
}

/* Write text as the new users file, with the old file's owner and mode
 * (new: 0640). Exits 111 on failure, the old file untouched. */
static void users_save(struct users *u, const struct bytes *text)
{
	mode_t mode = u->exists ? (u->st.st_mode & 07777) : 0640;
	if (file_write_atomic(u->path, text->data ? text->data : "", text->len, mode) < 0)
		log_fatal(111, "cannot write %s: %s", u->path, strerror(errno));
	if (u->exists && geteuid() == 0 &&
	    chown(u->path, u->st.st_uid, u->st.st_gid) < 0)
		log_fatal(111, "cannot keep the owner of %s: %s", u->path, strerror(errno));
}

/* Is line[0..n) the line of address (case ignored)? */
static int line_is(const char *line, size_t n, const char *address)
{
	size_t k = strlen(address);
	return n > k && line[k] == ':' && strncasecmp(line, address, k) == 0;
}

/* Copy the file without address's line; with hash, add "address:hash".
 * Returns whether the address was there. */
static int users_edit(struct users *u, const char *address, const char *hash,
		      struct bytes *out)
{
	const char *p = u->text.data, *end = p + u->text.len;
	int found = 0;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (line_is(p, n, address))
			found = 1;
		else if (bytes_append(out, p, n) < 0 || bytes_append_char(out, '\n') < 0)
			log_fatal(111, "out of memory");
		p += n + 1;
	}
	if (hash && bytes_appendf(out, "%s:%s\n", address, hash) < 0)
		log_fatal(111, "out of memory");
	return found;
}

/* One line from stdin, without echo on a terminal. */
static void read_line(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int tty = isatty(0) && tcgetattr(0, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		fprintf(stderr, "%s", prompt);
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	char *got = fgets(buf, (int)size, stdin);
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!got)
		log_fatal(100, "no password given");
	size_t n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n + 1 == size - 1)
		log_fatal(100, "the password is too long (%zu octets at most)", size - 2);
	buf[n] = '\0';
}

/* The password, asked twice on a terminal; a SHA-512 crypt hash of it. */
static void new_hash(char *hash, size_t size)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./";
	static struct crypt_data data;
	char pw[USER_PASSWORD_MAX + 2], again[USER_PASSWORD_MAX + 2], setting[32];
	unsigned char salt[16];
	read_line("Password: ", pw, sizeof pw);
	if (isatty(0)) {
		read_line("Again: ", again, sizeof again);
		if (strcmp(pw, again) != 0)
			log_fatal(100, "the passwords differ");
	}
	if (!pw[0])
		log_fatal(100, "an empty password is refused");
	if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt)
		log_fatal(111, "getrandom: %s", strerror(errno));
	memcpy(setting, "$6$", 3);
	for (size_t i = 0; i < sizeof salt; i++)
		setting[3 + i] = set[salt[i] % 64];
	setting[3 + sizeof salt] = '\0';
	const char *h = crypt_r(pw, setting, &data);
	explicit_bzero(pw, sizeof pw);
	explicit_bzero(again, sizeof again);
	if (!h || h[0] != '$' || (size_t)snprintf(hash, size, "%s", h) >= size)
		log_fatal(111, "crypt failed");
}

/* A user name as the servers see it: a plain address, no ':' nor space. */
static void check_address(const char *address)
{
	struct address a;
	const char *why;
	char path[ADDRESS_PATH_MAX + 3];
	if ((size_t)snprintf(path, sizeof path, "<%s>", address) >= sizeof path ||
	    address_parse_path(path, &a, 0, &why) != (int)strlen(path) || !a.domain[0] ||
	    strpbrk(address, ": \t"))
		log_fatal(100, "not an address user@domain: %s", address);
}

static int cmd_add_or_passwd(const char *address, int adding)
{
	struct users u;
	struct bytes out;
	char hash[256];
	check_address(address);
	users_load(&u);
	bytes_init(&out, USERS_FILE_MAX);
	if (users_edit(&u, address, NULL, &out) == adding)
		log_fatal(100, adding ? "%s is a user already" : "%s is not a user", address);
	new_hash(hash, sizeof hash);
	bytes_clear(&out);
	users_edit(&u, address, hash, &out);
	users_save(&u, &out);
	bytes_free(&out);
	bytes_free(&u.text);
	return 0;
}

static int cmd_add(const char *address) { return cmd_add_or_passwd(address, 1); }
static int cmd_passwd(const char *address) { return cmd_add_or_passwd(address, 0); }

static int cmd_del(const char *address)
{
	struct users u;
	struct bytes out;
	users_load(&u);
	bytes_init(&out, USERS_FILE_MAX);
	if (!users_edit(&u, address, NULL, &out))
		log_fatal(100, "%s is not a user", address);
	users_save(&u, &out);
	bytes_free(&out);
	bytes_free(&u.text);
	return 0;
}

static int cmd_list(const char *unused)
{
	struct users u;
	(void)unused;
	users_load(&u);
	const char *p = u.text.data, *end = p + u.text.len;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon = memchr(p, ':', n);
		if (colon && p[0] != '#')
			printf("%.*s\n", (int)(colon - p), p);
		p += n + 1;
	}
	bytes_free(&u.text);
	return fflush(stdout) == 0 ? 0 : 111;
}

struct subcommand {
	const char *name;
	int takes_address;
	int (*run)(const char *address);
};

static const struct subcommand subcommands[] = {
	{ "add", 1, cmd_add },
	{ "passwd", 1, cmd_passwd },
	{ "del", 1, cmd_del },
	{ "list", 0, cmd_list },
};

int main(int argc, char **argv)
{
	log_init("postern-user");
	for (size_t i = 0; argc >= 2 && i < sizeof subcommands / sizeof *subcommands; i++) {
		const struct subcommand *c = &subcommands[i];
		if (strcmp(argv[1], c->name) == 0 && argc == 2 + c->takes_address)
			return c->run(c->takes_address ? argv[2] : NULL);
	}
	fprintf(stderr, "usage: postern-user add|passwd|del ADDRESS, postern-user list\n");
	return 64;
}
