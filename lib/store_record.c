/* store_record.c - the grammar of one record line of the index or the
 * change log (store.h "THE INDEX", "THE CHANGE LOG"): the one parser
 * both files and the view's catch-up (store_view_fast.c) read with. */
#include "store_impl.h"
#include <limits.h>
#include <string.h>

/* A decimal number without sign or blank at *p, at most max; *p moves
 * past it. 0, or -1. */
static int number(const char **p, unsigned long long max,
		  unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

/* " NUMBER" */
static int field(const char **p, unsigned long long max,
		 unsigned long long *out)
{
	if (**p != ' ')
		return -1;
	(*p)++;
	return number(p, max, out);
}

/* " SEC.NSEC" */
static int stamp(const char **p, struct timespec *t)
{
	unsigned long long sec, nsec;
	if (field(p, LLONG_MAX, &sec) < 0 || **p != '.')
		return -1;
	(*p)++;
	if (number(p, 999999999, &nsec) < 0)
		return -1;
	*t = (struct timespec){ (time_t)sec, (long)nsec };
	return 0;
}

int store_record_stamps(const char **p, struct timespec t[2])
{
	return stamp(p, &t[0]) < 0 || stamp(p, &t[1]) < 0 ? -1 : 0;
}

static int parse_m(const char *p, struct store_record *r)
{
	unsigned long long uid, modseq, created;
	if (field(&p, UINT32_MAX, &uid) < 0 || uid == 0 ||
	    field(&p, UINT64_MAX, &modseq) < 0 ||
	    field(&p, UINT64_MAX, &created) < 0 || *p++ != ' ' ||
	    !store_index_good_file(p))
		return -1;
	r->uid = (uint32_t)uid;
	r->modseq = modseq;
	r->created = created;
	r->file = p;
	return 0;
}

static int parse_x(const char *p, struct store_record *r)
{
	unsigned long long uid, modseq;
	if (field(&p, UINT32_MAX, &uid) < 0 || uid == 0 ||
	    field(&p, UINT64_MAX, &modseq) < 0)
		return -1;
	r->uid = (uint32_t)uid;
	r->modseq = modseq;
	r->unique = NULL;
	if (!*p)
		return 0;
	if (*p++ != ' ' || !store_index_good_unique(p))
		return -1;
	r->unique = p;
	return 0;
}

static int parse_w(const char *p, struct store_record *r)
{
	unsigned long long uid, octets;
	if (field(&p, UINT32_MAX, &uid) < 0 ||
	    field(&p, LLONG_MAX, &octets) < 0 || *p)
		return -1;
	r->uid = (uint32_t)uid;
	r->octets = (long long)octets;
	return 0;
}

int store_record_parse(const char *line, struct store_record *r)
{
	memset(r, 0, sizeof *r);
	r->kind = line[0];
	const char *p = line + 1;
	switch (r->kind) {
	case 'm':
		return parse_m(p, r);
	case 'x':
		return parse_x(p, r);
	case 'w':
		return parse_w(p, r);
	case 'l':
	case 'L':
		return store_record_stamps(&p, r->t) < 0 || *p ? -1 : 0;
	default:
		return -1;
	}
}
