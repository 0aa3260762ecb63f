/* cmd_fetch.c - FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8), with the
 * structure (ENVELOPE, BODY, BODYSTRUCTURE, §7.4.2) and sections from
 * lib/mime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cache.h"
#include "condstore.h"
#include "fetch.h"
#include "imap_struct.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "search.h"
#include "mime.h"
#include "mime_header.h"

void fetch_partial(const struct fetch_att *a, size_t total, size_t *from,
		   size_t *n)
{
	*from = 0;
	*n = total;
	if (!a->partial)
		return;
	*from = a->offset < total ? a->offset : total;
	*n = total - *from;
	if (*n > a->length)
		*n = a->length;
}

/* HEADER.FIELDS[.NOT] of the header sec (as far as lib/mime's window
 * reaches): filtered into d->tmp and sent. */
static void write_fields(struct session *s, const struct fetch_att *a,
			 const struct mime_section *sec, struct fetch_data *d)
{
	size_t got, from, n;
	const char *h = mime_text(d->mime, sec->off, sec->len, &got);
	bytes_clear(&d->tmp);
	if (mime_header_filter(h, got, a->names, a->nfields, a->fields == 2,
			       &d->tmp) < 0) {
		output_printf(&s->out, "%s \"\"", a->label);
		return;
	}
	fetch_partial(a, d->tmp.len, &from, &n);
	output_printf(&s->out, "%s {%zu}\r\n", a->label, n);
	output_write(&s->out, bytes_str(&d->tmp) + from, n);
}

/* The octets of section sec in CRLF form: known for the whole message
 * and for a part's body, else counted. */
static size_t section_size(const struct message *m, const struct fetch_data *d,
			   const struct mime_section *sec)
{
	const struct mime_part *p = sec->part;
	if (sec->off == 0 && sec->len == d->mime->len && m->size >= 0)
		return (size_t)m->size;
	if (d->full && p && sec->off == p->body_off && sec->len == p->body_len)
		return p->size;
	return mime_text_crlf_count(d->mime, sec->off, sec->len, NULL);
}

/* BODY[section]<partial> (RFC 3501 §6.4.5): located in the tree, then
 * streamed from the file in CRLF form, never held whole. A part that
 * does not exist is an empty string, as Dovecot answers. */
static void write_section(struct session *s, const struct fetch_att *a,
			  struct message *m, struct fetch_data *d)
{
	struct mime_section sec;
	struct wire_writer w;
	size_t from, n;
	if (!d->mime || mime_section_find(d->mime, a->spec, strlen(a->spec),
					  &sec) < 0) {
		output_printf(&s->out, "%s \"\"", a->label);
		return;
	}
	if (a->fields) {
		write_fields(s, a, &sec, d);
		return;
	}
	fetch_partial(a, section_size(m, d, &sec), &from, &n);
	output_printf(&s->out, "%s {%zu}\r\n", a->label, n);
	wire_writer_init(&w, &s->out, 1, from, from + n);
	if (mime_text_each(d->mime, sec.off, sec.len, wire_piece, &w) < 0)
		log_event("event=fetch-error item=%s", a->label);
	for (; w.at < from + n; w.at++)         /* the length is promised */
		output_write(&s->out, " ", 1);
}

/* ENVELOPE, BODY or BODYSTRUCTURE: from the cache, else built (and
 * cached). */
static void write_structure(struct session *s, const struct fetch_att *a,
			    struct message *m, struct fetch_data *d)
{
	unsigned bit = a->kind == FETCH_ENVELOPE ? CACHED_ENVELOPE :
		       a->kind == FETCH_BODY ? CACHED_BODY : CACHED_STRUCTURE;
	const char *have = bit == CACHED_ENVELOPE ? m->envelope :
			   bit == CACHED_BODY ? m->body : m->structure;
	size_t len = bit == CACHED_ENVELOPE ? m->envelope_len :
		     bit == CACHED_BODY ? m->body_len : m->structure_len;
	output_printf(&s->out, "%s ", a->label);
	if (m->cached & bit) {
		output_write(&s->out, have, len);
		return;
	}
	int rc;
	bytes_clear(&d->tmp);
	if (!d->mime || (bit != CACHED_ENVELOPE && !d->full))
		rc = -1;
	else if (bit == CACHED_ENVELOPE)
		rc = imap_envelope(d->mime, d->mime->root, &d->tmp);
	else
		rc = imap_bodystructure(d->mime, bit == CACHED_BODY ? 0 :
					IMAP_BODY_EXTENDED, &d->tmp);
	if (rc < 0) {
		log_event("event=fetch-error item=%s", a->label);
		output_str(&s->out, "NIL");
		return;
	}
	output_write(&s->out, bytes_str(&d->tmp), d->tmp.len);
	cache_set(s->box, m, bit, bytes_str(&d->tmp), d->tmp.len);
}

