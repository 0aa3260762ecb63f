/* folder.c - IMAP mailbox names and Maildir++ folders. See folder.h. */
#include "folder.h"
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "limits.h"
#include "mutf7.h"

int folder_name_check(const char *name, const char **why)
{
	size_t n = strlen(name);
	*why = "Invalid mailbox name";
	if (n == 0 || n > IMAP_MAILBOX_NAME_MAX) {
		*why = n ? "Mailbox name too long" : "Empty mailbox name";
		return -1;
	}
	if (name[0] == FOLDER_DELIMITER || name[n - 1] == FOLDER_DELIMITER)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c > 0x7e || c == '/' || c == '*' || c == '%')
			return -1;
		if (c == FOLDER_DELIMITER && name[i + 1] == FOLDER_DELIMITER)
			return -1;
		if (c == '&') {
			int k = mutf7_run(name + i + 1, NULL);
			if (k < 0) {
				*why = "Mailbox name is not modified UTF-7";
				return -1;
			}
			i += (size_t)k;
		}
	}
	return 0;
}

int folder_is_inbox(const char *name)
{
	return !strcasecmp(name, "INBOX");
}

const char *folder_canonical(const char *name)
{
	return folder_is_inbox(name) ? "INBOX" : name;
}

int folder_dir(const char *maildir, const char *name, char *buf,
	       size_t size)
{
	int n = folder_is_inbox(name) ?
		snprintf(buf, size, "%s", maildir) :
		snprintf(buf, size, "%s/.%s", maildir, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int folder_exists(const char *maildir, const char *name)
{
	char dir[PATH_MAX_POSTERN], cur[PATH_MAX_POSTERN + 8];
	struct stat st;
	if (folder_dir(maildir, name, dir, sizeof dir) < 0)
		return 0;
	snprintf(cur, sizeof cur, "%s/cur", dir);
	return stat(cur, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Match pattern against name, one row of dynamic programming at a time
 * (no exponential backtracking on "*%*%..."). */
int folder_match(const char *pattern, const char *name)
{
	size_t pn = strlen(pattern), nn = strlen(name);
	int inbox = folder_is_inbox(name);
	if (pn > 2 * IMAP_MAILBOX_NAME_MAX + 2 || nn > IMAP_MAILBOX_NAME_MAX)
		return 0;
	unsigned char row[IMAP_MAILBOX_NAME_MAX + 2], next[sizeof row];
	/* row[j]: pattern[0..i) matches name[0..j) */
	memset(row, 0, sizeof row);
	row[0] = 1;
	for (size_t i = 0; i < pn; i++) {
		char pc = pattern[i];
		memset(next, 0, sizeof next);
		for (size_t j = 0; j <= nn; j++) {
			if (pc == '*' || pc == '%') {
				next[j] = row[j] || (j > 0 && next[j - 1] &&
					  (pc == '*' || name[j - 1] != FOLDER_DELIMITER));
			} else if (j > 0 && row[j - 1]) {
				char nc = name[j - 1];
				next[j] = inbox ? (pc | 0x20) == (nc | 0x20) :
					  pc == nc;
			}
		}
		memcpy(row, next, sizeof row);
	}
	return row[nn];
}

static int entry_cmp(const void *a, const void *b)
{
	const struct folder_entry *x = a, *y = b;
	int xi = !strcmp(x->name, "INBOX"), yi = !strcmp(y->name, "INBOX");
	if (xi != yi)
		return yi - xi;
	return strcmp(x->name, y->name);
}

static int list_add(struct folder_list *l, size_t *cap, const char *name,
		    size_t len, int exists)
{
	if (l->count == *cap) {
		if (*cap >= IMAP_FOLDERS_MAX)
			return -1;
		size_t c = *cap ? *cap * 2 : 16;
		struct folder_entry *v = realloc(l->v, c * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		*cap = c;
	}
	char *s = strndup(name, len);
	if (!s)
		return -1;
	l->v[l->count++] = (struct folder_entry){ s, exists, 0 };
	return 0;
}

/* Sort, drop duplicates (keeping exists), add implied parents, mark
 * children. */
static int list_finish(struct folder_list *l, size_t *cap)
{
	size_t n = l->count;
	for (size_t i = 0; i < n; i++) {
		const char *name = l->v[i].name;
		for (const char *d = strchr(name, FOLDER_DELIMITER); d;
		     d = strchr(d + 1, FOLDER_DELIMITER))
			if (list_add(l, cap, name, (size_t)(d - name), 0) < 0)
				return -1;
	}
	if (l->count)
		qsort(l->v, l->count, sizeof *l->v, entry_cmp);
	size_t w = 0;
	for (size_t i = 0; i < l->count; i++) {
		if (w > 0 && !strcmp(l->v[w - 1].name, l->v[i].name)) {
			l->v[w - 1].exists |= l->v[i].exists;
			free(l->v[i].name);
			continue;
		}
		l->v[w++] = l->v[i];
	}
	l->count = w;
	for (size_t i = 0; i < l->count; i++) {
		size_t len = strlen(l->v[i].name);
		for (size_t j = i + 1; j < l->count; j++) {
			if (strncmp(l->v[j].name, l->v[i].name, len))
				break;
			if (l->v[j].name[len] == FOLDER_DELIMITER) {
				l->v[i].children = 1;
				break;
			}
		}
	}
	return 0;
}

int folder_list_read(const char *maildir, char **extra, size_t n,
		     struct folder_list *out)
{
	size_t cap = 0;
	const char *why;
	memset(out, 0, sizeof *out);
	int rc = 0;
	if (!maildir) {
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = list_add(out, &cap, folder_canonical(extra[i]),
				      strlen(folder_canonical(extra[i])), 1);
		if (rc == 0)
			rc = list_finish(out, &cap);
		if (rc < 0)
			folder_list_free(out);
		return rc;
	}
	DIR *d = opendir(maildir);
	if (!d)
		return -1;
	rc = list_add(out, &cap, "INBOX", 5, 1);
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] != '.' || !e->d_name[1] ||
		    folder_name_check(e->d_name + 1, &why) < 0 ||
		    folder_is_inbox(e->d_name + 1))
			continue;
		if (folder_exists(maildir, e->d_name + 1))
			rc = list_add(out, &cap, e->d_name + 1,
				      strlen(e->d_name + 1), 1);
	}
	closedir(d);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = list_add(out, &cap, folder_canonical(extra[i]),
			      strlen(folder_canonical(extra[i])), 0);
	if (rc == 0)
		rc = list_finish(out, &cap);
	if (rc < 0)
		folder_list_free(out);
	return rc;
}

void folder_list_free(struct folder_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->v[i].name);
	free(list->v);
	list->v = NULL;
	list->count = 0;
}
