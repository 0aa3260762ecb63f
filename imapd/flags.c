/* flags.c - flag lists. See flags.h. */
#include "flags.h"
#include <string.h>
#include <strings.h>
#include "mailbox.h"

static const struct { const char *name; unsigned bit; } system_flags[] = {
	{ "\\Answered", FLAG_ANSWERED }, { "\\Flagged", FLAG_FLAGGED },
	{ "\\Deleted", FLAG_DELETED }, { "\\Seen", FLAG_SEEN },
	{ "\\Draft", FLAG_DRAFT },
};

int flag_parse(struct parse *p, struct flag_args *f)
{
	struct string w;
	if (parse_peek(p) == '\\') {
		p->pos++;
		if (parse_atom(p, &w) < 0)
			return -1;
		for (size_t i = 0; i < 5; i++)
			if (!strcasecmp(w.s, system_flags[i].name + 1)) {
				f->flags |= system_flags[i].bit;
				return 0;
			}
		p->error = "Invalid system flag";
		return -1;
	}
	/* flag-keyword = atom */
	if (parse_atom(p, &w) < 0)
		return -1;
	for (size_t i = 0; i < f->count; i++)
		if (!strcasecmp(f->keyword[i], w.s))
			return 0;
	if (f->count == IMAP_KEYWORDS_ARG_MAX) {
		p->error = "Too many keywords";
		return -1;
	}
	f->keyword[f->count++] = w.s;
	return 0;
}

int flag_list_parse(struct parse *p, struct flag_args *f)
{
	memset(f, 0, sizeof *f);
	if (parse_open(p) < 0)
		return -1;
	for (int first = 1; parse_peek(p) != ')'; first = 0)
		if ((!first && parse_sp(p) < 0) || flag_parse(p, f) < 0)
			return -1;
	return parse_close(p);
}
