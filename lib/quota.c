/* quota.c - each user's quota from the control file "quota" (quota.h). */
#include "quota.h"
#include "bytes.h"
#include "control.h"
#include "limits.h"
#include "log.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number at *p (advanced past it and the blanks after it).
 * 0 or -1. */
static int number(const char **p, uint64_t *out)
{
	char *end;
	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(*p, &end, 10);
	if (errno || v > UINT64_MAX / 1024)
		return -1;
	*out = v;
	*p = end + strspn(end, " \t");
	return 0;
}

/* "STORAGE [MESSAGES]" into q. 0 or -1. */
static int parse_limits(const char *p, struct maildir_quota *q)
{
	uint64_t kib = 0;
	q->messages = 0;
	if (number(&p, &kib) < 0 || (*p && number(&p, &q->messages) < 0) ||
	    *p)
		return -1;
	q->octets = kib * 1024;
	return 0;
}

/* The line of key into q: 1 found, 0 none, -1 broken or unreadable. */
static int lookup(const char *key, struct maildir_quota *q)
{
	struct bytes v;
	bytes_init(&v, QUOTA_LINE_MAX);
	int r = control_lookup("quota", key, ':', &v);
	if (r == 1 && parse_limits(bytes_str(&v), q) < 0) {
		log_event("event=config-error file=quota reason=\"a broken "
			  "line\"");
		r = -1;
	} else if (r < 0) {
		log_event("event=config-error file=quota reason=unreadable");
	}
	bytes_free(&v);
	return r;
}

int quota_for_user(const char *address, struct maildir_quota *q)
{
	const char *at = strrchr(address, '@');
	memset(q, 0, sizeof *q);
	int r = lookup(address, q);
	if (r == 0 && at)
		r = lookup(at, q);
	if (r == 0)
		r = lookup("*", q);
	if (r < 0)
		memset(q, 0, sizeof *q);
	return r < 0 ? -1 : 0;
}
