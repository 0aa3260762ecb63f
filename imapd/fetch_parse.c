/* fetch_parse.c - the fetch-att grammar of RFC 3501 §9. See fetch.h. */
#include "fetch.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "bytes.h"

#define FETCH_ATTS_MAX 64      /* attributes in one FETCH; §6.4.5 has 13 */
#define SECTION_PARTS_MAX 32   /* part numbers in a section: the MIME depth */

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
	switch (a->kind) {
	case FETCH_SECTION:
		r->need_text = 1;
		r->sets_seen |= !a->peek;
		/* a part number needs the structure */
		r->need_mime |= a->spec[0] >= '1' && a->spec[0] <= '9';
		break;
	case FETCH_BINARY:
	case FETCH_BINARY_SIZE:
		r->need_text = 1;
		r->need_mime |= a->spec[0] >= '1' && a->spec[0] <= '9';
		r->sets_seen |= !a->peek;
		break;
	case FETCH_BODY:
		r->need_body = 1;
		break;
	case FETCH_BODYSTRUCTURE:
		r->need_structure = 1;
		break;
	case FETCH_ENVELOPE:
		r->need_envelope = 1;
		break;
	default:
		break;
	}
	r->has_flags |= a->kind == FETCH_FLAGS;
	r->has_uid |= a->kind == FETCH_UID;
	r->has_modseq |= a->kind == FETCH_MODSEQ;
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
	a->names = parse_alloc(p, (cap + 1) * sizeof *a->names);
	if (!a->names || bytes_append_str(l, " (") < 0)
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
		a->names[a->nfields++] = name.s;
		if (bytes_appendf(l, "%s%s", a->nfields > 1 ? " " : "",
				  name.s) < 0)
			return fail(p, "Out of memory");
	} while (parse_peek(p) != ')');
	if (parse_close(p) < 0 || bytes_append_str(l, ")") < 0)
		return -1;
	return 0;
}

/* section-spec = section-msgtext / (section-part ["." section-text]);
 * section-part = nz-number *("." nz-number); section-text =
 * section-msgtext / "MIME" (§9). s is upper case. Returns the field list
 * kind (0 none, 1 FIELDS, 2 FIELDS.NOT), or -1 when s is not one. */
static int spec_check(const char *s)
{
	int parts = 0;
	while (*s >= '1' && *s <= '9') {
		size_t digits = strspn(s, "0123456789");
		if (digits > 9 || ++parts > SECTION_PARTS_MAX)
			return -1;
		s += digits;
		if (*s == '\0')
			return 0;
		if (*s++ != '.')
			return -1;
	}
	if (!strcmp(s, "") && parts == 0)
		return 0;
	if (!strcmp(s, "HEADER") || !strcmp(s, "TEXT") ||
	    (parts && !strcmp(s, "MIME")))
		return 0;
	if (!strcmp(s, "HEADER.FIELDS"))
		return 1;
	if (!strcmp(s, "HEADER.FIELDS.NOT"))
		return 2;
	return -1;
}

