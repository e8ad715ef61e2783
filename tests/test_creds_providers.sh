#!/bin/bash
# test_creds_providers.sh - the credential providers that talk HTTP (IMDSv2,
# container, IAM Identity Center, STS web identity and AssumeRole with an
# external id, retries) against stand-in servers on 127.0.0.1
# (tests/creds_standin.py), driving the real binary.  See
# tests/creds_providers.py.
exec /usr/bin/python3 "$(dirname "$0")/creds_providers.py" "$@"
