/* test_mime.c - lib/mime: the tree, sections, IMAP structures.
 *
 * Besides its cases, `test_mime --dump FILE` prints FILE's BODYSTRUCTURE,
 * BODY, ENVELOPE and RFC822.SIZE, one per line: t/mime-corpus.bats
 * compares that with the expected output written by hand. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bytes.h"
#include "check.h"
#include "imap_struct.h"
#include "limits.h"
#include "mime.h"
#include "mime_date.h"
#include "mime_encoding.h"
#include "mime_search.h"

static int read_file(const char *path, struct bytes *b)
{
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;
	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (bytes_append(b, buf, n) < 0)
			break;
	int r = ferror(f) ? -1 : 0;
	fclose(f);
	return r;
}

/* The end of one IMAP item at s[i] (not a list): an atom or number, a
 * quoted string (7-bit, no CR/LF/NUL, '\' only before '"' or '\'), or a
 * literal {N}CRLF with N octets. 0 when it is malformed. */
static size_t imap_item_end(const char *s, size_t i, size_t n)
{
	if (s[i] == '"') {
		for (i++; i < n && s[i] != '"'; i++) {
			unsigned char u = (unsigned char)s[i];
			if (u >= 0x80 || u == '\r' || u == '\n' || u == 0)
				return 0;
			if (u == '\\' && (i + 1 >= n || (s[i + 1] != '"' && s[i + 1] != '\\')))
				return 0;
			i += u == '\\';
		}
		return i < n ? i + 1 : 0;
	}
	if (s[i] == '{') {
		char *end;
		unsigned long len = strtoul(s + i + 1, &end, 10);
		if ((size_t)(end + 3 - s) > n || end[0] != '}' || end[1] != '\r' ||
		    end[2] != '\n' || (size_t)(end + 3 - s) + len > n)
			return 0;
		return (size_t)(end + 3 - s) + len;
	}
	size_t j = i;
	while (j < n && s[j] != ' ' && s[j] != ')' && s[j] != '(' && s[j] != '"')
		j++;
	return j;
}

/* 1 when s[0..n) is exactly one IMAP parenthesized list, items separated
 * by one SP except where lists meet: "((a)(b))" as body-type-mpart and
 * address lists write them. */
static int imap_syntax_ok(const char *s, size_t n)
{
	size_t i = 0;
	int depth = 0, after = 0;       /* after: 0 nothing, 1 an item, 2 a ')' */
	while (i < n) {
		if (after && s[i] != ')' && !(after == 2 && s[i] == '(')) {
			if (s[i] != ' ' || ++i >= n)
				return 0;
		}
		if (s[i] == '(') {
			depth++, i++, after = 0;
		} else if (s[i] == ')') {
			if (--depth < 0)
				return 0;
			i++, after = 2;
			if (depth == 0)
				return i == n;
		} else {
			size_t e = depth > 0 ? imap_item_end(s, i, n) : 0;
			if (e <= i)
				return 0;
			i = e, after = 1;
		}
	}
	return 0;
}

/* "DECODED number text" for a leaf, text escaped (\n, \\, \xNN). */
static void dump_leaf(const struct mime_message *m, const struct mime_part *p,
		      const char *num)
{
	struct mime_section sec;
	if (mime_section_find(m, num, strlen(num), &sec) < 0 || sec.part != p)
		printf("SECTION %s does not find its part\n", num);
	if (!mime_is(p, "text", NULL))
		return;
	struct bytes d;
	bytes_init(&d, 1 << 26);
	mime_part_decode(m, p, &d);
	printf("DECODED %s ", num);
	for (size_t i = 0; i < d.len; i++) {
		unsigned char c = (unsigned char)d.data[i];
		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02X", c);
		else
			putchar(c);
	}
	putchar('\n');
	bytes_free(&d);
}

