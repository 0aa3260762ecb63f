/* uidlist_hint.c - the listing recorded in postern-uidlist (see
 * uidlist.h): the header's mtimes of cur/ and new/ and each line's file
 * name hint. */
#include "uidlist_hint.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "limits.h"

/* The optional " CUR NEW" mtimes after the header's numbers at *n, and
 * its newline; 1, or 0 when malformed. */
int uidlist_read_stamps(const char *t, int *n, struct uidlist *l)
{
	long long s0, s1;
	long n0, n1;
	int used = 0;
	memset(l->listed, 0, sizeof l->listed);
	if (t[*n] == ' ' && sscanf(t + *n, " %lld.%ld %lld.%ld%n", &s0, &n0,
				   &s1, &n1, &used) == 4) {
		l->listed[0] = (struct timespec){ (time_t)s0, n0 };
		l->listed[1] = (struct timespec){ (time_t)s1, n1 };
		*n += used;
	}
	return t[(*n)++] == '\n';
}

/* e's file is cur/BASE followed by the hint (":2,INFO"). 0 or -1. */
int uidlist_hint_set(struct uid_entry *e, const char *hint)
{
	size_t n = strlen(e->base) + strlen(hint) + 5;
	free(e->file);
	if (!(e->file = malloc(n)))
		return -1;
	snprintf(e->file, n, "cur/%s%s", e->base, hint);
	return 0;
}

/* The mtimes of cur/ and new/. 0 or -1. */
int uidlist_dir_stamps(const char *dir, struct timespec t[2])
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	for (int i = 0; i < 2; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, i ? "new" : "cur")
		    >= (int)sizeof path || stat(path, &st) < 0)
			return -1;
		t[i] = st.st_mtim;
	}
	return 0;
}

int uidlist_stamps_equal(const struct timespec *a,
			 const struct timespec *b)
{
	return a[0].tv_sec == b[0].tv_sec && a[0].tv_nsec == b[0].tv_nsec &&
	       a[1].tv_sec == b[1].tv_sec && a[1].tv_nsec == b[1].tv_nsec;
}

/* Can the listing of cur/ be written as hints: every file in cur/ with
 * an info part? */
int uidlist_hintable(const struct uidlist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		const char *f = l->v[i].file;
		size_t n = strlen(l->v[i].base);
		if (!f || strncmp(f, "cur/", 4) || f[4 + n] != ':')
			return 0;
	}
	return 1;
}


int uidlist_settled(const struct timespec *t)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return 0;
	long long ms = (long long)(now.tv_sec - t->tv_sec) * 1000 +
		       (now.tv_nsec - t->tv_nsec) / 1000000;
	/* whole seconds: a file system with 1 s times (or a touch) */
	return ms > (t->tv_nsec == 0 ? 2000 : UIDLIST_SETTLE_MS);
}

long uidlist_file_age(const char *dir)
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	if (snprintf(path, sizeof path, "%s/postern-uidlist", dir) >=
	    (int)sizeof path || stat(path, &st) < 0)
		return LONG_MAX;
	return (long)(time(NULL) - st.st_mtime);
}
