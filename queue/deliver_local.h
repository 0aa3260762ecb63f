/* deliver_local.h - delivery into local Maildirs. */
#ifndef POSTERN_QUEUE_DELIVER_LOCAL_H
#define POSTERN_QUEUE_DELIVER_LOCAL_H
#include "delivery.h"

/* Deliver the message to each recipient of d (local, aliases already
 * expanded): user+tag@domain into mailroot/DOMAIN/USER/ (created when
 * missing) with Return-Path: and Delivered-To: prepended and any
 * incoming Return-Path: removed (local_header.h), tmp/ -> fsync -> new/;
 * a message that already has "Delivered-To: the recipient" bounces with
 * 5.4.6 (a loop). A user needs a line in "users", except postmaster, always
 * deliverable (RFC 5321 §4.5.1). Every recipient gets a result: sent,
 * bounced (no such user, a name no Maildir can have) or deferred (the
 * file system failed; the mailbox is over its quota, control file
 * "quota": 452 4.2.2, bounced by the runner only after the queue
 * lifetime). */
void local_deliver(struct delivery *d);

/* Is address's local part "postmaster" (case ignored)? 1/0. */
int local_is_postmaster(const char *address);

#endif
