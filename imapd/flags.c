/* flags.c - flag lists. See flags.h. */
#include "flags.h"
#include <strings.h>
#include "mailbox.h"

static const struct { const char *name; unsigned bit; } system_flags[] = {
	{ "\\Answered", FLAG_ANSWERED }, { "\\Flagged", FLAG_FLAGGED },
	{ "\\Deleted", FLAG_DELETED }, { "\\Seen", FLAG_SEEN },
	{ "\\Draft", FLAG_DRAFT },
};

int flag_parse(struct parse *p, unsigned *flags)
{
	struct string f;
	if (parse_peek(p) == '\\') {
		p->pos++;
		if (parse_atom(p, &f) < 0)
			return -1;
		for (size_t i = 0; i < 5; i++)
			if (!strcasecmp(f.s, system_flags[i].name + 1)) {
				*flags |= system_flags[i].bit;
				return 0;
			}
		p->error = "Invalid system flag";
		return -1;
	}
	/* flag-keyword = atom; keywords are part 2's (kept per folder) */
	return parse_atom(p, &f);
}

int flag_list_parse(struct parse *p, unsigned *flags)
{
	if (parse_open(p) < 0)
		return -1;
	for (int first = 1; parse_peek(p) != ')'; first = 0)
		if ((!first && parse_sp(p) < 0) || flag_parse(p, flags) < 0)
			return -1;
	return parse_close(p);
}