/* Walk the tree numbering parts as RFC 3501 §6.4.5 does. */
static void dump_walk(const struct mime_message *m, const struct mime_part *p,
		      const char *num)
{
	char sub[256];
	const struct mime_part *msg = mime_part_message(p);
	if (msg && !(mime_is(msg, "multipart", NULL) && msg->child)) {
		snprintf(sub, sizeof sub, "%s.1", num);
		dump_walk(m, msg, sub);
		return;
	}
	if (msg)
		p = msg;
	if (!mime_is(p, "multipart", NULL) || !p->child) {
		dump_leaf(m, p, num);
		return;
	}
	int k = 1;
	for (const struct mime_part *c = p->child; c; c = c->next, k++) {
		snprintf(sub, sizeof sub, "%s%s%d", num, *num ? "." : "", k);
		dump_walk(m, c, sub);
	}
}

static int dump(const char *path)
{
	struct bytes in, out;
	bytes_init(&in, 1 << 26);
	bytes_init(&out, 1 << 26);
	if (read_file(path, &in) < 0) {
		perror(path);
		return 2;
	}
	struct mime_message *m = mime_parse(in.data, in.len);
	if (!m)
		return 2;
	bytes_append_str(&out, "BODYSTRUCTURE ");
	size_t at = out.len;
	imap_bodystructure(m, IMAP_BODY_EXTENDED, &out);
	if (!imap_syntax_ok(out.data + at, out.len - at))
		bytes_append_str(&out, " <-- BAD SYNTAX");
	bytes_append_str(&out, "\nBODY ");
	imap_bodystructure(m, 0, &out);
	bytes_append_str(&out, "\nENVELOPE ");
	imap_envelope(m, m->root, &out);
	bytes_appendf(&out, "\nRFC822.SIZE %zu\n", m->size);
	fwrite(out.data, 1, out.len, stdout);
	dump_walk(m, m->root, mime_is(m->root, "multipart", NULL) && m->root->child
		  ? "" : "1");
	mime_free(m);
	bytes_free(&in);
	bytes_free(&out);
	return 0;
}


static const char sample[] =
	"From: a@example.test\n"
	"Subject: sections\n"
	"Content-Type: multipart/mixed; boundary=o\n"
	"\n"
	"preamble\n"
	"--o\n"
	"Content-Type: text/plain\n"
	"\n"
	"one\n"
	"--o\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"Subject: inner\n"
	"Content-Type: multipart/alternative; boundary=i\n"
	"\n"
	"--i\n"
	"\n"
	"alt1\n"
	"--i\n"
	"Content-Type: text/html\n"
	"\n"
	"alt2\n"
	"--i--\n"
	"--o\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"Subject: single\n"
	"\n"
	"just text\n"
	"--o--\n"
	"epilogue\n";

/* The text of section spec in m, or "<none>". */
static const char *section(const struct mime_message *m, const char *spec)
{
	static char buf[1024];
	struct mime_section sec;
	if (mime_section_find(m, spec, strlen(spec), &sec) < 0)
		return "<none>";
	snprintf(buf, sizeof buf, "%.*s", (int)sec.len, m->buf + sec.off);
	return buf;
}

