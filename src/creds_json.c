/* creds_json.c - the JSON answers of the credential providers
 * (credential_process output, container and instance-metadata
 * credentials, the IAM Identity Center cache and portal): the Jansson
 * user of the credential modules.  See creds_int.h. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "creds_int.h"

static json_t *lookup(json_t *root, const char *path)
{
	char part[128];
	const char *dot;
	json_t *v = root;

	while (v && (dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		v = json_is_object(v) ? json_object_get(v, part) : NULL;
		path = dot + 1;
	}
	return v && json_is_object(v) ? json_object_get(v, path) : NULL;
}

int creds_json_fields(const char *text, size_t len, const char *const *names,
		      char **vals, size_t n, struct s3p_error *err)
{
	json_error_t je;
	json_t *root;

	for (size_t i = 0; i < n; i++)
		vals[i] = NULL;
	/* je.text may quote the input (a secret): report only the place. */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return s3p_error_set(err, S3P_E_S3,
				     "not valid JSON (line %d, column %d)",
				     je.line, je.column);
	if (!json_is_object(root)) {
		json_decref(root);
		return s3p_error_set(err, S3P_E_S3, "not a JSON object");
	}
	for (size_t i = 0; i < n; i++) {
		json_t *v = lookup(root, names[i]);
		char num[32];

		if (json_is_string(v)) {
			vals[i] = xstrdup(json_string_value(v));
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(v));
			vals[i] = xstrdup(num);
		} else if (json_is_real(v)) {
			snprintf(num, sizeof(num), "%.0f", json_real_value(v));
			vals[i] = xstrdup(num);
		} else if (json_is_boolean(v)) {
			vals[i] = xstrdup(json_is_true(v) ? "true" : "false");
		}
	}
	json_decref(root);
	return 0;
}
