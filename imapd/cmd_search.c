/* cmd_search.c - SEARCH and UID SEARCH (RFC 3501 §6.4.4), part 1: the
 * keys that need no message text. The keys are parsed into a tree that is
 * then evaluated per message, so part 2 adds keys to the table. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapd.h"
#include "limits.h"
#include "mailbox.h"
#include "message.h"

enum key_kind { KEY_ALL, KEY_FLAG_SET, KEY_FLAG_CLEAR, KEY_NEW, KEY_OLD,
	KEY_RECENT, KEY_SEQ, KEY_UID, KEY_NOT, KEY_OR, KEY_AND,
	KEY_LARGER, KEY_SMALLER, KEY_NONE };

struct key {
	enum key_kind kind;
	unsigned flag;
	uint32_t number;
	struct seqset set;
	struct key *a, *b;      /* NOT: a; OR: a, b; AND: list via b */
};

static const struct {
	const char *name;
	enum key_kind kind;
	unsigned flag;
} simple_keys[] = {
	{ "ALL", KEY_ALL, 0 },
	{ "ANSWERED", KEY_FLAG_SET, FLAG_ANSWERED },
	{ "DELETED", KEY_FLAG_SET, FLAG_DELETED },
	{ "DRAFT", KEY_FLAG_SET, FLAG_DRAFT },
	{ "FLAGGED", KEY_FLAG_SET, FLAG_FLAGGED },
	{ "SEEN", KEY_FLAG_SET, FLAG_SEEN },
	{ "UNANSWERED", KEY_FLAG_CLEAR, FLAG_ANSWERED },
	{ "UNDELETED", KEY_FLAG_CLEAR, FLAG_DELETED },
	{ "UNDRAFT", KEY_FLAG_CLEAR, FLAG_DRAFT },
	{ "UNFLAGGED", KEY_FLAG_CLEAR, FLAG_FLAGGED },
	{ "UNSEEN", KEY_FLAG_CLEAR, FLAG_SEEN },
	{ "NEW", KEY_NEW, 0 },
	{ "OLD", KEY_OLD, 0 },
	{ "RECENT", KEY_RECENT, 0 },
};

static int parse_key(struct parse *p, struct key *k);

/* search-key *(SP search-key) up to ')' or the end, as an AND chain. */
static int parse_keys(struct parse *p, struct key *k, int close)
{
	k->kind = KEY_AND;
	k->a = k->b = NULL;
	struct key **tail = &k->a;
	do {
		if (*tail != NULL && parse_sp(p) < 0)
			return -1;
		struct key *n = parse_alloc(p, sizeof *n);
		if (!n || parse_key(p, n) < 0)
			return -1;
		struct key *link = parse_alloc(p, sizeof *link);
		if (!link)
			return -1;
		*link = (struct key){ .kind = KEY_AND, .a = n };
		if (*tail)
			tail = &(*tail)->b;
		*tail = link;
	} while (close ? parse_peek(p) != ')' : !parse_at_end(p));
	return 0;
}

/* NOT search-key / OR search-key SP search-key */
static int parse_logic(struct parse *p, struct key *k, int or)
{
	k->kind = or ? KEY_OR : KEY_NOT;
	if (++p->depth > IMAP_NESTING_MAX) {     /* bounds the recursion */
		p->error = "Search keys nested too deep";
		return -1;
	}
	k->a = parse_alloc(p, sizeof *k->a);
	if (!k->a || parse_sp(p) < 0 || parse_key(p, k->a) < 0)
		return -1;
	if (or) {
		k->b = parse_alloc(p, sizeof *k->b);
		if (!k->b || parse_sp(p) < 0 || parse_key(p, k->b) < 0)
			return -1;
	}
	p->depth--;
	return 0;
}

