/* maildir.h - Maildir layout (DESIGN.md "Mailboxes"). */
#ifndef POSTERN_MAILDIR_H
#define POSTERN_MAILDIR_H
#include <stddef.h>
#include <sys/types.h>

/* mailroot/DOMAIN/LOCAL for address "local@domain" (both lowercased,
 * +tag kept as given: strip it first with local_base_address). mailroot
 * NULL: the "mailroot" control file (default /var/vmail). Refuses (-1,
 * EINVAL) a local part or domain that is empty, starts with '.', or holds
 * '/' or a control character. 0 or -1. */
int maildir_path(char *buf, size_t size, const char *mailroot,
		 const char *address);

/* Create dir and its cur/ new/ tmp/ when missing (mode 0700). 0 or -1. */
int maildir_create(const char *dir);

/* A unique file name "SECONDS.MUSECPPID_N.HOST" (Maildir convention).
 * 0 or -1 if it does not fit. */
int maildir_unique_name(char *buf, size_t size);

/* Deliver: write header (may be NULL) and then the bytes of fd from
 * offset to its end into dir/tmp/NAME, fsync, rename into dir/new/NAME,
 * fsync dir/new. The name goes into name (size bytes). 0, or -1 with
 * errno and nothing left in tmp/ or new/. */
int maildir_deliver(const char *dir, const char *header, size_t header_len,
		    int fd, off_t offset, char *name, size_t size);

/* maildir_deliver under a name the caller made with maildir_unique_name
 * (and may record before the rename makes the delivery happen). */
int maildir_deliver_as(const char *dir, const char *header, size_t header_len,
		       int fd, off_t offset, const char *name);

#endif
