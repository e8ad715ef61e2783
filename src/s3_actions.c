/* s3_actions.c - the action -> resource-type table of Amazon S3.
 *
 * Source: AWS Service Authorization Reference, "Actions, resources, and
 * condition keys for Amazon S3" (list_amazons3), actions table, column
 * "Resource types (*required)", and the resource types table (ARN
 * formats), as published in 2026.  Data only: update it from that page when
 * AWS adds actions.  Names are sorted (strcasecmp order) for bsearch.
 */
#include "s3_actions.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <strings.h>

const struct s3_resource_type s3_resource_types[] = {
	{ S3_RT_ACCESSGRANT, "accessgrant",
	  "arn:${Partition}:s3:${Region}:${Account}:"
	  "access-grants/default/grant/${Token}" },
	{ S3_RT_ACCESSGRANTSINSTANCE, "accessgrantsinstance",
	  "arn:${Partition}:s3:${Region}:${Account}:access-grants/default" },
	{ S3_RT_ACCESSGRANTSLOCATION, "accessgrantslocation",
	  "arn:${Partition}:s3:${Region}:${Account}:"
	  "access-grants/default/location/${Token}" },
	{ S3_RT_ACCESSPOINT, "accesspoint",
	  "arn:${Partition}:s3:${Region}:${Account}:"
	  "accesspoint/${AccessPointName}" },
	{ S3_RT_ACCESSPOINTOBJECT, "accesspointobject",
	  "arn:${Partition}:s3:${Region}:${Account}:"
	  "accesspoint/${AccessPointName}/object/${ObjectName}" },
	{ S3_RT_BUCKET, "bucket",
	  "arn:${Partition}:s3:::${BucketName}" },
	{ S3_RT_JOB, "job",
	  "arn:${Partition}:s3:${Region}:${Account}:job/${JobId}" },
	{ S3_RT_MULTIREGIONACCESSPOINT, "multiregionaccesspoint",
	  "arn:${Partition}:s3::${Account}:accesspoint/${AccessPointAlias}" },
	{ S3_RT_MULTIREGIONACCESSPOINTREQUESTARN, "multiregionaccesspointrequestarn",
	  "arn:${Partition}:s3:us-west-2:${Account}:"
	  "async-request/mrap/${Operation}/${Token}" },
	{ S3_RT_OBJECT, "object",
	  "arn:${Partition}:s3:::${BucketName}/${ObjectName}" },
	{ S3_RT_OBJECTLAMBDAACCESSPOINT, "objectlambdaaccesspoint",
	  "arn:${Partition}:s3-object-lambda:${Region}:${Account}:"
	  "accesspoint/${AccessPointName}" },
	{ S3_RT_STORAGELENSCONFIGURATION, "storagelensconfiguration",
	  "arn:${Partition}:s3:${Region}:${Account}:storage-lens/${ConfigId}" },
	{ S3_RT_STORAGELENSGROUP, "storagelensgroup",
	  "arn:${Partition}:s3:${Region}:${Account}:"
	  "storage-lens-group/${Name}" },
};
const size_t s3_resource_types_count =
	sizeof(s3_resource_types) / sizeof(s3_resource_types[0]);

#define B S3_RT_BUCKET
#define O S3_RT_OBJECT
#define AP S3_RT_ACCESSPOINT
#define APO S3_RT_ACCESSPOINTOBJECT