static int parse_key(struct parse *p, struct key *k)
{
	struct string w;
	memset(k, 0, sizeof *k);
	int c = parse_peek(p);
	if (c == '(') {
		if (parse_open(p) < 0 || parse_keys(p, k, 1) < 0)
			return -1;
		return parse_close(p);
	}
	if ((c >= '0' && c <= '9') || c == '*') {
		k->kind = KEY_SEQ;
		return parse_seqset(p, &k->set);
	}
	if (parse_atom(p, &w) < 0)
		return -1;
	for (size_t i = 0; i < sizeof simple_keys / sizeof simple_keys[0]; i++)
		if (!strcasecmp(w.s, simple_keys[i].name)) {
			k->kind = simple_keys[i].kind;
			k->flag = simple_keys[i].flag;
			return 0;
		}
	if (!strcasecmp(w.s, "UID")) {
		k->kind = KEY_UID;
		return parse_sp(p) < 0 ? -1 : parse_seqset(p, &k->set);
	}
	if (!strcasecmp(w.s, "LARGER") || !strcasecmp(w.s, "SMALLER")) {
		k->kind = w.s[0] == 'L' || w.s[0] == 'l' ? KEY_LARGER
							 : KEY_SMALLER;
		return parse_sp(p) < 0 ? -1 : parse_number(p, &k->number);
	}
	if (!strcasecmp(w.s, "KEYWORD") || !strcasecmp(w.s, "UNKEYWORD")) {
		struct string kw;       /* no keywords are kept in part 1 */
		k->kind = w.s[0] == 'K' || w.s[0] == 'k' ? KEY_NONE : KEY_ALL;
		return parse_sp(p) < 0 ? -1 : parse_atom(p, &kw);
	}
	if (!strcasecmp(w.s, "NOT") || !strcasecmp(w.s, "OR"))
		return parse_logic(p, k, !strcasecmp(w.s, "OR"));
	p->error = "Unknown or unsupported search key";
	return -1;
}

static long long size_of(struct session *s, struct message *m)
{
	char path[PATH_MAX_POSTERN];
	struct message_data md;
	if (m->size < 0)
		m->size = message_size_from_name(m->base);
	if (m->size < 0 && mailbox_path(s->box, m, path, sizeof path) == 0 &&
	    message_load(path, (size_t)session_maxsize(s) * 2, &md) == 0) {
		m->size = (long long)md.text.len;
		message_data_free(&md);
	}
	return m->size;
}

static int match(struct session *s, const struct key *k, size_t i)
{
	struct mailbox *b = s->box;
	struct message *m = &b->msgs[i];
	uint32_t last = b->count ? b->msgs[b->count - 1].uid : 0;
	switch (k->kind) {
	case KEY_ALL: return 1;
	case KEY_NONE: return 0;
	case KEY_FLAG_SET: return (m->flags & k->flag) != 0;
	case KEY_FLAG_CLEAR: return (m->flags & k->flag) == 0;
	case KEY_NEW: return m->recent && !(m->flags & FLAG_SEEN);
	case KEY_OLD: return !m->recent;
	case KEY_RECENT: return m->recent;
	case KEY_SEQ:
		return seqset_contains(&k->set, (uint32_t)(i + 1),
				       (uint32_t)b->count);
	case KEY_UID: return seqset_contains(&k->set, m->uid, last);
	case KEY_LARGER: return size_of(s, m) > (long long)k->number;
	case KEY_SMALLER: return size_of(s, m) >= 0 &&
				 size_of(s, m) < (long long)k->number;
	case KEY_NOT: return !match(s, k->a, i);
	case KEY_OR: return match(s, k->a, i) || match(s, k->b, i);
	case KEY_AND:
		for (const struct key *l = k; l; l = l->b)
			if (l->a && !match(s, l->a, i))
				return 0;
		return 1;
	}
	return 0;
}

enum reply cmd_search(struct session *s, struct parse *p)
{
	struct key k;
	struct string w;
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	size_t save = p->pos;
	if (parse_atom(p, &w) == 0 && !strcasecmp(w.s, "CHARSET")) {
		if (parse_sp(p) < 0 || parse_astring(p, &w) < 0 ||
		    parse_sp(p) < 0)
			return REPLY_BAD;
		if (strcasecmp(w.s, "UTF-8") && strcasecmp(w.s, "US-ASCII"))
			return reply_set(s, REPLY_NO, "BADCHARSET (UTF-8 US-ASCII)",
					 "Unsupported charset");
	} else {
		p->pos = save;
		p->error = NULL;
	}
	if (parse_keys(p, &k, 0) < 0 || parse_end(p) < 0)
		return REPLY_BAD;
	output_str(&s->out, "* SEARCH");
	for (size_t i = 0; i < s->box->count; i++)
		if (match(s, &k, i))
			output_printf(&s->out, " %lu", s->uid ?
				      (unsigned long)s->box->msgs[i].uid :
				      (unsigned long)(i + 1));
	output_str(&s->out, "\r\n");
	return REPLY_OK;
}
