/* fetch_parse.c - the fetch-att grammar of RFC 3501 §9. See fetch.h. */
#include "fetch.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "bytes.h"

#define FETCH_ATTS_MAX 64      /* attributes in one FETCH; §6.4.5 has 13 */

static int fail(struct parse *p, const char *msg)
{
	if (!p->error)
		p->error = msg;
	return -1;
}

static int add(struct parse *p, struct fetch_request *r,
	       const struct fetch_att *a)
{
	if (r->count == FETCH_ATTS_MAX)
		return fail(p, "Too many fetch attributes");
	r->v[r->count++] = *a;
	if (a->kind == FETCH_SECTION) {
		r->need_text = 1;
		r->sets_seen |= !a->peek;
	}
	r->has_flags |= a->kind == FETCH_FLAGS;
	r->has_uid |= a->kind == FETCH_UID;
	r->need_date |= a->kind == FETCH_INTERNALDATE;
	r->need_size |= a->kind == FETCH_SIZE;
	return 0;
}

/* header-list = "(" header-fld-name *(SP header-fld-name) ")"; the names
 * are echoed in the reply, so only atom characters are taken. */
static int header_list(struct parse *p, struct fetch_att *a, struct bytes *l)
{
	struct string name;
	size_t cap = 0;
	if (parse_sp(p) < 0 || parse_open(p) < 0)
		return -1;
	for (size_t i = p->pos; i < p->len && p->buf[i] != ')'; i++)
		cap += p->buf[i] == ' ';
	a->fields = parse_alloc(p, (cap + 1) * sizeof *a->fields);
	if (!a->fields || bytes_append_str(l, " (") < 0)
		return fail(p, "Out of memory");
	do {
		if (a->nfields && parse_sp(p) < 0)
			return -1;
		if (parse_astring(p, &name) < 0)
			return -1;
		for (size_t i = 0; i < name.len; i++)
			if (!is_atom_char((unsigned char)name.s[i]) ||
			    name.s[i] == ':')
				return fail(p, "Bad header field name");
		if (a->nfields > cap || !name.len)
			return fail(p, "Bad header list");
		a->fields[a->nfields++] = name.s;
		if (bytes_appendf(l, "%s%s", a->nfields > 1 ? " " : "",
				  name.s) < 0)
			return fail(p, "Out of memory");
	} while (parse_peek(p) != ')');
	if (parse_close(p) < 0 || bytes_append_str(l, ")") < 0)
		return -1;
	return 0;
}

/* "[" [section-spec] "]" of part 1: HEADER, HEADER.FIELDS[.NOT], TEXT. */
static int section(struct parse *p, struct fetch_att *a, struct bytes *l)
{
	struct string spec = { 0 };
	if (parse_char(p, '[') < 0 || bytes_append_str(l, "[") < 0)
		return -1;
	if (parse_peek(p) != ']' && parse_name(p, &spec) < 0)
		return -1;
	if (!spec.s)
		a->section = SECTION_ALL;
	else if (!strcasecmp(spec.s, "HEADER"))
		a->section = SECTION_HEADER;
	else if (!strcasecmp(spec.s, "TEXT"))
		a->section = SECTION_TEXT;
	else if (!strcasecmp(spec.s, "HEADER.FIELDS"))
		a->section = SECTION_FIELDS;
	else if (!strcasecmp(spec.s, "HEADER.FIELDS.NOT"))
		a->section = SECTION_FIELDS_NOT;
	else
		return fail(p, "Unsupported section");
	static const char *const names[] = { "", "HEADER", "HEADER.FIELDS",
		"HEADER.FIELDS.NOT", "TEXT" };
	if (bytes_append_str(l, names[a->section]) < 0)
		return fail(p, "Out of memory");
	if ((a->section == SECTION_FIELDS || a->section == SECTION_FIELDS_NOT)
	    && header_list(p, a, l) < 0)
		return -1;
	if (parse_char(p, ']') < 0 || bytes_append_str(l, "]") < 0)
		return fail(p, "Expected ]");
	return 0;
}

/* "<" number "." nz-number ">" */
static int partial(struct parse *p, struct fetch_att *a, struct bytes *l)
{
	if (parse_peek(p) != '<')
		return 0;
	p->pos++;
	if (parse_number(p, &a->offset) < 0 || parse_char(p, '.') < 0 ||
	    parse_nz_number(p, &a->length) < 0 || parse_char(p, '>') < 0)
		return fail(p, "Bad partial range");
	a->partial = 1;
	return bytes_appendf(l, "<%lu>", (unsigned long)a->offset);
}

