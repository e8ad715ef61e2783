/* fuzz_s3_xml.c - the parsers of S3's XML answers (s3.h): the error
 * document, ListObjectsV2, ListObjectVersions, ListMultipartUploads,
 * ListParts, InitiateMultipartUpload and GetBucketLocation.  A hostile or
 * broken server writes these bytes.
 *
 * Input: the first byte picks the parser; the rest is the answer body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "s3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sink;

static int on_entry(void *ctx, const struct s3_list_entry *e)
{
	(void)ctx;
	sink += strlen(e->key ? e->key : "") + (size_t)e->size;
	if (e->etag)
		sink += strlen(e->etag);
	if (e->version_id)
		sink += strlen(e->version_id);
	return 0;
}

static int on_upload(void *ctx, const struct s3_upload *u)
{
	(void)ctx;
	sink += strlen(u->key) + strlen(u->upload_id);
	if (u->initiator_id)
		sink += strlen(u->initiator_id);
	return 0;
}

static int on_part(void *ctx, const struct s3_part *p)
{
	(void)ctx;
	sink += (size_t)p->part_number + (size_t)p->size;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = size ? (const char *)data + 1 : "";
	size_t len = size ? size - 1 : 0;
	struct s3_response r = S3_RESPONSE_INIT;
	struct s3_list_page page;
	struct s3p_error err;
	char loc[64], *id = NULL;

	memset(&page, 0, sizeof page);
	switch (size ? data[0] % 7 : 0) {
	case 0:
		(void)s3_parse_error(body, len, &r, &err);
		s3_response_release(&r);
		break;
	case 1:
		(void)s3_parse_list_objects(body, len, on_entry, NULL, &page, &err);
		break;
	case 2:
		(void)s3_parse_list_versions(body, len, on_entry, NULL, &page, &err);
		break;
	case 3:
		(void)s3_parse_list_uploads(body, len, on_upload, NULL, &page, &err);
		break;
	case 4:
		(void)s3_parse_list_parts(body, len, on_part, NULL, &page, &err);
		break;
	case 5:
		(void)s3_parse_initiate_multipart(body, len, &id, &err);
		free(id);
		break;
	default:
		if (s3_parse_location(body, len, loc, sizeof loc, &err) == 0)
			sink += strlen(s3_location_to_region(loc));
		break;
	}
	s3_list_page_release(&page);
	return 0;
}
