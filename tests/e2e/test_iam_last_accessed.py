"""Service last accessed reports end to end with boto3 and the AWS CLI: a user's, a group's,
a role's and a managed policy's report list the services their policies allow, with the
latest attempt (allowed or denied) by the entities they cover; action-level reports list
tracked actions; the attempts survive a restart."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, aws_cli, client, start_server, stop_server

READ_IAM_AND_KMS = json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUsers"], "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
    ],
})


def report(iam, arn, granularity="SERVICE_LEVEL"):
    job = iam.generate_service_last_accessed_details(Arn=arn, Granularity=granularity)["JobId"]
    services = {}
    for page in pages(iam, job):
        assert page["JobStatus"] == "COMPLETED"
        assert page["JobType"] == granularity
        services.update((s["ServiceNamespace"], s) for s in page["ServicesLastAccessed"])
    return job, services


def pages(iam, job, **kwargs):
    """Every page of a report, following markers (botocore has no paginator for it)."""
    page = iam.get_service_last_accessed_details(JobId=job, **kwargs)
    yield page
    while page.get("IsTruncated"):
        page = iam.get_service_last_accessed_details(JobId=job, Marker=page["Marker"], **kwargs)
        yield page


def user_with_key(iam, name, policy=None):
    user = iam.create_user(UserName=name)["User"]
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return user, key


def delete_user(iam, name):
    """Removes a user these tests made, with its keys, inline policies and memberships, so
    tests that list the account's entities see only their own."""
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=policy)
    for group in iam.list_groups_for_user(UserName=name)["Groups"]:
        iam.remove_user_from_group(GroupName=group["GroupName"], UserName=name)
    iam.delete_user(UserName=name)


def test_a_users_report_shows_its_allowed_services_and_attempts(server, iam):
    user, key = user_with_key(iam, "sla-reader", READ_IAM_AND_KMS)
    as_user = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    as_user.list_users()
    # A denied attempt counts too, as AWS documents.
    with pytest.raises(ClientError) as err:
        as_user.list_roles()
    assert err.value.response["Error"]["Code"] == "AccessDenied"

    _, services = report(iam, user["Arn"])
    assert list(services) == ["iam", "kms"]
    iam_row = services["iam"]
    assert iam_row["ServiceName"] == "AWS Identity and Access Management (IAM)"
    assert iam_row["LastAuthenticatedEntity"] == user["Arn"]
    assert iam_row["LastAuthenticatedRegion"] == "us-east-1"
    assert iam_row["TotalAuthenticatedEntities"] == 1
    assert "LastAuthenticated" in iam_row
    kms_row = services["kms"]
    assert "LastAuthenticated" not in kms_row and kms_row["TotalAuthenticatedEntities"] == 0

    job, services = report(iam, user["Arn"], "ACTION_LEVEL")
    actions = {a["ActionName"]: a for a in services["iam"]["TrackedActionsLastAccessed"]}
    assert set(actions) == {"GetUser", "ListUsers"}
    assert actions["ListUsers"]["LastAccessedEntity"] == user["Arn"]
    assert "LastAccessedTime" not in actions["GetUser"]

    entities = iam.get_service_last_accessed_details_with_entities(
        JobId=job, ServiceNamespace="iam"
    )["EntityDetailsList"]
    assert [e["EntityInfo"]["Arn"] for e in entities] == [user["Arn"]]
    assert entities[0]["EntityInfo"]["Type"] == "USER"
    assert entities[0]["EntityInfo"]["Id"] == user["UserId"]
    delete_user(iam, "sla-reader")


