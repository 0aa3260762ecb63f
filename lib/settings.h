/* settings.h - every numeric control file, in one table (settings.c):
 * its default, its bounds, what 0 means, and what a broken value does.
 *
 * The rule is the same in every program: a setting whose file cannot be
 * read, or holds something that is not a decimal number within its
 * bounds, is broken; the program logs
 *     event=config-error file=NAME reason=...
 * and refuses to serve with its protocol's temporary error (smtpd 421
 * 4.3.0, pop3d "-ERR [SYS/TEMP]", imapd "* BYE [UNAVAILABLE]", sendmail
 * exit 75, the runner exit 111): never a silent default. A missing or
 * empty file means the default. man/postern-control.5 documents the
 * same table; t/settings.bats checks the page against it. */
#ifndef POSTERN_SETTINGS_H
#define POSTERN_SETTINGS_H
#include <stddef.h>

enum setting_id {
	SETTING_MAXSIZE,        /* largest message, bytes */
	SETTING_MAXRCPT,        /* recipients per message */
	SETTING_TIMEOUT,        /* smtpd: client silence, s */
	SETTING_POP3TIMEOUT,    /* pop3d: client silence, s */
	SETTING_IMAPTIMEOUT,    /* imapd: client silence (autologout), s */
	SETTING_IDLETIMEOUT,    /* imapd: longest IDLE, s */
	SETTING_RELAYTIMEOUT,   /* runner: cap on SMTP client waits, s */
	SETTING_RETRYMIN,       /* runner: first retry delay, s */
	SETTING_RETRYMAX,       /* runner: cap of the doubling, s */
	SETTING_QUEUELIFETIME,  /* runner: give up after, s */
	SETTING_CONCURRENCY,    /* runner: parallel remote deliveries */
	SETTING_DELAYWARNING,   /* runner: delay warning DSN after, s */
	SETTING_DOMAINCONCURRENCY, /* runner: remote deliveries per domain */
	SETTING_PLAINTEXTAUTH,  /* 1: passwords on an unencrypted link */
	SETTING_COUNT
};

struct setting_def {
	const char *file;       /* the control file's name */
	long dflt, min, max;    /* the default; the bounds, inclusive */
	const char *zero;       /* what 0 means (NULL: 0 is out of bounds) */
	const char *readers;    /* the programs that read it */
};

/* The row of the table for id. */
const struct setting_def *setting_def(enum setting_id id);
/* The row for file name, or NULL. */
const struct setting_def *setting_find(const char *file);

/* The value of setting id: from its file, else its default. 0 with *out
 * set; -1 when broken, with *out the default, errno set and *why (may be
 * NULL) a short reason ("unreadable", "not a number", "out of bounds"). */
int setting_value(enum setting_id id, long *out, const char **why);

/* setting_value, logging the config-error line when broken. 0 or -1. */
int setting_load(enum setting_id id, long *out);

/* Read each of ids[0..n) with setting_load (a program's start-up
 * check). 0 when all are good, -1 when any is broken (each logged). */
int settings_check(const enum setting_id *ids, size_t n);

#endif
