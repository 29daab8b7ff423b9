"""The audit trail end to end: every call — success, AccessDenied, failed authentication,
validation error — is recorded as a CloudTrail event, findable with boto3's
`cloudtrail.lookup_events` and the AWS CLI, with the right identity and error code."""

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, aws_cli, client


def eventually(cloudtrail, attributes, done, seconds=30):
    """The events matching `attributes` once `done(events)` holds (records of failed
    unauthenticated calls arrive as aggregates at the end of an interval)."""
    deadline = time.monotonic() + seconds
    while True:
        events = lookup_all(cloudtrail, LookupAttributes=attributes)
        if done(events) or time.monotonic() > deadline:
            assert done(events), events
            return events
        time.sleep(0.2)


def lookup_all(cloudtrail, **kwargs):
    """Every event matching the query, following NextToken."""
    events, token = [], None
    while True:
        page = cloudtrail.lookup_events(**kwargs, **({"NextToken": token} if token else {}))
        events.extend(page["Events"])
        token = page.get("NextToken")
        if not token:
            return events


def parsed(event):
    return json.loads(event["CloudTrailEvent"])


@pytest.fixture(scope="module")
def auditee(server):
    iam = client("iam", server.endpoint)
    name = f"auditee-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    iam.put_user_policy(
        UserName=name,
        PolicyName="self-read",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}],
            }
        ),
    )
    return name, key


def test_each_call_is_recorded_with_identity_and_outcome(server, auditee):
    name, key = auditee
    as_user = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    as_user.get_user(UserName=name)
    with pytest.raises(ClientError) as denied:
        as_user.create_user(UserName=f"{name}-x")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    denied_id = denied.value.response["ResponseMetadata"]["RequestId"]

    cloudtrail = client("cloudtrail", server.endpoint)
    events = lookup_all(cloudtrail, LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": name}])
    by_name = {}
    for event in events:
        by_name.setdefault(event["EventName"], []).append(event)
    get_user = parsed(by_name["GetUser"][0])
    assert get_user["userIdentity"]["type"] == "IAMUser"
    assert get_user["userIdentity"]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
    assert get_user["userIdentity"]["accessKeyId"] == key["AccessKeyId"]
    assert get_user["eventSource"] == "iam.amazonaws.com"
    assert get_user["readOnly"] is True and "errorCode" not in get_user
    assert get_user["requestParameters"] == {"userName": name}
    assert get_user["sourceIPAddress"] == "127.0.0.1"
    assert "Boto3" in get_user["userAgent"]
    create = parsed(by_name["CreateUser"][0])
    assert create["errorCode"] == "AccessDenied"
    assert create["requestID"] == denied_id
    assert "not authorized to perform: iam:CreateUser" in create["errorMessage"]
    assert by_name["CreateUser"][0]["Username"] == name
    assert by_name["CreateUser"][0]["AccessKeyId"] == key["AccessKeyId"]


def test_failed_authentication_and_validation_errors_are_recorded(server, auditee):
    name, key = auditee
    unknown = "AKIA" + uuid.uuid4().hex[:16].upper()
    with pytest.raises(ClientError) as bad_key:
        client("sts", server.endpoint, unknown, "x" * 40).get_caller_identity()
    assert bad_key.value.response["Error"]["Code"] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as bad_signature:
        client("iam", server.endpoint, key["AccessKeyId"], "wrong" * 8).get_user()
    assert bad_signature.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as invalid:
        client("iam", server.endpoint).create_user(UserName="x" * 65)
    assert invalid.value.response["Error"]["Code"] == "ValidationError"

    cloudtrail = client("cloudtrail", server.endpoint)
    # Failed unauthenticated calls are recorded as aggregates, written once per interval
    # (one second for this server).
    [unknown_event] = eventually(cloudtrail, [{"AttributeKey": "AccessKeyId", "AttributeValue": unknown}], bool)
    record = parsed(unknown_event)
    assert record["eventName"] == "GetCallerIdentity"
    assert record["eventSource"] == "sts.amazonaws.com"
    assert record["errorCode"] == "InvalidClientTokenId"
    assert record["userIdentity"] == {"type": "Unknown", "accessKeyId": unknown}
    assert record["additionalEventData"]["aggregatedEventCount"] == 1
    assert record["additionalEventData"]["accessKeyIds"] == [unknown]

    by_key = [{"AttributeKey": "AccessKeyId", "AttributeValue": key["AccessKeyId"]}]
    eventually(cloudtrail, by_key, lambda events: "SignatureDoesNotMatch" in {parsed(e).get("errorCode") for e in events})

    creates = lookup_all(cloudtrail, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])
    invalid_events = [e for e in creates if parsed(e).get("requestParameters", {}) == {"userName": "x" * 65}]
    assert invalid_events and parsed(invalid_events[0])["errorCode"] == "ValidationError"
    assert parsed(invalid_events[0])["userIdentity"]["type"] == "Root"
    assert invalid_events[0]["Username"] == "root"


