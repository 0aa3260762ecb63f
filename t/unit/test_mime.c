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
