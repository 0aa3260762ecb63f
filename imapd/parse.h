/* parse.h - the tokenizer for IMAP commands (RFC 3501 §9).
 *
 * A command is assembled by command.c from its lines and literals into
 * one buffer: the text of each line, and after a line ending in "{n}" or
 * "{n+}" the bytes "\r\n", the n literal octets and a NUL. CR LF never
 * occurs in the buffer otherwise, so a literal is recognised exactly.
 * Every function returns 0 and advances, or -1 with p->error set to a
 * fixed message (safe to send) and the position unspecified. Strings are
 * handed back NUL-terminated; they live until parse_free. */
#ifndef IMAPD_PARSE_H
#define IMAPD_PARSE_H
#include <stddef.h>
#include <stdint.h>
#include "store.h"

/* A literal command.c streamed into a file instead of the buffer (an
 * APPEND message over the in-memory budget, IMAP_LITERAL_MAX): in the
 * buffer "{n}" CRLF is followed by the NUL alone, at offset at. */
struct parse_upload {
	size_t at;
	struct store_upload up;
};

struct parse {
	char *buf;
	size_t len, pos;
	int depth;              /* open parentheses, <= IMAP_NESTING_MAX */
	const char *error;
	void **pool;            /* allocations freed by parse_free */
	size_t npool, cappool;
	struct parse_upload *uploads;   /* the command's, or NULL */
	size_t nuploads;
};

struct string {
	char *s;                /* NUL-terminated, no NUL inside */
	size_t len;
	int literal;            /* it came as a literal */
};

/* One range of a sequence set; 0 stands for "*". */
struct seq_range { uint32_t lo, hi; };
struct seqset {
	size_t count;
	struct seq_range *r;
	int saved;              /* "$": the saved search result (RFC 5182);
				 * no ranges, see searchres.c */
};

void parse_init(struct parse *p, char *buf, size_t len);
/* The same over a copy of text[0..len) that the parse owns (a command
 * kept to be parsed again: search keys of RFC 5267 contexts, NOTIFY's
 * fetch attributes). 0, or -1 (ENOMEM; parse_free it all the same). */
int parse_init_copy(struct parse *p, const char *text, size_t len);
/* Free what the parse allocated. */
void parse_free(struct parse *p);
/* Memory that lives as long as the parse. NULL (error set) when out. */
void *parse_alloc(struct parse *p, size_t n);

/* The next octet, or -1 at the end. */
int parse_peek(const struct parse *p);
int parse_at_end(const struct parse *p);
/* Consume exactly c. */
int parse_char(struct parse *p, int c);
int parse_sp(struct parse *p);
/* The command must end here. */
int parse_end(struct parse *p);
/* "(" and ")" with the nesting bound. */
int parse_open(struct parse *p);
int parse_close(struct parse *p);

/* tag: 1*ASTRING-CHAR except "+". */
int parse_tag(struct parse *p, struct string *out);
/* atom: 1*ATOM-CHAR. */
int parse_atom(struct parse *p, struct string *out);
/* An atom that may also hold extra characters, e.g. "\" for flags or
 * "[" "]" "<" ">" "." for fetch attributes: 1*(ATOM-CHAR or extra). */
int parse_word(struct parse *p, const char *extra, struct string *out);
/* A keyword name: 1*(ALPHA / DIGIT / "." / "-"), e.g. "BODY.PEEK" before
 * its "[", "FLAGS.SILENT". */
int parse_name(struct parse *p, struct string *out);
/* quoted / literal (not a streamed one: "Literal too big"). */
int parse_string(struct parse *p, struct string *out);
/* A literal, which may be one streamed to a file: then *up is set (else
 * NULL) and out->len is its length, out->s "". */
int parse_literal_upload(struct parse *p, struct string *out,
			 struct store_upload **up);
/* astring: 1*ASTRING-CHAR / string. */
int parse_astring(struct parse *p, struct string *out);
/* nstring: "NIL" (*nil = 1) or string. */
int parse_nstring(struct parse *p, struct string *out, int *nil);
/* list-mailbox: 1*list-char / string (wildcards allowed). */
int parse_list_mailbox(struct parse *p, struct string *out);
/* number (32 bits) and nz-number. */
int parse_number(struct parse *p, uint32_t *out);
int parse_nz_number(struct parse *p, uint32_t *out);
/* mod-sequence-valzer (RFC 7162 §7): 0 .. 2^63-1; callers that need a
 * mod-sequence-value check for 0 themselves. */
int parse_modseq(struct parse *p, uint64_t *out);
/* sequence-set, or "$" (RFC 5182 §3: seq-set / "$"; out->saved set). */
int parse_seqset(struct parse *p, struct seqset *out);

/* Is v in the set, "*" being star? (Never for "$": see searchres.c.) */
int seqset_contains(const struct seqset *set, uint32_t v, uint32_t star);
/* The largest number named in the set other than "*" (0 if none). */
uint32_t seqset_max(const struct seqset *set);

/* Is c an ATOM-CHAR (RFC 3501 §9)? */
int is_atom_char(int c);

#endif
