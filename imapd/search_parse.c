/* search_parse.c - the search-key grammar of RFC 3501 §9. See search.h. */
#include "search.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "mailbox.h"
#include "mime_date.h"

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
	{ "NEW", KEY_NEW, 0 },          /* these three: SEARCH_USES_RECENT */
	{ "OLD", KEY_OLD, 0 },
	{ "RECENT", KEY_RECENT, 0 },
};

/* Keys with one argument: what it is, and what the key needs. */
enum arg { ARG_DATE, ARG_STRING, ARG_NUMBER, ARG_NZ_NUMBER, ARG_FLAG,
	   ARG_FIELD };
/* WITHIN (RFC 5032): the date, and a result that moves with time */
#define NEEDS_CLOCK (SEARCH_NEEDS_DATE | SEARCH_USES_CLOCK)

static const struct {
	const char *name;
	enum key_kind kind;
	enum arg arg;
	unsigned needs;
	const char *field;      /* KEY_HEADER: the field it searches */
} arg_keys[] = {
	{ "BEFORE", KEY_BEFORE, ARG_DATE, SEARCH_NEEDS_DATE, NULL },
	{ "ON", KEY_ON, ARG_DATE, SEARCH_NEEDS_DATE, NULL },
	{ "SINCE", KEY_SINCE, ARG_DATE, SEARCH_NEEDS_DATE, NULL },
	{ "SENTBEFORE", KEY_SENTBEFORE, ARG_DATE, SEARCH_NEEDS_HEADER, NULL },
	{ "SENTON", KEY_SENTON, ARG_DATE, SEARCH_NEEDS_HEADER, NULL },
	{ "SENTSINCE", KEY_SENTSINCE, ARG_DATE, SEARCH_NEEDS_HEADER, NULL },
	{ "FROM", KEY_ADDRESS, ARG_STRING, SEARCH_NEEDS_HEADER, "From" },
	{ "TO", KEY_ADDRESS, ARG_STRING, SEARCH_NEEDS_HEADER, "To" },
	{ "CC", KEY_ADDRESS, ARG_STRING, SEARCH_NEEDS_HEADER, "Cc" },
	{ "BCC", KEY_ADDRESS, ARG_STRING, SEARCH_NEEDS_HEADER, "Bcc" },
	{ "SUBJECT", KEY_HEADER, ARG_STRING, SEARCH_NEEDS_HEADER, "Subject" },
	{ "HEADER", KEY_HEADER, ARG_FIELD, SEARCH_NEEDS_HEADER, NULL },
	{ "BODY", KEY_BODY, ARG_STRING, SEARCH_NEEDS_TEXT, NULL },
	{ "TEXT", KEY_TEXT, ARG_STRING, SEARCH_NEEDS_TEXT, NULL },
	{ "LARGER", KEY_LARGER, ARG_NUMBER, SEARCH_NEEDS_SIZE, NULL },
	{ "SMALLER", KEY_SMALLER, ARG_NUMBER, SEARCH_NEEDS_SIZE, NULL },
	{ "OLDER", KEY_OLDER, ARG_NZ_NUMBER, NEEDS_CLOCK, NULL },
	{ "YOUNGER", KEY_YOUNGER, ARG_NZ_NUMBER, NEEDS_CLOCK, NULL },
	{ "KEYWORD", KEY_KEYWORD, ARG_FLAG, 0, NULL },
	{ "UNKEYWORD", KEY_UNKEYWORD, ARG_FLAG, 0, NULL },
};

static int fail(struct parse *p, const char *msg)
{
	p->error = msg;
	return -1;
}

/* date = date-text / DQUOTE date-text DQUOTE; date-text = date-day "-"
 * date-month "-" date-year (§9), e.g. 1-Feb-1994. */
static int parse_date(struct parse *p, long *days)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	struct string s;
	int day, year, n = 0;
	char mon[4] = { 0 };
	if (parse_astring(p, &s) < 0)
		return -1;
	int d1 = s.len > 0 && isdigit((unsigned char)s.s[0]);
	int d2 = s.len > 1 && isdigit((unsigned char)s.s[1]);
	if (!d1 || s.len < 10 || s.len > 11)
		return fail(p, "Bad date");
	day = d2 ? (s.s[0] - '0') * 10 + s.s[1] - '0' : s.s[0] - '0';
	const char *r = s.s + (d2 ? 2 : 1);
	if (r[0] != '-' || r[4] != '-')
		return fail(p, "Bad date");
	for (int i = 0; i < 3; i++)
		mon[i] = (char)tolower((unsigned char)r[1 + i]);
	const char *m = strstr(months, mon);
	year = 0;
	for (n = 5; n < 9 && isdigit((unsigned char)r[n]); n++)
		year = year * 10 + r[n] - '0';
	if (!m || (m - months) % 3 || n != 9 || r[9] || day < 1 || day > 31)
		return fail(p, "Bad date");
	*days = mime_days_from_civil(year, (int)(m - months) / 3 + 1, day);
	return 0;
}