def test_secrets_never_reach_the_trail(server):
    iam = client("iam", server.endpoint)
    name = f"keyed-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    secret = iam.create_access_key(UserName=name)["AccessKey"]["SecretAccessKey"]
    cloudtrail = client("cloudtrail", server.endpoint)
    events = lookup_all(cloudtrail, LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": name}])
    names = {e["EventName"] for e in events}
    assert {"CreateUser", "CreateAccessKey"} <= names
    for event in events:
        assert secret not in event["CloudTrailEvent"]
    created = next(parsed(e) for e in events if e["EventName"] == "CreateAccessKey")
    assert created["responseElements"]["accessKey"]["userName"] == name
    assert "secretAccessKey" not in created["responseElements"]["accessKey"]


def test_lookup_is_authorized_audited_and_validated(server, auditee):
    name, key = auditee
    as_user = client("cloudtrail", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as denied:
        as_user.lookup_events()
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert denied.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: cloudtrail:LookupEvents "
        "on resource: * because no identity-based policy allows the cloudtrail:LookupEvents action"
    )
    cloudtrail = client("cloudtrail", server.endpoint)
    lookups = lookup_all(cloudtrail, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "LookupEvents"}])
    assert any(parsed(e)["userIdentity"].get("userName") == name for e in lookups)

    page = cloudtrail.lookup_events(MaxResults=2)
    assert len(page["Events"]) == 2 and page["NextToken"]
    newer, older = page["Events"]
    assert newer["EventTime"] >= older["EventTime"]
    following = cloudtrail.lookup_events(MaxResults=2, NextToken=page["NextToken"])
    assert not {e["EventId"] for e in following["Events"]} & {e["EventId"] for e in page["Events"]}
    for bad, code in [
        ({"MaxResults": 51}, "ValidationException"),  # the model bounds MaxResults to 1..50
        ({"NextToken": "garbage"}, "InvalidNextTokenException"),
        ({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "a"}, {"AttributeKey": "Username", "AttributeValue": "b"}]}, "InvalidLookupAttributesException"),
        ({"StartTime": time.time(), "EndTime": time.time() - 3600}, "InvalidTimeRangeException"),
    ]:
        with pytest.raises(ClientError) as err:
            cloudtrail.lookup_events(**bad)
        assert err.value.response["Error"]["Code"] == code, bad


def test_aws_cli_finds_events(server, auditee):
    name, _ = auditee
    result = aws_cli(
        server.endpoint,
        "cloudtrail",
        "lookup-events",
        "--lookup-attributes",
        f"AttributeKey=ResourceName,AttributeValue={name}",
        "--region",
        "us-east-1",
    )
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["Events"]
    assert "CreateUser" in {e["EventName"] for e in events}


def test_trails_crud(server):
    cloudtrail = client("cloudtrail", server.endpoint)
    created = cloudtrail.create_trail(Name="crud-trail", S3BucketName="crud-bucket", EnableLogFileValidation=True)
    assert created["TrailARN"] == f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_ID}:trail/crud-trail"
    assert created["LogFileValidationEnabled"] is True
    with pytest.raises(ClientError) as err:
        cloudtrail.create_trail(Name="crud-trail", S3BucketName="crud-bucket")
    assert err.value.response["Error"]["Code"] == "TrailAlreadyExistsException"
    with pytest.raises(ClientError) as err:
        cloudtrail.create_trail(Name="-bad-", S3BucketName="crud-bucket")
    assert err.value.response["Error"]["Code"] == "InvalidTrailNameException"
    assert [t["Name"] for t in cloudtrail.describe_trails(trailNameList=["crud-trail"])["trailList"]] == ["crud-trail"]
    assert cloudtrail.get_trail(Name=created["TrailARN"])["Trail"]["S3BucketName"] == "crud-bucket"
    assert cloudtrail.get_trail_status(Name="crud-trail")["IsLogging"] is False
    cloudtrail.start_logging(Name="crud-trail")
    status = cloudtrail.get_trail_status(Name="crud-trail")
    assert status["IsLogging"] is True and "StartLoggingTime" in status
    cloudtrail.stop_logging(Name="crud-trail")
    assert cloudtrail.get_trail_status(Name="crud-trail")["IsLogging"] is False
    updated = cloudtrail.update_trail(Name="crud-trail", S3KeyPrefix="logs")
    assert updated["S3KeyPrefix"] == "logs"
    cloudtrail.delete_trail(Name="crud-trail")
    with pytest.raises(ClientError) as err:
        cloudtrail.get_trail(Name="crud-trail")
    assert err.value.response["Error"]["Code"] == "TrailNotFoundException"
    events = lookup_all(cloudtrail, LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "cloudtrail.amazonaws.com"}])
    assert {"CreateTrail", "StartLogging", "DeleteTrail"} <= {e["EventName"] for e in events}


def test_list_public_keys_publishes_the_digest_key(server):
    cloudtrail = client("cloudtrail", server.endpoint)
    [key] = cloudtrail.list_public_keys()["PublicKeyList"]
    assert len(key["Fingerprint"]) == 32 and key["Value"][:1] == b"\x30"  # DER SEQUENCE
    assert key["ValidityStartTime"] < key["ValidityEndTime"]
    import hashlib

    assert hashlib.md5(key["Value"]).hexdigest() == key["Fingerprint"]
