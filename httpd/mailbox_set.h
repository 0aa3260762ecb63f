/* mailbox_set.h - Mailbox/set's pieces shared by mail_mailbox_set.c
 * (create, update, the method), mail_mailbox_role.c (roles) and
 * mail_mailbox_destroy.c (destroy). */
#ifndef HTTPD_MAILBOX_SET_H
#define HTTPD_MAILBOX_SET_H
#include "mail.h"

struct box_set {
	struct jmap_call *c;
	struct mail_account a;          /* opened again after each change */
	struct mail_set_result r;
	const struct json *create, *destroy;
	int remove_emails;              /* onDestroyRemoveEmails */
};

/* What one create or update failed with. */
struct box_error {
	const char *type, *description, *property;
};

enum outcome { DONE, FAILED, LATER };

/* The role a Mailbox will have, and whether a create or patch sets it. */
struct role_plan {
	char role[16];                  /* "" none */
	int record;                     /* write bits as its record */
	unsigned bits;
};

/* role and sortOrder as given (absent: NULL) for the folder b (NULL:
 * one being made) that will be named folder: into *plan, DONE; or
 * FAILED with *e (mail_mailbox_role.c). */
enum outcome box_role_check(struct box_set *m, struct mail_box *b,
			    const char *folder, const struct json *role,
			    const struct json *sort, struct role_plan *plan,
			    struct box_error *e);
/* Record the planned role of folder (made or renamed already). */
enum outcome box_role_record(struct box_set *m, const char *folder,
			     const struct role_plan *plan,
			     struct box_error *e);
/* Set *e and return FAILED. */
enum outcome box_fail(struct box_error *e, const char *type,
		      const char *property, const char *description);
/* Open the account again to see a change made; 0, or -1 with the call
 * failed (serverFail). */
int box_reopen(struct box_set *m);
/* The destroys of the call, children first. */
void box_destroys(struct box_set *m);

#endif