static void sections(void)
{
	struct mime_message *m = mime_parse(sample, sizeof sample - 1);
	CHECK(m != NULL);
	CHECK(strcmp(section(m, ""), sample) == 0);
	CHECK(strcmp(section(m, "HEADER"), "From: a@example.test\nSubject: sections\n"
		     "Content-Type: multipart/mixed; boundary=o\n\n") == 0);
	CHECK(strncmp(section(m, "TEXT"), "preamble\n--o\n", 13) == 0);
	CHECK(strcmp(section(m, "1"), "one") == 0);
	CHECK(strcmp(section(m, "1.MIME"), "Content-Type: text/plain\n\n") == 0);
	CHECK(strncmp(section(m, "2"), "Subject: inner\n", 15) == 0);
	CHECK(strcmp(section(m, "2.HEADER"), "Subject: inner\nContent-Type: "
		     "multipart/alternative; boundary=i\n\n") == 0);
	CHECK(strcmp(section(m, "2.TEXT"), "--i\n\nalt1\n--i\nContent-Type: text/html\n"
		     "\nalt2\n--i--") == 0);
	CHECK(strcmp(section(m, "2.1"), "alt1") == 0);
	CHECK(strcmp(section(m, "2.1.MIME"), "\n") == 0);
	CHECK(strcmp(section(m, "2.2"), "alt2") == 0);
	CHECK(strcmp(section(m, "2.2.mime"), "Content-Type: text/html\n\n") == 0);
	CHECK(strcmp(section(m, "2.MIME"), "Content-Type: message/rfc822\n\n") == 0);
	CHECK(strcmp(section(m, "3.1"), "just text") == 0);
	CHECK(strcmp(section(m, "3.HEADER"), "Subject: single\n\n") == 0);
	CHECK(strcmp(section(m, "3.TEXT"), "just text") == 0);
	CHECK(strcmp(section(m, "3.1.MIME"), "Subject: single\n\n") == 0);
	struct mime_section sec;
	CHECK(mime_section_find(m, "2.HEADER.FIELDS", 15, &sec) == 0 &&
	      sec.kind == MIME_SECTION_FIELDS && sec.len == 64);
	CHECK(mime_section_find(m, "header.fields.not", 17, &sec) == 0 &&
	      sec.kind == MIME_SECTION_FIELDS_NOT && sec.off == 0);
	static const char *const bad[] = { "4", "0", "01", "1.", ".1", "1..2",
		"MIME", "1.HEADER", "1.1", "3.2", "3.1.1", "2.3", "TEXT.MIME",
		"1.TEXT", "HEADER.FIELDS.NOTX", "2.1.2", "99999999999999999999", "1 ", NULL };
	for (size_t k = 0; bad[k]; k++)
		CHECK(strcmp(section(m, bad[k]), "<none>") == 0);
	mime_free(m);
}

static void sections_single_part(void)
{
	const char *msg = "Subject: x\r\n\r\nbody\r\n";
	struct mime_message *m = mime_parse(msg, strlen(msg));
	CHECK(strcmp(section(m, "1"), "body\r\n") == 0);
	CHECK(strcmp(section(m, "TEXT"), "body\r\n") == 0);
	CHECK(strcmp(section(m, "1.MIME"), "Subject: x\r\n\r\n") == 0);
	CHECK(strcmp(section(m, "2"), "<none>") == 0);
	CHECK(strcmp(section(m, "1.1"), "<none>") == 0);
	CHECK(strcmp(section(m, "1.HEADER"), "<none>") == 0);
	mime_free(m);
}

static void header_fields(void)
{
	const char *h = "From: a@b\nSubject: one\n two\nTo: c@d\nsubject: again\n\n";
	const char *names[] = { "SUBJECT", "x-none" };
	struct bytes out;
	bytes_init(&out, 1000);
	CHECK(mime_header_filter(h, strlen(h), names, 2, 0, &out) == 0);
	CHECK(strcmp(bytes_str(&out), "Subject: one\r\n two\r\nsubject: again\r\n\r\n") == 0);
	bytes_clear(&out);
	CHECK(mime_header_filter(h, strlen(h), names, 2, 1, &out) == 0);
	CHECK(strcmp(bytes_str(&out), "From: a@b\r\nTo: c@d\r\n\r\n") == 0);
	bytes_clear(&out);
	CHECK(mime_header_filter("X: y", 4, names, 0, 1, &out) == 0);
	CHECK(strcmp(bytes_str(&out), "X: y\r\n\r\n") == 0);
	bytes_clear(&out);
	CHECK(mime_header_filter(h, strlen(h), names, 1, 0, &out) == 0);
	bytes_free(&out);
}

