/* cmd_fetch.c - FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fetch.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "uidlist.h"

/* The octets of a section into *p and *n (tmp holds built ones). */
static int section_text(const struct fetch_att *a,
			const struct message_data *md, struct bytes *tmp,
			const char **p, size_t *n)
{
	const char *t = bytes_str(&md->text);
	switch (a->section) {
	case SECTION_ALL:
		*p = t;
		*n = md->text.len;
		return 0;
	case SECTION_HEADER:
		*p = t;
		*n = md->header_len;
		return 0;
	case SECTION_TEXT:
		*p = t + md->header_len;
		*n = md->text.len - md->header_len;
		return 0;
	default:
		bytes_clear(tmp);
		if (header_fields(t, md->header_len, a->fields, a->nfields,
				  a->section == SECTION_FIELDS_NOT, tmp) < 0)
			return -1;
		*p = bytes_str(tmp);
		*n = tmp->len;
		return 0;
	}
}

static void write_section(struct session *s, const struct fetch_att *a,
			  const struct message_data *md, struct bytes *tmp)
{
	const char *p;
	size_t n;
	if (section_text(a, md, tmp, &p, &n) < 0) {
		p = "";
		n = 0;
	}
	if (a->partial) {       /* §6.4.5: <offset.length> */
		size_t off = a->offset < n ? a->offset : n;
		p += off;
		n -= off;
		if (n > a->length)
			n = a->length;
	}
	output_printf(&s->out, "%s {%zu}\r\n", a->label, n);
	output_write(&s->out, p, n);
}

static void write_att(struct session *s, const struct fetch_att *a,
		      struct message *m, const struct message_data *md,
		      struct bytes *tmp)
{
	char date[40];
	switch (a->kind) {
	case FETCH_UID:
		output_printf(&s->out, "UID %lu", (unsigned long)m->uid);
		break;
	case FETCH_FLAGS:
		output_str(&s->out, "FLAGS ");
		write_flags(&s->out, m->flags, m->recent);
		break;
	case FETCH_INTERNALDATE:
		format_date_time(md->mtime, date, sizeof date);
		output_printf(&s->out, "INTERNALDATE \"%s\"", date);
		break;
	case FETCH_SIZE:
		output_printf(&s->out, "RFC822.SIZE %lld", m->size);
		break;
	case FETCH_SECTION:
		write_section(s, a, md, tmp);
		break;
	}
}

/* What a message needs before its response: text, size, date. */
static int prepare(struct session *s, const struct fetch_request *r,
		   struct message *m, struct message_data *md)
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	if (m->size < 0)
		m->size = message_size_from_name(m->base);
	int need_file = r->need_text || r->need_date ||
			(m->size < 0 && r->need_size);
	if (!need_file)
		return 0;
	if (mailbox_path(s->box, m, path, sizeof path) < 0)
		return -1;
	if (r->need_text || (m->size < 0 && r->need_size)) {
		if (message_load(path, (size_t)session_maxsize(s) * 2, md) < 0)
			return -1;
		m->size = (long long)md->text.len;
	} else {
		if (stat(path, &st) < 0)
			return -1;
		md->mtime = st.st_mtime;
	}
	return 0;
}

/* §6.4.5: fetching a body without PEEK sets \Seen. Done for the whole set
 * first, so that the folder's lock is not held while the client reads.
 * Returns a flag per message (seen newly set), or NULL when none. */
static unsigned char *mark_seen(struct session *s,
				const struct fetch_request *r,
				const size_t *idx, size_t n)
{
	if (!r->sets_seen || s->box->readonly || n == 0)
		return NULL;
	unsigned char *set = calloc(n, 1);
	int lock = set ? uidlist_lock(s->box->dir) : -1;
	if (lock < 0) {
		free(set);
		return NULL;
	}
	for (size_t k = 0; k < n; k++) {
		struct message *m = &s->box->msgs[idx[k]];
		if (!(m->flags & FLAG_SEEN) &&
		    mailbox_set_flags(s->box, m, m->flags | FLAG_SEEN) == 0)
			set[k] = 1;
	}
	uidlist_unlock(lock);
	return set;
}

static int fetch_one(struct session *s, const struct fetch_request *r,
		     size_t i, int seen_set, struct bytes *tmp)
{
	struct message *m = &s->box->msgs[i];
	struct message_data md;
	memset(&md, 0, sizeof md);
	if (prepare(s, r, m, &md) < 0) {
		message_data_free(&md);
		return -1;
	}
	output_printf(&s->out, "* %zu FETCH (", i + 1);
	const char *sep = "";
	if (s->uid && !r->has_uid) {    /* §6.4.8: UID FETCH includes UID */
		output_printf(&s->out, "UID %lu", (unsigned long)m->uid);
		sep = " ";
	}
	for (size_t k = 0; k < r->count; k++) {
		output_str(&s->out, sep);
		write_att(s, &r->v[k], m, &md, tmp);
		sep = " ";
	}
	if (seen_set && !r->has_flags) {        /* §6.4.5 */
		output_str(&s->out, " FLAGS ");
		write_flags(&s->out, m->flags, m->recent);
	}
	output_str(&s->out, ")\r\n");
	message_data_free(&md);
	return 0;
}

enum reply cmd_fetch(struct session *s, struct parse *p)
{
	struct seqset set;
	struct fetch_request r;
	size_t *idx, n;
	if (parse_sp(p) < 0 || parse_seqset(p, &set) < 0 || parse_sp(p) < 0 ||
	    fetch_parse(p, &r) < 0 || parse_end(p) < 0)
		return REPLY_BAD;
	enum reply rc = message_set(s, &set, &idx, &n);
	if (rc != REPLY_OK)
		return rc;
	unsigned char *seen = mark_seen(s, &r, idx, n);
	struct bytes tmp;
	bytes_init(&tmp, (size_t)session_maxsize(s) * 2);
	size_t missing = 0;
	for (size_t k = 0; k < n; k++)
		if (fetch_one(s, &r, idx[k], seen && seen[k], &tmp) < 0)
			missing++;
	bytes_free(&tmp);
	free(seen);
	free(idx);
	if (missing)    /* RFC 2180 §4.1.2 */
		return reply_set(s, REPLY_NO, "EXPUNGEISSUED",
				 "Some messages were expunged");
	return REPLY_OK;
}