static int parse_arg(struct parse *p, struct key *k, enum arg arg)
{
	struct string s;
	if (parse_sp(p) < 0)
		return -1;
	switch (arg) {
	case ARG_DATE:
		return parse_date(p, &k->days);
	case ARG_NUMBER:
		return parse_number(p, &k->number);
	case ARG_NZ_NUMBER:     /* RFC 5032 §4: nz-number */
		return parse_nz_number(p, &k->number);
	case ARG_FLAG:          /* flag-keyword = atom */
		if (parse_atom(p, &s) < 0)
			return -1;
		k->string = s.s;
		return 0;
	case ARG_FIELD:         /* header-fld-name SP astring */
		if (parse_astring(p, &s) < 0 || parse_sp(p) < 0)
			return -1;
		k->field = s.s;
		/* FALLTHROUGH */
	case ARG_STRING:
		if (parse_astring(p, &s) < 0)
			return -1;
		k->string = s.s;
		return 0;
	}
	return -1;
}

static int parse_key(struct parse *p, struct key *k, unsigned *needs);

/* RFC 7162 §3.1.5: MODSEQ [entry-name SP entry-type-req SP]
 * mod-sequence-valzer. One MODSEQ per message is kept, so the entry
 * (a flag's name) is checked and then ignored, as the RFC says. */
static int parse_modseq_key(struct parse *p, struct key *k)
{
	struct string name, type;
	k->kind = KEY_MODSEQ;
	if (parse_sp(p) < 0)
		return -1;
	if (parse_peek(p) == '"' || parse_peek(p) == '{') {
		if (parse_string(p, &name) < 0 || parse_sp(p) < 0 ||
		    parse_atom(p, &type) < 0 || parse_sp(p) < 0)
			return -1;
		if (strncasecmp(name.s, "/flags/", 7) ||
		    (strcasecmp(type.s, "priv") && strcasecmp(type.s, "shared") &&
		     strcasecmp(type.s, "all")))
			return fail(p, "Bad MODSEQ entry");
	}
	return parse_modseq(p, &k->modseq);
}

/* search-key *(SP search-key) up to ')' or the end, as an AND chain. */
static int parse_keys(struct parse *p, struct key *k, int close,
		      unsigned *needs)
{
	k->kind = KEY_AND;
	k->a = k->b = NULL;
	struct key **tail = &k->a;
	do {
		if (*tail != NULL && parse_sp(p) < 0)
			return -1;
		struct key *n = parse_alloc(p, sizeof *n);
		if (!n || parse_key(p, n, needs) < 0)
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
static int parse_logic(struct parse *p, struct key *k, int or,
		       unsigned *needs)
{
	k->kind = or ? KEY_OR : KEY_NOT;
	if (++p->depth > IMAP_NESTING_MAX)      /* bounds the recursion */
		return fail(p, "Search keys nested too deep");
	k->a = parse_alloc(p, sizeof *k->a);
	if (!k->a || parse_sp(p) < 0 || parse_key(p, k->a, needs) < 0)
		return -1;
	if (or) {
		k->b = parse_alloc(p, sizeof *k->b);
		if (!k->b || parse_sp(p) < 0 || parse_key(p, k->b, needs) < 0)
			return -1;
	}
	p->depth--;
	return 0;
}

static int parse_word_key(struct parse *p, struct key *k, const char *w,
			  unsigned *needs)
{
	for (size_t i = 0; i < sizeof simple_keys / sizeof simple_keys[0]; i++)
		if (!strcasecmp(w, simple_keys[i].name)) {
			k->kind = simple_keys[i].kind;
			k->flag = simple_keys[i].flag;
			if (k->kind == KEY_NEW || k->kind == KEY_OLD ||
			    k->kind == KEY_RECENT)
				*needs |= SEARCH_USES_RECENT;
			return 0;
		}
	for (size_t i = 0; i < sizeof arg_keys / sizeof arg_keys[0]; i++)
		if (!strcasecmp(w, arg_keys[i].name)) {
			k->kind = arg_keys[i].kind;
			k->field = arg_keys[i].field;
			*needs |= arg_keys[i].needs;
			return parse_arg(p, k, arg_keys[i].arg);
		}
	if (!strcasecmp(w, "UID")) {
		k->kind = KEY_UID;
		if (parse_sp(p) < 0 || parse_seqset(p, &k->set) < 0)
			return -1;
		if (k->set.saved)
			*needs |= SEARCH_USES_NUMBERS;
		return 0;
	}
	if (!strcasecmp(w, "MODSEQ")) {
		*needs |= SEARCH_USES_MODSEQ;
		return parse_modseq_key(p, k);
	}
	if (!strcasecmp(w, "NOT") || !strcasecmp(w, "OR"))
		return parse_logic(p, k, !strcasecmp(w, "OR"), needs);
	return fail(p, "Unknown search key");
}

static int parse_key(struct parse *p, struct key *k, unsigned *needs)
{
	struct string w;
	memset(k, 0, sizeof *k);
	int c = parse_peek(p);
	if (c == '(') {
		if (parse_open(p) < 0 || parse_keys(p, k, 1, needs) < 0)
			return -1;
		return parse_close(p);
	}
	if ((c >= '0' && c <= '9') || c == '*' || c == '$') {
		k->kind = KEY_SEQ;
		*needs |= SEARCH_USES_NUMBERS;
		return parse_seqset(p, &k->set);
	}
	if (parse_atom(p, &w) < 0)
		return -1;
	return parse_word_key(p, k, w.s, needs);
}

int search_parse(struct parse *p, struct key *k, unsigned *needs)
{
	return parse_keys(p, k, 0, needs);
}
