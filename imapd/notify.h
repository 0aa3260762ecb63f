/* notify.h - NOTIFY (RFC 5465): the events a session asked for, watched
 * between commands and during IDLE, woken by inotify (watch.h) where the
 * kernel has it, else looking again every IMAP_NOTIFY_POLL_MS; changes to other folders go out as STATUS, new,
 * deleted and (un)subscribed folders as LIST, the selected folder's as
 * its usual EXISTS / EXPUNGE / FETCH (with UID). */
#ifndef IMAPD_NOTIFY_H
#define IMAPD_NOTIFY_H
#include "imapd.h"

/* NOTIFY SET [STATUS] event-group... / NOTIFY NONE (§3.1). */
enum reply cmd_notify(struct session *s, struct parse *p);

/* Is a NOTIFY SET in effect? 1 / 0. */
int notify_active(const struct session *s);

/* Look for the events asked and write their responses (nothing when no
 * NOTIFY SET is in effect). allow_expunge: EXPUNGE may be sent for the
 * selected folder (not while a command forbids it, nor between commands
 * under SELECTED-DELAYED). */
void notify_poll(struct session *s, int allow_expunge);

/* Between commands: while a NOTIFY SET is in effect, wait for the
 * client's next input, sending what happens meanwhile. 0 when input is
 * there (or no NOTIFY is in effect), 1 when the client stayed silent for
 * its autologout time, -1 when the link failed. */
int notify_wait(struct session *s);

/* Add to the inotify fd the directories whose changes NOTIFY tells
 * (watch.c builds the watch with it): the Maildir root (folders made,
 * removed, renamed; the subscriptions) and each folder watched for
 * message events, at most IMAP_NOTIFY_FOLDERS_MAX. The root's watch
 * descriptor, or -1 when the kernel refused (the waiters then poll). */
int notify_watch(struct session *s, int fd);

/* After a catch-up with the selected folder (its EXISTS and ESEARCH
 * ADDTO written): under NOTIFY SET with SELECTED or SELECTED-DELAYED
 * MessageNew (fetch-att ...), the FETCH responses of the messages found
 * new, but those of s->own_added (RFC 5465 §5.2). */
void notify_new_messages(struct session *s);

/* Forget the session's NOTIFY state (LOGOUT, NOTIFY NONE). */
void notify_free(struct session *s);

/* After this session's own CREATE, DELETE, RENAME, (UN)SUBSCRIBE: take
 * the folder list and subscriptions as they are now, so that its own
 * changes are not told back to it (§5). */
void notify_own_change(struct session *s);

#endif