const struct s3_action s3_actions[] = {
	{ "AbortMultipartUpload", APO | O },
	{ "AssociateAccessGrantsIdentityCenter", S3_RT_ACCESSGRANTSINSTANCE },
	{ "BypassGovernanceRetention", APO | O },
	{ "CreateAccessGrant", S3_RT_ACCESSGRANTSLOCATION },
	{ "CreateAccessGrantsInstance", S3_RT_ACCESSGRANTSINSTANCE },
	{ "CreateAccessGrantsLocation", S3_RT_ACCESSGRANTSINSTANCE },
	{ "CreateAccessPoint", AP },
	{ "CreateAccessPointForObjectLambda", S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "CreateBucket", B },
	{ "CreateBucketMetadataTableConfiguration", B },
	{ "CreateJob", 0 },
	{ "CreateMultiRegionAccessPoint", S3_RT_MULTIREGIONACCESSPOINT },
	{ "CreateStorageLensGroup", 0 },
	{ "DeleteAccessGrant", S3_RT_ACCESSGRANT },
	{ "DeleteAccessGrantsInstance", S3_RT_ACCESSGRANTSINSTANCE },
	{ "DeleteAccessGrantsInstanceResourcePolicy",
	  S3_RT_ACCESSGRANTSINSTANCE },
	{ "DeleteAccessGrantsLocation", S3_RT_ACCESSGRANTSLOCATION },
	{ "DeleteAccessPoint", AP },
	{ "DeleteAccessPointForObjectLambda", S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "DeleteAccessPointPolicy", AP },
	{ "DeleteAccessPointPolicyForObjectLambda",
	  S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "DeleteBucket", B },
	{ "DeleteBucketMetadataTableConfiguration", B },
	{ "DeleteBucketPolicy", B },
	{ "DeleteBucketWebsite", B },
	{ "DeleteJobTagging", S3_RT_JOB },
	{ "DeleteMultiRegionAccessPoint", S3_RT_MULTIREGIONACCESSPOINT },
	{ "DeleteObject", APO | O },
	{ "DeleteObjectTagging", APO | O },
	{ "DeleteObjectVersion", APO | O },
	{ "DeleteObjectVersionTagging", APO | O },
	{ "DeleteStorageLensConfiguration", S3_RT_STORAGELENSCONFIGURATION },
	{ "DeleteStorageLensConfigurationTagging",
	  S3_RT_STORAGELENSCONFIGURATION },
	{ "DeleteStorageLensGroup", S3_RT_STORAGELENSGROUP },
	{ "DescribeJob", S3_RT_JOB },
	{ "DescribeMultiRegionAccessPointOperation",
	  S3_RT_MULTIREGIONACCESSPOINTREQUESTARN },
	{ "DissociateAccessGrantsIdentityCenter", S3_RT_ACCESSGRANTSINSTANCE },
	{ "GetAccelerateConfiguration", B },
	{ "GetAccessGrant", S3_RT_ACCESSGRANT },
	{ "GetAccessGrantsInstance", S3_RT_ACCESSGRANTSINSTANCE },
	{ "GetAccessGrantsInstanceForPrefix", S3_RT_ACCESSGRANTSINSTANCE },
	{ "GetAccessGrantsInstanceResourcePolicy",
	  S3_RT_ACCESSGRANTSINSTANCE },
	{ "GetAccessGrantsLocation", S3_RT_ACCESSGRANTSLOCATION },
	{ "GetAccessPoint", 0 },
	{ "GetAccessPointConfigurationForObjectLambda",
	  S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "GetAccessPointForObjectLambda", S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "GetAccessPointPolicy", AP },
	{ "GetAccessPointPolicyForObjectLambda",
	  S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "GetAccessPointPolicyStatus", AP },
	{ "GetAccessPointPolicyStatusForObjectLambda",
	  S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "GetAccountPublicAccessBlock", 0 },
	{ "GetAnalyticsConfiguration", B },
	{ "GetBucketAbac", B },
	{ "GetBucketAcl", AP | B },
	{ "GetBucketCORS", AP | B },
	{ "GetBucketLocation", AP | B },
	{ "GetBucketLogging", B },
	{ "GetBucketMetadataTableConfiguration", B },
	{ "GetBucketNotification", AP | B },
	{ "GetBucketObjectLockConfiguration", B },
	{ "GetBucketOwnershipControls", B },
	{ "GetBucketPolicy", AP | B },
	{ "GetBucketPolicyStatus", B },
	{ "GetBucketPublicAccessBlock", B },
	{ "GetBucketRequestPayment", B },
	{ "GetBucketTagging", B },
	{ "GetBucketVersioning", B },
	{ "GetBucketWebsite", B },
	{ "GetDataAccess", S3_RT_ACCESSGRANTSINSTANCE },
	{ "GetEncryptionConfiguration", B },
	{ "GetIntelligentTieringConfiguration", B },
	{ "GetInventoryConfiguration", B },
	{ "GetJobTagging", S3_RT_JOB },
	{ "GetLifecycleConfiguration", B },
	{ "GetMetricsConfiguration", B },
	{ "GetMultiRegionAccessPoint", S3_RT_MULTIREGIONACCESSPOINT },
	{ "GetMultiRegionAccessPointPolicy", S3_RT_MULTIREGIONACCESSPOINT },
	{ "GetMultiRegionAccessPointPolicyStatus",
	  S3_RT_MULTIREGIONACCESSPOINT },
	{ "GetMultiRegionAccessPointRoutes", S3_RT_MULTIREGIONACCESSPOINT },
	{ "GetObject", APO | O },
	{ "GetObjectAcl", APO | O },
	{ "GetObjectAttributes", APO | O },
	{ "GetObjectLegalHold", APO | O },
	{ "GetObjectRetention", APO | O },
	{ "GetObjectTagging", APO | O },
	{ "GetObjectTorrent", O },
	{ "GetObjectVersion", APO | O },
	{ "GetObjectVersionAcl", APO | O },
	{ "GetObjectVersionAttributes", APO | O },
	{ "GetObjectVersionForReplication", O },
	{ "GetObjectVersionTagging", APO | O },
	{ "GetObjectVersionTorrent", O },
	{ "GetReplicationConfiguration", B },
	{ "GetStorageLensConfiguration", S3_RT_STORAGELENSCONFIGURATION },
	{ "GetStorageLensConfigurationTagging",
	  S3_RT_STORAGELENSCONFIGURATION },
	{ "GetStorageLensDashboard", S3_RT_STORAGELENSCONFIGURATION },
	{ "GetStorageLensGroup", S3_RT_STORAGELENSGROUP },
	{ "InitiateReplication", O },
	{ "ListAccessGrants", S3_RT_ACCESSGRANTSINSTANCE },
	{ "ListAccessGrantsInstances", 0 },
	{ "ListAccessGrantsLocations", S3_RT_ACCESSGRANTSINSTANCE },
	{ "ListAccessPoints", 0 },
	{ "ListAccessPointsForObjectLambda", 0 },
	{ "ListAllMyBuckets", 0 },
	{ "ListBucket", AP | B },
	{ "ListBucketMultipartUploads", B },
	{ "ListBucketVersions", AP | B },
	{ "ListCallerAccessGrants", S3_RT_ACCESSGRANTSINSTANCE },
	{ "ListJobs", 0 },
	{ "ListMultipartUploadParts", APO | O },
	{ "ListMultiRegionAccessPoints", 0 },
	{ "ListStorageLensConfigurations", 0 },
	{ "ListStorageLensGroups", 0 },
	{ "ListTagsForResource",
	  S3_RT_ACCESSGRANT | S3_RT_ACCESSGRANTSINSTANCE | S3_RT_ACCESSGRANTSLOCATION |
	  AP | B | S3_RT_STORAGELENSGROUP },
	{ "ObjectOwnerOverrideToBucketOwner", O },
	{ "PauseReplication", B },
	{ "PutAccelerateConfiguration", B },
	{ "PutAccessGrantsInstanceResourcePolicy",
	  S3_RT_ACCESSGRANTSINSTANCE },
	{ "PutAccessPointConfigurationForObjectLambda",
	  S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "PutAccessPointPolicy", AP },
	{ "PutAccessPointPolicyForObjectLambda",
	  S3_RT_OBJECTLAMBDAACCESSPOINT },
	{ "PutAccessPointPublicAccessBlock", 0 },
	{ "PutAccountPublicAccessBlock", 0 },
	{ "PutAnalyticsConfiguration", B },
	{ "PutBucketAbac", B },
	{ "PutBucketAcl", B },
	{ "PutBucketCORS", B },
	{ "PutBucketLogging", B },
	{ "PutBucketNotification", B },
	{ "PutBucketObjectLockConfiguration", B },
	{ "PutBucketOwnershipControls", B },
	{ "PutBucketPolicy", B },
	{ "PutBucketPublicAccessBlock", B },
	{ "PutBucketRequestPayment", B },
	{ "PutBucketTagging", B },
	{ "PutBucketVersioning", B },
	{ "PutBucketWebsite", B },
	{ "PutEncryptionConfiguration", B },
	{ "PutIntelligentTieringConfiguration", B },
	{ "PutInventoryConfiguration", B },
	{ "PutJobTagging", S3_RT_JOB },
	{ "PutLifecycleConfiguration", B },
	{ "PutMetricsConfiguration", B },
	{ "PutMultiRegionAccessPointPolicy", S3_RT_MULTIREGIONACCESSPOINT },
	{ "PutObject", APO | O },
	{ "PutObjectAcl", APO | O },
	{ "PutObjectLegalHold", APO | O },
	{ "PutObjectRetention", APO | O },
	{ "PutObjectTagging", APO | O },
	{ "PutObjectVersionAcl", APO | O },
	{ "PutObjectVersionTagging", APO | O },
	{ "PutReplicationConfiguration", B },
	{ "PutStorageLensConfiguration", 0 },
	{ "PutStorageLensConfigurationTagging",
	  S3_RT_STORAGELENSCONFIGURATION },
	{ "ReplicateDelete", O },
	{ "ReplicateObject", O },
	{ "ReplicateTags", O },
	{ "RestoreObject", APO | O },
	{ "SubmitMultiRegionAccessPointRoutes", S3_RT_MULTIREGIONACCESSPOINT },
	{ "TagResource",
	  S3_RT_ACCESSGRANT | S3_RT_ACCESSGRANTSINSTANCE | S3_RT_ACCESSGRANTSLOCATION |
	  AP | B | S3_RT_STORAGELENSGROUP },
	{ "UntagResource",
	  S3_RT_ACCESSGRANT | S3_RT_ACCESSGRANTSINSTANCE | S3_RT_ACCESSGRANTSLOCATION |
	  AP | B | S3_RT_STORAGELENSGROUP },
	{ "UpdateAccessGrantsLocation", S3_RT_ACCESSGRANTSLOCATION },
	{ "UpdateBucketMetadataInventoryTableConfiguration", B },
	{ "UpdateBucketMetadataJournalTableConfiguration", B },
	{ "UpdateJobPriority", S3_RT_JOB },
	{ "UpdateJobStatus", S3_RT_JOB },
	{ "UpdateObjectEncryption", APO | O },
	{ "UpdateStorageLensGroup", S3_RT_STORAGELENSGROUP },
};
const size_t s3_actions_count = sizeof(s3_actions) / sizeof(s3_actions[0]);

