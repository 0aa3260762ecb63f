/* mailbox_set.h - Mailbox/set's pieces shared by mail_mailbox_set.c
 * (create, update, the method) and mail_mailbox_destroy.c (destroy). */
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

/* Set *e and return FAILED. */
enum outcome box_fail(struct box_error *e, const char *type,
		      const char *property, const char *description);
/* Open the account again to see a change made; 0, or -1 with the call
 * failed (serverFail). */
int box_reopen(struct box_set *m);
/* The destroys of the call, children first. */
void box_destroys(struct box_set *m);

#endif
