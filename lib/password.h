/* password.h - checking a login against the "users" control file. */
#ifndef POSTERN_PASSWORD_H
#define POSTERN_PASSWORD_H

/* Is password right for user ("local@domain", ASCII case ignored)?
 * The hash is crypt(3)'s; results are compared in constant time, and an
 * unknown user runs crypt on a dummy hash so that it costs the same as a
 * wrong password. Returns 1 right, 0 wrong or unknown, -1 the users file
 * could not be read. */
int password_check(const char *user, const char *password);

/* Sleep AUTH_FAILURE_DELAY_MS: call before answering a failed login. */
void password_failure_delay(void);

#endif