static void imap_strings(void)
{
	static const char *const good[] = { "(NIL \"a\\\"b\" {2}\r\n(y (1 2))",
		"((a)(b) \"c\")", "(((NIL NIL \"x\" \"y\")) NIL)", "()", NULL };
	static const char *const bad[] = { "(NIL  NIL)", "(\"a\nb\")", "({5}\r\nab)",
		"(a))", "(a)(b)", "(a (b)c)", "(a\"b\")", "(\"\xc3\xa9\")", "(a", "a", NULL };
	for (size_t k = 0; good[k]; k++)
		CHECK(imap_syntax_ok(good[k], strlen(good[k])));
	for (size_t k = 0; bad[k]; k++)
		CHECK(!imap_syntax_ok(bad[k], strlen(bad[k])));
	struct bytes b;
	bytes_init(&b, 10000);
	CHECK(imap_string(&b, "plain", 5) == 0 && strcmp(bytes_str(&b), "\"plain\"") == 0);
	bytes_clear(&b);
	CHECK(imap_string(&b, "a\"b\\c", 5) == 0 && strcmp(bytes_str(&b), "\"a\\\"b\\\\c\"") == 0);
	bytes_clear(&b);
	CHECK(imap_string(&b, "caf\xc3\xa9", 5) == 0 && strcmp(bytes_str(&b), "{5}\r\ncaf\xc3\xa9") == 0);
	bytes_clear(&b);
	CHECK(imap_string(&b, "a\r\nb", 4) == 0 && strcmp(bytes_str(&b), "{4}\r\na\r\nb") == 0);
	bytes_clear(&b);
	CHECK(imap_string(&b, "a\0b", 3) == 0 && strcmp(bytes_str(&b), "\"ab\"") == 0);
	bytes_clear(&b);
	CHECK(imap_string(&b, "", 0) == 0 && strcmp(bytes_str(&b), "\"\"") == 0);
	bytes_clear(&b);
	CHECK(imap_nstring(&b, NULL) == 0 && strcmp(bytes_str(&b), "NIL") == 0);
	bytes_clear(&b);
	char longv[2000];
	memset(longv, 'x', sizeof longv);
	CHECK(imap_string(&b, longv, sizeof longv) == 0 && strncmp(bytes_str(&b), "{2000}\r\nxx", 10) == 0);
	bytes_free(&b);
}

static const char *structure(const char *msg)
{
	static struct bytes b;
	bytes_free(&b);
	bytes_init(&b, 1 << 22);
	if (!msg)
		return NULL;
	struct mime_message *m = mime_parse(msg, strlen(msg));
	CHECK(m && imap_bodystructure(m, IMAP_BODY_EXTENDED, &b) == 0);
	mime_free(m);
	return bytes_str(&b);
}

static const char *envelope(const char *msg)
{
	static struct bytes b;
	bytes_free(&b);
	bytes_init(&b, 1 << 16);
	if (!msg)
		return NULL;
	struct mime_message *m = mime_parse(msg, strlen(msg));
	CHECK(m && imap_envelope(m, m->root, &b) == 0);
	mime_free(m);
	return bytes_str(&b);
}