static int label(struct parse *p, struct fetch_att *a, const char *s)
{
	a->label = parse_alloc(p, strlen(s) + 1);
	if (!a->label)
		return -1;
	memcpy(a->label, s, strlen(s) + 1);
	return 0;
}

static int body_att(struct parse *p, struct fetch_att *a, int peek)
{
	struct bytes l;
	bytes_init(&l, 2 * 65536);
	a->kind = FETCH_SECTION;
	a->peek = peek;
	int rc = bytes_append_str(&l, "BODY") < 0 || section(p, a, &l) < 0 ||
		 partial(p, a, &l) < 0 ? -1 : label(p, a, bytes_str(&l));
	bytes_free(&l);
	return rc;
}

static const struct {
	const char *name;
	enum fetch_kind kind;
	enum fetch_section section;
	int peek;
} simple[] = {
	{ "UID", FETCH_UID, 0, 1 },
	{ "FLAGS", FETCH_FLAGS, 0, 1 },
	{ "INTERNALDATE", FETCH_INTERNALDATE, 0, 1 },
	{ "RFC822.SIZE", FETCH_SIZE, 0, 1 },
	{ "RFC822", FETCH_SECTION, SECTION_ALL, 0 },
	{ "RFC822.HEADER", FETCH_SECTION, SECTION_HEADER, 1 },
	{ "RFC822.TEXT", FETCH_SECTION, SECTION_TEXT, 0 },
};

static int one_att(struct parse *p, struct fetch_request *r)
{
	struct string w;
	struct fetch_att a;
	memset(&a, 0, sizeof a);
	if (parse_name(p, &w) < 0)
		return -1;
	if (!strcasecmp(w.s, "BODY") && parse_peek(p) == '[')
		return body_att(p, &a, 0) < 0 ? -1 : add(p, r, &a);
	if (!strcasecmp(w.s, "BODY.PEEK"))
		return body_att(p, &a, 1) < 0 ? -1 : add(p, r, &a);
	for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
		if (strcasecmp(w.s, simple[i].name))
			continue;
		a.kind = simple[i].kind;
		a.section = simple[i].section;
		a.peek = simple[i].peek;
		if (label(p, &a, simple[i].name) < 0)
			return -1;
		return add(p, r, &a);
	}
	if (!strcasecmp(w.s, "ENVELOPE") || !strcasecmp(w.s, "BODY") ||
	    !strcasecmp(w.s, "BODYSTRUCTURE"))
		return fail(p, "Fetch item not supported yet");
	return fail(p, "Unknown fetch item");
}

/* §6.4.5 macros: FAST = (FLAGS INTERNALDATE RFC822.SIZE); ALL and FULL
 * add ENVELOPE (and BODY), which part 2 brings. */
static int macro(struct parse *p, struct fetch_request *r, const char *w)
{
	static const enum fetch_kind fast[] = { FETCH_FLAGS,
		FETCH_INTERNALDATE, FETCH_SIZE };
	static const char *const names[] = { "FLAGS", "INTERNALDATE",
		"RFC822.SIZE" };
	if (strcasecmp(w, "FAST"))
		return fail(p, "Fetch macro not supported yet");
	for (size_t i = 0; i < 3; i++) {
		struct fetch_att a = { .kind = fast[i], .peek = 1 };
		if (label(p, &a, names[i]) < 0 || add(p, r, &a) < 0)
			return -1;
	}
	return 0;
}

int fetch_parse(struct parse *p, struct fetch_request *r)
{
	memset(r, 0, sizeof *r);
	r->v = parse_alloc(p, FETCH_ATTS_MAX * sizeof *r->v);
	if (!r->v)
		return -1;
	if (parse_peek(p) != '(') {
		size_t save = p->pos;
		struct string w;
		if (parse_name(p, &w) < 0)
			return -1;
		if (!strcasecmp(w.s, "ALL") || !strcasecmp(w.s, "FAST") ||
		    !strcasecmp(w.s, "FULL"))
			return macro(p, r, w.s);
		p->pos = save;
		return one_att(p, r);
	}
	if (parse_open(p) < 0)
		return -1;
	do {
		if (r->count && parse_sp(p) < 0)
			return -1;
		if (one_att(p, r) < 0)
			return -1;
	} while (parse_peek(p) != ')');
	return parse_close(p);
}