/* "[" [section-spec] "]" */
static int section(struct parse *p, struct fetch_att *a, struct bytes *l)
{
	struct string spec = { .s = "", .len = 0 };
	if (parse_char(p, '[') < 0 || bytes_append_str(l, "[") < 0)
		return -1;
	if (parse_peek(p) != ']' && parse_name(p, &spec) < 0)
		return -1;
	a->spec = parse_alloc(p, spec.len + 1);
	if (!a->spec)
		return -1;
	for (size_t i = 0; i <= spec.len; i++)
		a->spec[i] = (char)toupper((unsigned char)spec.s[i]);
	a->fields = spec_check(a->spec);
	if (a->fields < 0)
		return fail(p, "Bad section");
	if (bytes_append_str(l, a->spec) < 0)
		return fail(p, "Out of memory");
	if (a->fields && header_list(p, a, l) < 0)
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

/* RFC 3516 §7: "BINARY" [".PEEK"] section-binary [partial] /
 * "BINARY.SIZE" section-binary; section-binary = "[" [section-part] "]". */
static int binary_att(struct parse *p, struct fetch_att *a,
		      enum fetch_kind kind, int peek)
{
	struct string spec = { .s = "", .len = 0 };
	struct bytes l;
	a->kind = kind;
	a->peek = peek || kind == FETCH_BINARY_SIZE;
	if (parse_char(p, '[') < 0 ||
	    (parse_peek(p) != ']' && parse_name(p, &spec) < 0))
		return -1;
	if (spec.len && (strspn(spec.s, "0123456789.") != spec.len ||
			 spec_check(spec.s) != 0))
		return fail(p, "Bad section");
	a->spec = spec.s;
	if (parse_char(p, ']') < 0)
		return fail(p, "Expected ]");
	bytes_init(&l, 256);
	int rc = bytes_appendf(&l, "%s[%s]", kind == FETCH_BINARY ? "BINARY" :
			       "BINARY.SIZE", spec.s) < 0 ? -1 : 0;
	if (rc == 0 && kind == FETCH_BINARY)
		rc = partial(p, a, &l);
	if (rc == 0)
		rc = label(p, a, bytes_str(&l));
	bytes_free(&l);
	return rc;
}

static const struct {
	const char *name;
	enum fetch_kind kind;
	const char *spec;
	int peek;
} simple[] = {
	{ "UID", FETCH_UID, NULL, 1 },
	{ "FLAGS", FETCH_FLAGS, NULL, 1 },
	{ "INTERNALDATE", FETCH_INTERNALDATE, NULL, 1 },
	{ "RFC822.SIZE", FETCH_SIZE, NULL, 1 },
	{ "ENVELOPE", FETCH_ENVELOPE, NULL, 1 },
	{ "BODY", FETCH_BODY, NULL, 1 },
	{ "BODYSTRUCTURE", FETCH_BODYSTRUCTURE, NULL, 1 },
	{ "RFC822", FETCH_SECTION, "", 0 },
	{ "RFC822.HEADER", FETCH_SECTION, "HEADER", 1 },
	{ "RFC822.TEXT", FETCH_SECTION, "TEXT", 0 },
	{ "MODSEQ", FETCH_MODSEQ, NULL, 1 },
};

static int simple_att(struct parse *p, struct fetch_request *r, size_t i)
{
	struct fetch_att a;
	memset(&a, 0, sizeof a);
	a.kind = simple[i].kind;
	a.spec = (char *)simple[i].spec;
	a.peek = simple[i].peek;
	if (label(p, &a, simple[i].name) < 0)
		return -1;
	return add(p, r, &a);
}

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
	if (!strcasecmp(w.s, "BINARY") || !strcasecmp(w.s, "BINARY.PEEK") ||
	    !strcasecmp(w.s, "BINARY.SIZE"))
		return binary_att(p, &a, strcasecmp(w.s, "BINARY.SIZE") ?
				  FETCH_BINARY : FETCH_BINARY_SIZE,
				  !strcasecmp(w.s, "BINARY.PEEK")) < 0 ? -1 :
		       add(p, r, &a);
	for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
		if (!strcasecmp(w.s, simple[i].name))
			return simple_att(p, r, i);
	return fail(p, "Unknown fetch item");
}

/* §6.4.5 macros: ALL = (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE),
 * FAST = (FLAGS INTERNALDATE RFC822.SIZE), FULL = ALL + BODY. */
static int macro(struct parse *p, struct fetch_request *r, const char *w)
{
	static const size_t fast[] = { 1, 2, 3 }, all[] = { 1, 2, 3, 4 },
		full[] = { 1, 2, 3, 4, 5 };
	const size_t *v = full;
	size_t n = 5;
	if (!strcasecmp(w, "FAST"))
		v = fast, n = 3;
	else if (!strcasecmp(w, "ALL"))
		v = all, n = 4;
	for (size_t i = 0; i < n; i++)
		if (simple_att(p, r, v[i]) < 0)
			return -1;
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
