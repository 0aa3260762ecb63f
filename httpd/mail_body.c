/* mail_body.c - an Email's body properties (RFC 8621 §4.1.4): the part
 * tree, textBody/htmlBody/attachments by the RFC's parseStructure
 * algorithm, bodyValues, preview, hasAttachment; over lib/mime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mail.h"
#include "mime_encoding.h"
#include "mime_search.h"

/* The preview is made from the first 64 KiB of the text, decoded. */
#define PREVIEW_TEXT_MAX MIME_DECODE_PIECE

struct part_list {
	const struct mime_part **v;
	size_t n;
};

static void push(struct part_list *l, const struct mime_part *p)
{
	if (l->n < MIME_PARTS_MAX)
		l->v[l->n++] = p;
}

static int is_inline_media(const struct mime_part *p)
{
	return mime_is(p, "image", NULL) || mime_is(p, "audio", NULL) ||
	       mime_is(p, "video", NULL);
}

static const char *part_name_raw(const struct mime_part *p)
{
	const struct mime_param *n = mime_param_find(&p->disposition, "filename");
	if (!n)
		n = mime_param_find(&p->ctype, "name");
	return n ? n->value : NULL;
}

static int is_attachment(const struct mime_part *p)
{
	return p->disposition.type && !strcasecmp(p->disposition.type,
						  "attachment");
}

/* RFC 8621 §4.1.4 parseStructure, over the children of a multipart.
 * text_on and html_on are the RFC's "textBody/htmlBody is not null":
 * local to a call, as the RFC's variables are. */
static void parse_structure(const struct mime_part *first, const char *mtype,
			    int in_alt, struct part_list *html,
			    struct part_list *text, struct part_list *att,
			    int html_on, int text_on)
{
	size_t tlen = text->n, hlen = html->n, i = 0;
	for (const struct mime_part *p = first; p; p = p->next, i++) {
		int plain = mime_is(p, "text", "plain"), h = mime_is(p, "text", "html");
		int is_inline = !is_attachment(p) && (plain || h || is_inline_media(p)) &&
			(i == 0 || (strcasecmp(mtype, "related") &&
				    (is_inline_media(p) || !part_name_raw(p))));
		if (mime_is(p, "multipart", NULL) && p->child) {
			const char *sub = p->ctype.subtype;
			parse_structure(p->child, sub, in_alt ||
					!strcasecmp(sub, "alternative"), html, text,
					att, html_on, text_on);
		} else if (is_inline) {
			if (!strcasecmp(mtype, "alternative")) {
				push(plain ? text : h ? html : att, p);
				continue;
			}
			if (in_alt && plain)
				html_on = 0;
			if (in_alt && h)
				text_on = 0;
			if (text_on)
				push(text, p);
			if (html_on)
				push(html, p);
			if ((!text_on || !html_on) && is_inline_media(p))
				push(att, p);
		} else {
			push(att, p);
		}
	}
	if (!strcasecmp(mtype, "alternative") && text_on && html_on) {
		size_t tn = text->n, hn = html->n;
		if (tlen == tn && hlen != hn)
			for (size_t k = hlen; k < hn; k++)
				push(text, html->v[k]);
		if (hlen == hn && tlen != tn)
			for (size_t k = tlen; k < tn; k++)
				push(html, text->v[k]);
	}
}

