/* watch.h - what wakes a waiting session (IDLE, NOTIFY between
 * commands): one inotify instance per session watching the selected
 * folder's directory, new/ and cur/ and, under NOTIFY, the Maildir root
 * (folders made, removed, renamed; the subscriptions) and every folder
 * watched for message events. Where the kernel has no inotify, or the
 * watches run out, there is none and the waiters poll. */
#ifndef IMAPD_WATCH_H
#define IMAPD_WATCH_H
#include <sys/inotify.h>
#include "imapd.h"

/* The events that change what a folder shows: arrivals and flag renames
 * in new/ and cur/, expunges, the index replaced (by rename); in the
 * root also folders made, removed and renamed, the subscriptions
 * replaced. */
#define WATCH_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
		      IN_DONT_FOLLOW | IN_ONLYDIR)

/* The fd to wait on beside the client's input, built (or rebuilt after
 * the selected folder, the NOTIFY SET or the folder list changed), or -1
 * when nothing can be watched: then poll. Its events queue until
 * watch_drain; an fd with events waiting wakes the next wait at once. */
int watch_fd(struct session *s);

/* After watch_fd's fd was readable: read its events, noting those that
 * change what is to be watched. */
void watch_drain(struct session *s);

/* Let the next watch_fd rebuild the watch (NOTIFY SET / NONE). */
void watch_invalidate(struct session *s);

/* Add the watches of a folder's directory dir, dir/new and dir/cur to
 * the inotify fd (those that do not exist yet are skipped: the
 * directory's own watch sees them made). 0, or -1 when the kernel
 * refuses (out of watches: the caller polls). */
int watch_folder_dirs(int fd, const char *dir);

/* Close the watch (LOGOUT). */
void watch_free(struct session *s);

#endif
