HTTPD_SRCS := $(wildcard httpd/*.c)
HTTPD_OBJS := $(HTTPD_SRCS:.c=.o)
PROGRAMS += httpd/httpd httpd/postern-token
MODULE_OBJS += $(HTTPD_OBJS)
$(eval $(call server,httpd/httpd,$(filter-out httpd/token_main.o,$(HTTPD_OBJS))))
httpd/postern-token: httpd/token_main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
