/* main.c - subcommand table, --help, --version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "gen", cmd_gen, "print the bucket policy that grants the vendor access" },
	{ "apply", cmd_apply, "merge the vendor's grants into the bucket's policy, live" },
	{ "check", cmd_check, "prove with live requests that every grant works" },
	{ "verify", cmd_verify, "evaluate a bucket policy offline for the vendor's grants" },
	{ "layout", cmd_layout, "check the bucket's layout for daily parquet ingestion" },
	{ "doctor", cmd_doctor, "check your bucket's settings that would stop the vendor" },
};

static void usage(FILE *out)
{
	fputs("usage: s3perm <command> [options]\n\n"
	      "Generate and check the S3 bucket policy that grants a data vendor\n"
	      "(Statsig, AWS account 999689269917) access to a bucket.\n\n"
	      "commands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 's3perm <command> --help' for a command's options,\n"
	      "'man s3perm' for the whole manual.\n"
	      "  -h, --help      show this help and exit\n"
	      "      --version   print the version and exit\n", out);
}

int main(int argc, char **argv)
{
	int rc = EXIT_USAGE;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("s3perm %s\n", S3PERM_VERSION);
		rc = EXIT_ALL_GOOD;
		goto out;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			cmd_json_errors(argc - 1, argv + 1);
			rc = commands[i].run(argc - 1, argv + 1);
			goto out;
		}
	}
	fprintf(stderr, "s3perm: error: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
out:
	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		/* a command that failed has said why already */
		if (rc == EXIT_ALL_GOOD || rc == EXIT_FINDING) {
			fprintf(stderr, "s3perm: error: cannot write output\n");
			rc = EXIT_USAGE;
		}
	}
	return rc;
}