def test_group_and_policy_reports_cover_their_members(server, iam):
    policy = iam.create_policy(PolicyName="sla-shared", PolicyDocument=READ_IAM_AND_KMS)["Policy"]
    iam.create_group(GroupName="sla-team")
    iam.attach_group_policy(GroupName="sla-team", PolicyArn=policy["Arn"])
    first, first_key = user_with_key(iam, "sla-member-1")
    second, _ = user_with_key(iam, "sla-member-2")
    for name in ("sla-member-1", "sla-member-2"):
        iam.add_user_to_group(GroupName="sla-team", UserName=name)
    client("iam", server.endpoint, first_key["AccessKeyId"], first_key["SecretAccessKey"]).get_user()

    for arn in (iam.get_group(GroupName="sla-team")["Group"]["Arn"], policy["Arn"]):
        job, services = report(iam, arn)
        assert services["iam"]["LastAuthenticatedEntity"] == first["Arn"]
        assert services["iam"]["TotalAuthenticatedEntities"] == 1
        entities = iam.get_service_last_accessed_details_with_entities(
            JobId=job, ServiceNamespace="iam"
        )["EntityDetailsList"]
        # The most recent attempt first, then those that made none.
        assert [e["EntityInfo"]["Name"] for e in entities] == ["sla-member-1", "sla-member-2"]
        assert "LastAuthenticated" in entities[0] and "LastAuthenticated" not in entities[1]
    delete_user(iam, "sla-member-1")
    delete_user(iam, "sla-member-2")
    iam.detach_group_policy(GroupName="sla-team", PolicyArn=policy["Arn"])
    iam.delete_group(GroupName="sla-team")
    iam.delete_policy(PolicyArn=policy["Arn"])


def test_a_roles_report_and_the_errors(server, iam):
    trust = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                       "Action": "sts:AssumeRole"}],
    })
    role = iam.create_role(RoleName="sla-role", AssumeRolePolicyDocument=trust)["Role"]
    iam.attach_role_policy(RoleName="sla-role", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    _, services = report(iam, role["Arn"])
    assert {"iam", "kms", "s3", "ec2"} <= set(services)
    assert all("LastAuthenticated" not in row for row in services.values())

    # An AWS managed policy's report covers the account's entities it is attached to.
    job = iam.generate_service_last_accessed_details(
        Arn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )["JobId"]
    entities = iam.get_service_last_accessed_details_with_entities(
        JobId=job, ServiceNamespace="iam"
    )["EntityDetailsList"]
    assert [e["EntityInfo"]["Arn"] for e in entities] == [role["Arn"]]
    assert entities[0]["EntityInfo"]["Type"] == "ROLE"

    for arn in (f"arn:aws:iam::{ACCOUNT_ID}:user/nobody-here", "arn:aws:iam::999999999999:user/other"):
        with pytest.raises(ClientError) as err:
            iam.generate_service_last_accessed_details(Arn=arn)
        assert err.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as err:
        iam.get_service_last_accessed_details(JobId="00000000-0000-4000-8000-000000000000")
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"

    # Pages of 100 by default, in namespace order, following markers to the end.
    job = iam.generate_service_last_accessed_details(Arn=role["Arn"])["JobId"]
    first = iam.get_service_last_accessed_details(JobId=job)
    assert first["IsTruncated"] is True and len(first["ServicesLastAccessed"]) == 100
    seen = [
        row["ServiceNamespace"]
        for page in pages(iam, job, MaxItems=50)
        for row in page["ServicesLastAccessed"]
    ]
    assert seen == sorted(services) and len(seen) > 100
    iam.detach_role_policy(RoleName="sla-role", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.delete_role(RoleName="sla-role")


def test_the_aws_cli_reads_a_report(server, iam):
    user, key = user_with_key(iam, "sla-cli", READ_IAM_AND_KMS)
    client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"]).list_users()
    made = aws_cli(server.endpoint, "iam", "generate-service-last-accessed-details", "--arn", user["Arn"])
    assert made.returncode == 0, made.stderr
    job = json.loads(made.stdout)["JobId"]
    got = aws_cli(server.endpoint, "iam", "get-service-last-accessed-details", "--job-id", job)
    assert got.returncode == 0, got.stderr
    rows = json.loads(got.stdout)["ServicesLastAccessed"]
    assert [r["ServiceNamespace"] for r in rows] == ["iam", "kms"]
    assert rows[0]["LastAuthenticatedEntity"] == user["Arn"]
    delete_user(iam, "sla-cli")


def test_attempts_survive_a_restart(tmp_path):
    srv = start_server(tmp_path / "data")
    try:
        iam = client("iam", srv.endpoint)
        user, key = user_with_key(iam, "sla-durable", READ_IAM_AND_KMS)
        client("iam", srv.endpoint, key["AccessKeyId"], key["SecretAccessKey"]).get_user()
    finally:
        stop_server(srv)
    again = start_server(tmp_path / "data")
    try:
        _, services = report(client("iam", again.endpoint), user["Arn"])
        assert services["iam"]["LastAuthenticatedEntity"] == user["Arn"]
    finally:
        stop_server(again)
