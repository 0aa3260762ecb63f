/* cmd_sort.c - SORT (RFC 5256 §3, DISPLAY: RFC 5957, ESORT: RFC 5267 §3,
 * CONTEXT=SORT: §4)
 * and THREAD (RFC 5256 §3), UID forms included: the search of
 * cmd_search.c, then lib/mail_sort and lib/mail_thread over the values
 * read from each matching message's header. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bytes.h"
#include "cache.h"
#include "imap_struct.h"
#include "imapd.h"
#include "log.h"
#include "mail_sort.h"
#include "mail_thread.h"
#include "mailbox.h"
#include "message.h"
#include "mime.h"
#include "mime_date.h"
#include "search.h"
#include "search_context.h"

static const struct { const char *name; enum mail_sort_key key; } keys[] = {
	{ "ARRIVAL", MAIL_SORT_ARRIVAL }, { "CC", MAIL_SORT_CC },
	{ "DATE", MAIL_SORT_DATE }, { "FROM", MAIL_SORT_FROM },
	{ "SIZE", MAIL_SORT_SIZE }, { "SUBJECT", MAIL_SORT_SUBJECT },
	{ "TO", MAIL_SORT_TO }, { "DISPLAYFROM", MAIL_SORT_DISPLAYFROM },
	{ "DISPLAYTO", MAIL_SORT_DISPLAYTO },
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* sort-criteria = "(" sort-criterion *(SP sort-criterion) ")";
 * sort-criterion = ["REVERSE" SP] sort-key. 0 or -1. */
static int sort_criteria(struct parse *p, struct mail_sort_criterion *c,
			 size_t *nc)
{
	struct string w;
	*nc = 0;
	if (parse_open(p) < 0)
		return -1;
	do {
		if (*nc && parse_sp(p) < 0)
			return -1;
		if (*nc == IMAP_SORT_CRITERIA_MAX) {
			p->error = "Too many sort criteria";
			return -1;
		}
		c[*nc].reverse = 0;
		if (parse_atom(p, &w) < 0)
			return -1;
		if (!strcasecmp(w.s, "REVERSE")) {
			c[*nc].reverse = 1;
			if (parse_sp(p) < 0 || parse_atom(p, &w) < 0)
				return -1;
		}
		size_t i = 0;
		while (i < NKEYS && strcasecmp(w.s, keys[i].name))
			i++;
		if (i == NKEYS) {
			p->error = "Unknown sort key";
			return -1;
		}
		c[(*nc)++].key = keys[i].key;
	} while (parse_peek(p) != ')');
	return parse_close(p) < 0 || parse_sp(p) < 0 ? -1 : 0;
}

/* INTERNALDATE and (with_size) RFC822.SIZE of message i, as SEARCH
 * finds them; mtime is its file's when it was read (else -1). */
static void date_and_size(struct session *s, size_t i, time_t mtime,
			  int with_size, struct mail_fields *f)
{
	struct message *m = &s->box->msgs[i];
	struct stat st;
	if (m->cached & CACHED_DATE) {
		f->arrival = m->mtime;
	} else if (mtime != -1) {
		f->arrival = mtime;
	} else {
		int fd = mailbox_message_open(s->box, m);
		f->arrival = fd >= 0 && fstat(fd, &st) == 0 ? st.st_mtime : 0;
		if (fd >= 0)
			close(fd);
	}
	if (!with_size)
		return;
	if (m->size < 0)
		m->size = store_size_from_name(m->base);
	if (m->size < 0) {      /* a counting pass over the CRLF form */
		size_t size;
		int fd = mailbox_message_open(s->box, m);
		if (fd >= 0 && message_wire_size(fd, &size) == 0)
			m->size = (long long)size;
		if (fd >= 0)
			close(fd);
	}
	f->size = m->size;
}

/* What SORT SIZE needs beyond the MAIL_FIELDS_* bits. */
#define WANT_SIZE 0x100

/* SORT (DATE) alone, of a message whose ENVELOPE and INTERNALDATE are
 * in the folder's cache: its Date from the envelope (the first Date
 * field, as the header gives it), no file read. 1 done, 0 not. */
