/* uidlist_hint.h - the listing hints of postern-uidlist (uidlist.h),
 * for uidlist.c only. */
#ifndef IMAPD_UIDLIST_HINT_H
#define IMAPD_UIDLIST_HINT_H
#include <time.h>
#include "uidlist.h"

/* Parse the optional " CUR NEW" mtimes at t + *n (after the header's
 * numbers) into l->listed (zero when absent) and the header's newline,
 * advancing *n. 1, or 0 when malformed. */
int uidlist_read_stamps(const char *t, int *n, struct uidlist *l);

/* Set e->file to "cur/" BASE hint (hint is ":2,INFO"). 0 or -1. */
int uidlist_hint_set(struct uid_entry *e, const char *hint);

/* The mtimes of dir's cur/ and new/ into t. 0 or -1. */
int uidlist_dir_stamps(const char *dir, struct timespec t[2]);

/* Are the two pairs of mtimes equal? 1 / 0. */
int uidlist_stamps_equal(const struct timespec *a, const struct timespec *b);

/* Is every file of l in cur/ with an info part, so that the listing
 * can be written as hints? 1 / 0. */
int uidlist_hintable(const struct uidlist *l);

/* Seconds since postern-uidlist was written (LONG_MAX: none). */
long uidlist_file_age(const char *dir);

#endif
