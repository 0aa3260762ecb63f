# postern - build, test, install. See README.
#
#   make                 build every program in place
#   make test            build with ASan/UBSan and run the whole suite
#   make run             a local instance under ./run/, in the foreground
#   make install PREFIX=/usr/local DESTDIR=
#   make clean
#
# Each program directory has a module.mk that adds its program to PROGRAMS
# and says which objects make it; this file holds everything shared.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
OPT     ?= -O2
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
CPPFLAGS += -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -iquote lib
CFLAGS  += -std=c11 $(OPT) -g $(WARN) -MMD -MP
LDLIBS  += -lcrypt -lresolv

# make test (and SAN=1) builds with sanitizers; the flags are kept in
# .build-flags so that switching rebuilds everything.
ifeq ($(SAN),1)
# POSTERN_FAULTS: the fault-injection hook of file_commit (lib/fsutil.h)
CPPFLAGS += -DPOSTERN_FAULTS
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:.c=.o)
LIB      := lib/libpostern.a
PROGRAMS :=

# The first target is the default: declare it before any module.mk.
.DEFAULT_GOAL := all
MODULE_OBJS :=

include $(wildcard */module.mk)

UNIT_SRCS  := $(wildcard t/unit/test_*.c)
UNIT_TESTS := $(UNIT_SRCS:.c=)

all: $(PROGRAMS)

.build-flags: FORCE
	@echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' > $@

%.o: %.c .build-flags
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

t/unit/test_%: t/unit/test_%.o t/unit/check.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_TESTS)

test:
	$(MAKE) SAN=1 all unit
	t/run

run: all
	scripts/run-local

install: all
	scripts/install "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -f $(LIB) $(PROGRAMS) $(UNIT_TESTS) .build-flags
	rm -rf fuzz/obj $(FUZZ_TARGETS)
	find lib t smtpd queue pop3d imapd httpd admin -name '*.[od]' -delete 2>/dev/null || true

-include $(LIB_SRCS:.c=.d) $(UNIT_SRCS:.c=.d) $(MODULE_OBJS:.o=.d) t/unit/check.d

.PHONY: all test run install clean unit FORCE
.SECONDARY:
