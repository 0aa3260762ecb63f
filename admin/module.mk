# admin/ - postern-user, the users file's editor (issue 15).
ADMIN_USER_OBJS := admin/postern_user.o
PROGRAMS += admin/postern-user
MODULE_OBJS += $(ADMIN_USER_OBJS)

admin/postern-user: $(ADMIN_USER_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
