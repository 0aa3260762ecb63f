/* mail_snippet.c - SearchSnippet/get (RFC 8621 §5.1): the subject and a
 * piece of the text of each Email with the words of the filter's "text",
 * "subject" and "body" conditions in <mark></mark>, HTML-escaped; null
 * where no word is found. Matching folds case as Email/query's does
 * (lib/mime_search); a text whose folding changes its length (a few
 * scripts) gets no marks. The message is parsed from its file and its
 * text decoded a piece at a time (lib/mime): never held whole. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
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

/* The preview's text, found a piece at a time in the decoded text: the
 * words are searched in what came since the last piece and the tail
 * before it (SNIPPET_BEFORE, the longest word and a character more), so
 * that the first match and the SNIPPET_BEFORE octets before it are seen
 * as in the whole text; from there SNIPPET_OCTETS octets and the longest
 * word more are kept (text), which is what write_marked shows of the
 * whole text. Every piece is folded to tell whether folding changes the
 * text's length (then there are no marks). */
struct preview_scan {
	size_t nwords, longest;
	struct bytes folded_words[SNIPPET_TERMS];
	struct bytes held, folded;      /* the tail and the new piece */
	struct bytes text;              /* from the snippet's start */
	int found, shrinks;
};

/* The first word in x->folded, or SIZE_MAX. */
static size_t first_word(struct preview_scan *x)
{
	size_t first = SIZE_MAX;
	for (size_t k = 0; k < x->nwords; k++) {
		const struct bytes *fw = &x->folded_words[k];
		const char *at = fw->len ? mime_find(x->folded.data, x->folded.len,
						     fw->data, fw->len) : NULL;
		if (at && (size_t)(at - x->folded.data) < first)
			first = (size_t)(at - x->folded.data);
	}
	return first;
}

/* Keep text[from..] of held, up to what the snippet shows. */
static int keep_text(struct preview_scan *x, const char *p, size_t n)
{
	size_t room = SNIPPET_OCTETS + x->longest + 1 - x->text.len;
	return bytes_append(&x->text, p, n < room ? n : room);
}

static int preview_piece(void *ctx, const char *p, size_t n)
{
	struct preview_scan *x = ctx;
	size_t at = x->held.len, tail = SNIPPET_BEFORE + x->longest + 3;
	if (bytes_append(&x->held, p, n) < 0)
		return -1;
	for (char *c = x->held.data + at; c < x->held.data + at + n; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')  /* one line */
			*c = ' ';
	if (mime_fold(x->held.data + at, n, &x->folded) < 0)
		return -1;
	if (x->folded.len != x->held.len)
		return x->shrinks = 1;          /* no marks: done */
	if (x->found) {
		if (keep_text(x, x->held.data + at, n) < 0)
			return -1;
	} else if ((x->found = (at = first_word(x)) != SIZE_MAX)) {
		size_t from = at > SNIPPET_BEFORE ? at - SNIPPET_BEFORE : 0;
		while (from > 0 && ((unsigned char)x->held.data[from] & 0xc0) == 0x80)
			from--;
		if (keep_text(x, x->held.data + from, x->held.len - from) < 0)
			return -1;
	} else if (x->held.len > tail) {
		memmove(x->held.data, x->held.data + x->held.len - tail, tail);
		memmove(x->folded.data, x->folded.data + x->folded.len - tail, tail);
		bytes_truncate(&x->held, tail);
		bytes_truncate(&x->folded, tail);
	}
	if (x->found) {
		bytes_clear(&x->held);
		bytes_clear(&x->folded);
	}
	return 0;
}

/* "preview": the text of part p with the words words[0..n) marked (or
 * null), as write_marked would write it of the whole text. */
static void write_preview(struct json_writer *w, const struct mime_message *m,
			  const struct mime_part *p, const char *const *words,
			  size_t n)
{
	struct preview_scan x = { .nwords = 0 };
	bytes_init(&x.held, MIME_DECODED_MAX);
	bytes_init(&x.folded, MIME_DECODED_MAX);
	bytes_init(&x.text, MIME_DECODED_MAX);
	for (size_t k = 0; k < n; k++) {
		struct bytes *fw = &x.folded_words[x.nwords];
		bytes_init(fw, 4096);
		if (mime_fold(words[k], strlen(words[k]), fw) < 0 || !fw->len) {
			bytes_free(fw);
			continue;
		}
		x.longest = fw->len > x.longest ? fw->len : x.longest;
		x.nwords++;
	}
	if (p && x.nwords)
		mime_part_decode_each(m, p, preview_piece, &x);
	if (x.found && !x.shrinks)
		write_marked(w, x.text.data, x.text.len, words, n,
			     SNIPPET_BEFORE, SNIPPET_OCTETS);
	else
		json_null(w);
	for (size_t k = 0; k < x.nwords; k++)
		bytes_free(&x.folded_words[k]);
	bytes_free(&x.held);
	bytes_free(&x.folded);
	bytes_free(&x.text);
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
	struct bytes a, b;
	struct mime_field f;
	int fd;
	size_t hn;
	struct mime_message *m = mail_parse(ref, &fd, NULL);
	if (!m)
		return;
	bytes_init(&a, MIME_DECODED_MAX);
	bytes_init(&b, MIME_DECODED_MAX);
	json_object_begin(&c->w);
	json_key(&c->w, "emailId");
	json_str(&c->w, id);
	json_key(&c->w, "subject");
	const char *h = mime_part_header(m, m->root, &hn);
	if (mime_header_find(h, hn, "Subject", &f)) {
		mime_unfold(f.value, f.value_len, &a);
		mime_rfc2047_decode(bytes_str(&a), a.len, &b);
	}
	write_marked(&c->w, bytes_str(&b), b.len, t->subject, t->nsubject,
		     SIZE_MAX, 0);                      /* all of it */
	const struct mime_part *p = first_text(m->root, 1);
	json_key(&c->w, "preview");
	write_preview(&c->w, m, p ? p : first_text(m->root, 0), t->body,
		      t->nbody);
	json_end(&c->w);
	mime_free(m);
	close(fd);
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
