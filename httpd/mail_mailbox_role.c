/* mail_mailbox_role.c - a Mailbox's role in Mailbox/set (RFC 8621 §2):
 * its SPECIAL-USE (RFC 6154), recorded in the folder as IMAP's
 * CREATE-SPECIAL-USE records it (store.h), else given by its name
 * (lib/folder.h). A role given must be one a folder can be given and no
 * other Mailbox's; null records none. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "folder.h"
#include "log.h"
#include "mailbox_set.h"

/* role and sortOrder as given (absent: NULL) for the folder b (NULL:
 * one being made) that will be named folder: the role given must be one
 * a folder can be given (store.h) and no other Mailbox's (RFC 8621 §2);
 * absent, the folder keeps its record, else its name's. */
enum outcome box_role_check(struct box_set *m, struct mail_box *b,
			    const char *folder, const struct json *role,
			    const struct json *sort, struct role_plan *plan,
			    struct box_error *e)
{
	char attr[24];
	unsigned bits;
	int64_t n;
	memset(plan, 0, sizeof *plan);
	if (role && role->type != JSON_NULL) {
		const char *r = json_string(role);
		int len = r ? snprintf(attr, sizeof attr, "\\%s", r) : -1;
		struct mail_box *other = r ? mail_box_by_role(&m->a, r) : NULL;
		if (folder_is_inbox(folder) ? !r || strcmp(r, "inbox")
		    : len < 0 || (size_t)len >= sizeof attr ||
		      !(plan->bits = store_special_use_bit(attr, (size_t)len)))
			return box_fail(e, "invalidProperties", "role", "not a "
					"role this Mailbox can be given");
		if (other && other != b)
			return box_fail(e, "invalidProperties", "role",
					"another Mailbox has this role");
		snprintf(plan->role, sizeof plan->role, "%s", r);
	} else if (role) {
		if (folder_is_inbox(folder))
			return box_fail(e, "invalidProperties", "role",
					"INBOX is the inbox");
	} else if (b && store_special_use_get(&m->a.st, b->name, &bits) == 1) {
		snprintf(plan->role, sizeof plan->role, "%s", b->role ? b->role : "");
	} else {
		const char *byname = folder_is_inbox(folder) ? "\\Inbox"
				     : special_use_attr(folder);
		for (size_t i = 0; byname && byname[i + 1] &&
		     i + 1 < sizeof plan->role; i++)
			plan->role[i] = (char)tolower((unsigned char)byname[i + 1]);
	}
	plan->record = role && !folder_is_inbox(folder);
	if (sort && (!json_int(sort, &n) || n != (plan->role[0] ? 0 : 10)))
		return box_fail(e, "invalidProperties", "sortOrder", "not stored: "
				"0 for a Mailbox with a role, else 10");
	return DONE;
}

/* Record the planned role of folder (made or renamed already). */
enum outcome box_role_record(struct box_set *m, const char *folder,
			     const struct role_plan *plan,
			     struct box_error *e)
{
	if (plan->record &&
	    store_special_use_set(&m->a.st, folder, plan->bits) < 0) {
		log_event("event=mailbox-role-error errno=%d", errno);
		return box_fail(e, "serverFail", NULL, NULL);
	}
	return DONE;
}

