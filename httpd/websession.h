/* websession.h - the login form's sessions: a random cookie value whose
 * SHA-256 names a file in MAILROOT/.postern-http-sessions/ holding the
 * user's address. The file's mtime is the session's last use; a session
 * unused for HTTP_SESSION_LIFETIME is gone. (No Maildir can be there:
 * a domain never starts with '.'.) Only the hash is on disk, so reading
 * the directory does not give a usable cookie. */
#ifndef HTTPD_WEBSESSION_H
#define HTTPD_WEBSESSION_H
#include <stddef.h>

#define WEBSESSION_COOKIE "postern_session"
#define WEBSESSION_TEXT_MAX 65          /* 64 hex digits and a NUL */

/* Start a session for user: cookie value into value. 0 or -1. */
int websession_create(const char *user, char value[WEBSESSION_TEXT_MAX]);
/* The session's user into user (size bytes), refreshing its time.
 * 1 found, 0 none or expired (an expired file is removed), -1 error. */
int websession_check(const char *value, char *user, size_t size);
/* End the session (its file removed). 0 or -1. */
int websession_end(const char *value);
/* The cookie's value in a Cookie: header (RFC 6265 §5.4), into value.
 * 1 found, 0 not. */
int websession_from_header(const char *cookies,
			   char value[WEBSESSION_TEXT_MAX]);

#endif
