# postern - build, test, install. See README.
#
#   make                 build every program in place
#   make test            build with ASan/UBSan and run the whole suite
#   make test-release    the whole suite (or TESTS=...) against the release build
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

# The per-connection servers (smtpd, pop3d, imapd, httpd) start once per
# connection, so the start of a process is paid per connection; on a
# virtual machine most of it is libc's own start-up (issue 17: fork, exec
# and exit of a trivial program take 200-275 us linked statically with
# musl, 625-650 us static with glibc, 800 us dynamic). A release build
# links them statically with musl when musl-gcc is installed (Debian
# musl-tools), else statically with glibc; sanitizer builds stay dynamic
# glibc. SERVER_LIBC=glibc chooses glibc. A module.mk opts a program in
# with one line:  $(eval $(call server,DIR/PROGRAM,$(ITS_OBJS)))
# The musl objects, lib/ included, live under .musl/.
MUSL_GCC ?= $(shell command -v musl-gcc 2>/dev/null)
ifeq ($(SAN),1)
SERVER_LIBC := glibc-dynamic
else ifeq ($(SERVER_LIBC)$(MUSL_GCC),)
SERVER_LIBC := glibc
else
SERVER_LIBC ?= musl
endif
MUSL_DIR := .musl
MUSL_LIB := $(MUSL_DIR)/lib/libpostern.a
# Debian's musl has no crypt(3): lib/password checks "$6$" itself.
MUSL_CPPFLAGS := -DPOSTERN_WITHOUT_CRYPT

define server
ifeq ($(SERVER_LIBC),musl)
$(1): $(addprefix $(MUSL_DIR)/,$(2)) $(MUSL_LIB)
	@echo "$(1): static, musl ($(MUSL_GCC))"
	$(MUSL_GCC) -static $(LDFLAGS) -o $$@ $$^
else ifeq ($(SERVER_LIBC),glibc)
$(1): $(2) $(LIB)
	@echo "$(1): static, glibc"
	$(CC) -static $(LDFLAGS) -o $$@ $$^ $(LDLIBS)
else
$(1): $(2) $(LIB)
	$(CC) $(LDFLAGS) -o $$@ $$^ $(LDLIBS)
endif
endef

# The first target is the default: declare it before any module.mk.
.DEFAULT_GOAL := all
MODULE_OBJS :=

include $(wildcard */module.mk)

UNIT_SRCS  := $(wildcard t/unit/test_*.c)
UNIT_TESTS := $(UNIT_SRCS:.c=)

all: $(PROGRAMS)

BUILD_FLAGS := $(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) servers=$(SERVER_LIBC)
.build-flags: FORCE
	@echo '$(BUILD_FLAGS)' | cmp -s - $@ || echo '$(BUILD_FLAGS)' > $@

%.o: %.c .build-flags
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(MUSL_DIR)/%.o: %.c .build-flags
	@mkdir -p $(@D)
	$(MUSL_GCC) $(CPPFLAGS) $(MUSL_CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(MUSL_LIB): $(addprefix $(MUSL_DIR)/,$(LIB_OBJS))
	rm -f $@
	ar rcs $@ $^

t/unit/test_%: t/unit/test_%.o t/unit/check.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_TESTS)

# The builds before a test run use every core (BUILD_JOBS); t/run runs the
# test files TEST_JOBS at a time (t/run says why 4).
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

test:
	$(MAKE) -j$(BUILD_JOBS) SAN=1 all unit
	t/run

# The suite against the release build (static servers, no sanitizers):
# what is installed is what is tested. All of it, or the files in TESTS
# (.ci/run names the socket and client files, to stay in its time).
test-release:
	$(MAKE) -j$(BUILD_JOBS) all unit
	t/run $(TESTS)

run: all
	scripts/run-local

install: all
	scripts/install "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -f $(LIB) $(PROGRAMS) $(UNIT_TESTS) .build-flags
	rm -rf fuzz/obj $(MUSL_DIR) $(FUZZ_TARGETS)
	find lib t smtpd queue pop3d imapd httpd admin -name '*.[od]' -delete 2>/dev/null || true

-include $(LIB_SRCS:.c=.d) $(UNIT_SRCS:.c=.d) $(MODULE_OBJS:.o=.d) t/unit/check.d
-include $(addprefix $(MUSL_DIR)/,$(LIB_SRCS:.c=.d) $(MODULE_OBJS:.o=.d))

.PHONY: all test test-release run install clean unit FORCE
.SECONDARY:
