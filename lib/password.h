/* password.h - checking a login against the "users" control file. */
#ifndef POSTERN_PASSWORD_H
#define POSTERN_PASSWORD_H

/* Is password right for user ("local@domain", ASCII case ignored)?
 * The hash is crypt(3)'s: "$6$" (SHA-512) is checked by every build; any
 * other scheme only where libc has crypt(3) (glibc builds; not musl). A
 * hash this build cannot check fails closed: the login is refused (0)
 * and an event=password-scheme-unsupported line is logged. Results are
 * compared in constant time, and an unknown user runs crypt on a dummy
 * hash so that it costs the same as a wrong password. Returns 1 right,
 * 0 wrong, unknown or uncheckable, -1 the users file could not be read. */
int password_check(const char *user, const char *password);

/* Is the link encrypted? flag is the server's -T option; a UCSPI-TLS
 * launcher says so with $SSL_PROTOCOL (DESIGN.md "Running per connection").
 * Returns 1 or 0. */
int password_link_encrypted(int flag);

/* May a password travel over this link? Yes on an encrypted link, else
 * only where the control file "plaintextauth" says 1. Returns 1 yes, 0 no,
 * -1 when "plaintextauth" cannot be read or is not a number (the caller
 * refuses: a broken setting never opens plaintext logins). */
int password_allowed(int encrypted);

/* Sleep AUTH_FAILURE_DELAY_MS: call before answering a failed login. */
void password_failure_delay(void);

#endif
