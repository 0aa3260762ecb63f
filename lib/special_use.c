/* special_use.c - the special-use folders of RFC 6154 §2. See folder.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "folder.h"
#include "limits.h"
#include "log.h"
#include "store.h"

static const struct { const char *name, *attr; } special[] = {
	{ "Sent", "\\Sent" }, { "Drafts", "\\Drafts" },
	{ "Trash", "\\Trash" }, { "Junk", "\\Junk" },
	{ "Archive", "\\Archive" },
};
#define NSPECIAL (sizeof special / sizeof special[0])

const char *special_use_attr(const char *name)
{
	for (size_t i = 0; i < NSPECIAL; i++)
		if (!strcmp(name, special[i].name))
			return special[i].attr;
	return NULL;
}

int special_use_attrs(struct store *st, const char *name, char *buf,
		      size_t size)
{
	unsigned bits;
	const char *byname = special_use_attr(name);
	if (store_special_use_get(st, name, &bits) == 1 &&
	    store_special_use_format(bits, buf, size) == 0)
		return buf[0] != '\0';
	snprintf(buf, size, "%s", byname ? byname : "");
	return byname != NULL;
}

int special_use_create(struct store *st)
{
	struct stat s;
	if (fstatat(st->rootfd, "subscriptions", &s, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT)
		return 0;       /* not the first login */
	int rc = subscriptions_change(st->root, "INBOX", 1);
	for (size_t i = 0; i < NSPECIAL; i++) {
		if (!store_folder_exists(st, special[i].name) &&
		    store_folder_create(st, special[i].name) < 0)
			rc = -1;
		if (subscriptions_change(st->root, special[i].name, 1) < 0)
			rc = -1;
	}
	log_event("event=special-use-created ok=%d", rc == 0);
	return rc;
}