static int cached_date(struct session *s, size_t i, unsigned want,
		       struct mail_fields *f)
{
	const struct message *m = &s->box->msgs[i];
	struct mime_date d;
	struct bytes b;
	if ((want & ~MAIL_FIELDS_DATE) ||
	    (m->cached & (CACHED_ENVELOPE | CACHED_DATE)) !=
	    (CACHED_ENVELOPE | CACHED_DATE))
		return 0;
	bytes_init(&b, m->envelope_len + 1);
	int r = imap_envelope_date(m->envelope, m->envelope_len, &b);
	if (r > 0 && mime_date_parse(bytes_str(&b), b.len, &d) == 0) {
		f->sent = mime_date_time(&d);
		f->has_sent = 1;
	}
	bytes_free(&b);
	if (r < 0)
		return 0;
	f->arrival = m->mtime;
	return 1;
}

/* The sort values (want: MAIL_FIELDS_*, WANT_SIZE) of message i into f.
 * A message whose file vanished sorts with empty values. 0, or -1
 * (ENOMEM). */
static int read_fields(struct session *s, size_t i, unsigned want,
		       struct mail_fields *f)
{
	struct stat st;
	time_t mtime = -1;
	int rc = 0;
	memset(f, 0, sizeof *f);
	if (cached_date(s, i, want, f))
		return 0;
	if (want & MAIL_FIELDS_ALL) {
		/* the header only, through lib/mime's bounded window */
		int fd = mailbox_message_open(s->box, &s->box->msgs[i]);
		struct mime_message *m = fd < 0 || fstat(fd, &st) < 0 ? NULL
					 : mime_parse_file(fd, 1);
		size_t n = 0;
		const char *h = m ? mime_part_header(m, m->root, &n) : "";
		rc = mail_fields_read(h, n, want & MAIL_FIELDS_ALL, f);
		if (m)
			mtime = st.st_mtime;
		mime_free(m);
		if (fd >= 0)
			close(fd);
	}
	if (rc == 0)
		date_and_size(s, i, mtime, (want & WANT_SIZE) != 0, f);
	return rc;
}

/* The values of msgs[idx[0..n)] (order: the number the client sees),
 * as a malloc'd array of pointers into *store. REPLY_OK or NO. */
static enum reply fields_of(struct session *s, const size_t *idx, size_t n,
			    unsigned want, struct mail_fields **store,
			    struct mail_fields ***v)
{
	*store = calloc(n ? n : 1, sizeof **store);
	*v = calloc(n ? n : 1, sizeof **v);
	if (!*store || !*v)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	if (cache_load(s->box) < 0)
		log_event("event=cache-error folder=%s", s->box->dir);
	for (size_t i = 0; i < n; i++) {
		if (read_fields(s, idx[i], want, &(*store)[i]) < 0)
			return reply_set(s, REPLY_NO, "SERVERBUG",
					 "Out of memory");
		(*store)[i].order = s->uid ? s->box->msgs[idx[i]].uid :
				    (uint32_t)(idx[i] + 1);
		(*v)[i] = &(*store)[i];
	}
	return REPLY_OK;
}

static void fields_free(struct mail_fields *store, struct mail_fields **v,
			size_t n)
{
	for (size_t i = 0; store && i < n; i++)
		mail_fields_free(&store[i]);
	free(store);
	free(v);
}

static int sort_by_size(const struct mail_sort_criterion *c, size_t nc)
{
	for (size_t i = 0; i < nc; i++)
		if (c[i].key == MAIL_SORT_SIZE)
			return 1;
	return 0;
}

int sort_fields_read(struct session *s, size_t i,
		     const struct mail_sort_criterion *c, size_t nc,
		     struct mail_fields *f)
{
	if (read_fields(s, i, mail_sort_needs(c, nc) |
			(sort_by_size(c, nc) ? WANT_SIZE : 0), f) < 0)
		return -1;
	f->order = s->box->msgs[i].uid;
	return 0;
}

