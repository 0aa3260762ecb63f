/* test_mime_header.c - lib/mime_header (fields, unfolding, parameters)
 * and lib/mime_address (RFC 5322 address lists). */
#include <string.h>
#include "bytes.h"
#include "check.h"
#include "mime_address.h"
#include "mime_header.h"

static void header_length(void)
{
	CHECK(mime_header_length("A: b\n\nbody", 10) == 6);
	CHECK(mime_header_length("A: b\r\n\r\nbody", 12) == 8);
	CHECK(mime_header_length("\nbody", 5) == 1);
	CHECK(mime_header_length("\r\nbody", 6) == 2);
	CHECK(mime_header_length("A: b\nC: d", 9) == 9);        /* no empty line */
	CHECK(mime_header_length("A: b\n \nbody", 11) == 11);   /* " " continues */
	CHECK(mime_header_length("", 0) == 0);
}

static void fields_and_folding(void)
{
	const char *h = "Subject: one\n two\nX-Bad line\n cont\nTo : x@y\n"
			"\tstray\nFrom:me\n\nBody: no\n";
	size_t n = strlen(h), pos = 0;
	struct mime_field f;
	CHECK(mime_header_next(h, n, &pos, &f) == 1);
	CHECK(f.name_len == 7 && memcmp(f.name, "Subject", 7) == 0);
	CHECK(f.value_len == 9 && memcmp(f.value, " one\n two", 9) == 0);
	CHECK(mime_header_next(h, n, &pos, &f) == 1);       /* "X-Bad line" skipped */
	CHECK(f.name_len == 2 && memcmp(f.name, "To", 2) == 0);  /* obs WSP */
	CHECK(f.value_len == 11 && memcmp(f.value, " x@y\n\tstray", 11) == 0);
	CHECK(mime_header_next(h, n, &pos, &f) == 1);
	CHECK(f.name_len == 4 && f.value_len == 2 && memcmp(f.value, "me", 2) == 0);
	CHECK(mime_header_next(h, n, &pos, &f) == 0);       /* stops at empty line */
	CHECK(mime_header_find(h, n, "subject", &f) == 1);
	CHECK(mime_header_find(h, n, "Body", &f) == 0);
	CHECK(mime_header_find(h, n, "X-Bad", &f) == 0);
	struct bytes v;
	bytes_init(&v, 100);
	CHECK(mime_header_find(h, n, "SUBJECT", &f) == 1);
	CHECK(mime_unfold(f.value, f.value_len, &v) == 0);
	CHECK(strcmp(bytes_str(&v), "one two") == 0);
	bytes_clear(&v);
	CHECK(mime_unfold("  a\r\n\tb \0c \t", 13, &v) == 0);
	CHECK(strcmp(bytes_str(&v), "a\tb c") == 0);
	bytes_free(&v);
}

static struct mime_arena arena;

static const char *param(const struct mime_ctype *ct, const char *name)
{
	const struct mime_param *p = mime_param_find(ct, name);
	return p ? p->value : NULL;
}

static void content_type(void)
{
	struct mime_ctype ct;
	mime_arena_init(&arena);
	CHECK(mime_ctype_parse("text/plain", 1, &arena, &ct) == 0);
	CHECK(strcmp(ct.type, "text") == 0 && strcmp(ct.subtype, "plain") == 0);
	CHECK(ct.nparams == 0);
	CHECK(mime_ctype_parse(" (c) Text / HTML (x) ; charset = \"utf-8\" (y);"
			       " Format=Flowed ; junk ; a=\"q\\\"uo\\\\te\"; charset=dup",
			       1, &arena, &ct) == 0);
	CHECK(strcmp(ct.type, "Text") == 0 && strcmp(ct.subtype, "HTML") == 0);
	CHECK(ct.nparams == 3);
	CHECK(strcmp(param(&ct, "CHARSET"), "utf-8") == 0);
	CHECK(strcmp(param(&ct, "format"), "Flowed") == 0);
	CHECK(strcmp(param(&ct, "a"), "q\"uo\\te") == 0);
	CHECK(mime_ctype_parse("text", 1, &arena, &ct) == 0 && ct.type == NULL);
	CHECK(mime_ctype_parse("/plain", 1, &arena, &ct) == 0 && ct.type == NULL);
	CHECK(mime_ctype_parse("", 1, &arena, &ct) == 0 && ct.type == NULL);
	CHECK(mime_ctype_parse("attachment; filename=my file.txt", 0, &arena, &ct) == 0);
	CHECK(strcmp(ct.type, "attachment") == 0 && ct.subtype == NULL);
	CHECK(strcmp(param(&ct, "filename"), "my file.txt") == 0);  /* lenient */
	CHECK(mime_ctype_parse("a/b; x=\"unterminated", 1, &arena, &ct) == 0);
	CHECK(strcmp(param(&ct, "x"), "unterminated") == 0);
	mime_arena_free(&arena);
}

