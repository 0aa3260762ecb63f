/* cmd_search.c - SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8): the
 * key tree of search_parse.c evaluated per message, reading of each
 * message only what the keys need (nothing, its mtime, its header, or
 * all of it, parsed by lib/mime for decoded matching). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include "cache.h"
#include "condstore.h"
#include "imapd.h"
#include "limits.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "mime.h"
#include "mime_date.h"
#include "mime_search.h"
#include "search.h"
#include "search_context.h"
#include "utf8.h"

/* One message as the keys see it, loaded on demand: its structure
 * parsed from the file (lib/mime reads it through a bounded window). */
struct candidate {
	struct session *s;
	size_t i;
	unsigned needs;         /* SEARCH_NEEDS_* of the whole tree */
	int loaded;             /* -1 failed (gone), 0 not yet, 1 loaded */
	int fd;                 /* the file mime reads, or -1 */
	struct mime_message *mime;
	time_t mtime;
};

static int load(struct candidate *c)
{
	struct stat st;
	struct message *m = &c->s->box->msgs[c->i];
	if (c->loaded)
		return c->loaded;
	c->loaded = -1;
	int fd = mailbox_message_open(c->s->box, m);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	c->mtime = st.st_mtime;
	if (!(m->cached & CACHED_DATE)) {
		m->mtime = c->mtime;
		cache_set(c->s->box, m, CACHED_DATE, NULL, 0);
	}
	if (!(c->needs & (SEARCH_NEEDS_TEXT | SEARCH_NEEDS_HEADER))) {
		close(fd);
		return c->loaded = 1;
	}
	c->mime = mime_parse_file(fd, !(c->needs & SEARCH_NEEDS_TEXT));
	if (!c->mime) {
		close(fd);
		return -1;
	}
	c->fd = fd;
	if ((c->needs & SEARCH_NEEDS_TEXT) && m->size < 0) {
		m->size = (long long)c->mime->size;
		cache_set(c->s->box, m, CACHED_SIZE, NULL, 0);
	}
	return c->loaded = 1;
}

/* Forget what load read. */
static void unload(struct candidate *c)
{
	mime_free(c->mime);
	if (c->fd >= 0)
		close(c->fd);
}

static long long size_of(struct candidate *c)
{
	struct message *m = &c->s->box->msgs[c->i];
	size_t size;
	if (m->size < 0) {      /* a counting pass over the CRLF form */
		int fd = mailbox_message_open(c->s->box, m);
		if (fd >= 0 && message_wire_size(fd, &size) == 0) {
			m->size = (long long)size;
			cache_set(c->s->box, m, CACHED_SIZE, NULL, 0);
		}
		if (fd >= 0)
			close(fd);
	}
	return m->size;
}

/* The INTERNALDATE (loaded when not cached). 0 or -1. */
static int internal_time(struct candidate *c, time_t *t)
{
	struct message *m = &c->s->box->msgs[c->i];
	if (!(m->cached & CACHED_DATE) && load(c) < 0)
		return -1;
	*t = m->mtime;
	return 0;
}

/* Days since the epoch of the INTERNALDATE, in the zone it is shown in
 * (§6.4.4: "disregarding time and timezone"). */
static int internal_days(struct candidate *c, long *days)
{
	struct tm tm;
	time_t t;
	if (internal_time(c, &t) < 0 || !localtime_r(&t, &tm))
		return -1;
	*days = mime_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
				     tm.tm_mday);
	return 0;
}

/* RFC 5032 §3: OLDER n is an INTERNALDATE at least n seconds ago,
 * YOUNGER n one less than n seconds ago. */
static int within(struct candidate *c, const struct key *k)
{
	time_t t;
	if (internal_time(c, &t) < 0)
		return 0;
	time_t age = time(NULL) - t;
	return k->kind == KEY_OLDER ? age >= (time_t)k->number :
	       age < (time_t)k->number;
}

static int sent_days(struct candidate *c, long *days)
{
	struct mime_date d;
	size_t n;
	if (load(c) < 0)
		return -1;
	const char *h = mime_part_header(c->mime, c->mime->root, &n);
	if (mime_date_header(h, n, &d) < 0)
		return -1;
	*days = mime_date_days(&d);
	return 0;
}

