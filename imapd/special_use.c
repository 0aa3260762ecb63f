/* special_use.c - the special-use folders of RFC 6154 §2. See folder.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "folder.h"
#include "limits.h"
#include "log.h"

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

int special_use_create(const char *maildir)
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	if (snprintf(path, sizeof path, "%s/subscriptions", maildir) >=
	    (int)sizeof path)
		return -1;
	if (stat(path, &st) == 0 || errno != ENOENT)
		return 0;       /* not the first login */
	int rc = subscriptions_change(maildir, "INBOX", 1);
	for (size_t i = 0; i < NSPECIAL; i++) {
		if (!folder_exists(maildir, special[i].name) &&
		    folder_make(maildir, special[i].name) < 0)
			rc = -1;
		if (subscriptions_change(maildir, special[i].name, 1) < 0)
			rc = -1;
	}
	log_event("event=special-use-created ok=%d", rc == 0);
	return rc;
}
