"""Every read of a UPT's register for pages, admin and commands: lists, the person's file, work lists."""