/* The part number of p ("1.2"; a leaf root is "1") into out. */
static void part_number(const struct mime_part *p, char *out, size_t size)
{
	size_t idx[MIME_DEPTH_MAX + 2], depth = 0, used = 0;
	if (!p->parent) {
		snprintf(out, size, "1");
		return;
	}
	for (const struct mime_part *c = p; c->parent && depth < MIME_DEPTH_MAX + 2;
	     c = c->parent) {
		size_t n = 1;
		for (const struct mime_part *s = c->parent->child; s && s != c;
		     s = s->next)
			n++;
		idx[depth++] = n;
	}
	out[0] = '\0';
	while (depth-- > 0 && used < size) {
		int k = snprintf(out + used, size - used, "%s%zu",
				 used ? "." : "", idx[depth]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

const struct mime_part *mail_part_find(const struct mime_message *m,
				       const char *number)
{
	const struct mime_part *p = m->root;
	if (!p->child || !mime_is(p, "multipart", NULL))
		return !strcmp(number, "1") ? p : NULL;
	while (*number) {
		char *end;
		long n = strtol(number, &end, 10);
		if (end == number || n < 1 || !p->child ||
		    !mime_is(p, "multipart", NULL))
			return NULL;
		p = p->child;
		while (p && --n > 0)
			p = p->next;
		if (!p || (*end && *end != '.'))
			return NULL;
		number = *end ? end + 1 : end;
	}
	return p;
}

static int count_piece(void *ctx, const char *p, size_t n)
{
	(void)p;
	*(size_t *)ctx += n;
	return 0;
}

/* The octets of leaf p's content (RFC 8621 §4.1.4 size): base64 and
 * quoted-printable decoded and counted a piece at a time; any other
 * encoding is the text itself, in CRLF form. */
static size_t content_size(const struct mime_message *m,
			   const struct mime_part *p)
{
	const char *e = p->encoding;
	size_t n = 0;
	if (!e || (strcasecmp(e, "base64") && strcasecmp(e, "quoted-printable")))
		return p->size;
	mime_part_unencode_each(m, p, count_piece, &n);
	return n;
}

static void write_optional(struct json_writer *w, const char *key,
			   const char *v)
{
	json_key(w, key);
	if (v)
		json_str(w, v);
	else
		json_null(w);
}

static void write_part(struct json_writer *w, const struct mime_message *m,
		       const struct mime_part *p, const struct mail_body_options *o,
		       int tree)
{
	char num[256], blob[512], type[256];
	int multi = mime_is(p, "multipart", NULL) && p->child;
	json_object_begin(w);
	part_number(p, num, sizeof num);
	json_key(w, "partId");
	if (multi)
		json_null(w);
	else
		json_str(w, num);
	json_key(w, "blobId");
	if (multi) {
		json_null(w);
	} else {
		for (char *c = num; *c; c++)
			if (*c == '.')
				*c = 'x';
		int n = snprintf(blob, sizeof blob, "P%s", num);
		mail_id('-', o->unique, blob + n, sizeof blob - (size_t)n);
		json_str(w, blob);
	}
	struct bytes d;
	bytes_init(&d, MIME_DECODED_MAX);
	json_key(w, "size");
	json_int64(w, (int64_t)(multi ? p->size : content_size(m, p)));
	const struct mime_param *name = NULL;
	if (part_name_raw(p)) {
		name = mime_param_find(&p->disposition, "filename");
		if (!name)
			name = mime_param_find(&p->ctype, "name");
		struct bytes raw;
		bytes_init(&raw, 65536);
		mime_param_decode(name, &raw);
		mime_rfc2047_decode(bytes_str(&raw), raw.len, &d);
		bytes_free(&raw);
	}
	write_optional(w, "name", name ? bytes_str(&d) : NULL);
	bytes_free(&d);
	snprintf(type, sizeof type, "%s/%s", p->ctype.type, p->ctype.subtype);
	for (char *c = type; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	json_key(w, "type");
	json_str(w, type);
	const struct mime_param *cs = mime_param_find(&p->ctype, "charset");
	write_optional(w, "charset", cs ? cs->value : mime_is(p, "text", NULL)
		       ? "us-ascii" : NULL);
	write_optional(w, "disposition", p->disposition.type);
	struct bytes cid;
	bytes_init(&cid, 1024);
	if (p->id)
		for (const char *c = p->id; *c; c++)
			if (*c != '<' && *c != '>')
				bytes_append_char(&cid, *c);
	write_optional(w, "cid", p->id ? bytes_str(&cid) : NULL);
	bytes_free(&cid);
	json_key(w, "language");
	if (p->nlanguages) {
		json_array_begin(w);
		for (size_t i = 0; i < p->nlanguages; i++)
			json_str(w, p->languages[i]);
		json_end(w);
	} else {
		json_null(w);
	}
	write_optional(w, "location", p->location);
	if (tree && multi) {
		json_key(w, "subParts");
		json_array_begin(w);
		for (const struct mime_part *c = p->child; c; c = c->next)
			write_part(w, m, c, o, 1);
		json_end(w);
	}
	json_end(w);
}

static void write_list(struct json_writer *w, const char *key,
		       const struct mime_message *m, const struct part_list *l,
		       const struct mail_body_options *o)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < l->n; i++)
		write_part(w, m, l->v[i], o, 0);
	json_end(w);
}

/* The first max octets of p's decoded text into d (decoded a piece at
 * a time, no further than needed): 1 when there is more, 0, -1. */
struct prefix {
	struct bytes *d;
	size_t max;
};

static int prefix_piece(void *ctx, const char *p, size_t n)
{
	struct prefix *x = ctx;
	size_t room = x->max - x->d->len;
	if (bytes_append(x->d, p, n < room ? n : room) < 0)
		return -1;
	return n > room;
}

static int decoded_prefix(const struct mime_message *m,
			  const struct mime_part *p, size_t max, struct bytes *d)
{
	struct prefix x = { d, max };
	return mime_part_decode_each(m, p, prefix_piece, &x);
}

/* One bodyValues entry: the decoded text, cut at a character boundary:
 * at the client's maxBodyValueBytes, and at JMAP_BODY_VALUE_MAX. */
static void write_value(struct json_writer *w, const struct mime_message *m,
			const struct mime_part *p, size_t max)
{
	char num[256];
	struct bytes d;
	bytes_init(&d, MIME_DECODED_MAX);
	if (max == 0 || max > JMAP_BODY_VALUE_MAX)
		max = JMAP_BODY_VALUE_MAX;
	/* one octet more than kept: to know whether there was more */
	decoded_prefix(m, p, max + 1, &d);
	size_t n = d.len;
	int cut = n > max;
	if (cut) {
		n = max;
		while (n > 0 && ((unsigned char)d.data[n] & 0xc0) == 0x80)
			n--;
	}
	part_number(p, num, sizeof num);
	json_key(w, num);
	json_object_begin(w);
	json_key(w, "value");
	json_strn(w, d.data ? d.data : "", n);
	json_key(w, "isEncodingProblem");
	json_bool(w, 0);
	json_key(w, "isTruncated");
	json_bool(w, cut);
	json_end(w);
	bytes_free(&d);
}

/* The preview (RFC 8621 §4.1.4) of the first text/plain part in text
 * into out: white space runs as one space, at most PREVIEW_MAX
 * characters, cut at a character boundary. */
static void make_preview(const struct mime_message *m,
			 const struct part_list *text, struct bytes *out)
{
	struct bytes d;
	bytes_init(&d, MIME_DECODED_MAX);
	for (size_t i = 0; i < text->n && !d.len; i++)
		if (mime_is(text->v[i], "text", "plain"))
			decoded_prefix(m, text->v[i], PREVIEW_TEXT_MAX, &d);
	size_t chars = 0;
	int space = 0;
	for (size_t i = 0; i < d.len && chars < PREVIEW_MAX; i++) {
		unsigned char c = (unsigned char)d.data[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = out->len > 0;
			continue;
		}
		if (space && bytes_append_char(out, ' ') == 0)
			chars++;
		space = 0;
		bytes_append_char(out, (char)c);
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	while (out->len && ((unsigned char)out->data[out->len - 1] & 0xc0) == 0xc0)
		out->len--;
	bytes_free(&d);
}

static void write_preview(struct json_writer *w, const struct mime_message *m,
			  const struct part_list *text)
{
	struct bytes out;
	bytes_init(&out, 4 * PREVIEW_MAX + 4);
	make_preview(m, text, &out);
	json_key(w, "preview");
	json_strn(w, out.data ? out.data : "", out.len);
	bytes_free(&out);
}

/* The text, html and attachment lists of m (parseStructure, §4.1.4)
 * in v (3 * (nparts + 1) entries). */
static void body_lists(const struct mime_message *m, const struct mime_part **v,
		       struct part_list *text, struct part_list *html,
		       struct part_list *att)
{
	*text = (struct part_list){ v, 0 };
	*html = (struct part_list){ v + m->nparts + 1, 0 };
	*att = (struct part_list){ v + 2 * (m->nparts + 1), 0 };
	const struct mime_part *r = m->root;
	if (mime_is(r, "multipart", NULL) && r->child)
		parse_structure(r->child, r->ctype.subtype,
				!strcasecmp(r->ctype.subtype, "alternative"),
				html, text, att, 1, 1);
	else
		parse_structure(r, "mixed", 0, html, text, att, 1, 1);
}

int mail_body_brief(const struct mime_message *m, int *has_attachment,
		    struct bytes *preview)
{
	struct part_list text, html, att;
	const struct mime_part **v = calloc(3 * (m->nparts + 1), sizeof *v);
	if (!v)
		return -1;
	body_lists(m, v, &text, &html, &att);
	*has_attachment = att.n > 0;
	make_preview(m, &text, preview);
	free(v);
	return 0;
}

void mail_body_write(struct json_writer *w, const struct mime_message *m,
		     int want, const struct mail_body_options *o)
{
	const struct mime_part **v = calloc(3 * (m->nparts + 1), sizeof *v);
	if (!v) {
		w->error = 1;
		return;
	}
	struct part_list text, html, att;
	const struct mime_part *r = m->root;
	body_lists(m, v, &text, &html, &att);
	if (want & MAIL_BODY_STRUCTURE) {
		json_key(w, "bodyStructure");
		write_part(w, m, r, o, 1);
	}
	if (want & MAIL_BODY_TEXT)
		write_list(w, "textBody", m, &text, o);
	if (want & MAIL_BODY_HTML)
		write_list(w, "htmlBody", m, &html, o);
	if (want & MAIL_BODY_ATTACHMENTS)
		write_list(w, "attachments", m, &att, o);
	if (want & MAIL_BODY_HAS_ATTACHMENT) {
		json_key(w, "hasAttachment");
		json_bool(w, att.n > 0);
	}
	if (want & MAIL_BODY_PREVIEW)
		write_preview(w, m, &text);
	if (want & MAIL_BODY_VALUES) {
		json_key(w, "bodyValues");
		json_object_begin(w);
		/* each part once: text ones first, then html ones */
		int tv = o->text_values || o->all_values;
		int hv = o->html_values || o->all_values;
		for (size_t i = 0; tv && i < text.n; i++)
			if (mime_is(text.v[i], "text", NULL))
				write_value(w, m, text.v[i], o->max_value_bytes);
		for (size_t i = 0; hv && i < html.n; i++) {
			int dup = 0;
			for (size_t k = 0; tv && k < text.n; k++)
				dup |= text.v[k] == html.v[i];
			if (!dup && mime_is(html.v[i], "text", NULL))
				write_value(w, m, html.v[i], o->max_value_bytes);
		}
		json_end(w);
	}
	free(v);
}