#undef B
#undef O
#undef AP
#undef APO

static int cmp_action(const void *key, const void *elem)
{
	const struct s3_action *a = elem;

	return strcasecmp(key, a->name);
}

const struct s3_action *s3_action_find(const char *action)
{
	if (!action || strncasecmp(action, "s3:", 3))
		return NULL;
	return bsearch(action + 3, s3_actions, s3_actions_count,
		       sizeof(s3_actions[0]), cmp_action);
}

/* Condition keys that only some requests carry (the "Condition keys"
 * column of the same reference), with the actions whose requests may carry
 * them, by the start of their names; "@object" is every action on objects.
 * Cautious: a key is here only when the requests of the other actions
 * never carry it (a GET, LIST or DELETE sends no storage class, ACL, tag
 * set or encryption request header; only listings take a prefix,
 * delimiter or max-keys; only version actions name a version id). */
static const struct key_rule {
	const char *key;        /* lower case; a final '/' matches any tag */
	const char *carriers[4];
} key_rules[] = {
	{ "s3:prefix", { "List" } },
	{ "s3:delimiter", { "List" } },
	{ "s3:max-keys", { "List" } },
	{ "s3:versionid", { "@version" } },
	{ "s3:existingobjecttag/", { "@object" } },
	{ "s3:requestobjecttag/", { "Put", "Create", "Replicate" } },
	{ "s3:requestobjecttagkeys", { "Put", "Create", "Replicate" } },
	{ "s3:x-amz-acl", { "Put", "Create" } },
	{ "s3:x-amz-grant-full-control", { "Put", "Create" } },
	{ "s3:x-amz-grant-read", { "Put", "Create" } },
	{ "s3:x-amz-grant-read-acp", { "Put", "Create" } },
	{ "s3:x-amz-grant-write", { "Put", "Create" } },
	{ "s3:x-amz-grant-write-acp", { "Put", "Create" } },
	{ "s3:x-amz-copy-source", { "Put" } },
	{ "s3:x-amz-metadata-directive", { "Put" } },
	{ "s3:x-amz-server-side-encryption", { "Put", "Replicate" } },
	{ "s3:x-amz-server-side-encryption-aws-kms-key-id",
	  { "Put", "Replicate" } },
	{ "s3:x-amz-storage-class", { "Put", "Replicate" } },
	{ "s3:x-amz-website-redirect-location", { "Put" } },
};

