/* token.c - the "tokens" control file (see token.h). */
#include "token.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include "bytes.h"
#include "control.h"
#include "fsutil.h"
#include "limits.h"
#include "sha256.h"

#define TOKEN_PREFIX "postern_"

static int valid_label(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TOKEN_LABEL_MAX)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789._-") == n;
}

static int valid_user(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > ADDRESS_PATH_MAX || !strchr(s, '@'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* The whole file into b ("" when missing). 0 or -1. */
static int read_tokens(struct bytes *b)
{
	char path[PATH_MAX_POSTERN];
	if (control_path("tokens", path, sizeof path) < 0)
		return errno = ENAMETOOLONG, -1;
	if (file_read_all(path, b) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

static int write_tokens(const struct bytes *b)
{
	char path[PATH_MAX_POSTERN];
	if (control_path("tokens", path, sizeof path) < 0)
		return errno = ENAMETOOLONG, -1;
	return file_write_atomic(path, b->data ? b->data : "", b->len, 0640);
}

int token_create(const char *user, const char *label, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[32];
	char text[TOKEN_TEXT_MAX], hash[2 * SHA256_SIZE + 1];
	if (!label)
		label = "token";
	if (!valid_user(user) || !valid_label(label) || size < TOKEN_TEXT_MAX)
		return errno = EINVAL, -1;
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return -1;
	size_t n = strlen(TOKEN_PREFIX);
	memcpy(text, TOKEN_PREFIX, n);
	for (size_t i = 0; i < sizeof r; i++) {
		text[n++] = hex[r[i] >> 4];
		text[n++] = hex[r[i] & 15];
	}
	text[n] = '\0';
	sha256_hex(text, n, hash);
	struct bytes b;
	bytes_init(&b, STATE_FILE_MAX);
	int rc = read_tokens(&b);
	if (rc == 0 && b.len && b.data[b.len - 1] != '\n')
		rc = bytes_append_char(&b, '\n');
	if (rc == 0)
		rc = bytes_appendf(&b, "%s %s %lld %s\n", hash, user,
				   (long long)time(NULL), label);
	if (rc == 0)
		rc = write_tokens(&b);
	bytes_free(&b);
	if (rc == 0)
		snprintf(out, size, "%s", text);
	return rc;
}

/* Split line into its hash and user (pointers into line). 0 or -1. */
static int split_line(char *line, char **hash, char **user, char **rest)
{
	*hash = strtok_r(line, " \t", rest);
	*user = *hash ? strtok_r(NULL, " \t", rest) : NULL;
	return *user && strlen(*hash) == 2 * SHA256_SIZE ? 0 : -1;
}

int token_revoke(const char *user, const char *prefix)
{
	int all = !strcmp(prefix, "all"), removed = 0;
	if (!all && strlen(prefix) < 8)
		return errno = EINVAL, -1;
	struct bytes in, out;
	bytes_init(&in, STATE_FILE_MAX);
	bytes_init(&out, STATE_FILE_MAX);
	int rc = read_tokens(&in);
	char *save = NULL;
	for (char *line = rc || !in.data ? NULL : strtok_r(in.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char copy[CONTROL_LINE_MAX], *hash, *who, *rest;
		snprintf(copy, sizeof copy, "%s", line);
		if (split_line(copy, &hash, &who, &rest) == 0 &&
		    !strcasecmp(who, user) &&
		    (all || !strncmp(hash, prefix, strlen(prefix)))) {
			removed++;
			continue;
		}
		if (bytes_appendf(&out, "%s\n", line) < 0)
			rc = -1;
	}
	if (rc == 0 && removed)
		rc = write_tokens(&out);
	bytes_free(&in);
	bytes_free(&out);
	return rc < 0 ? -1 : removed;
}

int token_list(const char *user)
{
	struct bytes in;
	bytes_init(&in, STATE_FILE_MAX);
	int rc = read_tokens(&in);
	char *save = NULL;
	for (char *line = rc || !in.data ? NULL : strtok_r(in.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash, *who, *rest;
		if (split_line(line, &hash, &who, &rest) < 0 ||
		    (user && strcasecmp(who, user)))
			continue;
		printf("%.12s %s %s\n", hash, who, rest ? rest : "");
	}
	bytes_free(&in);
	return rc;
}

int token_check(const char *text, char *user, size_t size)
{
	char hash[2 * SHA256_SIZE + 1];
	size_t n = strlen(text), plen = strlen(TOKEN_PREFIX);
	if (n != plen + 64 || strncmp(text, TOKEN_PREFIX, plen) ||
	    strspn(text + plen, "0123456789abcdef") != 64)
		return 0;
	sha256_hex(text, n, hash);
	struct bytes in;
	bytes_init(&in, STATE_FILE_MAX);
	int rc = read_tokens(&in), found = 0;
	char *save = NULL;
	for (char *line = rc || !in.data ? NULL : strtok_r(in.data, "\n", &save);
	     line && !found; line = strtok_r(NULL, "\n", &save)) {
		char *h, *who, *rest;
		if (split_line(line, &h, &who, &rest) == 0 && !strcmp(h, hash) &&
		    strlen(who) < size) {
			snprintf(user, size, "%s", who);
			found = 1;
		}
	}
	bytes_free(&in);
	return rc < 0 ? -1 : found;
}
