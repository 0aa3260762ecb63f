/* penalty.h - password guessing across connections: a shared record of
 * recent failed logins per client address and per account, in one file
 * under the spool (spool/authfail, flock, no daemon), and the delay they
 * earn (like Dovecot's auth penalty). See postern-control(5), "Password
 * guessing", for the rule and the rate it gives.
 *
 * The delay is taken BEFORE the password is checked, whatever the answer,
 * so a guesser cannot learn early that a guess failed. It grows with the
 * failures of the client's address (IPv6: its /64), and, once that
 * address has failed at all, with the failures of the account: a
 * stranger's guesses never slow the real user logging in from an
 * address that has not failed. Failures older than AUTH_PENALTY_WINDOW
 * seconds are forgotten. */
#ifndef POSTERN_PENALTY_H
#define POSTERN_PENALTY_H

/* Seconds of delay for n recent failures: 0, then 1, 2, 4, 8 and
 * AUTH_PENALTY_MAX from the fifth on. */
int penalty_seconds(unsigned n);

/* The delay a login attempt from client for user earns now (seconds);
 * 0 when the record cannot be read. */
int penalty_delay(const char *client, const char *user);

/* Count a failed login from client for user. Logs one line fail2ban can
 * match ("event=auth-failure client=ADDRESS user=USER failures=N
 * account-failures=M", program[pid]: first). 0, or -1 when the record
 * cannot be written (logged too). */
int penalty_failure(const char *client, const char *user);

/* The whole login: wait penalty_delay (a client that hangs up meanwhile
 * ends the process, unanswered), check the password (password_check),
 * count a failure. Returns password_check's answer:
 * 1 right, 0 wrong, -1 the users file cannot be read. */
int penalty_login(const char *client, const char *user, const char *password);

#endif