static const char *decoded(const struct mime_ctype *ct, const char *name)
{
	static struct bytes b;
	bytes_free(&b);
	bytes_init(&b, 1000);
	if (!ct)
		return NULL;
	const struct mime_param *p = mime_param_find(ct, name);
	if (!p || mime_param_decode(p, &b) < 0)
		return NULL;
	return bytes_str(&b);
}

static void rfc2231(void)
{
	struct mime_ctype ct;
	mime_arena_init(&arena);
	/* §3 continuations, out of order */
	CHECK(mime_ctype_parse("message/external-body; access-type=URL;"
			       " URL*1=\"cool.html\"; URL*0=\"ftp://\"", 1, &arena, &ct) == 0);
	CHECK(ct.nparams == 2);
	CHECK(strcmp(ct.params[1].name, "URL") == 0);
	CHECK(strcmp(ct.params[1].value, "ftp://cool.html") == 0);
	/* §4 charset and language */
	CHECK(mime_ctype_parse("application/x-stuff;"
			       " title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
			       1, &arena, &ct) == 0);
	CHECK(strcmp(ct.params[0].name, "title*") == 0);
	CHECK(strcmp(decoded(&ct, "title"), "This is ***fun***") == 0);
	/* §4.1 mixed extended and plain segments */
	CHECK(mime_ctype_parse("application/x-stuff;"
			       " title*0*=us-ascii'en'This%20is%20even%20more%20;"
			       " title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
			       1, &arena, &ct) == 0);
	CHECK(strcmp(ct.params[0].value,
		     "us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20isn%27t%20it!") == 0);
	CHECK(strcmp(decoded(&ct, "title*"), "This is even more ***fun*** isn't it!") == 0);
	/* charsets are converted, missing segment 0 drops the parameter */
	CHECK(mime_ctype_parse("a/b; f*=iso-8859-1''caf%E9; g*1=x; h*=%41", 1, &arena, &ct) == 0);
	CHECK(ct.nparams == 2);
	CHECK(strcmp(decoded(&ct, "f"), "caf\xc3\xa9") == 0);
	CHECK(param(&ct, "g") == NULL);
	CHECK(strcmp(decoded(&ct, "h"), "A") == 0);         /* no quotes: raw */
	/* an encoded word in a plain value (Outlook) is decoded too */
	CHECK(mime_ctype_parse("a/b; name=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=\"", 1, &arena, &ct) == 0);
	CHECK(strcmp(decoded(&ct, "name"), "r\xc3\xa9sum\xc3\xa9.pdf") == 0);
	/* names like x*y are not RFC 2231 and stay as written */
	CHECK(mime_ctype_parse("a/b; x*y=1; z*01x*=2", 1, &arena, &ct) == 0);
	CHECK(ct.nparams == 2 && strcmp(ct.params[0].name, "x*y") == 0);
	mime_arena_free(&arena);
	decoded(NULL, NULL);
}

static void many_params(void)
{
	struct bytes v;
	struct mime_ctype ct;
	bytes_init(&v, 1 << 20);
	bytes_append_str(&v, "a/b");
	for (int k = 0; k < 1000; k++)
		bytes_appendf(&v, "; p%d=%d", k, k);
	mime_arena_init(&arena);
	CHECK(mime_ctype_parse(bytes_str(&v), 1, &arena, &ct) == 0);
	CHECK(ct.nparams == 64);                    /* MIME_PARAMS_MAX */
	CHECK(strcmp(param(&ct, "p63"), "63") == 0);
	mime_arena_free(&arena);
	bytes_free(&v);
}

/* Address lists are checked through their IMAP-like rendering. */
static int render(void *ctx, const struct mime_address *a)
{
	struct bytes *b = ctx;
	const char *f[4] = { a->name, a->adl, a->mailbox, a->host };
	bytes_append_char(b, '(');
	for (int k = 0; k < 4; k++)
		bytes_appendf(b, "%s%s", k ? "|" : "", f[k] ? f[k] : "NIL");
	return bytes_append_char(b, ')');
}

