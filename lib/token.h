/* token.h - API tokens for HTTP "Authorization: Bearer" (RFC 6750), as
 * JMAP clients send them. A token is "postern_" and 64 hex digits (32
 * random octets); only its SHA-256 is kept, in the control file
 * "tokens", one line per token:
 *     HASH user@domain CREATED LABEL
 * (CREATED in seconds since the epoch, LABEL a word chosen by whoever
 * made it). The file is written whole (file_write_atomic), by root with
 * the user admin tool; servers only read it. Revoking a token is
 * removing its line. */
#ifndef POSTERN_TOKEN_H
#define POSTERN_TOKEN_H
#include <stddef.h>

#define TOKEN_TEXT_MAX 80       /* "postern_" + 64 hex + NUL, with room */
#define TOKEN_LABEL_MAX 64

/* Make a token for user (label: a word of [A-Za-z0-9._-], at most
 * TOKEN_LABEL_MAX; NULL: "token"). The token text, shown once, goes into
 * out. 0, or -1 with errno (EINVAL for a bad label or user). */
int token_create(const char *user, const char *label, char *out,
		 size_t size);

/* Remove user's tokens whose hash starts with prefix (at least 8 hex
 * digits), or all of them when prefix is "all". Returns how many were
 * removed, or -1 with errno. */
int token_revoke(const char *user, const char *prefix);

/* Print user's tokens (all users' when user is NULL) to stdout:
 * "HASH-PREFIX user CREATED LABEL". 0 or -1. */
int token_list(const char *user);

/* Whose is token text? 1 with the user in user[0..size), 0 no such
 * token (or malformed), -1 the file could not be read. */
int token_check(const char *text, char *user, size_t size);

#endif
