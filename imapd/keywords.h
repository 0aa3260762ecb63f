/* keywords.h - a folder's keywords (RFC 3501 §2.3.2 flag-keyword).
 *
 * Maildir keeps a message's keywords as the lowercase info letters
 * a..z of its file name (":2,Sab"); the file "dovecot-keywords" in the
 * folder names them, one "N name" line each, letter 'a' + N. The name
 * and format are Dovecot's, so Dovecot and mutt share the store. The
 * file is only replaced whole (file_write_atomic) with the folder's
 * uidlist lock held. A folder holds at most KEYWORDS_MAX keywords. */
#ifndef IMAPD_KEYWORDS_H
#define IMAPD_KEYWORDS_H
#include <stddef.h>
#include "limits.h"

#define KEYWORDS_MAX 26         /* the letters a..z */

struct keywords {
	char *name[KEYWORDS_MAX];       /* NULL: letter unused */
	size_t count;                   /* highest used index + 1 */
};

/* Read the folder's keyword file into k (empty when there is none).
 * 0, or -1 with errno and k empty. */
int keywords_read(const char *dir, struct keywords *k);
void keywords_free(struct keywords *k);

/* The index of name (ASCII case ignored) in k, or -1. */
int keywords_index(const struct keywords *k, const char *name);

/* With the folder's lock held (uidlist_lock): read the file into k,
 * and when add is set give the names of names[0..n) it lacks the free
 * letters and write the file back. *bits gets FLAG_KEYWORD(i) for each
 * name found or added. 0; -1 with errno E2BIG when the folder would
 * need more than KEYWORDS_MAX (nothing written), or another errno. */
int keywords_resolve(const char *dir, char *const *names, size_t n, int add,
		     struct keywords *k, unsigned *bits);

/* The same taking and dropping the folder's lock itself. */
int keywords_resolve_unlocked(const char *dir, char *const *names,
			      size_t n, int add, struct keywords *k,
			      unsigned *bits);

#endif