static void envelopes(void)
{
	CHECK(strcmp(envelope(""), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)") == 0);
	CHECK(strcmp(envelope("From: a@b\nSender: \nReply-To: r@s\nSubject:\n\n"),
		     "(NIL \"\" ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) "
		     "((NIL NIL \"r\" \"s\")) NIL NIL NIL NIL NIL)") == 0);
	/* the first of two Subject fields; an 8-bit name is a literal */
	CHECK(strcmp(envelope("To: \"D\xc3\xa9j\xc3\xa0\" <x@y>\nsubject: first\nSubject: second\n\n"),
		     "(NIL \"first\" NIL NIL NIL (({6}\r\nD\xc3\xa9j\xc3\xa0 NIL \"x\" \"y\")) "
		     "NIL NIL NIL NIL)") == 0);
	CHECK(strcmp(envelope("Cc: ,\nBcc: \"\" <b@c>\nIn-Reply-To: <x@y>\n\n"),
		     "(NIL NIL NIL NIL NIL NIL NIL ((NIL NIL \"b\" \"c\")) \"<x@y>\" NIL)") == 0);
	CHECK(strcmp(envelope("To: a@b\nCc: c@d\nto: e@f, g:;\n\n"),
		     "(NIL NIL NIL NIL NIL ((NIL NIL \"a\" \"b\")(NIL NIL \"e\" \"f\")"
		     "(NIL NIL \"g\" NIL)(NIL NIL NIL NIL)) ((NIL NIL \"c\" \"d\")) NIL NIL NIL)") == 0);
	envelope(NULL);
}

static void defaults_and_extensions(void)
{
	CHECK(strcmp(structure("Content-Type: text/html; format=flowed\n"
			       "Content-Language: en (English), de\n"
			       "Content-Disposition: inline\n\nx\n"),
		     "(\"text\" \"html\" (\"format\" \"flowed\" \"charset\" \"us-ascii\") NIL NIL "
		     "\"7bit\" 3 1 NIL (\"inline\" NIL) (\"en\" \"de\") NIL)") == 0);
	CHECK(strcmp(structure("Content-Type: image/png\nContent-Transfer-Encoding: (c) base64 (x)\n"
			       "Content-ID: <i@x>\nContent-Description: pic\n\niVBO\n"),
		     "(\"image\" \"png\" NIL \"<i@x>\" \"pic\" \"base64\" 6 NIL NIL NIL NIL)") == 0);
	CHECK(strcmp(structure("Content-Type: message/rfc822\n\n"),
		     "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 0 (NIL NIL NIL NIL NIL NIL NIL "
		     "NIL NIL NIL) (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 "
		     "NIL NIL NIL NIL) 0 NIL NIL NIL NIL)") == 0);
	CHECK(strcmp(structure("Content-Type: multipart/mixed; boundary=x\n\n--x\n\n--x--\n"),
		     "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL "
		     "NIL NIL) \"mixed\" (\"boundary\" \"x\") NIL NIL NIL)") == 0);
	CHECK(strcmp(structure("Content-Type: multipart/mixed; boundary*0*=''%41;"
			       " boundary*1=\"B\"\n\n--AB\n\nx\n--AB--\n"),
		     "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 1 0 NIL NIL "
		     "NIL NIL) \"mixed\" (\"boundary*\" \"''%41B\") NIL NIL NIL)") == 0);
	structure(NULL);
}

static void message_global(void)
{
	const char *msg = "Content-Type: message/global\n\nSubject: \xc3\xa9\n\nx\n";
	struct mime_message *m = mime_parse(msg, strlen(msg));
	struct bytes b;
	bytes_init(&b, 10000);
	CHECK(imap_bodystructure(m, 0, &b) == 0);
	CHECK(strcmp(bytes_str(&b), "(\"message\" \"global\" NIL NIL NIL \"7bit\" 18)") == 0);
	bytes_clear(&b);
	CHECK(imap_bodystructure(m, IMAP_BODY_REV2, &b) == 0);
	CHECK(strcmp(bytes_str(&b), "(\"message\" \"global\" NIL NIL NIL \"7bit\" 18 "
		     "(NIL {2}\r\n\xc3\xa9 NIL NIL NIL NIL NIL NIL NIL NIL) "
		     "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1) 3)") == 0);
	CHECK(strcmp(section(m, "1.HEADER"), "Subject: \xc3\xa9\n\n") == 0);
	bytes_free(&b);
	mime_free(m);
}

/* Nesting and part counts stay within the limits, and deep input is
 * parsed without deep recursion. */
static void limits(void)
{
	struct bytes msg, out;
	bytes_init(&msg, 1 << 24);
	bytes_init(&out, 1 << 26);
	for (int k = 0; k < 200; k++)
		bytes_appendf(&msg, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", k, k);
	bytes_append_str(&msg, "\ninnermost\n");
	struct mime_message *m = mime_parse(msg.data, msg.len);
	CHECK(m != NULL);
	int depth = 0;
	for (const struct mime_part *p = m->root; p; p = p->child)
		depth = p->depth;
	CHECK(depth == MIME_DEPTH_MAX);
	CHECK(imap_bodystructure(m, IMAP_BODY_EXTENDED, &out) == 0);
	mime_free(m);
	bytes_clear(&msg);
	for (int k = 0; k < 200; k++)
		bytes_append_str(&msg, "Content-Type: message/rfc822\n\n");
	m = mime_parse(msg.data, msg.len);
	CHECK(m && m->nparts == MIME_DEPTH_MAX + 1);
	bytes_clear(&out);
	CHECK(imap_bodystructure(m, IMAP_BODY_EXTENDED, &out) == 0);
	mime_free(m);
	bytes_clear(&msg);
	bytes_append_str(&msg, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (int k = 0; k < MIME_PARTS_MAX + 500; k++)
		bytes_append_str(&msg, "--p\n\nx\n");
	m = mime_parse(msg.data, msg.len);
	CHECK(m && m->nparts == MIME_PARTS_MAX && m->root->nchildren == MIME_PARTS_MAX - 1);
	mime_free(m);
	bytes_free(&msg);
	bytes_free(&out);
}

/* Inputs built to make a naive splitter quadratic: 20000 parts each
 * declaring a multipart with the parent's boundary and no close
 * delimiter, and 40 nested multiparts over 200000 short lines. Each must
 * parse in well under a second even under ASan (quadratic took minutes). */
static void pathological_inputs(void)
{
	struct bytes msg;
	bytes_init(&msg, 1 << 24);
	for (int shape = 0; shape < 2; shape++) {
		bytes_clear(&msg);
		if (shape == 0) {
			bytes_append_str(&msg, "Content-Type: multipart/mixed; boundary=S\n\n");
			for (int k = 0; k < 20000; k++)
				bytes_append_str(&msg, "--S\nContent-Type: multipart/mixed; boundary=S\n\nx\n");
		} else {
			for (int k = 0; k < 40; k++)
				bytes_appendf(&msg, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", k, k);
			for (int k = 0; k < 200000; k++)
				bytes_append_str(&msg, "x\n");
		}
		clock_t start = clock();
		struct mime_message *m = mime_parse(msg.data, msg.len);
		CHECK(m != NULL);
		mime_free(m);
		double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
		if (secs > 3)
			fprintf(stderr, "shape %d took %.2f s\n", shape, secs);
		CHECK(secs <= 3);
	}
	bytes_free(&msg);
}

/* --- fuzzing: random mutations of the corpus, under ASan in make test - */

static unsigned long fuzz_state = 12345;

static unsigned fuzz_rand(unsigned n)
{
	fuzz_state = fuzz_state * 6364136223846793005UL + 1442695040888963407UL;
	return n ? (unsigned)((fuzz_state >> 33) % n) : 0;
}

/* One random edit of b. */
static void mutate(struct bytes *b)
{
	static const char *const tokens[] = { "\n--", "--", "\n\n", "\r\n", "=?",
		"?=", "=?utf-8?b?", "?q?", "=", "\"", "(", ")", "<", ">", ":", ";",
		",", "@", "\r", "\\", "*0*=", "*1=", "'", "%", "%E9", "boundary=",
		"\nContent-Type: multipart/mixed; boundary=", "message/rfc822\n\n",
		"\nContent-Transfer-Encoding: base64\n", "\xff\xc3", " ", "\t", "\n " };
	size_t pos = b->len ? fuzz_rand((unsigned)b->len) : 0;
	size_t len = fuzz_rand(64) + 1;
	struct bytes t;
	bytes_init(&t, b->max);
	switch (fuzz_rand(5)) {
	case 0:
		if (b->len)
			b->data[pos] = (char)fuzz_rand(256);
		return;
	case 1: {
		const char *tok = tokens[fuzz_rand(sizeof tokens / sizeof tokens[0])];
		bytes_append(&t, b->data, pos);
		bytes_append_str(&t, tok);
		break;
	}
	case 2:
		bytes_append(&t, b->data, pos);
		pos = pos + len < b->len ? pos + len : b->len;
		break;
	case 3:
		bytes_append(&t, b->data, pos + (pos + len < b->len ? len : b->len - pos));
		break;
	default:
		bytes_truncate(b, pos);
		bytes_free(&t);
		return;
	}
	bytes_append(&t, b->data + pos, b->len - pos);
	bytes_free(b);
	*b = t;
}

/* Everything imapd may ask of a message. */
static void exercise(const char *buf, size_t len)
{
	char *copy = malloc(len ? len : 1);     /* exact size: ASan sees overreads */
	CHECK(copy != NULL);
	if (len)
		memcpy(copy, buf, len);
	struct mime_message *m = mime_parse(copy, len);
	struct bytes out;
	bytes_init(&out, 1 << 26);
	CHECK(m != NULL);
	CHECK(imap_bodystructure(m, IMAP_BODY_EXTENDED | IMAP_BODY_REV2, &out) == 0);
	CHECK(imap_syntax_ok(out.data, out.len));
	bytes_clear(&out);
	CHECK(imap_bodystructure(m, 0, &out) == 0);
	CHECK(imap_syntax_ok(out.data, out.len));
	bytes_clear(&out);
	CHECK(imap_envelope(m, m->root, &out) == 0);
	CHECK(imap_syntax_ok(out.data, out.len));
	CHECK(mime_search_text(m, "needle", 1) >= 0);
	CHECK(mime_search_header(m, m->root, "subject", "x") >= 0);
	static const char *const specs[] = { "1", "2", "1.1", "1.2.MIME", "2.HEADER",
		"2.TEXT", "1.1.1", "3", "HEADER", "TEXT", "1.MIME" };
	for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
		struct mime_section sec;
		if (mime_section_find(m, specs[k], strlen(specs[k]), &sec) == 0) {
			CHECK(sec.off <= len && sec.len <= len - sec.off);
			bytes_clear(&out);
			CHECK(mime_header_filter(copy + sec.off, sec.len, specs, 2, 1, &out) == 0);
		}
	}
	struct mime_date date;
	(void)mime_date_parse(copy, len < 300 ? len : 300, &date);
	bytes_clear(&out);
	CHECK(mime_rfc2047_decode(copy, len, &out) == 0);
	for (const struct mime_part *p = m->root; p; p = p->child) {
		bytes_clear(&out);
		CHECK(mime_part_decode(m, p, &out) == 0);
	}
	mime_free(m);
	bytes_free(&out);
	free(copy);
}

static void fuzz(void)
{
	const char *dir = getenv("MIME_CORPUS") ? getenv("MIME_CORPUS") : "t/mime-corpus";
	const char *seed = getenv("MIME_FUZZ_SEED");
	DIR *d = opendir(dir);
	struct dirent *e;
	int files = 0;
	if (seed)
		fuzz_state = strtoul(seed, NULL, 10);
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char path[1024];
		struct bytes orig, b;
		if (n < 5 || strcmp(e->d_name + n - 4, ".eml") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		bytes_init(&orig, 1 << 20);
		CHECK(read_file(path, &orig) == 0);
		files++;
		for (int round = 0; round < 400; round++) {
			bytes_init(&b, 1 << 20);
			bytes_append(&b, orig.data, orig.len);
			for (unsigned k = fuzz_rand(8) + 1; k > 0; k--)
				mutate(&b);
			exercise(b.data, b.len);
			bytes_free(&b);
		}
		bytes_free(&orig);
	}
	if (d)
		closedir(d);
	CHECK(files >= 10);
}

static const struct check_case cases[] = {
	{ "sections", sections },
	{ "sections_single_part", sections_single_part },
	{ "header_fields", header_fields },
	{ "imap_strings", imap_strings },
	{ "envelopes", envelopes },
	{ "defaults_and_extensions", defaults_and_extensions },
	{ "message_global", message_global },
	{ "limits", limits },
	{ "pathological_inputs", pathological_inputs },
	{ "fuzz", fuzz },
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2]);
	return check_main(argc, argv, cases);
}