static int compare_days(enum key_kind kind, long days, long want)
{
	switch (kind) {
	case KEY_BEFORE: case KEY_SENTBEFORE: return days < want;
	case KEY_ON: case KEY_SENTON: return days == want;
	default: return days >= want;
	}
}

static int keyword(struct candidate *c, const struct key *k)
{
	struct mailbox *b = c->s->box;
	int n = mailbox_keyword_index(b, k->string);
	return n >= 0 && (b->msgs[c->i].flags & FLAG_KEYWORD(n));
}

static int match(struct candidate *c, const struct key *k);

/* The keys that read the message. */
static int match_text(struct candidate *c, const struct key *k)
{
	long days;
	int rc = 0;
	switch (k->kind) {
	case KEY_BEFORE: case KEY_ON: case KEY_SINCE:
		return internal_days(c, &days) == 0 &&
		       compare_days(k->kind, days, k->days);
	case KEY_SENTBEFORE: case KEY_SENTON: case KEY_SENTSINCE:
		return sent_days(c, &days) == 0 &&
		       compare_days(k->kind, days, k->days);
	case KEY_OLDER: case KEY_YOUNGER:
		return within(c, k);
	case KEY_HEADER:
		if (load(c) > 0)
			rc = mime_search_header(c->mime, c->mime->root,
						k->field, k->string);
		break;
	case KEY_ADDRESS:
		if (load(c) > 0)
			rc = mime_search_address(c->mime, c->mime->root,
						 k->field, k->string);
		break;
	default:        /* BODY, TEXT */
		if (load(c) > 0)
			rc = mime_search_text(c->mime, k->string,
					      k->kind == KEY_TEXT);
		break;
	}
	if (rc < 0)
		log_event("event=search-error reason=memory");
	return rc > 0;
}

static int match(struct candidate *c, const struct key *k)
{
	struct mailbox *b = c->s->box;
	struct message *m = &b->msgs[c->i];
	uint32_t last = b->count ? b->msgs[b->count - 1].uid : 0;
	switch (k->kind) {
	case KEY_ALL: return 1;
	case KEY_FLAG_SET: return (m->flags & k->flag) != 0;
	case KEY_FLAG_CLEAR: return (m->flags & k->flag) == 0;
	case KEY_KEYWORD: return keyword(c, k);
	case KEY_UNKEYWORD: return !keyword(c, k);
	case KEY_NEW: return m->recent && !(m->flags & FLAG_SEEN);
	case KEY_OLD: return !m->recent;
	case KEY_RECENT: return m->recent;
	case KEY_SEQ: case KEY_UID:
		if (k->set.saved)       /* "$" (RFC 5182) */
			return search_saved_contains(c->s, m->uid);
		return k->kind == KEY_UID ?
		       seqset_contains(&k->set, m->uid, last) :
		       seqset_contains(&k->set, (uint32_t)(c->i + 1),
				       (uint32_t)b->count);
	case KEY_MODSEQ: return m->modseq >= k->modseq;
	case KEY_LARGER: return size_of(c) > (long long)k->number;
	case KEY_SMALLER: return size_of(c) >= 0 &&
				 size_of(c) < (long long)k->number;
	case KEY_NOT: return !match(c, k->a);
	case KEY_OR: return match(c, k->a) || match(c, k->b);
	case KEY_AND:
		for (const struct key *l = k; l; l = l->b)
			if (l->a && !match(c, l->a))
				return 0;
		return 1;
	default:
		return match_text(c, k);
	}
}

/* [CHARSET SP astring SP]: UTF-8 and US-ASCII (a subset) only;
 * required when with_charset is 2 (SORT, THREAD: RFC 5256 §3). */
static enum reply charset(struct session *s, struct parse *p,
			  int with_charset)
{
	struct string w;
	size_t save = p->pos;
	if (with_charset == 2) {
		if (parse_astring(p, &w) < 0 || parse_sp(p) < 0)
			return REPLY_BAD;
	} else if (parse_atom(p, &w) == 0 && !strcasecmp(w.s, "CHARSET")) {
		/* RFC 6855 §3: no CHARSET once UTF8=ACCEPT is enabled */
		if (s->enabled & ENABLED_UTF8)
			return reply_set(s, REPLY_BAD, NULL,
					 "No CHARSET after UTF8=ACCEPT");
		if (parse_sp(p) < 0 || parse_astring(p, &w) < 0 ||
		    parse_sp(p) < 0)
			return REPLY_BAD;
	} else {
		p->pos = save;
		p->error = NULL;
		return REPLY_OK;
	}
	if (strcasecmp(w.s, "UTF-8") && strcasecmp(w.s, "US-ASCII"))
		return reply_set(s, REPLY_NO, "BADCHARSET (UTF-8 US-ASCII)",
				 "Unsupported charset");
	return REPLY_OK;
}

