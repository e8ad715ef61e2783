/* temporary */
#include "creds_int.h"
int creds_webid_load(struct creds_ctx *cx, const char *profile,
		     struct creds *out, struct s3p_error *err)
{ (void)out; (void)err; creds_tried(cx, "web identity", "x"); (void)profile; return CREDS_NOT_APPLICABLE; }
int creds_sso_load(struct creds_ctx *cx, const char *profile,
		     struct creds *out, struct s3p_error *err)
{ (void)out; (void)err; creds_tried(cx, "sso", "x"); (void)profile; return CREDS_NOT_APPLICABLE; }
int creds_ecs_load(struct creds_ctx *cx, const char *profile,
		     struct creds *out, struct s3p_error *err)
{ (void)out; (void)err; creds_tried(cx, "container", "x"); (void)profile; return CREDS_NOT_APPLICABLE; }
int creds_imds_load(struct creds_ctx *cx, const char *profile,
		     struct creds *out, struct s3p_error *err)
{ (void)out; (void)err; creds_tried(cx, "imds", "x"); (void)profile; return CREDS_NOT_APPLICABLE; }
