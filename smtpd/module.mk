# smtpd/module.mk - the SMTP server.
SMTPD_SRCS := $(wildcard smtpd/*.c)
SMTPD_OBJS := $(SMTPD_SRCS:.c=.o)
PROGRAMS += smtpd/smtpd
MODULE_OBJS += $(SMTPD_OBJS)

$(eval $(call server,smtpd/smtpd,$(SMTPD_OBJS)))
