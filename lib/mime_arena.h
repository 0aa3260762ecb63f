/* mime_arena.h - the allocator of a parsed MIME tree: many small blocks
 * freed together, so that freeing a tree is one call and a half-built
 * tree never leaks. */
#ifndef POSTERN_MIME_ARENA_H
#define POSTERN_MIME_ARENA_H
#include <stddef.h>

struct mime_arena_chunk;
struct mime_arena {
	struct mime_arena_chunk *head;  /* newest chunk first */
	int failed;                     /* an allocation failed */
};

/* An empty arena. Allocates nothing. */
void mime_arena_init(struct mime_arena *a);
/* size zeroed bytes, aligned for any type; NULL (and a->failed set) on
 * ENOMEM. */
void *mime_arena_alloc(struct mime_arena *a, size_t size);
/* A NUL-terminated copy of p[0..n); NULL on ENOMEM. */
char *mime_arena_strndup(struct mime_arena *a, const char *p, size_t n);
/* Free every block; the arena is then empty and reusable. */
void mime_arena_free(struct mime_arena *a);

#endif