enum reply search_program_parse(struct session *s, struct parse *p,
				int with_charset, struct key *k,
				unsigned *needs, size_t *keys_at)
{
	*needs = 0;
	enum reply rc = charset(s, p, with_charset);
	if (rc != REPLY_OK)
		return rc;
	*keys_at = p->pos;
	if (search_parse(p, k, needs) < 0 || parse_end(p) < 0)
		return REPLY_BAD;
	if ((*needs & SEARCH_USES_RECENT) && (s->enabled & ENABLED_IMAP4REV2))
		return reply_set(s, REPLY_BAD, NULL,   /* RFC 9051 §6.4.4 */
				 "No NEW, OLD or RECENT in IMAP4rev2");
	return REPLY_OK;
}

int search_run(struct session *s, const struct key *k, unsigned needs,
	       const size_t *among, size_t namong, size_t *idx, size_t *n)
{
	size_t total = among ? namong : s->box->count;
	*n = 0;
	if ((needs & (SEARCH_NEEDS_SIZE | SEARCH_NEEDS_DATE)) &&
	    cache_load(s->box) < 0)
		log_event("event=cache-error folder=%s", s->box->dir);
	for (size_t j = 0; j < total; j++) {
		size_t i = among ? among[j] : j;
		struct candidate c = { .s = s, .i = i, .needs = needs, .fd = -1 };
		if (match(&c, k))
			idx[(*n)++] = i;
		unload(&c);
	}
	if (cache_save(s->box) < 0)
		log_event("event=cache-error folder=%s", s->box->dir);
	return 0;
}

enum reply search_matches(struct session *s, struct parse *p,
			  int with_charset, size_t **idx, size_t *n,
			  struct search_program *prog)
{
	struct key k;
	*idx = NULL;
	*n = 0;
	enum reply rc = search_program_parse(s, p, with_charset, &k,
					     &prog->needs, &prog->keys_at);
	if (rc != REPLY_OK)
		return rc;
	s->search_modseq = (prog->needs & SEARCH_USES_MODSEQ) != 0;
	if (s->search_modseq)   /* RFC 7162 §3.1 */
		session_enable(s, ENABLED_CONDSTORE);
	size_t *v = malloc((s->box->count ? s->box->count : 1) * sizeof *v);
	if (!v)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	search_run(s, &k, prog->needs, NULL, 0, v, n);
	*idx = v;
	return REPLY_OK;
}

/* SEARCH [RETURN (...)] [CHARSET ...] keys (RFC 3501 §6.4.4, RFC 4731
 * ESEARCH, RFC 5182 SEARCHRES, RFC 5267 §4 UPDATE). */
enum reply cmd_search(struct session *s, struct parse *p)
{
	struct search_return r;
	struct search_program prog;
	size_t *idx, n;
	if (parse_sp(p) < 0 || search_return_parse(p, &r) < 0)
		return REPLY_BAD;
	/* RFC 9051 §6.4.4: no RETURN is RETURN (ALL), answered by ESEARCH */
	if ((s->enabled & ENABLED_IMAP4REV2) && !r.extended)
		r = (struct search_return){ .extended = 1, .opts = RETURN_ALL };
	if ((r.opts & RETURN_UPDATE) && search_context_find(s, s->tag))
		return reply_set(s, REPLY_BAD, NULL, "Tag reuse");   /* §4.3 */
	enum reply rc = search_matches(s, p, 1, &idx, &n, &prog);
	if (rc == REPLY_OK) {
		search_result_write(s, &r, "SEARCH", idx, n);
		if (r.opts & RETURN_UPDATE)
			search_context_add(s, p, &r, &prog, NULL, 0, idx, n);
	} else if (r.opts & RETURN_SAVE) {      /* RFC 5182 §2.1 */
		search_saved_clear(s);
	}
	free(idx);
	return rc;
}
