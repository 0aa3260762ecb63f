/* domains.c - spool/domains, per-destination state (domains.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "bytes.h"
#include "domains.h"
#include "fsutil.h"
#include "state.h"

#define DOMAINS_FILE "domains"
#define DOMAINS_MAGIC "postern-domains\t1"

struct domain_state *domains_find(struct domain_state *list, const char *name)
{
	for (; list; list = list->next_state)
		if (strcasecmp(list->name, name) == 0)
			return list;
	return NULL;
}

struct domain_state *domains_get(struct domain_state **list, const char *name)
{
	struct domain_state *d = domains_find(*list, name);
	if (d)
		return d;
	if (strlen(name) > ADDRESS_DOMAIN_MAX || !(d = calloc(1, sizeof *d))) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(d->name, name, strlen(name) + 1);
	d->next_state = *list;
	*list = d;
	return d;
}

void domains_prune(struct domain_state **list)
{
	while (*list) {
		struct domain_state *d = *list;
		if (d->failures == 0 && d->running == 0) {
			*list = d->next_state;
			free(d);
		} else {
			list = &d->next_state;
		}
	}
}

void domains_free(struct domain_state **list)
{
	while (*list) {
		struct domain_state *d = *list;
		*list = d->next_state;
		free(d);
	}
}

static int number(const char *s, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* One "domain" line, split in place, added to *list. 0 or -1. */
static int parse_line(char *line, struct domain_state **list)
{
	char *f[7];
	long long failures, next, last;
	if (state_split_tabs(line, f, 7) != 6 || strcmp(f[0], "domain") != 0 ||
	    !f[1][0] || strlen(f[1]) > ADDRESS_DOMAIN_MAX ||
	    number(f[2], 1000000, &failures) < 0 || failures < 1 ||
	    number(f[3], 1LL << 40, &next) < 0 || number(f[4], 1LL << 40, &last) < 0) {
		errno = EINVAL;
		return -1;
	}
	struct domain_state *d = domains_get(list, f[1]);
	if (!d)
		return -1;
	d->failures = (int)failures;
	d->next = (time_t)next;
	d->last = (time_t)last;
	state_clean_text(d->error, sizeof d->error, f[5]);
	return 0;
}

int domains_read(struct spool *sp, struct domain_state **list)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	struct domain_state *got = NULL;
	if (spool_path(sp, DOMAINS_FILE, NULL, path, sizeof path) < 0)
		return -1;
	bytes_init(&b, DOMAINS_FILE_MAX);
	int rc = file_read_all(path, &b) == 0 ? 0 : errno == ENOENT ? 1 : -1;
	if (rc == 0 && (bytes_append(&b, "", 1) < 0 || b.len <= sizeof DOMAINS_MAGIC ||
			b.data[b.len - 2] != '\n' ||
			strncmp(b.data, DOMAINS_MAGIC "\n", sizeof DOMAINS_MAGIC) != 0)) {
		errno = EINVAL;
		rc = -1;
	}
	for (char *p = rc == 0 ? b.data + sizeof DOMAINS_MAGIC : NULL; p && *p && rc == 0;) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		rc = parse_line(p, &got);
		p = nl + 1;
	}
	int err = errno;
	bytes_free(&b);
	if (rc < 0) {
		domains_free(&got);
		errno = err;
		return -1;
	}
	while (got) {
		struct domain_state *d = got;
		got = d->next_state;
		d->next_state = *list;
		*list = d;
	}
	return 0;
}

int domains_write(struct spool *sp, const struct domain_state *list)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	int rc = spool_path(sp, DOMAINS_FILE, NULL, path, sizeof path);
	bytes_init(&b, DOMAINS_FILE_MAX);
	if (rc == 0)
		rc = bytes_appendf(&b, "%s\n", DOMAINS_MAGIC);
	for (; list && rc == 0; list = list->next_state)
		if (list->failures > 0)
			rc = bytes_appendf(&b, "domain\t%s\t%d\t%lld\t%lld\t%s\n", list->name,
					   list->failures, (long long)list->next,
					   (long long)list->last, list->error);
	if (rc == 0)
		rc = file_write_atomic(path, b.data, b.len, 0600);
	else if (errno == 0)
		errno = E2BIG;
	int err = errno;
	bytes_free(&b);
	errno = err;
	return rc;
}