static int addresses_are(const char *v, const char *want)
{
	struct bytes b;
	bytes_init(&b, 1 << 16);
	int ok = mime_address_parse(v, render, &b) == 0 &&
		 strcmp(bytes_str(&b), want) == 0;
	if (!ok)
		fprintf(stderr, "%s\n  gave %s\n  want %s\n", v, bytes_str(&b), want);
	bytes_free(&b);
	return ok;
}

static void address_lists(void)
{
	CHECK(addresses_are("a@b.c", "(NIL|NIL|a|b.c)"));
	CHECK(addresses_are("John Doe <jdoe@machine.example>",
			    "(John Doe|NIL|jdoe|machine.example)"));
	CHECK(addresses_are("\"Joe Q. Public\" <john.q.public@example.com>",
			    "(Joe Q. Public|NIL|john.q.public|example.com)"));
	CHECK(addresses_are("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
			    "(Mary Smith|NIL|mary|x.test)(NIL|NIL|jdoe|example.org)"
			    "(Who?|NIL|one|y.test)"));
	CHECK(addresses_are("\"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
			    "(Giant; \"Big\" Box|NIL|sysservices|example.net)"));
	CHECK(addresses_are("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
			    "(NIL|NIL|A Group|NIL)(Ed Jones|NIL|c|a.test)"
			    "(NIL|NIL|joe|where.test)(John|NIL|jdoe|one.test)(NIL|NIL|NIL|NIL)"));
	CHECK(addresses_are("Undisclosed recipients:;",
			    "(NIL|NIL|Undisclosed recipients|NIL)(NIL|NIL|NIL|NIL)"));
	/* RFC 5322 Appendix A.5: comments and white space everywhere */
	CHECK(addresses_are("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
			    "(Pete|NIL|pete|silly.test)"));
	CHECK(addresses_are("pete@silly.test (Pete Resnick)",
			    "(Pete Resnick|NIL|pete|silly.test)"));
	/* obsolete forms: routes, dots in phrases, missing parts */
	CHECK(addresses_are("<@a.test,@b.test:joe@c.test>",
			    "(NIL|@a.test,@b.test|joe|c.test)"));
	CHECK(addresses_are("\"quoted local\"@x.test", "(NIL|NIL|\"quoted local\"|x.test)"));
	CHECK(addresses_are("justname", "(NIL|NIL|justname|MISSING_DOMAIN)"));
	CHECK(addresses_are("John Smith, x@y", "(John Smith|NIL|MISSING_MAILBOX|MISSING_DOMAIN)"
			    "(NIL|NIL|x|y)"));
	CHECK(addresses_are("<>", ""));
	CHECK(addresses_are("Name <>", "(Name|NIL|MISSING_MAILBOX|MISSING_DOMAIN)"));
	CHECK(addresses_are("a@[192.0.2.1]", "(NIL|NIL|a|[192.0.2.1])"));
	CHECK(addresses_are(",,a@b,,", "(NIL|NIL|a|b)"));
	CHECK(addresses_are("", ""));
	CHECK(addresses_are("=?UTF-8?Q?J=C3=B6rg?= <j@x.de>",
			    "(=?UTF-8?Q?J=C3=B6rg?=|NIL|j|x.de)"));
	/* garbage is skipped to the next comma, unterminated things end */
	CHECK(addresses_are("a@b >>> junk, c@d", "(NIL|NIL|a|b)(NIL|NIL|c|d)"));
	CHECK(addresses_are("g: a@b", "(NIL|NIL|g|NIL)(NIL|NIL|a|b)(NIL|NIL|NIL|NIL)"));
	CHECK(addresses_are("\"open quote <a@b>", "(NIL|NIL|\"open quote <a@b>|MISSING_DOMAIN)"));
	CHECK(addresses_are("x <a@b", "(x|NIL|a|b)"));
	CHECK(addresses_are("(unclosed comment a@b", ""));
	CHECK(addresses_are("x: y: a@b;;", "(NIL|NIL|x|NIL)(NIL|NIL|y|MISSING_DOMAIN)(NIL|NIL|NIL|NIL)"));
}

static const struct check_case cases[] = {
	{ "header_length", header_length },
	{ "fields_and_folding", fields_and_folding },
	{ "content_type", content_type },
	{ "rfc2231", rfc2231 },
	{ "many_params", many_params },
	{ "address_lists", address_lists },
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
