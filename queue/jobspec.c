/* jobspec.c - the job a delivery process is given (jobspec.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "jobspec.h"
#include "state.h"

int jobspec_format_job(struct bytes *b, const char *domain, const char *me,
		       int timeout_cap)
{
	return bytes_appendf(b, "job\t%s\t%s\t%d\n", domain[0] ? domain : "-", me,
			     timeout_cap);
}

int jobspec_format_part(struct bytes *b, const char *id)
{
	return bytes_appendf(b, "part\t%s\n", id);
}

int jobspec_format_rcpt(struct bytes *b, long index, int attempt, long dsn_index,
			const char *address)
{
	return bytes_appendf(b, "rcpt\t%ld\t%d\t%ld\t%s\n", index, attempt, dsn_index,
			     address);
}

static int number(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Add one rcpt line's fields to the last part. 0 or -1. */
static int add_rcpt(struct jobspec *js, char **f)
{
	long index, attempt, dsn;
	if (js->parts == 0 || number(f[1], 0, ALIAS_EXPANSION_MAX, &index) < 0 ||
	    number(f[2], 1, 1000000, &attempt) < 0 ||
	    number(f[3], -1, ALIAS_EXPANSION_MAX, &dsn) < 0 || !f[4][0])
		return -1;
	struct jobspec_part *p = &js->part[js->parts - 1];
	if (p->count >= ALIAS_EXPANSION_MAX)
		return -1;
	struct jobspec_rcpt *r = realloc(p->rcpt, (p->count + 1) * sizeof *r);
	if (!r)
		return -1;
	p->rcpt = r;
	r[p->count++] = (struct jobspec_rcpt){ index, (int)attempt, dsn, f[4] };
	return 0;
}

/* One line, split in place. 0 or -1. */
static int parse_line(char *line, struct jobspec *js, int first)
{
	char *f[6];
	long cap;
	size_t n = state_split_tabs(line, f, 6);
	if (first) {
		if (n != 4 || strcmp(f[0], "job") != 0 || !f[1][0] || !f[2][0] ||
		    number(f[3], 0, 1000000, &cap) < 0)
			return -1;
		js->local = strcmp(f[1], "-") == 0;
		js->domain = js->local ? "" : f[1];
		js->me = f[2];
		js->timeout_cap = (int)cap;
		return 0;
	}
	if (n == 2 && strcmp(f[0], "part") == 0 && f[1][0] && js->parts < JOB_BATCH_MAX) {
		js->part[js->parts++] = (struct jobspec_part){ f[1], 0, NULL };
		return 0;
	}
	return n == 5 && strcmp(f[0], "rcpt") == 0 ? add_rcpt(js, f) : -1;
}

int jobspec_parse(char *text, struct jobspec *js)
{
	memset(js, 0, sizeof *js);
	char *p = text;
	for (int first = 1; *p; first = 0) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		errno = 0;
		if (parse_line(p, js, first) < 0) {
			errno = errno == ENOMEM ? ENOMEM : EINVAL;
			return -1;
		}
		p = nl + 1;
	}
	if (*p || !js->me) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

void jobspec_free(struct jobspec *js)
{
	for (size_t i = 0; i < js->parts; i++)
		free(js->part[i].rcpt);
	js->parts = 0;
}