int s3_action_may_carry(const char *action, const char *key, size_t len)
{
	const struct s3_action *a = s3_action_find(action);

	if (!a)
		return 1;
	for (size_t i = 0; i < sizeof(key_rules) / sizeof(key_rules[0]); i++) {
		const struct key_rule *r = &key_rules[i];
		size_t rl = strlen(r->key);
		int tag = r->key[rl - 1] == '/';

		if (tag ? len <= rl || strncasecmp(key, r->key, rl)
			: len != rl || strncasecmp(key, r->key, rl))
			continue;
		for (size_t j = 0; j < 4 && r->carriers[j]; j++) {
			const char *c = r->carriers[j];

			if (!strcmp(c, "@object") ? (a->types & S3_RT_OBJECT) != 0
			    : !strcmp(c, "@version") ? strstr(a->name,
							      "Version") != NULL
			    : !strncmp(a->name, c, strlen(c)))
				return 1;
		}
		return 0;
	}
	return 1;
}

void s3_rtype_names(unsigned types, char *out, size_t size)
{
	size_t len = 0;

	if (!size)
		return;
	out[0] = '\0';
	if (!types) {
		snprintf(out, size, "*");
		return;
	}
	for (size_t i = 0; i < s3_resource_types_count; i++) {
		if (!(types & s3_resource_types[i].type))
			continue;
		int n = snprintf(out + len, size - len, "%s%s",
				 len ? ", " : "", s3_resource_types[i].name);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
}