/* SORT [RETURN (...)] (criteria) charset search-key... */
enum reply cmd_sort(struct session *s, struct parse *p)
{
	struct search_return r;
	struct mail_sort_criterion c[IMAP_SORT_CRITERIA_MAX];
	struct mail_fields *store = NULL, **v = NULL;
	struct search_program prog;
	size_t nc, *idx, n;
	if (parse_sp(p) < 0 || search_return_parse(p, &r) < 0 ||
	    sort_criteria(p, c, &nc) < 0)
		return REPLY_BAD;
	if ((r.opts & RETURN_UPDATE) && search_context_find(s, s->tag))
		return reply_set(s, REPLY_BAD, NULL, "Tag reuse");   /* §4.3 */
	enum reply rc = search_matches(s, p, 2, &idx, &n, &prog);
	if (rc == REPLY_OK)
		rc = fields_of(s, idx, n, mail_sort_needs(c, nc) |
			       (sort_by_size(c, nc) ? WANT_SIZE : 0), &store, &v);
	if (rc == REPLY_OK && mail_sort(v, n, c, nc) < 0)
		rc = reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	if (rc == REPLY_OK) {
		/* back from the numbers shown to indexes */
		for (size_t i = 0; i < n; i++)
			idx[i] = s->uid ? (size_t)mailbox_find_uid(s->box,
								   v[i]->order)
					: v[i]->order - 1;
		search_result_write(s, &r, "SORT", idx, n);
		if (r.opts & RETURN_UPDATE)
			search_context_add(s, p, &r, &prog, c, nc, idx, n);
	} else if (r.opts & RETURN_SAVE) {
		search_saved_clear(s);
	}
	fields_free(store, v, n);
	free(idx);
	return rc;
}

/* thread-list (RFC 5256 §4): a chain of single children is one list of
 * members; two or more children are nested lists. */
static void write_thread(struct output *out, const struct mail_thread_node *n)
{
	for (int first = 1; n; first = 0) {
		if (n->msg)
			output_printf(out, first ? "%lu" : " %lu",
				      (unsigned long)n->msg->order);
		const struct mail_thread_node *c = n->child;
		if (c && !c->next && n->msg) {
			n = c;
			continue;
		}
		if (c && n->msg)
			output_str(out, " ");
		for (; c; c = c->next) {
			output_str(out, "(");
			write_thread(out, c);
			output_str(out, ")");
		}
		return;
	}
}

static const struct { const char *name; enum mail_thread_algorithm alg; }
algorithms[] = {
	{ "ORDEREDSUBJECT", MAIL_THREAD_ORDEREDSUBJECT },
	{ "REFERENCES", MAIL_THREAD_REFERENCES },
	{ "REFS", MAIL_THREAD_REFS },
};

/* THREAD algorithm SP charset SP search-key... */
enum reply cmd_thread(struct session *s, struct parse *p)
{
	struct string w;
	struct mail_fields *store = NULL, **v = NULL;
	struct mail_thread t = { 0 };
	size_t a = 0, *idx = NULL, n = 0;
	if (parse_sp(p) < 0 || parse_atom(p, &w) < 0 || parse_sp(p) < 0)
		return REPLY_BAD;
	while (a < 3 && strcasecmp(w.s, algorithms[a].name))
		a++;
	if (a == 3)
		return reply_set(s, REPLY_BAD, NULL, "Unknown threading algorithm");
	struct search_program prog;
	enum reply rc = search_matches(s, p, 2, &idx, &n, &prog);
	if (rc == REPLY_OK)
		rc = fields_of(s, idx, n, MAIL_FIELDS_SUBJECT | MAIL_FIELDS_DATE |
			       MAIL_FIELDS_THREAD, &store, &v);
	if (rc == REPLY_OK && mail_thread_build(&t, algorithms[a].alg, v, n) < 0)
		rc = reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	if (rc == REPLY_OK) {
		output_str(&s->out, "* THREAD");
		for (const struct mail_thread_node *r = t.roots; r; r = r->next) {
			output_str(&s->out, r == t.roots ? " (" : "(");
			write_thread(&s->out, r);
			output_str(&s->out, ")");
		}
		output_str(&s->out, "\r\n");
	}
	mail_thread_free(&t);
	fields_free(store, v, n);
	free(idx);
	return rc;
}
