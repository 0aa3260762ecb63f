/* control.h - the control files of DESIGN.md "Configuration".
 *
 * The directory is $POSTERN_CONF, else /etc/postern. Each setting is a
 * file; '#' starts a comment; leading and trailing white space and blank
 * lines are ignored. A missing file means the default. Files are read when
 * asked for, never at start-up as a whole, so a server only pays for the
 * settings it uses. */
#ifndef POSTERN_CONTROL_H
#define POSTERN_CONTROL_H
#include <stddef.h>
#include "bytes.h"

/* The control directory. */
const char *control_dir(void);

/* Full path of a control file into buf. Returns 0, -1 if it does not fit. */
int control_path(const char *name, char *buf, size_t size);

/* First item of the file into buf (NUL-terminated), else dflt (NULL dflt
 * means ""). Returns 1 read from the file, 0 default used, -1 error
 * (unreadable, or the value does not fit; buf then holds dflt). */
int control_value(const char *name, char *buf, size_t size, const char *dflt);

/* A number: returns 0 with *out set (dflt when the file is missing or
 * empty), or -1 with errno EINVAL when the file holds something that is
 * not a non-negative decimal number, or another errno when unreadable.
 * On -1 *out is set to dflt. */
int control_number(const char *name, long dflt, long *out);

/* A list: each item. */
struct control_list {
	size_t count;
	char **items;           /* items[i] NUL-terminated */
};
/* Read every item. Returns 1 from the file, 0 missing (empty list),
 * -1 error (empty list). Free with control_list_free. */
int control_list(const char *name, struct control_list *list);
void control_list_free(struct control_list *list);

/* Stream through the file for the first item whose key (the text before
 * sep, trimmed) equals key, ignoring ASCII case. The rest of the item
 * after sep, trimmed, goes into value (may be NULL). Returns 1 found,
 * 0 not found or no file, -1 error. For users ("addr:hash") and aliases
 * ("addr: targets"). */
int control_lookup(const char *name, const char *key, char sep,
		   struct bytes *value);

/* Is item (ignoring ASCII case) one of the file's items? 1/0/-1. */
int control_contains(const char *name, const char *item);

/* Like control_contains, but tells a missing file apart: 1 item found,
 * 0 not found, CONTROL_MISSING no such file, -1 error. */
#define CONTROL_MISSING 2
int control_member(const char *name, const char *item);

/* This host's name: "me", else gethostname(). Into buf. 0 or -1. */
int control_me(char *buf, size_t size);

#endif
