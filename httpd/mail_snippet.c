/* mail_snippet.c - SearchSnippet/get (RFC 8621 §5.1): the subject and a
 * piece of the text of each Email with the words of the filter's "text",
 * "subject" and "body" conditions in <mark></mark>, HTML-escaped; null
 * where no word is found. Matching folds case as Email/query's does
 * (lib/mime_search); a text whose folding changes its length (a few
 * scripts) gets no marks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mail.h"
#include "mime_encoding.h"
#include "mime_search.h"

#define SNIPPET_TERMS 16        /* words taken from one filter */
#define SNIPPET_BEFORE 40       /* octets of text shown before a match */
#define SNIPPET_OCTETS 256      /* the preview snippet's length */

struct terms {
	const char *subject[SNIPPET_TERMS], *body[SNIPPET_TERMS];
	size_t nsubject, nbody;
};

/* The words of filter f (not under NOT). */
static void collect(const struct json *f, struct terms *t, int depth)
{
	const char *op = json_string(json_get(f, "operator"));
	if (!f || f->type != JSON_OBJECT || depth > JSON_DEPTH_MAX ||
	    (op && !strcmp(op, "NOT")))
		return;         /* NOT's words are not in the Email */
	if (op) {
		for (const struct json *c = json_get(f, "conditions") ?
		     json_get(f, "conditions")->child : NULL; c; c = c->next)
			collect(c, t, depth + 1);
		return;
	}
	for (const struct json *c = f->child; c; c = c->next) {
		const char *s = json_string(c);
		int text = !strcmp(c->key, "text");
		if (!s || !*s)
			continue;
		if ((text || !strcmp(c->key, "subject")) && t->nsubject < SNIPPET_TERMS)
			t->subject[t->nsubject++] = s;
		if ((text || !strcmp(c->key, "body")) && t->nbody < SNIPPET_TERMS)
			t->body[t->nbody++] = s;
	}
}

static void escape(struct bytes *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *e = p[i] == '<' ? "&lt;" : p[i] == '>' ? "&gt;" :
				p[i] == '&' ? "&amp;" : p[i] == '"' ? "&quot;" : NULL;
		if (e)
			bytes_append(out, e, strlen(e));
		else
			bytes_append_char(out, p[i]);
	}
}

/* Write s[0..n) with the words marked, from the first match less
 * before octets and at most max octets (0: all); null when no word is
 * there. */
static void write_marked(struct json_writer *w, const char *s, size_t n,
			 const char *const *words, size_t nwords,
			 size_t before, size_t max)
{
	struct bytes folded, fw, out;
	bytes_init(&folded, 4 * n + 16);
	bytes_init(&fw, 4096);
	bytes_init(&out, 8 * n + 64);
	size_t first = n, from = 0, end = n;
	unsigned char *mark = NULL;
	if (mime_fold(s, n, &folded) == 0 && folded.len == n && n &&
	    (mark = calloc(n, 1))) {
		for (size_t k = 0; k < nwords; k++) {
			bytes_clear(&fw);
			if (mime_fold(words[k], strlen(words[k]), &fw) < 0 || !fw.len)
				continue;
			for (const char *at = folded.data; (at = mime_find(at,
			     n - (size_t)(at - folded.data), fw.data, fw.len));
			     at += fw.len) {
				size_t pos = (size_t)(at - folded.data);
				memset(mark + pos, 1, fw.len);
				first = pos < first ? pos : first;
			}
		}
	}
	if (first == n) {
		json_null(w);
	} else {
		from = first > before ? first - before : 0;
		while (from > 0 && ((unsigned char)s[from] & 0xc0) == 0x80)
			from--;
		end = max && from + max < n ? from + max : n;
		while (end < n && ((unsigned char)s[end] & 0xc0) == 0x80)
			end--;
		for (size_t i = from; i < end; ) {
			size_t j = i;
			while (j < end && mark[j] == mark[i])
				j++;
			if (mark[i])
				bytes_append(&out, "<mark>", 6);
			escape(&out, s + i, j - i);
			if (mark[i])
				bytes_append(&out, "</mark>", 7);
			i = j;
		}
		json_strn(w, out.data ? out.data : "", out.len);
	}
	free(mark);
	bytes_free(&folded);
	bytes_free(&fw);
	bytes_free(&out);
}

