/* cmd.c - what the subcommands share: printing errors and warnings. */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>

#include "names.h"
#include "template.h"

const struct opt_spec cmd_principal_opts[CMD_PRINCIPAL_NOPTS] = {
	OPT_STRING(struct cmd_principal, user, "user", 'u', "NAME",
		   "the vendor's IAM user name (in --account)", NULL),
	OPT_STRING(struct cmd_principal, account, "account", 0, "ID",
		   "the vendor's AWS account id (default "
		   NAMES_VENDOR_ACCOUNT ")", NULL),
	OPT_STRING(struct cmd_principal, principal, "principal", 0, "ARN",
		   "any IAM principal ARN instead of --user", NULL),
	OPT_STRING(struct cmd_principal, partition, "partition", 0, "P",
		   "aws (default), aws-cn or aws-us-gov", NULL),
};

const struct opt_spec cmd_grants_opts[CMD_GRANTS_NOPTS] = {
	OPT_STRING(struct cmd_grants, mode, "mode", 'm', "read|export",
		   "the access: read (ingestion, default) or export",
		   template_check_mode),
	OPT_LIST(struct cmd_grants, prefixes, "prefix", 0, "P",
		 "the grants are limited to keys under P (repeatable)",
		 names_check_prefix),
	OPT_STRING(struct cmd_grants, templates, "templates", 0, "DIR",
		   "read the templates from DIR instead of the installed ones",
		   NULL),
};

int cmd_fail(const struct s3p_error *err)
{
	fprintf(stderr, "s3perm: error: %s\n", err->msg);
	switch (err->kind) {
	case S3P_E_S3:
		return EXIT_S3;
	case S3P_E_USAGE:
	case S3P_E_INPUT:
	case S3P_E_IO:
	default:
		return EXIT_USAGE;
	}
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("s3perm: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
