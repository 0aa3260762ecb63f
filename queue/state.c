/* state.c - read and write spool/state/ID (see state.h, postern-spool(5)). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bytes.h"
#include "fsutil.h"
#include "state.h"

static const char *const status_names[] = {
	[RCPT_PENDING] = "pending", [RCPT_SENT] = "sent",
	[RCPT_BOUNCED] = "bounced", [RCPT_EXPANDED] = "expanded",
	[RCPT_RELAYED] = "relayed",
};

const char *state_status_name(enum rcpt_status s)
{
	return status_names[s];
}

void state_free(struct msg_state *st)
{
	for (size_t i = 0; i < st->count; i++)
		free(st->rcpt[i].address);
	free(st->rcpt);
	memset(st, 0, sizeof *st);
}

long state_add(struct msg_state *st, const char *address, long parent)
{
	if (st->count >= ALIAS_EXPANSION_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (st->count == st->alloc) {
		size_t n = st->alloc ? st->alloc * 2 : 8;
		struct rcpt_state *r = realloc(st->rcpt, n * sizeof *r);
		if (!r)
			return -1;
		st->rcpt = r;
		st->alloc = n;
	}
	struct rcpt_state *r = &st->rcpt[st->count];
	memset(r, 0, sizeof *r);
	r->address = strdup(address);
	if (!r->address)
		return -1;
	r->status = RCPT_PENDING;
	r->parent = parent;
	return (long)st->count++;
}

int state_from_envelope(struct msg_state *st, const struct envelope *env)
{
	memset(st, 0, sizeof *st);
	for (size_t i = 0; i < env->rcpt_count; i++)
		if (state_add(st, env->rcpt[i], -1) < 0) {
			state_free(st);
			return -1;
		}
	return 0;
}

void state_clean_text(char *dst, size_t size, const char *text)
{
	size_t j = 0;
	if (size == 0)
		return;
	for (size_t i = 0; text[i] && j + 1 < size; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\r' || c == '\n' || c == '\t')
			c = ' ';
		else if (c < 0x20 || c >= 0x7f)
			c = '?';
		dst[j++] = (char)c;
	}
	dst[j] = '\0';
}

size_t state_split_tabs(char *line, char **field, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		field[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static int parse_status(const char *s, enum rcpt_status *out)
{
	for (size_t i = 0; i < sizeof status_names / sizeof *status_names; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum rcpt_status)i;
			return 0;
		}
	return -1;
}

static int parse_long(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

/* One "rcpt" line's fields (after the keyword). 0 or -1. */
static int parse_rcpt(struct msg_state *st, char **f, size_t n)
{
	enum rcpt_status status;
	long attempts, next, parent;
	if (n != 7 || parse_status(f[0], &status) < 0 ||
	    parse_long(f[1], &attempts) < 0 || parse_long(f[2], &next) < 0 ||
	    parse_long(f[3], &parent) < 0 || f[4][0] == '\0' ||
	    parent < -1 || parent >= (long)st->count)
		return -1;
	long i = state_add(st, f[4], parent);
	if (i < 0)
		return -1;
	struct rcpt_state *r = &st->rcpt[i];
	r->status = status;
	r->attempts = (int)attempts;
	r->next = (time_t)next;
	if (strcmp(f[5], "-") != 0)
		state_clean_text(r->relay, sizeof r->relay, f[5]);
	state_clean_text(r->reply, sizeof r->reply, f[6]);
	return 0;
}

static int parse_line(struct msg_state *st, char *line, int first)
{
	char *f[9];
	if (first)
		return strcmp(line, "postern-state\t1") == 0 ? 0 : -1;
	size_t n = state_split_tabs(line, f, 9);
	if (strcmp(f[0], "rcpt") == 0)
		return parse_rcpt(st, f + 1, n - 1);
	if (strcmp(f[0], "dsn") == 0 && n == 2 && f[1][0] &&
	    strlen(f[1]) < sizeof st->dsn_id && !strchr(f[1], '/')) {
		memcpy(st->dsn_id, f[1], strlen(f[1]) + 1);
		return 0;
	}
	if (strcmp(f[0], "delay-warned") == 0 && n == 1) {
		st->delay_warned = 1;
		return 0;
	}
	return -1;
}

int state_read(struct spool *sp, const char *id, struct msg_state *st)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	memset(st, 0, sizeof *st);
	if (spool_path(sp, "state", id, path, sizeof path) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	bytes_init(&b, STATE_FILE_MAX);
	if (file_read_all(path, &b) < 0) {
		int e = errno;
		bytes_free(&b);
		errno = e;
		return e == ENOENT ? 0 : -1;
	}
	char *p = b.data ? b.data : (char *)"";
	int first = 1, rc = 1;
	while (*p) {
		char *nl = strchr(p, '\n');
		if (!nl) { rc = -1; break; }     /* a cut last line */
		*nl = '\0';
		if (parse_line(st, p, first) < 0) { rc = -1; break; }
		first = 0;
		p = nl + 1;
	}
	if (first)
		rc = -1;
	bytes_free(&b);
	if (rc < 0) {
		state_free(st);
		errno = EINVAL;
	}
	return rc;
}

int state_write(struct spool *sp, const char *id, const struct msg_state *st)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	if (spool_path(sp, "state", id, path, sizeof path) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	bytes_init(&b, STATE_FILE_MAX);
	int rc = bytes_append_str(&b, "postern-state\t1\n");
	if (st->dsn_id[0])
		rc |= bytes_appendf(&b, "dsn\t%s\n", st->dsn_id);
	if (st->delay_warned)
		rc |= bytes_appendf(&b, "delay-warned\n");
	for (size_t i = 0; i < st->count && rc == 0; i++) {
		const struct rcpt_state *r = &st->rcpt[i];
		rc = bytes_appendf(&b, "rcpt\t%s\t%d\t%lld\t%ld\t%s\t%s\t%s\n",
				   status_names[r->status], r->attempts,
				   (long long)r->next, r->parent, r->address,
				   r->relay[0] ? r->relay : "-", r->reply);
	}
	if (rc == 0)
		rc = file_write_atomic(path, b.data, b.len, 0600);
	int e = errno;
	bytes_free(&b);
	errno = e;
	return rc;
}

void state_counts(const struct msg_state *st, size_t *pending, size_t *sent,
		  size_t *bounced)
{
	*pending = *sent = *bounced = 0;
	for (size_t i = 0; i < st->count; i++) {
		switch (st->rcpt[i].status) {
		case RCPT_PENDING: (*pending)++; break;
		case RCPT_SENT: case RCPT_RELAYED: (*sent)++; break;
		case RCPT_BOUNCED: (*bounced)++; break;
		case RCPT_EXPANDED: break;
		}
	}
}

long state_envelope_index(const struct msg_state *st, const struct envelope *env,
			  size_t i)
{
	long k = (long)i;
	for (size_t hops = 0; st->rcpt[k].parent >= 0 && hops < st->count; hops++)
		k = st->rcpt[k].parent;
	return (size_t)k < env->rcpt_count ? k : -1;
}

const struct rcpt_dsn *state_envelope_dsn(const struct msg_state *st,
					  const struct envelope *env, size_t i)
{
	static const struct rcpt_dsn none = { 0, NULL };
	long k = state_envelope_index(st, env, i);
	return k >= 0 ? &env->dsn[k] : &none;
}