/* The first text/plain part under p (or any text/ part), or NULL. */
static const struct mime_part *first_text(const struct mime_part *p, int plain)
{
	if (!p->child)
		return mime_is(p, "text", plain ? "plain" : NULL) &&
		       (!p->disposition.type || strcasecmp(p->disposition.type,
							    "attachment")) ? p : NULL;
	for (const struct mime_part *c = p->child; c; c = c->next) {
		const struct mime_part *t = first_text(c, plain);
		if (t)
			return t;
	}
	return NULL;
}

static void write_snippet(struct jmap_call *c, struct mail_ref *ref,
			  const char *id, const struct terms *t)
{
	struct bytes raw, a, b;
	struct mime_message *m = NULL;
	struct mime_field f;
	bytes_init(&raw, (size_t)c->s->maxsize * 2 + 65536);
	bytes_init(&a, MIME_DECODED_MAX);
	bytes_init(&b, MIME_DECODED_MAX);
	if (mail_read(ref, &raw, NULL) == 0 &&
	    (m = mime_parse(raw.data ? raw.data : "", raw.len))) {
		json_object_begin(&c->w);
		json_key(&c->w, "emailId");
		json_str(&c->w, id);
		json_key(&c->w, "subject");
		if (mime_header_find(m->buf + m->root->header_off,
				     m->root->header_len, "Subject", &f)) {
			mime_unfold(f.value, f.value_len, &a);
			mime_rfc2047_decode(bytes_str(&a), a.len, &b);
		}
		write_marked(&c->w, bytes_str(&b), b.len, t->subject,
			     t->nsubject, SIZE_MAX, 0);       /* all of it */
		bytes_clear(&a);
		const struct mime_part *p = first_text(m->root, 1);
		if (!p)
			p = first_text(m->root, 0);
		if (p)
			mime_part_decode(m, p, &a);
		for (size_t i = 0; i < a.len; i++)      /* one line */
			if (a.data[i] == '\n' || a.data[i] == '\r' || a.data[i] == '\t')
				a.data[i] = ' ';
		json_key(&c->w, "preview");
		write_marked(&c->w, bytes_str(&a), a.len, t->body, t->nbody,
			     SNIPPET_BEFORE, SNIPPET_OCTETS);
		json_end(&c->w);
	}
	mime_free(m);
	bytes_free(&raw);
	bytes_free(&a);
	bytes_free(&b);
}

/* What SearchSnippet/get writes each snippet with (mail_get_list). */
struct snippet_get {
	struct mail_account *a;
	const struct terms *t;
};

static int get_snippet(struct jmap_call *c, void *arg, const char *id)
{
	struct snippet_get *g = arg;
	struct mail_ref ref;
	if (mail_find(g->a, id, &ref) != 1)
		return 0;
	write_snippet(c, &ref, id, g->t);
	return 1;
}

void method_snippet_get(struct jmap_call *c)
{
	struct mail_account a;
	struct terms t;
	const struct json *ids = json_get(c->args, "emailIds");
	const struct json *filter = json_get(c->args, "filter");
	if (!jmap_account(c))
		return;
	if (!ids || ids->type != JSON_ARRAY) {
		jmap_invalid(c, "emailIds", "not an array");
		return;
	}
	if (ids->len > JMAP_OBJECTS_MAX) {
		jmap_error(c, "requestTooLarge", NULL);
		return;
	}
	if (filter && filter->type != JSON_NULL && filter->type != JSON_OBJECT) {
		jmap_invalid(c, "filter", "not an object");
		return;
	}
	memset(&t, 0, sizeof t);
	collect(filter, &t, 0);
	if (mail_open(c, &a) < 0)
		return;
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	struct snippet_get g = { &a, &t };
	mail_get_list(c, ids, get_snippet, &g);
	json_end(&c->w);
	mail_close(&a);
}
