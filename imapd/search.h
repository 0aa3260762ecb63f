/* search.h - SEARCH keys (RFC 3501 §6.4.4) parsed into a tree by
 * search_parse.c and evaluated per message by cmd_search.c. */
#ifndef IMAPD_SEARCH_H
#define IMAPD_SEARCH_H
#include <stdint.h>
#include "parse.h"

enum key_kind {
	KEY_ALL, KEY_FLAG_SET, KEY_FLAG_CLEAR, KEY_NEW, KEY_OLD, KEY_RECENT,
	KEY_SEQ, KEY_UID, KEY_NOT, KEY_OR, KEY_AND, KEY_LARGER, KEY_SMALLER,
	KEY_KEYWORD, KEY_UNKEYWORD,
	KEY_BEFORE, KEY_ON, KEY_SINCE,                  /* INTERNALDATE */
	KEY_SENTBEFORE, KEY_SENTON, KEY_SENTSINCE,      /* Date: */
	KEY_HEADER,             /* HEADER, SUBJECT */
	KEY_ADDRESS,            /* FROM, TO, CC, BCC: parsed addresses */
	KEY_BODY, KEY_TEXT,
	KEY_OLDER, KEY_YOUNGER,                         /* WITHIN, RFC 5032 */
	KEY_MODSEQ,                                     /* RFC 7162 §3.1.5 */
};

/* What evaluating a tree needs from each message, cheapest first. */
#define SEARCH_NEEDS_SIZE   0x01        /* RFC822.SIZE */
#define SEARCH_NEEDS_DATE   0x02        /* the file's mtime */
#define SEARCH_NEEDS_HEADER 0x04        /* the header */
#define SEARCH_NEEDS_TEXT   0x08        /* the whole message */
#define SEARCH_USES_MODSEQ  0x10        /* a MODSEQ key: the result tells
					 * the highest MODSEQ (RFC 7162) */
#define SEARCH_USES_RECENT  0x20        /* NEW, OLD or RECENT: not in
					 * IMAP4rev2 (RFC 9051 §6.4.4) */
#define SEARCH_USES_NUMBERS 0x40        /* sequence numbers or "$": fixed
					 * when the command ran (RFC 5267
					 * §4.3), no UPDATE */
#define SEARCH_USES_CLOCK   0x80        /* OLDER, YOUNGER: the result
					 * moves with time alone, no UPDATE */

struct key {
	enum key_kind kind;
	unsigned flag;
	uint32_t number;
	uint64_t modseq;        /* KEY_MODSEQ */
	long days;              /* date keys: days since 1970-01-01 */
	const char *field;      /* KEY_HEADER: the field name */
	const char *string;     /* needle, keyword name */
	struct seqset set;
	struct key *a, *b;      /* NOT: a; OR: a, b; AND: list via b */
};

/* Parse search-key *(SP search-key) to the end of the command into k (an
 * AND chain; memory from p) and or into *needs what it needs
 * (SEARCH_NEEDS_*). 0, or -1 with p->error. */
int search_parse(struct parse *p, struct key *k, unsigned *needs);

struct session;

/* What a search was: its SEARCH_NEEDS_* / SEARCH_USES_* bits and where
 * its keys (after the charset) start in the command's buffer. */
struct search_program {
	unsigned needs;
	size_t keys_at;
};

/* cmd_search.c: "[CHARSET SP astring SP] search-key..." to the end of the
 * command (with_charset 2: the charset is required, as in SORT and
 * THREAD) parsed into k (memory from p), with *needs and *keys_at as
 * in struct search_program. REPLY_OK, or BAD/NO with the reply set. */
enum reply search_program_parse(struct session *s, struct parse *p,
				int with_charset, struct key *k,
				unsigned *needs, size_t *keys_at);
/* Evaluate k (needs: its bits) over msgs[i] for each i of among[0..namong)
 * (ascending), or every message when among is NULL: the matches, in that
 * order, into idx (room for as many) and their number into *n. 0. */
int search_run(struct session *s, const struct key *k, unsigned needs,
	       const size_t *among, size_t namong, size_t *idx, size_t *n);
/* search_program_parse then search_run over the selected folder: the
 * ascending indexes into s->box->msgs of the matches in *idx (malloc'd,
 * *n of them), what the search was in *prog. REPLY_OK, or BAD/NO with
 * the reply set (*idx NULL). */
enum reply search_matches(struct session *s, struct parse *p,
			  int with_charset, size_t **idx, size_t *n,
			  struct search_program *prog);

/* RETURN options (RFC 4731 §3.1, RFC 5182 §2). */
#define RETURN_MIN   0x01
#define RETURN_MAX   0x02
#define RETURN_ALL   0x04
#define RETURN_COUNT 0x08
#define RETURN_SAVE  0x10
#define RETURN_PARTIAL 0x20     /* RFC 5267 §4.4 */
#define RETURN_UPDATE  0x40     /* RFC 5267 §4.3 */
#define RETURN_CONTEXT 0x80     /* RFC 5267 §4.2: a hint, taken and ignored */
struct search_return {
	int extended;           /* RETURN was given: answer with ESEARCH */
	unsigned opts;          /* RETURN_* ("RETURN ()" is ALL) */
	uint32_t partial_lo, partial_hi;        /* PARTIAL lo:hi, lo <= hi */
	size_t fetch_at, fetch_len;     /* UPDATE (fetch-att ...) (RFC 5465
					 * §7) in the command's buffer, or 0 */
};

/* searchres.c: an optional "RETURN (opts) SP" at p into r (nothing
 * consumed when absent; PARTIAL with ALL, or twice, is refused). 0, or
 * -1 with p->error. */
int search_return_parse(struct parse *p, struct search_return *r);
/* Answer a SEARCH or SORT (verb) whose matches are msgs[idx[0..n)], in
 * the order given: "* SEARCH ..." / "* SORT ...", or the ESEARCH
 * response (RFC 4731 §3.1, RFC 5267 §3: MIN and MAX are the first and
 * last in that order) when r->extended; and keep the result for "$"
 * when SAVE is asked (RFC 5182 §2.1). */
void search_result_write(struct session *s, const struct search_return *r,
			 const char *verb, const size_t *idx, size_t n);
/* "$" (RFC 5182): forget it (SELECT, a failed SEARCH ... SAVE), ask
 * whether a UID is in it, or turn it into a plain set of UIDs (memory
 * from p; 0 or -1). */
void search_saved_clear(struct session *s);
int search_saved_contains(const struct session *s, uint32_t uid);
int seqset_from_saved(const struct session *s, struct parse *p,
		      struct seqset *set);

#endif
