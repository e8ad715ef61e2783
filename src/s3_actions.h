/* s3_actions.h - which resource types each Amazon S3 action applies to.
 *
 * A data table transcribed from AWS's Service Authorization Reference,
 * "Actions, resources, and condition keys for Amazon S3" (service prefix
 * s3): every s3: action with the resource types of its "Resource types"
 * column, and the ARN format of every resource type.  An action whose
 * column is empty applies only to Resource "*".  An action missing from the
 * table is unknown to s3perm (lint never claims it does not apply).
 *
 * Everything here is static data: nothing to free.
 */
#ifndef S3P_S3_ACTIONS_H
#define S3P_S3_ACTIONS_H

#include <stddef.h>

/* Resource types (bit flags). */
enum s3_rtype {
	S3_RT_ACCESSGRANT               = 1u << 0,
	S3_RT_ACCESSGRANTSINSTANCE      = 1u << 1,
	S3_RT_ACCESSGRANTSLOCATION      = 1u << 2,
	S3_RT_ACCESSPOINT               = 1u << 3,
	S3_RT_ACCESSPOINTOBJECT         = 1u << 4,
	S3_RT_BUCKET                    = 1u << 5,
	S3_RT_JOB                       = 1u << 6,
	S3_RT_MULTIREGIONACCESSPOINT    = 1u << 7,
	S3_RT_MULTIREGIONACCESSPOINTREQUESTARN = 1u << 8,
	S3_RT_OBJECT                    = 1u << 9,
	S3_RT_OBJECTLAMBDAACCESSPOINT   = 1u << 10,
	S3_RT_STORAGELENSCONFIGURATION  = 1u << 11,
	S3_RT_STORAGELENSGROUP          = 1u << 12
};

struct s3_resource_type {
	unsigned type;          /* one enum s3_rtype bit */
	const char *name;       /* "bucket", as the reference names it */
	const char *arn;        /* "arn:${Partition}:s3:::${BucketName}" */
};

struct s3_action {
	const char *name;       /* without the service prefix: "GetObject" */
	unsigned types;         /* enum s3_rtype bits; 0: only Resource "*" */
};

extern const struct s3_resource_type s3_resource_types[];
extern const size_t s3_resource_types_count;
extern const struct s3_action s3_actions[];   /* sorted by name */
extern const size_t s3_actions_count;

/* The entry of an action named as in a policy ("s3:GetObject", prefix and
 * name case-insensitive), or NULL when it is not an s3: action in the
 * table (an unknown action, another service, or a wildcard). */
const struct s3_action *s3_action_find(const char *action);

/* 0 when a request authorized as `action` ("s3:GetObject") can never
 * carry the condition key key[0..len) (e.g. s3:x-amz-server-side-encryption
 * on ListBucket, s3:prefix on GetObject); 1 when it may, and for every key
 * and action the table does not know. */
int s3_action_may_carry(const char *action, const char *key, size_t len);

/* "bucket, object" for a set of types, into out[size]. */
void s3_rtype_names(unsigned types, char *out, size_t size);

#endif
