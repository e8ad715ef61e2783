/* cmd.c - what the subcommands share: the option groups, the colour rule,
 * printing errors and warnings. */
#include "cmd.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
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

int cmd_need_bucket(const char *bucket, const char *command,
		    struct s3p_error *err)
{
	if (!bucket)
		return s3p_error_set(err, S3P_E_USAGE, "missing --bucket (see "
				     "'s3perm %s --help')", command);
	return names_check_bucket(bucket, err);
}

int cmd_need_principal(const struct cmd_principal *id, struct principal *pr,
		       const char **resource_partition,
		       struct s3p_error *err)
{
	if (!id->user && !id->principal)
		return s3p_error_set(err, S3P_E_USAGE, "give exactly one of "
				     "--user NAME and --principal ARN");
	return names_resolve_principal(id->user, id->account, id->principal,
				       id->partition, pr, resource_partition,
				       err);
}

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

double cmd_seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
		(double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

int cmd_color(int fd)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fd) && !(nc && *nc);
}

int cmd_exit_status(enum s3p_err_kind kind)
{
	switch (kind) {
	case S3P_E_USAGE:
	case S3P_E_INPUT:
	case S3P_E_IO:
		return EXIT_USAGE;
	case S3P_E_S3:
	case S3P_E_NOMEM:
	case S3P_E_INTERNAL:
	default:
		return EXIT_S3;   /* could not run */
	}
}

const char *cmd_error_kind(enum s3p_err_kind kind)
{
	switch (kind) {
	case S3P_E_USAGE: return "usage";
	case S3P_E_INPUT: return "input";
	case S3P_E_IO: return "io";
	case S3P_E_NOMEM: return "memory";
	case S3P_E_S3: return "s3";
	default: return "internal";
	}
}

static int json_errors;

void cmd_json_errors(int argc, char **argv)
{
	json_errors = 0;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json"))
			json_errors = 1;
}

/* s as the inside of a JSON string: valid UTF-8 (other bytes as the
 * characters \xNN, as every JSON writer shows them), '"', '\' and
 * control characters escaped. */
static void put_json_string(struct buf *out, const char *s)
{
	struct buf u = BUF_INIT;

	buf_put_utf8_escaped(&u, s, strlen(s));
	buf_putc(out, '"');
	for (const char *p = buf_str(&u); *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			buf_printf(out, "\\%c", c);
		else if (c == '\n')
			buf_puts(out, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(out, "\\u%04x", c);
		else
			buf_putc(out, (char)c);
	}
	buf_putc(out, '"');
	buf_release(&u);
}

void cmd_error_json(const struct s3p_error *err, int status,
		    struct buf *out)
{
	buf_printf(out, "{\"error\": {\"kind\": \"%s\", \"message\": ",
		   cmd_error_kind(err->kind));
	put_json_string(out, err->msg);
	buf_printf(out, ", \"exit_status\": %d}}\n", status);
}

int cmd_fail(const struct s3p_error *err)
{
	int status = cmd_exit_status(err->kind);

	/* messages carry server bytes and key names: escaped */
	cmd_say("error", err->msg);
	if (json_errors) {
		struct buf j = BUF_INIT;

		cmd_error_json(err, status, &j);
		fputs(buf_str(&j), stdout);
		buf_release(&j);
	}
	return status;
}

void cmd_say(const char *level, const char *text)
{
	char *msg = term_escape(text);
	int c = cmd_color(STDERR_FILENO);

	fprintf(stderr, "s3perm: %s%s:%s %s\n", !c ? "" :
		!strcmp(level, "error") ? "\033[1;31m" : "\033[1;33m", level,
		c ? "\033[0m" : "", msg);
	free(msg);
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cmd_say("warning", tmp);
}
