# smtpd/module.mk - the SMTP server.
SMTPD_SRCS := $(wildcard smtpd/*.c)
SMTPD_OBJS := $(SMTPD_SRCS:.c=.o)
PROGRAMS += smtpd/smtpd
MODULE_OBJS += $(SMTPD_OBJS)

# smtpd starts once per connection: linked statically it skips the dynamic
# loader's work (about 0.3 ms of each connection, a sixth of the time to
# accept a one-message connection; see bench/smtpd-bench). Sanitizer builds
# cannot be static. SMTPD_STATIC= (empty) links dynamically.
ifneq ($(SAN),1)
SMTPD_STATIC ?= -static
endif
smtpd/smtpd: $(SMTPD_OBJS) $(LIB)
	$(CC) $(LDFLAGS) $(SMTPD_STATIC) -o $@ $^ $(LDLIBS)