static void write_att(struct session *s, const struct fetch_att *a,
		      struct message *m, struct fetch_data *d)
{
	char date[40];
	switch (a->kind) {
	case FETCH_UID:
		output_printf(&s->out, "UID %lu", (unsigned long)m->uid);
		break;
	case FETCH_FLAGS:
		output_str(&s->out, "FLAGS ");
		write_flags(&s->out, s->box->kw, m->flags, m->recent);
		break;
	case FETCH_MODSEQ:
		output_printf(&s->out, "MODSEQ (%llu)",
			      (unsigned long long)m->modseq);
		break;
	case FETCH_INTERNALDATE:
		format_date_time(m->mtime, date, sizeof date);
		output_printf(&s->out, "INTERNALDATE \"%s\"", date);
		break;
	case FETCH_SIZE:
		output_printf(&s->out, "RFC822.SIZE %lld", m->size);
		break;
	case FETCH_ENVELOPE:
	case FETCH_BODY:
	case FETCH_BODYSTRUCTURE:
		write_structure(s, a, m, d);
		break;
	case FETCH_SECTION:
		write_section(s, a, m, d);
		break;
	case FETCH_BINARY:
	case FETCH_BINARY_SIZE:
		write_binary(s, a, d);
		break;
	}
}

/* Open m's file into d->fd and note its date when not cached. */
static int open_message(struct session *s, struct message *m,
			struct fetch_data *d)
{
	struct stat st;
	d->fd = mailbox_message_open(s->box, m);
	if (d->fd < 0)
		return -1;
	if (!(m->cached & CACHED_DATE)) {
		if (fstat(d->fd, &st) < 0)
			return -1;
		m->mtime = st.st_mtime;
		cache_set(s->box, m, CACHED_DATE, NULL, 0);
	}
	return 0;
}

/* What a message needs before its response, read from its file: the
 * structure parsed (lib/mime, through a bounded window: all of it, or
 * only the root's header), the size counted, the date. */
