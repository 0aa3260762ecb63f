/* test_mime.c - lib/mime: the tree, sections, IMAP structures.
 *
 * Besides its cases, `test_mime --dump FILE` prints FILE's BODYSTRUCTURE,
 * BODY, ENVELOPE and RFC822.SIZE, one per line: t/mime-corpus.bats
 * compares that with the expected output written by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bytes.h"
#include "check.h"
#include "imap_struct.h"
#include "mime.h"
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
	imap_bodystructure(m, 1, &out);
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

static const struct check_case cases[] = {
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2]);
	return check_main(argc, argv, cases);
}
