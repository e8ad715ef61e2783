/* cmd.c - what the subcommands share: the option groups, the colour rule,
 * printing errors and warnings. */
#include "cmd.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
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

/* --templates DIR: a directory, so not "" (that would be "/read.json"). */
static int check_templates(const char *v, struct s3p_error *err)
{
	if (!*v)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid --templates '': give the directory that holds "
			"read.json and export.json");
	return 0;
}

const struct opt_spec cmd_grants_opts[CMD_GRANTS_NOPTS] = {
	OPT_STRING(struct cmd_grants, mode, "mode", 'm', "read|export",
		   "the access: read (ingestion, default) or export",
		   template_check_mode),
	OPT_LIST(struct cmd_grants, prefixes, "prefix", 0, "P",
		 "the grants are limited to keys under P (repeatable)",
		 names_check_prefix),
	OPT_STRING(struct cmd_grants, templates, "templates", 0, "DIR",
		   "read the templates from DIR instead of the installed ones",
		   check_templates),
};

int cmd_color(int fd)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fd) && !(nc && *nc);
}

int cmd_fail(const struct s3p_error *err)
{
	/* messages carry server bytes and key names: escaped */
	char *msg = term_escape(err->msg);

	if (cmd_color(STDERR_FILENO))
		fprintf(stderr, "s3perm: \033[1;31merror:\033[0m %s\n", msg);
	else
		fprintf(stderr, "s3perm: error: %s\n", msg);
	free(msg);
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
	char tmp[1024], *msg;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	msg = term_escape(tmp);
	fprintf(stderr, "s3perm: %swarning:%s %s\n",
		cmd_color(STDERR_FILENO) ? "\033[1;33m" : "",
		cmd_color(STDERR_FILENO) ? "\033[0m" : "", msg);
	free(msg);
}