static int prepare(struct session *s, const struct fetch_request *r,
		   struct message *m, struct fetch_data *d)
{
	int parse = r->need_mime ||
		    (r->need_structure && !(m->cached & CACHED_STRUCTURE)) ||
		    (r->need_body && !(m->cached & CACHED_BODY));
	int header = (r->need_envelope && !(m->cached & CACHED_ENVELOPE)) ||
		     r->need_text;
	int count = m->size < 0 && (r->need_size || r->need_text);
	int date = r->need_date && !(m->cached & CACHED_DATE);
	if (!(parse || header || count || date))
		return 0;
	if (open_message(s, m, d) < 0)
		return -1;
	if (parse || header) {
		d->mime = mime_parse_file(d->fd, !parse);
		if (!d->mime)
			return -1;
		d->full = parse;
	}
	if (count && parse) {
		m->size = (long long)d->mime->size;
		cache_set(s->box, m, CACHED_SIZE, NULL, 0);
	} else if (count) {
		size_t size;
		if (message_wire_size(d->fd, &size) < 0)
			return -1;
		m->size = (long long)size;
		cache_set(s->box, m, CACHED_SIZE, NULL, 0);
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
	size_t *unseen = calloc(n, sizeof *unseen), k2 = 0;
	if (!set || !unseen) {
		free(set);
		free(unseen);
		return NULL;
	}
	for (size_t k = 0; k < n; k++)
		if (!(s->box->msgs[idx[k]].flags & FLAG_SEEN))
			unseen[k2++] = idx[k];
	if (k2 && mailbox_store_flags(s->box, unseen, k2, STORE_FLAGS_ADD,
				      FLAG_SEEN) < 0)
		log_event("event=store-error folder=%s", s->box->dir);
	for (size_t k = 0, j = 0; k < n && j < k2; k++)
		if (idx[k] == unseen[j]) {
			set[k] = (s->box->msgs[idx[k]].flags & FLAG_SEEN) != 0;
			j++;
		}
	free(unseen);
	return set;
}

static int fetch_one(struct session *s, const struct fetch_request *r,
		     size_t i, int seen_set, struct fetch_data *d)
{
	struct message *m = &s->box->msgs[i];
	d->fd = -1;
	d->mime = NULL;
	d->full = 0;
	int rc = prepare(s, r, m, d);
	if (rc == 0) {
		/* RFC 7162 §3.2.4: a FETCH that set \Seen tells UID and
		 * MODSEQ to a CONDSTORE client */
		int ids = seen_set && (s->enabled & ENABLED_CONDSTORE);
		output_printf(&s->out, "* %zu FETCH (", i + 1);
		const char *sep = "";
		if ((s->uid || ids) && !r->has_uid) {   /* §6.4.8 */
			output_printf(&s->out, "UID %lu",
				      (unsigned long)m->uid);
			sep = " ";
		}
		if ((r->add_modseq || ids) && !r->has_modseq) {
			output_printf(&s->out, "%sMODSEQ (%llu)", sep,
				      (unsigned long long)m->modseq);
			sep = " ";
		}
		for (size_t k = 0; k < r->count; k++) {
			output_str(&s->out, sep);
			write_att(s, &r->v[k], m, d);
			sep = " ";
		}
		if (seen_set && !r->has_flags) {        /* §6.4.5 */
			output_str(&s->out, " FLAGS ");
			write_flags(&s->out, s->box->kw, m->flags, m->recent);
		}
		output_str(&s->out, ")\r\n");
	}
	mime_free(d->mime);
	if (d->fd >= 0)
		close(d->fd);
	return rc;
}

void fetch_unsolicited(struct session *s, const char *atts, size_t len,
		       const size_t *idx, size_t n)
{
	struct parse q;
	struct fetch_request r;
	if (parse_init_copy(&q, atts, len) == 0 && fetch_parse(&q, &r) == 0) {
		int uid = s->uid;
		struct fetch_data d = { .unknown_cte = 0 };
		s->uid = 1;     /* RFC 5465 §5.1: the UID in every FETCH */
		if ((r.need_size || r.need_date || r.need_envelope ||
		     r.need_structure || r.need_body) && cache_load(s->box) < 0)
			log_event("event=cache-error folder=%s", s->box->dir);
		bytes_init(&d.tmp, (size_t)session_maxsize(s) * 2);
		for (size_t k = 0; k < n; k++)
			fetch_one(s, &r, idx[k], 0, &d);
		bytes_free(&d.tmp);
		if (cache_save(s->box) < 0)
			log_event("event=cache-error folder=%s", s->box->dir);
		s->uid = uid;
	}
	parse_free(&q);
}

/* The request's messages: those of set, less the ones unchanged since
 * the CHANGEDSINCE modifier (RFC 7162 §3.1.4.1); VANISHED (EARLIER) for
 * the UIDs of set expunged since (§3.2.6), before any FETCH. */
static enum reply fetch_messages(struct session *s, struct parse *p,
				 struct seqset *set, struct fetch_request *r,
				 size_t **idx, size_t *n)
{
	struct fetch_modifiers mod;
	enum reply rc = fetch_modifiers_parse(s, p, &mod);
	if (rc != REPLY_OK || parse_end(p) < 0)
		return REPLY_BAD;
	if (r->has_modseq || mod.changedsince_given)    /* §3.1 */
		session_enable(s, ENABLED_CONDSTORE);
	r->add_modseq = mod.changedsince_given;
	if ((rc = message_set(s, set, idx, n)) != REPLY_OK)
		return rc;
	if (!mod.changedsince_given)
		return REPLY_OK;
	if (mod.vanished && set->saved && seqset_from_saved(s, p, set) < 0) {
		free(*idx);
		return reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	}
	if (mod.vanished)
		vanished_earlier(s, set, mod.changedsince, 0);
	size_t kept = 0;
	for (size_t k = 0; k < *n; k++)
		if (s->box->msgs[(*idx)[k]].modseq > mod.changedsince)
			(*idx)[kept++] = (*idx)[k];
	*n = kept;
	return REPLY_OK;
}

enum reply cmd_fetch(struct session *s, struct parse *p)
{
	struct seqset set;
	struct fetch_request r;
	size_t *idx, n;
	if (parse_sp(p) < 0 || parse_seqset(p, &set) < 0 || parse_sp(p) < 0 ||
	    fetch_parse(p, &r) < 0)
		return REPLY_BAD;
	enum reply rc = fetch_messages(s, p, &set, &r, &idx, &n);
	if (rc != REPLY_OK)
		return rc;
	if ((r.need_size || r.need_date || r.need_envelope ||
	     r.need_structure || r.need_body) && cache_load(s->box) < 0)
		log_event("event=cache-error folder=%s", s->box->dir);
	unsigned char *seen = mark_seen(s, &r, idx, n);
	struct fetch_data d = { .unknown_cte = 0 };
	bytes_init(&d.tmp, (size_t)session_maxsize(s) * 2);
	size_t missing = 0;
	for (size_t k = 0; k < n; k++)
		if (fetch_one(s, &r, idx[k], seen && seen[k], &d) < 0)
			missing++;
	bytes_free(&d.tmp);
	free(seen);
	free(idx);
	if (cache_save(s->box) < 0)
		log_event("event=cache-error folder=%s", s->box->dir);
	if (d.unknown_cte)
		return reply_set(s, REPLY_NO, "UNKNOWN-CTE",
				 "Unknown Content-Transfer-Encoding");
	if (missing)    /* RFC 2180 §4.1.2 */
		return reply_set(s, REPLY_NO, "EXPUNGEISSUED",
				 "Some messages were expunged");
	return REPLY_OK;
}
